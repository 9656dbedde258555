package dev.visor.tensor;

import java.util.List;

/**
 * The movement front of {@link Tensor}: views that reshape, transpose, slice and broadcast without
 * copying, and joins ({@code MovementOps}, {@code JoinOps}).
 */
abstract class MovementFront extends TensorBase {
    MovementFront(float[] data, int[] shape, int[] strides, int offset, GradFn gradFn) {
        super(data, shape, strides, offset, gradFn);
    }

    // ------------------------------------------------------------------ movement (views; see MovementOps)

    /**
     * The same elements in a new shape ({@code -1} infers one size): a view sharing storage when the
     * strides allow it, else a row-major copy (like PyTorch's {@code reshape}).
     *
     * @param shape the shape
     * @return the same elements in a new shape ({@code -1} infers one size): a view sharing storage when the strides allow it, else a row-major copy (like PyTorch's {@code reshape})
     */
    public Tensor reshape(int... shape) {
        return MovementOps.reshape(self(), shape);
    }

    /**
     * Like {@link #reshape} but never copies: fails when the strides cannot express the new shape.
     *
     * @param shape the shape
     * @return like {@link #reshape} but never copies: fails when the strides cannot express the new shape
     */
    public Tensor view(int... shape) {
        return MovementOps.view(self(), shape);
    }

    /**
     * All elements as one dimension.
     *
     * @return all elements as one dimension
     */
    public Tensor flatten() {
        return MovementOps.flatten(self(), 0, -1);
    }

    /**
     * Dimensions {@code startDim..endDim} (inclusive; negative from the end) merged into one.
     *
     * @param startDim the first dimension merged
     * @param endDim the last dimension merged (inclusive)
     * @return a view (or a copy when the strides do not allow one) with those dimensions merged
     */
    public Tensor flatten(int startDim, int endDim) {
        return MovementOps.flatten(self(), startDim, endDim);
    }

    /**
     * A view with dimensions {@code dim0} and {@code dim1} swapped.
     *
     * @param dim0 the first dimension
     * @param dim1 the second dimension
     * @return a view with dimensions {@code dim0} and {@code dim1} swapped
     */
    public Tensor transpose(int dim0, int dim1) {
        return MovementOps.transpose(self(), dim0, dim1);
    }

