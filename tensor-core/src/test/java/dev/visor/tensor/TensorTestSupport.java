package dev.visor.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Shapes, layouts and assertions shared by the op test suites. */
final class TensorTestSupport {
    private TensorTestSupport() {}

    /** Shapes of rank {@code minRank..maxRank} with sizes {@code 1..maxSize}. */
    static Arbitrary<int[]> shapes(int minRank, int maxRank, int maxSize) {
        return Arbitraries.integers().between(1, maxSize).list().ofMinSize(minRank).ofMaxSize(maxRank)
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Pairs of shapes that broadcast together: one full shape and a second with some dimensions set
     * to 1 and some leading ones dropped, in either order.
     */
    static Arbitrary<int[][]> broadcastPairs(int maxRank, int maxSize) {
        return shapes(0, maxRank, maxSize).flatMap(s -> Combinators.combine(
                Arbitraries.of(true, false).list().ofSize(s.length),
                Arbitraries.integers().between(0, s.length),
                Arbitraries.of(true, false)).as((ones, drop, swap) -> {
                    int[] b = Arrays.copyOfRange(s, drop, s.length);
                    for (int d = 0; d < b.length; d++) {
                        if (ones.get(d + drop)) {
                            b[d] = 1;
                        }
                    }
                    return swap ? new int[][] {b, s} : new int[][] {s, b};
                }));
    }

    /** How a test input is laid out in memory: the op sees a tensor of the wanted shape either way. */
    enum Layout {
        CONTIGUOUS,
        /** Stored with the dimensions reversed and viewed through {@code permute}. */
        PERMUTED,
        /** The middle of a wider last dimension ({@code narrow}). */
        NARROWED,
        /** Every other row of a taller first dimension ({@code slice} with step 2). */
        STEPPED,
        /** A size-1 first dimension broadcast with {@code expand} (stride 0). */
        EXPANDED;

        /** The shape of the leaf this layout views as {@code shape}. */
        int[] leafShape(int[] shape) {
            int[] s = shape.clone();
            if (s.length == 0) {
                return s;
            }
            switch (this) {
                case PERMUTED -> {
                    for (int d = 0; d < s.length; d++) {
                        s[d] = shape[s.length - 1 - d];
                    }
                }
                case NARROWED -> s[s.length - 1] += 2;
                case STEPPED -> s[0] = 2 * s[0];
                case EXPANDED -> s[0] = 1;
                default -> { }
            }
            return s;
        }

        /** {@code leaf} (of {@link #leafShape}) viewed as {@code shape}. */
        Tensor arrange(Tensor leaf, int[] shape) {
            if (shape.length == 0) {
                return leaf;
            }
            return switch (this) {
                case CONTIGUOUS -> leaf;
                case PERMUTED -> {
                    int[] dims = new int[shape.length];
                    for (int d = 0; d < dims.length; d++) {
                        dims[d] = dims.length - 1 - d;
                    }
                    yield leaf.permute(dims);
                }
                case NARROWED -> leaf.narrow(-1, 1, shape[shape.length - 1]);
                case STEPPED -> leaf.slice(0, 0, 2 * shape[0], 2);
                case EXPANDED -> leaf.expand(shape);
            };
        }

        /** A random tensor of {@code shape} in this layout, with values drawn by {@code values}. */
        Tensor random(Rng rng, int[] shape, Values values) {
            int[] ls = leafShape(shape);
            return arrange(values.draw(rng, ls), shape);
        }
    }

    /** Draws input values from an op's domain. */
    @FunctionalInterface
    interface Values {
        Tensor draw(Rng rng, int[] shape);

        Values NORMAL = Tensor::randn;
        /** Positive, away from 0: {@code [0.5, 2.5)}. */
        Values POSITIVE = (rng, shape) -> Tensor.uniform(rng, 0.5f, 2.5f, shape);
        /** Away from 0 on both sides: {@code ±[0.5, 2.5)}. */
        Values NONZERO = (rng, shape) -> {
            float[] v = Tensor.uniform(rng, 0.5f, 2.5f, shape).toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextDouble() < 0.5 ? -v[i] : v[i];
            }
            return Tensor.of(v, shape);
        };

        /** Values {@code k/10 + phase} for integer k in [-10, 10]: two grids with different phases never tie. */
        static Values grid(float phase) {
            return (rng, shape) -> {
                float[] v = new float[Shape.numel(shape)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (rng.nextInt(21) - 10) / 10f + phase;
                }
                return Tensor.of(v, shape);
            };
        }

        /** Distinct values at least 0.05 apart, in random order: no ties for max/min. */
        Values DISTINCT = (rng, shape) -> {
            int n = Shape.numel(shape);
            List<Float> v = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                v.add(i * 0.05f - n * 0.025f);
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Float t = v.get(i);
                v.set(i, v.get(j));
                v.set(j, t);
            }
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = v.get(i);
            }
            return Tensor.of(out, shape);
        };
    }

    /** Fails unless {@code |actual − expected| ≤ atol + rtol·|expected|} everywhere (NaN matches NaN). */
    static void assertClose(float[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError("expected " + expected.length + " values but got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a) || e == a) {
                continue;
            }
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                throw new AssertionError("element " + i + ": expected " + e + " but got " + a
                        + "\nexpected " + Arrays.toString(expected) + "\nactual   " + Arrays.toString(actual));
            }
        }
    }

    static void assertShape(int[] expected, Tensor t) {
        if (!Arrays.equals(expected, t.shape())) {
            throw new AssertionError("expected shape " + Shape.str(expected) + " but got " + Shape.str(t.shape()));
        }
    }
}
