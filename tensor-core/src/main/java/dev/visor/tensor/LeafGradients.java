package dev.visor.tensor;

/**
 * Lets an op's backward pass add a leaf's gradient straight into the leaf's existing
 * {@link Tensor#grad()} instead of returning it as a new array for autograd to add: while a
 * {@link #addInPlace()} scope is open on the thread, {@link #into} hands out the gradient's own array.
 * {@code linear}'s weight gradient then runs as {@code grad += gᵀ·x} in one product (beta 1), saving a
 * weight-sized array and a pass over it per backward.
 *
 * <p>For a training step that runs several backward passes into the same gradients one after the other
 * (the length groups of {@code GradientStep}): the first pass's gradients are new arrays as usual, the
 * later ones add into them. The sums are the same up to rounding, but not the same bits as adding the
 * finished product (the product's own partial sums then meet the old gradient earlier), so the scope is
 * opt-in: outside one, every backward is as before. Never while a {@link GradientCapture} is open on the
 * thread (the gradients then go to the capture).
 *
 * <pre>{@code
 * try (LeafGradients.Scope s = LeafGradients.addInPlace()) {
 *     loss.backward();          // linear weights whose grad() exists receive grad += gᵀ·x
 * }
 * }</pre>
 */
public final class LeafGradients {
    private static final ThreadLocal<boolean[]> ON = ThreadLocal.withInitial(() -> new boolean[1]);

    private LeafGradients() {}

    /**
     * Opens a scope on this thread in which {@link #into} may hand out leaves' gradient arrays.
     *
     * @return the scope; closing it restores the state before
     */
    public static Scope addInPlace() {
        boolean[] on = ON.get();
        Scope s = new Scope(on, on[0]);
        on[0] = true;
        return s;
    }

    /**
     * The array to add {@code leaf}'s gradient into, or {@code null} when the caller must return a new
     * gradient as usual: non-null only in an {@link #addInPlace()} scope on this thread with no
     * {@link GradientCapture} open, for a leaf that requires gradients and already has a dense
     * gradient of {@code n} elements at offset 0: the array autograd's own accumulation would add into
     * as well ({@code grad += g} runs in place).
     *
     * @param leaf the tensor whose gradient the op computes
     * @param n the gradient's element count
     * @return the gradient's storage, or null
     */
    public static float[] into(Tensor leaf, int n) {
        if (!ON.get()[0] || leaf.gradFn != null || !leaf.requiresGrad() || GradientCapture.active() != null) {
            return null;
        }
        Tensor g = leaf.grad;
        return g != null && g.offset == 0 && g.numel() == n && g.isContiguous() && g.data.length >= n ? g.data : null;
    }

    /** An open {@link #addInPlace()} scope. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] on;
        private final boolean before;

        private Scope(boolean[] on, boolean before) {
            this.on = on;
            this.before = before;
        }

        /** Restores the state from before the scope. */
        @Override
        public void close() {
            on[0] = before;
        }
    }
}
