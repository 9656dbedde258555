package dev.visor.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Concatenation and stacking: {@code cat} joins tensors along an existing dimension,
 * {@code stack} along a new one. Both copy into a fresh row-major result (piece by piece, with
 * the strided walk of {@link MovementOps#scatter}); the gradient of each input is the matching
 * {@code narrow} of the output gradient, a view.
 *
 * <pre>{@code
 * Tensor qkv = Tensor.cat(List.of(q, k, v), -1);     // (batch, seq, 3·d)
 * Tensor steps = Tensor.stack(List.of(h0, h1, h2), 1); // (batch, 3, d)
 * }</pre>
 */
final class JoinOps {
    private JoinOps() {}

    /** Concatenates along an existing dimension; all other sizes must match. */
    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: needs at least one tensor but got none");
        }
        Tensor first = tensors.get(0);
        int rank = first.shape.length;
        if (rank == 0) {
            throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated; use stack");
        }
        int d;
        try {
            d = Shape.dim(dim, rank);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cat of " + Shape.str(first.shape) + ": " + e.getMessage(), e);
        }
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            boolean ok = t.shape.length == rank;
            for (int k = 0; k < rank && ok; k++) {
                ok = k == d || t.shape[k] == first.shape[k];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: tensor " + i + " has shape " + Shape.str(t.shape) + " but tensor 0 has "
                        + Shape.str(first.shape) + "; all sizes must match except in dimension " + d);
            }
            total += t.shape[d];
        }
        int[] shape = first.shape.clone();
        shape[d] = total;
        float[] out = StepBuffers.floats(Shape.numel(shape));   // the parts cover every element
        int[] cs = Shape.contiguousStrides(shape);
        int[] starts = new int[tensors.size()];
        int at = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = at;
            MovementOps.scatter(t, out, at * cs[d], cs);
            at += t.shape[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Tensor.fromOp("cat", out, shape, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad()) {
                    grads[i] = g.narrow(d, starts[i], inputs[i].shape[d]);
                }
            }
            return grads;
        }, inputs);
    }

    /** Stacks equally shaped tensors along a new dimension {@code dim} (in {@code -rank-1..rank}). */
    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor but got none");
        }
        int[] shape = tensors.get(0).shape;
        int d;
        try {
            d = Shape.dim(dim, shape.length + 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stack of " + Shape.str(shape) + ": " + e.getMessage(), e);
        }
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(t.shape, shape)) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shape.str(t.shape)
                        + " but tensor 0 has " + Shape.str(shape) + "; all must be equal");
            }
            parts.add(MovementOps.unsqueeze(t, d));
        }
        return cat(parts, d);
    }
}
