package dev.visor.tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Collects, on one thread, the gradients {@link Tensor#backward()} would add to leaves'
 * {@link Tensor#grad()}, in a map of its own instead: for a data-parallel training step, where each
 * thread runs the backward pass of its share of the batch over a graph of its own but the leaves (the
 * parameters) are shared, so adding to {@code grad()} from several threads at once would race. After
 * the threads finish, {@link #drainInto} adds each capture's gradients to the leaves, capture by
 * capture in a fixed order, so the sums do not depend on thread timing.
 *
 * <pre>{@code
 * GradientCapture c = GradientCapture.begin();      // on the shard's thread
 * try { loss.backward(); } finally { c.close(); }
 * ...                                                // after all shards, on one thread:
 * for (GradientCapture c : captures) c.drainInto(model.parameters());
 * }</pre>
 */
public final class GradientCapture implements AutoCloseable {
    private static final ThreadLocal<GradientCapture> ACTIVE = new ThreadLocal<>();

    private final Map<Tensor, Tensor> grads = new IdentityHashMap<>();
    private final Thread owner = Thread.currentThread();
    private boolean open = true;

    private GradientCapture() {}

    /**
     * Starts capturing the leaf gradients of every backward pass on the calling thread until
     * {@link #close()}.
     *
     * @return the open capture
     * @throws IllegalStateException when a capture is already open on this thread
     */
    public static GradientCapture begin() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("GradientCapture.begin: a capture is already open on thread "
                    + Thread.currentThread().getName());
        }
        GradientCapture c = new GradientCapture();
        ACTIVE.set(c);
        return c;
    }

    static GradientCapture active() {
        return ACTIVE.get();
    }

    void add(Tensor leaf, Tensor g) {
        grads.put(leaf, TensorBase.accumulated(grads.get(leaf), g));
    }

    /**
     * The gradient captured for {@code leaf} so far.
     *
     * @param leaf a leaf tensor (e.g. a parameter)
     * @return its summed gradient over the captured backward passes, or {@code null} when none reached it
     */
    public Tensor gradient(Tensor leaf) {
        return grads.get(leaf);
    }

    /**
     * Adds the captured gradient of each of {@code leaves}, in their iteration order, to its
     * {@link Tensor#grad()} (as a backward pass would have), and forgets them. Call after
     * {@link #close()}, from one thread at a time.
     *
     * @param leaves the leaves to receive gradients (typically every parameter of the model); leaves the capture never reached are skipped
     * @throws IllegalStateException while the capture is still open
     */
    public void drainInto(Iterable<Tensor> leaves) {
        if (open) {
            throw new IllegalStateException("drainInto before close(): the capture of thread " + owner.getName() + " is still open");
        }
        for (Tensor leaf : leaves) {
            Tensor g = grads.remove(leaf);
            if (g != null) {
                leaf.grad = leaf.grad == null ? g : TensorBase.accumulated(leaf.grad, g); // g is private: adopt it
            }
        }
        grads.clear();
    }

    /**
     * Stops capturing on this thread; backward passes add to {@code grad()} again.
     *
     * @throws IllegalStateException when called from another thread than {@link #begin()}'s
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("GradientCapture.close on thread " + Thread.currentThread().getName()
                    + " but it was begun on " + owner.getName());
        }
        ACTIVE.remove();
        open = false;
    }
}
