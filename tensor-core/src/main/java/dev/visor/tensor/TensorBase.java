package dev.visor.tensor;

import dev.visor.tensor.kernel.VecMath;
import java.util.Arrays;

/**
 * The state every {@link Tensor} carries and the methods that only read it: storage, shape,
 * strides and offset, element access, the autograd bookkeeping and printing. The op methods are
 * added by the fronts above it ({@link MovementFront}, {@link ElementwiseFront}, and {@link Tensor}
 * itself for creation, reductions and matmul), as tinygrad splits its tensor by concern; users only
 * ever see {@link Tensor}.
 */
abstract class TensorBase {
    final float[] data;
    final int[] shape;
    final int[] strides;
    final int offset;

    // Autograd state. A leaf has gradFn == null; an op result that needs gradients has one.
    boolean requiresGrad;
    Tensor grad;
    final GradFn gradFn;
    // set by Tensor.handedOver, cleared when a backward pass takes the gradient (Autograd)
    boolean handedOver;

    TensorBase(float[] data, int[] shape, int[] strides, int offset, GradFn gradFn) {
        this.data = data;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.gradFn = gradFn;
        this.requiresGrad = gradFn != null;
    }


    /** This object as the {@link Tensor} it always is (the only concrete subclass). */
    final Tensor self() {
        return (Tensor) this;
    }

    // ------------------------------------------------------------------ geometry

    /**
     * A copy of the shape.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Size of dimension {@code dim} (negative counts from the end).
     *
     * @param dim the dimension (negative counts from the end)
     * @return size of dimension {@code dim} (negative counts from the end)
     */
    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    /**
     * Number of dimensions.
     *
     * @return number of dimensions
     */
    public int dim() {
        return shape.length;
    }

    /**
     * Number of elements (1 for a 0-D tensor).
     *
     * @return number of elements (1 for a 0-D tensor)
     */
    public int numel() {
        return Shape.numel(shape);
    }

    /**
     * A copy of the strides, in elements.
     *
     * @return a copy of the strides, in elements
     */
    public int[] strides() {
        return strides.clone();
    }

    /**
     * Stride of dimension {@code dim} in elements (negative counts from the end).
     *
     * @param dim the dimension (negative counts from the end)
     * @return stride of dimension {@code dim} in elements (negative counts from the end)
     */
    public int stride(int dim) {
        return strides[Shape.dim(dim, shape.length)];
    }

    /**
     * Offset of element {@code [0, ..., 0]} in {@link #storage()}.
     *
     * @return offset of element {@code [0, ..., 0]} in {@link #storage()}
     */
    public int offset() {
        return offset;
    }

    /**
     * The flat storage this tensor views, shared with other views: for kernels that address
     * elements as {@code offset() + Σ index[i] * strides()[i]}. Writing to it bypasses autograd.
     *
     * @return the flat storage this tensor views, shared with other views: for kernels that address elements as {@code offset() + Σ index[i] * strides()[i]}
     */
    public float[] storage() {
        return data;
    }

    /**
     * True when this tensor's elements, in row-major order, are all of its storage after
     * {@link #offset()}, and that offset is 0 or the lead {@link Tensor#alignedZeros} gives a weight:
     * so element {@code i} is {@code storage()[offset() + i]} and writing there updates exactly this
     * tensor (and views of it). Parameters must own their storage; a view into a larger storage does not.
     *
     * @return true when the tensor owns dense row-major storage (after a lead of 0 or the alignment lead)
     */
    public boolean ownsStorage() {
        return StorageLayout.ownedOffset(offset) && data.length - offset == numel() && isContiguous();
    }

    /**
     * True when elements lie in row-major order without gaps (the offset may be non-zero).
     *
     * @return true when elements lie in row-major order without gaps (the offset may be non-zero)
     */
    public boolean isContiguous() {
        return Shape.isContiguous(shape, strides);
    }

    // ------------------------------------------------------------------ elements

    /**
     * The element at {@code index} (one entry per dimension).
     *
     * @param index the index
     * @return the element at {@code index} (one entry per dimension)
     */
    public float get(int... index) {
        return data[flatIndex(index)];
    }

    /**
     * The value of a one-element tensor.
     *
     * @return the value of a one-element tensor
     */
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

