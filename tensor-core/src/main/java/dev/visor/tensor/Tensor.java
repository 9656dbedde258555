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
 * <p>The op methods are a thin front over classes split by concern: movement and views
 * ({@code MovementOps}, {@code JoinOps}), NumPy-broadcasting element-wise ops
 * ({@code ElementwiseOps}), reductions ({@code ReduceOps}) and matmul ({@code LinalgOps}). The
 * front itself is split the same way (package-private {@code TensorBase} for state and autograd,
 * {@code MovementFront}, {@code ElementwiseFront}, and this class for creation, reductions and
 * matmul), so each file stays small; users see one {@code Tensor} type. Shapes
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
public final class Tensor extends ElementwiseFront {
    Tensor(float[] data, int[] shape, int[] strides, int offset, GradFn gradFn) {
        super(data, shape, strides, offset, gradFn);
    }

    Tensor(float[] data, int[] shape) {
        this(data, shape, Shape.contiguousStrides(shape), 0, null);
    }

    // ------------------------------------------------------------------ creation

    /**
     * A tensor holding a copy of {@code data} in row-major order.
     *
     * @param data the values in row-major order
     * @param shape the shape
     * @return a tensor holding a copy of {@code data} in row-major order
     */
    public static Tensor of(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "shape " + Shape.str(shape) + " needs " + n + " values but got " + data.length);
        }
        return new Tensor(data.clone(), shape.clone());
    }

    /**
     * A gradient over {@code values} that a backward function ({@link #fromOp}) has just allocated and
     * hands over: it keeps no other reference to the array and returns the tensor for one input only.
     * Autograd may then add the input's other gradients into it in place and keep it as a leaf's
     * {@link #grad()} (or a {@link GradientCapture}'s gradient) instead of copying it into an array of
     * its own; the float additions are the same, so the results are too. Otherwise as {@link #wrap}.
     *
     * @param values the gradient's values in row-major order, referenced by nothing else
     * @param shape the shape
     * @return a tensor over {@code values}, marked as handed over until autograd takes it
     * @since 0.2
     */
    public static Tensor handedOver(float[] values, int... shape) {
        Tensor t = wrap(values, shape);
        t.handedOver = true;
        return t;
    }

    /**
     * A tensor over {@code data} without copying it (row-major). The caller must not modify the array
     * while the tensor is in use.
     *
     * @param data the values in row-major order
     * @param shape the shape
     * @return a tensor over {@code data} without copying it (row-major)
     */
    public static Tensor wrap(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException(
                    "shape " + Shape.str(shape) + " needs " + n + " values but got " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    /**
     * A zero-dimensional tensor.
     *
     * @param value the value
     * @return a zero-dimensional tensor
     */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    /**
     * A tensor of zeros.
     *
     * @param shape the shape
     * @return a tensor of zeros
     */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape.clone());
    }

    /**
     * Zeros for a weight that kernels stream: when the JVM's layout makes it knowable (a float array
     * large enough that G1 places it at a heap region's start), the storage has a lead of a few
     * floats and {@link #offset()} is that lead, so the first element, and every row of a multiple of
     * 16 floats, starts a 64-byte cache line; otherwise offset 0, as {@link #zeros}. The tensor
     * {@linkplain #ownsStorage() owns its storage} either way, so it may be a parameter; code that
     * reads {@link #storage()} must add {@link #offset()}. {@code -Dvisor.storage.align=off} turns
     * the lead off. Values and results never depend on it.
     *
     * @param shape the shape
     * @return a tensor of zeros, at offset 0 or at the alignment lead
     */
    public static Tensor alignedZeros(int... shape) {
        int n = Shape.numel(shape);
        int lead = StorageLayout.leadFor(n);
        int[] s = shape.clone();
        return new Tensor(new float[lead + n], s, Shape.contiguousStrides(s), lead, null);
    }

    /**
     * A tensor of ones.
     *
     * @param shape the shape
     * @return a tensor of ones
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * A tensor filled with {@code value}.
     *
     * @param value the value
     * @param shape the shape
     * @return a tensor filled with {@code value}
     */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    /**
     * {@code [0, 1, ..., n-1]}.
     *
     * @param n the count
     * @return {@code [0, 1, ..., n-1]}
     */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /**
     * {@code start, start+step, ...} up to but excluding {@code end}.
     *
     * @param start the first index (negative counts from the end)
     * @param end the end index, exclusive (negative counts from the end)
     * @param step the step
     * @return {@code start, start+step, ...} up to but excluding {@code end}
     */
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

    /**
     * Standard normal values from {@code rng} (Box–Muller over SplitMix64; see {@link Rng}).
     *
     * @param rng the random source
     * @param shape the shape
     * @return standard normal values from {@code rng} (Box–Muller over SplitMix64; see {@link Rng})
     */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new Tensor(d, shape.clone());
    }

    /**
     * Uniform values in [0, 1).
     *
     * @param rng the random source
     * @param shape the shape
     * @return uniform values in [0, 1)
     */
    public static Tensor rand(Rng rng, int... shape) {
        return uniform(rng, 0f, 1f, shape);
    }

    /**
     * Uniform values in [low, high).
     *
     * @param rng the random source
     * @param low the lower bound (inclusive)
     * @param high the upper bound (exclusive)
     * @param shape the shape
     * @return uniform values in [low, high)
     */
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

    /**
     * Zeros shaped like {@code t}.
     *
     * @param t the tensor
     * @return zeros shaped like {@code t}
     */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /**
     * Ones shaped like {@code t}.
     *
     * @param t the tensor
     * @return ones shaped like {@code t}
     */
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
     * @return the result, recording {@code backward} when an input requires a gradient
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
     *
     * @param source the source
     * @param name the name
     * @param shape the shape
     * @param strides the strides
     * @param offset the offset
     * @param backward gradient of the result ↦ gradient of {@code source}
     * @return the view
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
        /**
         * The gradients of the inputs, given the gradient of the result.
         *
         * @param gradOutput the gradient of the loss with respect to the op's result, of the result's shape
         * @return one gradient per input, in input order, each of that input's shape; {@code null} for an
         *         input that needs none
         */
        Tensor[] apply(Tensor gradOutput);
    }


    // ------------------------------------------------------------------ reductions (see ReduceOps)

    /**
     * Sum of all elements, as a 0-D tensor.
     *
     * @return sum of all elements, as a 0-D tensor
     */
    public Tensor sum() {
        return ReduceOps.sum(self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Sum over {@code dim}; {@code keepDim} leaves it with size 1.
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return sum over {@code dim}; {@code keepDim} leaves it with size 1
     */
    public Tensor sum(int dim, boolean keepDim) {
        return sum(new int[] {dim}, keepDim);
    }

    /**
     * Sum over several dimensions; {@code keepDim} leaves them with size 1.
     *
     * @param dims the dimensions (negative count from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return sum over several dimensions; {@code keepDim} leaves them with size 1
     */
    public Tensor sum(int[] dims, boolean keepDim) {
        return ReduceOps.sum(self(), ReduceOps.reducedMask("sum", self(), dims), keepDim);
    }

    /**
     * Mean of all elements, as a 0-D tensor.
     *
     * @return mean of all elements, as a 0-D tensor
     */
    public Tensor mean() {
        return ReduceOps.mean(self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Mean over {@code dim}.
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return mean over {@code dim}
     */
    public Tensor mean(int dim, boolean keepDim) {
        return mean(new int[] {dim}, keepDim);
    }

    /**
     * Mean over several dimensions.
     *
     * @param dims the dimensions (negative count from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return mean over several dimensions
     */
    public Tensor mean(int[] dims, boolean keepDim) {
        return ReduceOps.mean(self(), ReduceOps.reducedMask("mean", self(), dims), keepDim);
    }

    /**
     * Largest element (NaN if any), as a 0-D tensor; the gradient goes to the first largest.
     *
     * @return largest element (NaN if any), as a 0-D tensor; the gradient goes to the first largest
     */
    public Tensor max() {
        return ReduceOps.extreme("max", true, self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Maximum over {@code dim}; the gradient goes to the first maximum (the {@link #argmax} position).
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return maximum over {@code dim}; the gradient goes to the first maximum (the {@link #argmax} position)
     */
    public Tensor max(int dim, boolean keepDim) {
        return max(new int[] {dim}, keepDim);
    }

    /**
     * Maximum over several dimensions; the gradient goes to the first maximum in row-major order.
     *
     * @param dims the dimensions (negative count from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return maximum over several dimensions; the gradient goes to the first maximum in row-major order
     */
    public Tensor max(int[] dims, boolean keepDim) {
        return ReduceOps.extreme("max", true, self(), ReduceOps.reducedMask("max", self(), dims), keepDim);
    }

    /**
     * Smallest element (NaN if any), as a 0-D tensor; the gradient goes to the first smallest.
     *
     * @return smallest element (NaN if any), as a 0-D tensor; the gradient goes to the first smallest
     */
    public Tensor min() {
        return ReduceOps.extreme("min", false, self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Minimum over {@code dim}; the gradient goes to the first minimum (the {@link #argmin} position).
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return minimum over {@code dim}; the gradient goes to the first minimum (the {@link #argmin} position)
     */
    public Tensor min(int dim, boolean keepDim) {
        return min(new int[] {dim}, keepDim);
    }

    /**
     * Minimum over several dimensions; the gradient goes to the first minimum in row-major order.
     *
     * @param dims the dimensions (negative count from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return minimum over several dimensions; the gradient goes to the first minimum in row-major order
     */
    public Tensor min(int[] dims, boolean keepDim) {
        return ReduceOps.extreme("min", false, self(), ReduceOps.reducedMask("min", self(), dims), keepDim);
    }

    /**
     * Row-major index of the first largest element, as a 0-D float tensor; no gradient.
     *
     * @return row-major index of the first largest element, as a 0-D float tensor; no gradient
     */
    public Tensor argmax() {
        return ReduceOps.argExtreme("argmax", true, self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Index along {@code dim} of the first maximum, as floats (exact below 2²⁴); no gradient.
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return index along {@code dim} of the first maximum, as floats (exact below 2²⁴); no gradient
     */
    public Tensor argmax(int dim, boolean keepDim) {
        return ReduceOps.argExtreme("argmax", true, self(), ReduceOps.reducedMask("argmax", self(), new int[] {dim}), keepDim);
    }

    /**
     * Row-major index of the first smallest element, as a 0-D float tensor; no gradient.
     *
     * @return row-major index of the first smallest element, as a 0-D float tensor; no gradient
     */
    public Tensor argmin() {
        return ReduceOps.argExtreme("argmin", false, self(), ReduceOps.allDims(self()), false);
    }

    /**
     * Index along {@code dim} of the first minimum, as floats; no gradient.
     *
     * @param dim the dimension (negative counts from the end)
     * @param keepDim keep the reduced dimensions with size 1
     * @return index along {@code dim} of the first minimum, as floats; no gradient
     */
    public Tensor argmin(int dim, boolean keepDim) {
        return ReduceOps.argExtreme("argmin", false, self(), ReduceOps.reducedMask("argmin", self(), new int[] {dim}), keepDim);
    }

    /**
     * Unbiased variance of all elements ({@code N − 1} in the denominator), as a 0-D tensor.
     *
     * @return unbiased variance of all elements ({@code N − 1} in the denominator), as a 0-D tensor
     */
    public Tensor var() {
        return var(true);
    }

    /**
     * Variance of all elements; {@code unbiased} divides by {@code N − 1}, else by {@code N}.
     *
     * @param unbiased divide by {@code n − 1} (Bessel's correction) instead of {@code n}
     * @return variance of all elements; {@code unbiased} divides by {@code N − 1}, else by {@code N}
     */
    public Tensor var(boolean unbiased) {
        return ReduceOps.var(self(), ReduceOps.allDims(self()), unbiased, false);
    }

    /**
     * Variance over {@code dim}; {@code unbiased} divides by {@code N − 1}, else by {@code N}.
     *
     * @param dim the dimension (negative counts from the end)
     * @param unbiased divide by {@code n − 1} (Bessel's correction) instead of {@code n}
     * @param keepDim keep the reduced dimensions with size 1
     * @return variance over {@code dim}; {@code unbiased} divides by {@code N − 1}, else by {@code N}
     */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) {
        return var(new int[] {dim}, unbiased, keepDim);
    }

    /**
     * Variance over several dimensions; {@code unbiased} divides by {@code N − 1}, else by {@code N}.
     *
     * @param dims the dimensions (negative count from the end)
     * @param unbiased divide by {@code n − 1} (Bessel's correction) instead of {@code n}
     * @param keepDim keep the reduced dimensions with size 1
     * @return variance over several dimensions; {@code unbiased} divides by {@code N − 1}, else by {@code N}
     */
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) {
        return ReduceOps.var(self(), ReduceOps.reducedMask("var", self(), dims), unbiased, keepDim);
    }

    /**
     * Sums this tensor down to {@code shape}, a shape that broadcasts to this one: the gradient of a
     * broadcast operand. Returns this tensor when the shapes are equal.
     *
     * @param shape the shape
     * @return this tensor summed down to {@code shape}
     */
    public Tensor sumTo(int... shape) {
        return ReduceOps.sumTo(self(), shape);
    }

    // ------------------------------------------------------------------ linear algebra (see LinalgOps)

    /**
     * Matrix product with PyTorch's {@code matmul} semantics: 1-D operands are vectors, leading
     * dimensions are broadcast batch dimensions, and transposed views are multiplied without copying.
     *
     * @param other the other operand, broadcast against this one
     * @return matrix product with PyTorch's {@code matmul} semantics: 1-D operands are vectors, leading dimensions are broadcast batch dimensions, and transposed views are multiplied without copying
     */
    public Tensor matmul(Tensor other) {
        return LinalgOps.matmul(self(), other);
    }

}
