package dev.visor.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 n-dimensional array with reverse-mode autograd.
 *
 * <p>A tensor is a view: a {@linkplain #shape() shape}, {@linkplain #strides() strides} and an
 * {@linkplain #offset() offset} over a flat {@code float[]} {@linkplain #storage() storage} that views
 * share. Operations return new tensors and never modify their inputs; when {@link GradMode} is on and
 * an input {@linkplain #requiresGrad() requires a gradient}, the result remembers how to send
 * gradients back, and {@link #backward()} accumulates them into the leaves' {@link #grad()}.
 *
 * <pre>{@code
 * Rng rng = new Rng(7);
 * Tensor w = Tensor.randn(rng, 3, 2).requiresGrad(true);
 * Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
 * Tensor loss = x.matmul(w).sum();
 * loss.backward();                  // w.grad() now holds d loss / d w
 * }</pre>
 */
public final class Tensor {
    final float[] data;
    final int[] shape;
    final int[] strides;
    final int offset;

    // Autograd state. A leaf has gradFn == null; an op result that needs gradients has one.
    private boolean requiresGrad;
    private Tensor grad;
    final GradFn gradFn;

    Tensor(float[] data, int[] shape, int[] strides, int offset, GradFn gradFn) {
        this.data = data;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.gradFn = gradFn;
        this.requiresGrad = gradFn != null;
    }

    Tensor(float[] data, int[] shape) {
        this(data, shape, Shape.contiguousStrides(shape), 0, null);
    }

    // ------------------------------------------------------------------ creation

    /** A tensor holding a copy of {@code data} in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "shape " + Shape.str(shape) + " needs " + n + " values but got " + data.length);
        }
        return new Tensor(data.clone(), shape.clone());
    }

    /**
     * A tensor over {@code data} without copying it (row-major). The caller must not modify the array
     * while the tensor is in use.
     */
    public static Tensor wrap(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "shape " + Shape.str(shape) + " needs " + n + " values but got " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    /** A zero-dimensional tensor. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    /** {@code [0, 1, ..., n-1]}. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** {@code start, start+step, ...} up to but excluding {@code end}. */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || Float.isNaN(step) || (end - start) / step < 0) {
            throw new IllegalArgumentException(
                    "arange(" + start + ", " + end + ", " + step + ") is empty or infinite: step must be non-zero and point from start to end");
        }
        int n = (int) Math.ceil((end - start) / step);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i * step;
        }
        return new Tensor(d, new int[] {n});
    }

    /** Standard normal values from {@code rng} (Box–Muller over SplitMix64; see {@link Rng}). */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new Tensor(d, shape.clone());
    }

    /** Uniform values in [0, 1). */
    public static Tensor rand(Rng rng, int... shape) {
        return uniform(rng, 0f, 1f, shape);
    }

    /** Uniform values in [low, high). */
    public static Tensor uniform(Rng rng, float low, float high, int... shape) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("uniform needs low <= high but got low=" + low + ", high=" + high);
        }
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (low + (high - low) * rng.nextDouble());
        }
        return new Tensor(d, shape.clone());
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /**
     * Creates the result of a differentiable operation. Op implementations (here and in other
     * modules, such as attention kernels) compute {@code values} themselves and pass a closure that
     * maps the gradient of the result to the gradients of {@code inputs} (same order, each shaped
     * like its input, or {@code null} where an input needs none). The closure is kept only if grad
     * mode is on and some input requires a gradient, so inference pays nothing for it.
     *
     * <pre>{@code
     * // y = 2x
     * Tensor y = Tensor.fromOp("double", out, x.shape(), g -> new Tensor[] {g.mul(2f)}, x);
     * }</pre>
     *
     * @param name     the op's name, shown in {@link #toString()} and errors
     * @param values   the result in row-major order (taken, not copied)
     * @param shape    the result's shape
     * @param backward gradient of the result ↦ gradients of the inputs; runs with grad mode off
     * @param inputs   the tensors the result was computed from
     */
    public static Tensor fromOp(String name, float[] values, int[] shape, Backward backward, Tensor... inputs) {
        if (values.length != Shape.numel(shape)) {
            throw new IllegalArgumentException(
                    "op " + name + " produced " + values.length + " values for shape " + Shape.str(shape));
        }
        GradFn fn = null;
        if (GradMode.isEnabled()) {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad) {
                    fn = new GradFn(name, inputs.clone(), Objects.requireNonNull(backward, "backward"));
                    break;
                }
            }
        }
        return new Tensor(values, shape.clone(), Shape.contiguousStrides(shape), 0, fn);
    }

    /**
     * Creates a differentiable view that shares {@code source}'s storage (transpose, narrow, expand
     * and the like). {@code backward} maps the view's gradient to {@code source}'s.
     */
    public static Tensor viewOf(Tensor source, String name, int[] shape, int[] strides, int offset, Backward backward) {
        GradFn fn = GradMode.isEnabled() && source.requiresGrad
                ? new GradFn(name, new Tensor[] {source}, backward)
                : null;
        return new Tensor(source.data, shape.clone(), strides.clone(), offset, fn);
    }

    /** Maps the gradient of an op's result to the gradients of its inputs. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    // ------------------------------------------------------------------ geometry

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    /** A copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    public int stride(int dim) {
        return strides[Shape.dim(dim, shape.length)];
    }

    /** Offset of element {@code [0, ..., 0]} in {@link #storage()}. */
    public int offset() {
        return offset;
    }

    /**
     * The flat storage this tensor views, shared with other views: for kernels that address
     * elements as {@code offset() + Σ index[i] * strides()[i]}. Writing to it bypasses autograd.
     */
    public float[] storage() {
        return data;
    }

    /** True when elements lie in row-major order without gaps (the offset may be non-zero). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    // ------------------------------------------------------------------ elements

    /** The element at {@code index} (one entry per dimension). */
    public float get(int... index) {
        return data[flatIndex(index)];
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element but shape is " + Shape.str(shape));
        }
        return data[offset];
    }

    int flatIndex(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "index " + Arrays.toString(index) + " has " + index.length + " entries but the tensor has rank " + shape.length);
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(index) + " is out of bounds for shape " + Shape.str(shape));
            }
            p += index[i] * strides[i];
        }
        return p;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        int n = numel();
        float[] out = new float[n];
        if (isContiguous()) {
            System.arraycopy(data, offset, out, 0, n);
        } else {
            copyStrided(this, out);
        }
        return out;
    }

    /** Copies {@code src}'s elements in row-major order into {@code dst}. */
    static void copyStrided(Tensor src, float[] dst) {
        int rank = src.shape.length;
        int n = Shape.numel(src.shape);
        if (n == 0) {
            return;
        }
        if (rank == 0) {
            dst[0] = src.data[src.offset];
            return;
        }
        int last = rank - 1;
        int lastSize = src.shape[last];
        int lastStride = src.strides[last];
        int[] idx = new int[rank];
        int base = src.offset;
        for (int o = 0; o < n; o += lastSize) {
            int p = base;
            for (int j = 0; j < lastSize; j++, p += lastStride) {
                dst[o + j] = src.data[p];
            }
            // advance the outer index (odometer)
            for (int d = last - 1; d >= 0; d--) {
                idx[d]++;
                base += src.strides[d];
                if (idx[d] < src.shape[d]) {
                    break;
                }
                base -= idx[d] * src.strides[d];
                idx[d] = 0;
            }
        }
    }

    /** This tensor if it is contiguous with offset 0, else a row-major copy (differentiable). */
    public Tensor contiguous() {
        if (offset == 0 && isContiguous() && data.length == numel()) {
            return this;
        }
        return fromOp("contiguous", toArray(), shape, g -> new Tensor[] {g}, this);
    }

    /** A copy with its own storage (differentiable). */
    public Tensor copy() {
        return fromOp("copy", toArray(), shape, g -> new Tensor[] {g}, this);
    }

    // ------------------------------------------------------------------ autograd

    /** True when gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor (one not produced by a recorded op) as needing a gradient.
     *
     * @return this tensor
     */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException(
                    "cannot turn off requiresGrad on the result of " + gradFn.name + "; use detach()");
        }
        this.requiresGrad = on;
        return this;
    }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The name of the op that produced this tensor, or {@code null} for a leaf. */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.name;
    }

    /** The accumulated gradient of a leaf after {@link #backward()}, or {@code null}. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient (e.g. by an optimizer or clipping); {@code null} clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException(
                    "gradient of shape " + Shape.str(g.shape) + " does not match tensor shape " + Shape.str(shape));
        }
        this.grad = g;
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        this.grad = null;
    }

    /** The same values, cut from the graph: no gradient flows through the result. Shares storage. */
    public Tensor detach() {
        return new Tensor(data, shape, strides, offset, null);
    }

    /** Back-propagates from a one-element tensor (the loss), seeding its gradient with 1. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException(
                    "backward() without a gradient needs a one-element tensor but shape is " + Shape.str(shape)
                            + "; pass the output gradient with backward(gradient)");
        }
        backward(ones(shape));
    }

    /**
     * Back-propagates {@code gradient} (shaped like this tensor) through the recorded graph and adds
     * the results to the {@link #grad()} of every leaf that requires one. Calling it twice
     * accumulates; clear with {@link #zeroGrad()}.
     */
    public void backward(Tensor gradient) {
        if (!requiresGrad) {
            throw new IllegalStateException(
                    "backward() on a tensor that does not require grad: no input of the graph has requiresGrad(true)"
                            + " or it was computed under GradMode.disable()");
        }
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException(
                    "gradient of shape " + Shape.str(gradient.shape) + " does not match tensor shape " + Shape.str(shape));
        }
        Autograd.backward(this, gradient);
    }

    /** Adds {@code g} to this leaf's accumulated gradient. */
    void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = g.detach().contiguous();
            if (grad.data == g.data) {
                grad = new Tensor(g.toArray(), shape.clone()); // never alias another tensor's storage
            }
        } else {
            float[] a = grad.data;
            float[] b = g.toArray();
            for (int i = 0; i < b.length; i++) {
                a[i] += b[i];
            }
        }
    }

    // ------------------------------------------------------------------ printing

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        float[] v = toArray();
        if (shape.length == 0) {
            sb.append(v[0]);
        } else {
            appendNested(sb, v, 0, 0);
        }
        sb.append(", shape=").append(Shape.str(shape));
        if (gradFn != null) {
            sb.append(", grad_fn=").append(gradFn.name);
        } else if (requiresGrad) {
            sb.append(", requires_grad=true");
        }
        return sb.append(')').toString();
    }

    private int appendNested(StringBuilder sb, float[] v, int dim, int pos) {
        sb.append('[');
        int n = shape[dim];
        int shown = n > 8 ? 3 : n;
        for (int i = 0; i < n; i++) {
            if (i == shown && n > 8) {
                sb.append("..., ");
                int inner = Shape.numel(Arrays.copyOfRange(shape, dim + 1, shape.length));
                pos += (n - 2 * shown) * inner;
                i = n - shown;
            }
            if (dim == shape.length - 1) {
                sb.append(v[pos++]);
            } else {
                pos = appendNested(sb, v, dim + 1, pos);
            }
            if (i < n - 1) {
                sb.append(", ");
            }
        }
        sb.append(']');
        return pos;
    }
}