    /**
     * The elements in row-major order, as a new array.
     *
     * @return the elements in row-major order, as a new array
     */
    public float[] toArray() {
        int n = numel();
        float[] out = new float[n];
        if (isContiguous()) {
            System.arraycopy(data, offset, out, 0, n);
        } else {
            copyStrided(self(), out);
        }
        return out;
    }

    /** Copies {@code src}'s elements in row-major order into {@code dst}. */
    static void copyStrided(Tensor src, float[] dst) {
        StridedLoop.copy(src, dst);
    }

    /**
     * This tensor if it is contiguous with offset 0, else a row-major copy (differentiable).
     *
     * @return this tensor if it is contiguous with offset 0, else a row-major copy (differentiable)
     */
    public Tensor contiguous() {
        if (offset == 0 && isContiguous() && data.length == numel()) {
            return self();
        }
        return Tensor.fromOp("contiguous", toArray(), shape, g -> new Tensor[] {g}, self());
    }

    /**
     * A copy with its own storage (differentiable).
     *
     * @return a copy with its own storage (differentiable)
     */
    public Tensor copy() {
        return Tensor.fromOp("copy", toArray(), shape, g -> new Tensor[] {g}, self());
    }


    // ------------------------------------------------------------------ autograd

    /**
     * True when gradients flow to this tensor.
     *
     * @return true when gradients flow to this tensor
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor (one not produced by a recorded op) as needing a gradient.
     *
     * @param on true to switch it on
     * @return this tensor
     */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException(
                    "cannot turn off requiresGrad on the result of " + gradFn.name + "; use detach()");
        }
        this.requiresGrad = on;
        return self();
    }

    /**
     * True for tensors not produced by a recorded op.
     *
     * @return true for tensors not produced by a recorded op
     */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * The name of the op that produced this tensor, or {@code null} for a leaf.
     *
     * @return the name of the op that produced this tensor, or {@code null} for a leaf
     */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.name;
    }

    /**
     * True for a gradient that autograd has {@linkplain Tensor#handedOver handed over} to the backward
     * function it is passing it to, or a backward function has handed over to autograd: nothing else
     * holds its storage, which is dense row-major from offset 0. A backward function of one's own
     * ({@link Tensor#fromOp}) that receives such an incoming gradient may write its result into the
     * gradient's storage and return it (for one input) instead of allocating.
     *
     * @return whether this tensor's storage is its holder's alone
     * @since 0.2
     */
    public boolean isHandedOver() {
        return handedOver;
    }

    /**
     * The accumulated gradient of a leaf after {@link #backward()}, or {@code null}.
     *
     * @return the accumulated gradient of a leaf after {@link #backward()}, or {@code null}
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the accumulated gradient (e.g. by an optimizer or clipping); {@code null} clears it.
     *
     * @param g the gradient
     */
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

    /**
     * The same values, cut from the graph: no gradient flows through the result. Shares storage.
     *
     * @return the same values, cut from the graph: no gradient flows through the result
     */
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
        backward(Tensor.ones(shape));
    }

    /**
     * Back-propagates {@code gradient} (shaped like this tensor) through the recorded graph and adds
     * the results to the {@link #grad()} of every leaf that requires one. Calling it twice
     * accumulates; clear with {@link #zeroGrad()}.
     *
     * @param gradient the gradient of the output
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
        Autograd.backward(self(), gradient);
    }

    /** Adds {@code g} to this leaf's accumulated gradient; the first one is adopted when the caller owns it alone. */
    void accumulateGrad(Tensor g, boolean exclusive) {
        grad = exclusive && grad == null ? adopted(g) : accumulated(grad, g);
    }

    /** {@code g}, adopted as a gradient that outlives the step: a step arena's array escapes its scope ({@link StepArena#escape}). */
    static Tensor adopted(Tensor g) {
        StepArena.escape(g.data);
        return g;
    }

    /**
     * {@code sum + g}, in place in {@code sum} (a gradient owned by its holder), or a private
     * contiguous copy of {@code g} when {@code sum} is null: a gradient never aliases another tensor's storage.
     */
    static Tensor accumulated(Tensor sum, Tensor g) {
        if (sum == null) {
            Tensor out = g.detach().contiguous();
            return out.data == g.data ? new Tensor(g.toArray(), g.shape.clone()) : out;
        }
        boolean dense = g.isContiguous(); // read in place, not copied first
        VecMath.add(sum.data, 0, dense ? g.data : g.toArray(), dense ? g.offset : 0, sum.data, 0, g.numel());
        return sum;
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
