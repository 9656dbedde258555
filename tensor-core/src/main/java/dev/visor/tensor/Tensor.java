package dev.visor.tensor;

import java.util.Arrays;
import java.util.List;
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
 * <p>The op methods are a thin front over classes split by concern: movement and views
 * ({@code MovementOps}, {@code JoinOps}), NumPy-broadcasting element-wise ops
 * ({@code ElementwiseOps}), reductions ({@code ReduceOps}) and matmul ({@code LinalgOps}). Shapes
 * follow PyTorch: negative dimensions count from the end, {@code -1} in a shape is inferred, and
 * every op names the shapes it got and what it expected when they do not fit.
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

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape.clone());
    }

    /** A tensor of ones. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** A tensor filled with {@code value}. */
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

    /** Zeros shaped like {@code t}. */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /** Ones shaped like {@code t}. */
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

    /** Number of elements (1 for a 0-D tensor). */
    public int numel() {
        return Shape.numel(shape);
    }

    /** A copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    /** Stride of dimension {@code dim} in elements (negative counts from the end). */
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
        StridedLoop.copy(src, dst);
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

    // ------------------------------------------------------------------ movement (views; see MovementOps)

    /**
     * The same elements in a new shape ({@code -1} infers one size): a view sharing storage when the
     * strides allow it, else a row-major copy (like PyTorch's {@code reshape}).
     */
    public Tensor reshape(int... shape) {
        return MovementOps.reshape(this, shape);
    }

    /** Like {@link #reshape} but never copies: fails when the strides cannot express the new shape. */
    public Tensor view(int... shape) {
        return MovementOps.view(this, shape);
    }

    /** All elements as one dimension. */
    public Tensor flatten() {
        return MovementOps.flatten(this, 0, -1);
    }

    /** Dimensions {@code startDim..endDim} (inclusive; negative from the end) merged into one. */
    public Tensor flatten(int startDim, int endDim) {
        return MovementOps.flatten(this, startDim, endDim);
    }

    /** A view with dimensions {@code dim0} and {@code dim1} swapped. */
    public Tensor transpose(int dim0, int dim1) {
        return MovementOps.transpose(this, dim0, dim1);
    }

    /** The transpose of a matrix (a view); 0-D and 1-D tensors are returned as they are. */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t() needs at most 2 dimensions but got " + Shape.str(shape)
                    + "; use transpose(dim0, dim1)");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** A view whose dimension {@code i} is this tensor's dimension {@code dims[i]}. */
    public Tensor permute(int... dims) {
        return MovementOps.permute(this, dims);
    }

    /** A view of {@code length} elements of {@code dim} from {@code start} (negative from the end). */
    public Tensor narrow(int dim, int start, int length) {
        return MovementOps.narrow(this, dim, start, length);
    }

    /** Python's {@code x[..., start:end, ...]} along {@code dim} (a view; bounds clamped, negatives from the end). */
    public Tensor slice(int dim, int start, int end) {
        return MovementOps.slice(this, dim, start, end, 1);
    }

    /** Python's {@code x[..., start:end:step, ...]} along {@code dim} (a view; {@code step > 0}). */
    public Tensor slice(int dim, int start, int end, int step) {
        return MovementOps.slice(this, dim, start, end, step);
    }

    /** A view of dimension {@code dim} at {@code index} (negative from the end), with that dimension removed. */
    public Tensor select(int dim, int index) {
        return MovementOps.select(this, dim, index);
    }

    /** A view without the dimensions of size 1. */
    public Tensor squeeze() {
        return MovementOps.squeeze(this);
    }

    /** A view without dimension {@code dim} if its size is 1; otherwise this tensor (as PyTorch). */
    public Tensor squeeze(int dim) {
        return MovementOps.squeeze(this, dim);
    }

    /** A view with a new dimension of size 1 at {@code dim} ({@code -dim()-1 .. dim()}). */
    public Tensor unsqueeze(int dim) {
        return MovementOps.unsqueeze(this, dim);
    }

    /**
     * A broadcast view of size {@code sizes} (stride 0 along new and size-1 dimensions, {@code -1}
     * keeps a size); its gradient is summed back over the broadcast dimensions.
     */
    public Tensor expand(int... sizes) {
        return MovementOps.expand(this, sizes);
    }

    /** {@link #expand} to {@code other}'s shape. */
    public Tensor expandAs(Tensor other) {
        return MovementOps.expand(this, other.shape);
    }

    /** Concatenation along existing dimension {@code dim}; all other sizes must match. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return JoinOps.cat(tensors, dim);
    }

    /** Concatenation along existing dimension {@code dim}; all other sizes must match. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return JoinOps.cat(List.of(tensors), dim);
    }

    /** Equally shaped tensors stacked along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return JoinOps.stack(tensors, dim);
    }

    /** Equally shaped tensors stacked along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return JoinOps.stack(List.of(tensors), dim);
    }

    /** Views of {@code size} elements along {@code dim}; the last may be shorter. */
    public List<Tensor> split(int size, int dim) {
        return MovementOps.split(this, size, dim);
    }

    /** At most {@code chunks} equal views along {@code dim} (the last may be shorter), as PyTorch's chunk. */
    public List<Tensor> chunk(int chunks, int dim) {
        return MovementOps.chunk(this, chunks, dim);
    }

    // ------------------------------------------------------------------ element-wise (broadcasting; see ElementwiseOps)

    /** {@code this + other}, broadcast. */
    public Tensor add(Tensor other) {
        return ElementwiseOps.add(this, other);
    }

    /** {@code this + s}. */
    public Tensor add(float s) {
        return ElementwiseOps.add(this, s);
    }

    /** {@code this − other}, broadcast. */
    public Tensor sub(Tensor other) {
        return ElementwiseOps.sub(this, other);
    }

    /** {@code this − s}. */
    public Tensor sub(float s) {
        return ElementwiseOps.sub(this, s);
    }

    /** {@code s − this}. */
    public Tensor rsub(float s) {
        return ElementwiseOps.rsub(this, s);
    }

    /** {@code this · other}, broadcast. */
    public Tensor mul(Tensor other) {
        return ElementwiseOps.mul(this, other);
    }

    /** {@code this · s}. */
    public Tensor mul(float s) {
        return ElementwiseOps.mul(this, s);
    }

    /** {@code this / other}, broadcast. */
    public Tensor div(Tensor other) {
        return ElementwiseOps.div(this, other);
    }

    /** {@code this / s}. */
    public Tensor div(float s) {
        return ElementwiseOps.div(this, s);
    }

    /** {@code s / this}. */
    public Tensor rdiv(float s) {
        return ElementwiseOps.rdiv(this, s);
    }

    /** {@code this ^ exponent}, broadcast; the exponent's gradient {@code out · ln this} is 0 where this is 0. */
    public Tensor pow(Tensor exponent) {
        return ElementwiseOps.pow(this, exponent);
    }

    /** {@code this ^ p}. */
    public Tensor pow(float p) {
        return ElementwiseOps.pow(this, p);
    }

    /** Element-wise maximum, broadcast; ties give each side half the gradient. */
    public Tensor maximum(Tensor other) {
        return ElementwiseOps.maximum(this, other);
    }

    /** Element-wise minimum, broadcast; ties give each side half the gradient. */
    public Tensor minimum(Tensor other) {
        return ElementwiseOps.minimum(this, other);
    }

    /** {@code −this}. */
    public Tensor neg() {
        return ElementwiseOps.neg(this);
    }

    /** {@code e^this}. */
    public Tensor exp() {
        return ElementwiseOps.exp(this);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return ElementwiseOps.log(this);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return ElementwiseOps.tanh(this);
    }

    /** Square root. */
    public Tensor sqrt() {
        return ElementwiseOps.sqrt(this);
    }

    /** Absolute value; its gradient at 0 is 0. */
    public Tensor abs() {
        return ElementwiseOps.abs(this);
    }

    /**
     * Values clamped into {@code [min, max]} (use ±infinity for one side); the gradient passes where
     * {@code min ≤ this ≤ max}.
     */
    public Tensor clamp(float min, float max) {
        return ElementwiseOps.clamp(this, min, max);
    }

    /** 1 where {@code this == other} (broadcast), else 0; no gradient. */
    public Tensor eq(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.EQ, this, other);
    }

    /** 1 where {@code this == s}, else 0; no gradient. */
    public Tensor eq(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.EQ_S, this, s);
    }

    /** 1 where {@code this != other} (broadcast), else 0; no gradient. */
    public Tensor ne(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.NE, this, other);
    }

    /** 1 where {@code this != s}, else 0; no gradient. */
    public Tensor ne(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.NE_S, this, s);
    }

    /** 1 where {@code this > other} (broadcast), else 0; no gradient. */
    public Tensor gt(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.GT, this, other);
    }

    /** 1 where {@code this > s}, else 0; no gradient. */
    public Tensor gt(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.GT_S, this, s);
    }

    /** 1 where {@code this >= other} (broadcast), else 0; no gradient. */
    public Tensor ge(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.GE, this, other);
    }

    /** 1 where {@code this >= s}, else 0; no gradient. */
    public Tensor ge(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.GE_S, this, s);
    }

    /** 1 where {@code this < other} (broadcast), else 0; no gradient. */
    public Tensor lt(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.LT, this, other);
    }

    /** 1 where {@code this < s}, else 0; no gradient. */
    public Tensor lt(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.LT_S, this, s);
    }

    /** 1 where {@code this <= other} (broadcast), else 0; no gradient. */
    public Tensor le(Tensor other) {
        return ElementwiseOps.compare(ElementwiseKernels.Binary.LE, this, other);
    }

    /** 1 where {@code this <= s}, else 0; no gradient. */
    public Tensor le(float s) {
        return ElementwiseOps.compare(ElementwiseKernels.Unary.LE_S, this, s);
    }

    /**
     * {@code a} where {@code condition} is non-zero, else {@code b}; all three broadcast together.
     * Gradients flow to {@code a} and {@code b}, never to the condition.
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return ElementwiseOps.where(condition, a, b);
    }

    // ------------------------------------------------------------------ reductions (see ReduceOps)

    /** Sum of all elements, as a 0-D tensor. */
    public Tensor sum() {
        return ReduceOps.sum(this, ReduceOps.allDims(this), false);
    }

    /** Sum over {@code dim}; {@code keepDim} leaves it with size 1. */
    public Tensor sum(int dim, boolean keepDim) {
        return sum(new int[] {dim}, keepDim);
    }

    /** Sum over several dimensions; {@code keepDim} leaves them with size 1. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return ReduceOps.sum(this, ReduceOps.reducedMask("sum", this, dims), keepDim);
    }

    /** Mean of all elements, as a 0-D tensor. */
    public Tensor mean() {
        return ReduceOps.mean(this, ReduceOps.allDims(this), false);
    }

    /** Mean over {@code dim}. */
    public Tensor mean(int dim, boolean keepDim) {
        return mean(new int[] {dim}, keepDim);
    }

    /** Mean over several dimensions. */
    public Tensor mean(int[] dims, boolean keepDim) {
        return ReduceOps.mean(this, ReduceOps.reducedMask("mean", this, dims), keepDim);
    }

    /** Largest element (NaN if any), as a 0-D tensor; the gradient goes to the first largest. */
    public Tensor max() {
        return ReduceOps.extreme("max", true, this, ReduceOps.allDims(this), false);
    }

    /** Maximum over {@code dim}; the gradient goes to the first maximum (the {@link #argmax} position). */
    public Tensor max(int dim, boolean keepDim) {
        return max(new int[] {dim}, keepDim);
    }

    /** Maximum over several dimensions; the gradient goes to the first maximum in row-major order. */
    public Tensor max(int[] dims, boolean keepDim) {
        return ReduceOps.extreme("max", true, this, ReduceOps.reducedMask("max", this, dims), keepDim);
    }

    /** Smallest element (NaN if any), as a 0-D tensor; the gradient goes to the first smallest. */
    public Tensor min() {
        return ReduceOps.extreme("min", false, this, ReduceOps.allDims(this), false);
    }

    /** Minimum over {@code dim}; the gradient goes to the first minimum (the {@link #argmin} position). */
    public Tensor min(int dim, boolean keepDim) {
        return min(new int[] {dim}, keepDim);
    }

    /** Minimum over several dimensions; the gradient goes to the first minimum in row-major order. */
    public Tensor min(int[] dims, boolean keepDim) {
        return ReduceOps.extreme("min", false, this, ReduceOps.reducedMask("min", this, dims), keepDim);
    }

    /** Row-major index of the first largest element, as a 0-D float tensor; no gradient. */
    public Tensor argmax() {
        return ReduceOps.argExtreme("argmax", true, this, ReduceOps.allDims(this), false);
    }

    /** Index along {@code dim} of the first maximum, as floats (exact below 2²⁴); no gradient. */
    public Tensor argmax(int dim, boolean keepDim) {
        return ReduceOps.argExtreme("argmax", true, this, ReduceOps.reducedMask("argmax", this, new int[] {dim}), keepDim);
    }

    /** Row-major index of the first smallest element, as a 0-D float tensor; no gradient. */
    public Tensor argmin() {
        return ReduceOps.argExtreme("argmin", false, this, ReduceOps.allDims(this), false);
    }

    /** Index along {@code dim} of the first minimum, as floats; no gradient. */
    public Tensor argmin(int dim, boolean keepDim) {
        return ReduceOps.argExtreme("argmin", false, this, ReduceOps.reducedMask("argmin", this, new int[] {dim}), keepDim);
    }

    /** Unbiased variance of all elements ({@code N − 1} in the denominator), as a 0-D tensor. */
    public Tensor var() {
        return var(true);
    }

    /** Variance of all elements; {@code unbiased} divides by {@code N − 1}, else by {@code N}. */
    public Tensor var(boolean unbiased) {
        return ReduceOps.var(this, ReduceOps.allDims(this), unbiased, false);
    }

    /** Variance over {@code dim}; {@code unbiased} divides by {@code N − 1}, else by {@code N}. */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) {
        return var(new int[] {dim}, unbiased, keepDim);
    }

    /** Variance over several dimensions; {@code unbiased} divides by {@code N − 1}, else by {@code N}. */
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) {
        return ReduceOps.var(this, ReduceOps.reducedMask("var", this, dims), unbiased, keepDim);
    }

    /**
     * Sums this tensor down to {@code shape}, a shape that broadcasts to this one: the gradient of a
     * broadcast operand. Returns this tensor when the shapes are equal.
     */
    public Tensor sumTo(int... shape) {
        return ReduceOps.sumTo(this, shape);
    }

    // ------------------------------------------------------------------ linear algebra (see LinalgOps)

    /**
     * Matrix product with PyTorch's {@code matmul} semantics: 1-D operands are vectors, leading
     * dimensions are broadcast batch dimensions, and transposed views are multiplied without copying.
     */
    public Tensor matmul(Tensor other) {
        return LinalgOps.matmul(this, other);
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
