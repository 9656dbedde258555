package dev.visor.tensor;

import java.util.Arrays;

/**
 * Static helpers for shapes and strides: element counts, row-major strides, dimension
 * normalisation and NumPy broadcasting. Shapes are {@code int[]} and are never mutated once a
 * tensor holds them.
 */
public final class Shape {
    private Shape() {}

    /**
     * Number of elements of a shape; the empty shape (a scalar) has one.
     *
     * @param shape the shape
     * @return number of elements of a shape; the empty shape (a scalar) has one
     */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape " + str(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /**
     * Row-major (C order) strides of a shape.
     *
     * @param shape the shape
     * @return row-major (C order) strides of a shape
     */
    public static int[] contiguousStrides(int... shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /**
     * Normalises a possibly negative dimension index ({@code -1} is the last) against a rank.
     *
     * @param dim the dimension (negative counts from the end)
     * @param rank the rank
     * @return the dimension index in {@code 0..rank−1}
     * @throws IllegalArgumentException naming the dimension and rank when out of range
     */
    public static int dim(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(
                    "dimension " + dim + " is out of range for a tensor of rank " + rank
                            + " (expected " + (-rank) + ".." + (rank - 1) + ")");
        }
        return d;
    }

    /**
     * The broadcast shape of two shapes under NumPy rules: align trailing dimensions; each pair must
     * be equal or contain a 1.
     *
     * @param a one shape
     * @param b the other shape
     * @return the broadcast shape of two shapes under NumPy rules: align trailing dimensions; each pair must be equal or contain a 1
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(
                        "shapes " + str(a) + " and " + str(b) + " cannot be broadcast: dimension "
                                + i + " is " + da + " vs " + db + " (expected equal sizes or a 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * {@code "[2, 3, 4]"}.
     *
     * @param shape the shape
     * @return {@code "[2, 3, 4]"}
     */
    public static String str(int... shape) {
        return Arrays.toString(shape);
    }

    /** Checks that a shape is valid (no negative sizes) and returns a defensive copy. */
    static int[] checked(int... shape) {
        numel(shape);
        return shape.clone();
    }

    /** True when {@code strides} lay {@code shape} out in row-major order without gaps (size-1 dimensions may have any stride). */
    static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}