    /**
     * The transpose of a matrix (a view); 0-D and 1-D tensors are returned as they are.
     *
     * @return the transpose of a matrix (a view); 0-D and 1-D tensors are returned as they are
     */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t() needs at most 2 dimensions but got " + Shape.str(shape)
                    + "; use transpose(dim0, dim1)");
        }
        return shape.length < 2 ? self() : transpose(0, 1);
    }

    /**
     * A view whose dimension {@code i} is this tensor's dimension {@code dims[i]}.
     *
     * @param dims the dimensions (negative count from the end)
     * @return a view whose dimension {@code i} is this tensor's dimension {@code dims[i]}
     */
    public Tensor permute(int... dims) {
        return MovementOps.permute(self(), dims);
    }

    /**
     * A view of {@code length} elements of {@code dim} from {@code start} (negative from the end).
     *
     * @param dim the dimension (negative counts from the end)
     * @param start the first index (negative counts from the end)
     * @param length the length
     * @return a view of {@code length} elements of {@code dim} from {@code start} (negative from the end)
     */
    public Tensor narrow(int dim, int start, int length) {
        return MovementOps.narrow(self(), dim, start, length);
    }

    /**
     * Python's {@code x[..., start:end, ...]} along {@code dim} (a view; bounds clamped, negatives from the end).
     *
     * @param dim the dimension (negative counts from the end)
     * @param start the first index (negative counts from the end)
     * @param end the end index, exclusive (negative counts from the end)
     * @return python's {@code x[..., start:end, ...]} along {@code dim} (a view; bounds clamped, negatives from the end)
     */
    public Tensor slice(int dim, int start, int end) {
        return MovementOps.slice(self(), dim, start, end, 1);
    }

    /**
     * Python's {@code x[..., start:end:step, ...]} along {@code dim} (a view; {@code step > 0}).
     *
     * @param dim the dimension (negative counts from the end)
     * @param start the first index (negative counts from the end)
     * @param end the end index, exclusive (negative counts from the end)
     * @param step the step
     * @return python's {@code x[..., start:end:step, ...]} along {@code dim} (a view; {@code step > 0})
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return MovementOps.slice(self(), dim, start, end, step);
    }

    /**
     * A view of dimension {@code dim} at {@code index} (negative from the end), with that dimension removed.
     *
     * @param dim the dimension (negative counts from the end)
     * @param index the index
     * @return a view of dimension {@code dim} at {@code index} (negative from the end), with that dimension removed
     */
    public Tensor select(int dim, int index) {
        return MovementOps.select(self(), dim, index);
    }

    /**
     * A view without the dimensions of size 1.
     *
     * @return a view without the dimensions of size 1
     */
    public Tensor squeeze() {
        return MovementOps.squeeze(self());
    }

    /**
     * A view without dimension {@code dim} if its size is 1; otherwise this tensor (as PyTorch).
     *
     * @param dim the dimension (negative counts from the end)
     * @return a view without dimension {@code dim} if its size is 1; otherwise this tensor (as PyTorch)
     */
    public Tensor squeeze(int dim) {
        return MovementOps.squeeze(self(), dim);
    }

    /**
     * A view with a new dimension of size 1 at {@code dim} ({@code -dim()-1 .. dim()}).
     *
     * @param dim the dimension (negative counts from the end)
     * @return a view with a new dimension of size 1 at {@code dim}
     */
    public Tensor unsqueeze(int dim) {
        return MovementOps.unsqueeze(self(), dim);
    }

    /**
     * A broadcast view of size {@code sizes} (stride 0 along new and size-1 dimensions, {@code -1}
     * keeps a size); its gradient is summed back over the broadcast dimensions.
     *
     * @param sizes the sizes
     * @return a broadcast view of size {@code sizes} (stride 0 along new and size-1 dimensions, {@code -1} keeps a size); its gradient is summed back over the broadcast dimensions
     */
    public Tensor expand(int... sizes) {
        return MovementOps.expand(self(), sizes);
    }

    /**
     * {@link #expand} to {@code other}'s shape.
     *
     * @param other the other operand, broadcast against this one
     * @return {@link #expand} to {@code other}'s shape
     */
    public Tensor expandAs(Tensor other) {
        return MovementOps.expand(self(), other.shape);
    }

    /**
     * Concatenation along existing dimension {@code dim}; all other sizes must match.
     *
     * @param tensors the tensors by name
     * @param dim the dimension (negative counts from the end)
     * @return concatenation along existing dimension {@code dim}; all other sizes must match
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return JoinOps.cat(tensors, dim);
    }

    /**
     * Concatenation along existing dimension {@code dim}; all other sizes must match.
     *
     * @param dim the dimension (negative counts from the end)
     * @param tensors the tensors by name
     * @return concatenation along existing dimension {@code dim}; all other sizes must match
     */
    public static Tensor cat(int dim, Tensor... tensors) {
        return JoinOps.cat(List.of(tensors), dim);
    }

    /**
     * Equally shaped tensors stacked along a new dimension {@code dim}.
     *
     * @param tensors the tensors by name
     * @param dim the dimension (negative counts from the end)
     * @return equally shaped tensors stacked along a new dimension {@code dim}
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return JoinOps.stack(tensors, dim);
    }

    /**
     * Equally shaped tensors stacked along a new dimension {@code dim}.
     *
     * @param dim the dimension (negative counts from the end)
     * @param tensors the tensors by name
     * @return equally shaped tensors stacked along a new dimension {@code dim}
     */
    public static Tensor stack(int dim, Tensor... tensors) {
        return JoinOps.stack(List.of(tensors), dim);
    }

    /**
     * Views of {@code size} elements along {@code dim}; the last may be shorter.
     *
     * @param size the size
     * @param dim the dimension (negative counts from the end)
     * @return views of {@code size} elements along {@code dim}; the last may be shorter
     */
    public List<Tensor> split(int size, int dim) {
        return MovementOps.split(self(), size, dim);
    }

    /**
     * At most {@code chunks} equal views along {@code dim} (the last may be shorter), as PyTorch's chunk.
     *
     * @param chunks the number of chunks
     * @param dim the dimension (negative counts from the end)
     * @return at most {@code chunks} equal views along {@code dim} (the last may be shorter), as PyTorch's chunk
     */
    public List<Tensor> chunk(int chunks, int dim) {
        return MovementOps.chunk(self(), chunks, dim);
    }

}
