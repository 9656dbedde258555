package dev.visor.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move elements without changing them: views that only rewrite shape, strides and offset
 * over the same storage (reshape when the strides allow it, transpose, permute, narrow, slice,
 * select, squeeze, unsqueeze, expand, split, chunk); concat and stack, which copy, are in
 * {@link JoinOps}. Each view's gradient is
 * the inverse movement of the output gradient: reshaped back, transposed back, embedded into zeros
 * for the slicing views, and summed over broadcast dimensions for expand.
 *
 * <pre>{@code
 * Tensor heads = x.view(batch, seq, h, d / h).transpose(1, 2);   // (batch, h, seq, d/h), no copy
 * Tensor last = x.select(1, seq - 1);                            // (batch, d)
 * }</pre>
 */
final class MovementOps {
    private MovementOps() {}

    // ------------------------------------------------------------------ reshape and view

    /** {@code shape} with one {@code -1} replaced by the size that keeps the element count. */
    static int[] inferShape(String op, Tensor x, int[] shape) {
        int[] out = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1 but got " + Shape.str(shape));
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + out[i] + " in " + Shape.str(shape));
            } else {
                known *= out[i];
            }
        }
        int n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + Shape.str(x.shape) + " (" + n
                        + " elements) into " + Shape.str(shape));
            }
            out[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": cannot reshape " + Shape.str(x.shape) + " (" + n
                    + " elements) into " + Shape.str(shape) + " (" + known + " elements)");
        }
        return out;
    }

    /** A view with a new shape; fails when x's strides cannot express it (use reshape). */
    static Tensor view(Tensor x, int[] shape) {
        int[] target = inferShape("view", x, shape);
        int[] strides = viewStrides(x.shape, x.strides, target);
        if (strides == null) {
            throw new IllegalArgumentException("view: a tensor of shape " + Shape.str(x.shape) + " and strides "
                    + Shape.str(x.strides) + " cannot be viewed as " + Shape.str(target)
                    + " without copying; use reshape (copies when needed) or contiguous() first");
        }
        return reshaped(x, target, strides);
    }

    /** Like {@link #view}, but copies into row-major order when the strides do not allow a view. */
    static Tensor reshape(Tensor x, int[] shape) {
        int[] target = inferShape("reshape", x, shape);
        int[] strides = viewStrides(x.shape, x.strides, target);
        if (strides == null) {
            Tensor c = x.contiguous();
            return reshaped(c, target, Shape.contiguousStrides(target));
        }
        return reshaped(x, target, strides);
    }

    private static Tensor reshaped(Tensor x, int[] target, int[] strides) {
        if (Arrays.equals(target, x.shape) && Arrays.equals(strides, x.strides)) {
            return x;
        }
        int[] from = x.shape;
        return Tensor.viewOf(x, "view", target, strides, x.offset, g -> new Tensor[] {g.reshape(from)});
    }

    /**
     * Strides that view the elements of {@code (oldShape, oldStrides)} in row-major order as
     * {@code newShape}, or {@code null} if none exist. Old dimensions split into runs that are
     * contiguous with each other; every new dimension must fall inside one run.
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int[] newStrides = new int[newShape.length];
        if (Shape.numel(oldShape) == 0 || Shape.isContiguous(oldShape, oldStrides)) {
            return Shape.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldShape.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /** Merges dimensions {@code start..end} (inclusive, negative from the end) into one. */
    static Tensor flatten(Tensor x, int start, int end) {
        int rank = x.shape.length;
        if (rank == 0) {
            return reshape(x, new int[] {1});
        }
        int s = checkedDim("flatten", x, start);
        int e = checkedDim("flatten", x, end);
        if (s > e) {
            throw new IllegalArgumentException("flatten: start dimension " + start + " comes after end dimension " + end
                    + " for a tensor of shape " + Shape.str(x.shape));
        }
        int[] shape = new int[rank - (e - s)];
        int j = 0;
        for (int d = 0; d < s; d++) {
            shape[j++] = x.shape[d];
        }
        shape[j++] = Shape.numel(Arrays.copyOfRange(x.shape, s, e + 1));
        for (int d = e + 1; d < rank; d++) {
            shape[j++] = x.shape[d];
        }
        return reshape(x, shape);
    }

    // ------------------------------------------------------------------ axis permutations

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int a = checkedDim("transpose", x, dim0);
        int b = checkedDim("transpose", x, dim1);
        if (a == b) {
            return x;
        }
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        strides[a] = x.strides[b];
        strides[b] = x.strides[a];
        return Tensor.viewOf(x, "transpose", shape, strides, x.offset, g -> new Tensor[] {g.transpose(a, b)});
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.shape.length;
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " has " + dims.length
                    + " dimensions but the tensor " + Shape.str(x.shape) + " has " + rank);
        }
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        int[] inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = checkedDim("permute", x, dims[i]);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension " + d + " appears twice in " + Arrays.toString(dims));
            }
            seen[d] = true;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
            inverse[d] = i;
        }
        return Tensor.viewOf(x, "permute", shape, strides, x.offset, g -> new Tensor[] {g.permute(inverse)});
    }

    // ------------------------------------------------------------------ slicing views

    /** Elements {@code start..start+length-1} of dimension {@code dim}; a negative start counts from the end. */
    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = checkedDim("narrow", x, dim);
        int size = x.shape[d];
        int s = start < 0 ? start + size : start;
        if (s < 0 || length < 0 || (long) s + length > size) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " do not fit in dimension " + d + " of size " + size + " in " + Shape.str(x.shape)
                    + " (expected 0 <= start, start + length <= " + size + ")");
        }
        return sliceView("narrow", x, d, s, length, 1);
    }

    /**
     * Python-style {@code x[..., start:end:step, ...]} along {@code dim}: negative indices count from
     * the end, out-of-range bounds are clamped, and {@code step} must be positive.
     */
    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = checkedDim("slice", x, dim);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive but got " + step);
        }
        int size = x.shape[d];
        int s = clampIndex(start, size);
        int e = clampIndex(end, size);
        int length = e > s ? (e - s + step - 1) / step : 0;
        return sliceView("slice", x, d, s, length, step);
    }

    private static int clampIndex(int i, int size) {
        long v = i < 0 ? (long) i + size : i;
        return (int) Math.max(0, Math.min(size, v));
    }

    private static Tensor sliceView(String name, Tensor x, int d, int start, int length, int step) {
        int[] shape = x.shape.clone();
        int[] strides = x.strides.clone();
        shape[d] = length;
        strides[d] = x.strides[d] * step;
        int offset = length == 0 ? x.offset : x.offset + start * x.strides[d];
        int[] from = x.shape;
        return Tensor.viewOf(x, name, shape, strides, offset, g -> {
            int[] cs = Shape.contiguousStrides(from);
            int[] regionStrides = cs.clone();
            regionStrides[d] = cs[d] * step;
            return new Tensor[] {embed(from, g, start * cs[d], regionStrides)};
        });
    }

    /** Dimension {@code dim} indexed at {@code index} (negative from the end) and removed. */
    static Tensor select(Tensor x, int dim, int index) {
        int d = checkedDim("select", x, dim);
        int size = x.shape[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException("select: index " + index + " is out of range for dimension " + d
                    + " of size " + size + " in " + Shape.str(x.shape));
        }
        int[] shape = remove(x.shape, d);
        int[] strides = remove(x.strides, d);
        int[] from = x.shape;
        return Tensor.viewOf(x, "select", shape, strides, x.offset + i * x.strides[d], g -> {
            int[] cs = Shape.contiguousStrides(from);
            return new Tensor[] {embed(from, g, i * cs[d], remove(cs, d))};
        });
    }

    /**
     * Zeros of {@code shape} with {@code g} written into the region {@code (g.shape, strides, offset)}: a
     * new array handed over to autograd, so the slices' gradients of one tensor are summed into it.
     */
    private static Tensor embed(int[] shape, Tensor g, int offset, int[] strides) {
        float[] out = StepBuffers.zeros(Shape.numel(shape));   // the region outside g stays 0
        scatter(g, out, offset, strides);
        return Tensor.handedOver(out, shape.clone());
    }

    /** Writes {@code src}'s elements, in row-major order, to {@code dst} at {@code (src.shape, strides, offset)}. */
    static void scatter(Tensor src, float[] dst, int offset, int[] strides) {
        StridedLoop.scatter(src, dst, offset, strides);
    }

    // ------------------------------------------------------------------ size-1 dimensions

    /** Removes every dimension of size 1. */
    static Tensor squeeze(Tensor x) {
        int kept = 0;
        for (int s : x.shape) {
            kept += s == 1 ? 0 : 1;
        }
        int[] shape = new int[kept];
        int[] strides = new int[kept];
        for (int d = 0, j = 0; d < x.shape.length; d++) {
            if (x.shape[d] != 1) {
                shape[j] = x.shape[d];
                strides[j++] = x.strides[d];
            }
        }
        return restrided("squeeze", x, shape, strides);
    }

    /** Removes dimension {@code dim} if its size is 1; otherwise returns x unchanged (as PyTorch). */
    static Tensor squeeze(Tensor x, int dim) {
        int d = checkedDim("squeeze", x, dim);
        if (x.shape[d] != 1) {
            return x;
        }
        return restrided("squeeze", x, remove(x.shape, d), remove(x.strides, d));
    }

    /** Inserts a dimension of size 1 at {@code dim} (in {@code -rank-1..rank}). */
    static Tensor unsqueeze(Tensor x, int dim) {
        int rank = x.shape.length;
        int d;
        try {
            d = Shape.dim(dim, rank + 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsqueeze of " + Shape.str(x.shape) + ": " + e.getMessage(), e);
        }
        int stride = d < rank ? x.strides[d] * Math.max(1, x.shape[d]) : 1;
        return restrided("unsqueeze", x, insert(x.shape, d, 1), insert(x.strides, d, stride));
    }

    private static Tensor restrided(String name, Tensor x, int[] shape, int[] strides) {
        int[] from = x.shape;
        return Tensor.viewOf(x, name, shape, strides, x.offset, g -> new Tensor[] {g.reshape(from)});
    }

    // ------------------------------------------------------------------ broadcasting

    /**
     * Broadcasts x to {@code sizes} without copying: new leading dimensions and size-1 dimensions
     * get stride 0; {@code -1} keeps an existing size.
     */
    static Tensor expand(Tensor x, int[] sizes) {
        int rank = x.shape.length;
        int lead = sizes.length - rank;
        if (lead < 0) {
            throw new IllegalArgumentException("expand: cannot expand " + Shape.str(x.shape) + " to " + Shape.str(sizes)
                    + ": the target has fewer dimensions (" + sizes.length + ") than the tensor (" + rank + ")");
        }
        int[] shape = new int[sizes.length];
        int[] strides = new int[sizes.length];
        for (int d = 0; d < sizes.length; d++) {
            int want = sizes[d];
            if (d < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: size " + want + " in " + Shape.str(sizes)
                            + " is not allowed for the new leading dimension " + d);
                }
                shape[d] = want;
                continue;
            }
            int have = x.shape[d - lead];
            if (want == -1 || want == have) {
                shape[d] = have;
                strides[d] = x.strides[d - lead];
            } else if (have == 1 && want >= 0) {
                shape[d] = want;
            } else {
                throw new IllegalArgumentException("expand: cannot expand " + Shape.str(x.shape) + " to " + Shape.str(sizes)
                        + ": dimension " + (d - lead) + " has size " + have + " (only size-1 dimensions can be expanded)");
            }
        }
        if (Arrays.equals(shape, x.shape)) {
            return x;
        }
        int[] from = x.shape;
        return Tensor.viewOf(x, "expand", shape, strides, x.offset, g -> new Tensor[] {g.sumTo(from)});
    }

    // ------------------------------------------------------------------ splitting views

    /** Pieces of {@code size} along {@code dim} (the last may be smaller), as views. */
    static List<Tensor> split(Tensor x, int size, int dim) {
        int d = checkedDim("split", x, dim);
        if (size <= 0) {
            throw new IllegalArgumentException("split: piece size must be positive but got " + size);
        }
        int n = x.shape[d];
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < n; s += size) {
            out.add(narrow(x, d, s, Math.min(size, n - s)));
        }
        if (n == 0) {
            out.add(x);
        }
        return out;
    }

    /** At most {@code chunks} views of equal size along {@code dim} (the last may be smaller), as PyTorch's chunk. */
    static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: number of chunks must be positive but got " + chunks);
        }
        int n = x.shape[checkedDim("chunk", x, dim)];
        return split(x, Math.max(1, (n + chunks - 1) / chunks), dim);
    }

    // ------------------------------------------------------------------ helpers

    static int checkedDim(String op, Tensor x, int dim) {
        try {
            return Shape.dim(dim, x.shape.length);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + " of " + Shape.str(x.shape) + ": " + e.getMessage(), e);
        }
    }

    private static int[] remove(int[] a, int i) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, i);
        System.arraycopy(a, i + 1, out, i, a.length - i - 1);
        return out;
    }

    private static int[] insert(int[] a, int i, int v) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 0, i);
        out[i] = v;
        System.arraycopy(a, i, out, i + 1, a.length - i);
        return out;
    }
}
