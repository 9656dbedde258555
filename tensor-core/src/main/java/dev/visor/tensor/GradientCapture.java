package dev.visor.tensor;

import dev.visor.tensor.kernel.WeightedSplit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects, on one thread, the gradients {@link Tensor#backward()} would add to leaves'
 * {@link Tensor#grad()}, in a map of its own instead: for a data-parallel training step, where each
 * thread runs the backward pass of its share of the batch over a graph of its own but the leaves (the
 * parameters) are shared, so adding to {@code grad()} from several threads at once would race. After
 * the threads finish, {@link #drainAll} (or {@link #drainInto} per capture) adds the captures' gradients to
 * the leaves in a fixed order, so the sums do not depend on thread timing.
 *
 * <pre>{@code
 * GradientCapture c = GradientCapture.begin();      // on the shard's thread
 * try { loss.backward(); } finally { c.close(); }
 * ...                                                // after all shards, on one thread:
 * GradientCapture.drainAll(captures, model.parameters());   // or c.drainInto(...) for each in turn
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

    /** Adds {@code g} to {@code leaf}'s captured gradient; the first one is adopted when {@code exclusive} (nothing else holds it). */
    void add(Tensor leaf, Tensor g, boolean exclusive) {
        Tensor sum = grads.get(leaf);
        grads.put(leaf, exclusive && sum == null ? TensorBase.adopted(g) : TensorBase.accumulated(sum, g));
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
     * {@link #close()}, from one thread at a time. The same as {@link #drainAll} of this capture alone.
     *
     * @param leaves the leaves to receive gradients (typically every parameter of the model); leaves the capture never reached are skipped
     * @throws IllegalStateException while the capture is still open
     */
    public void drainInto(Iterable<Tensor> leaves) {
        drainAll(List.of(this), leaves);
    }

    /**
     * Adds the captured gradients of {@code captures} to the leaves' {@link Tensor#grad()}, with the
     * bits of calling {@link #drainInto} on each capture in turn (each element receives the captures'
     * values in list order), and forgets them. The leaves are shared out among the kernel threads
     * ({@link WeightedSplit}, by element count), each leaf summed whole on one thread: for a
     * data-parallel step, whose shards' gradients would otherwise be summed on one thread while the
     * others wait. Call after every capture is {@linkplain #close() closed}, from one thread at a time.
     *
     * @param captures the closed captures, in the order their gradients are added
     * @param leaves the leaves to receive gradients; a leaf listed twice receives them once, leaves no capture reached are skipped
     * @throws IllegalStateException while a capture is still open, naming its thread
     */
    public static void drainAll(List<GradientCapture> captures, Iterable<Tensor> leaves) {
        for (GradientCapture c : captures) {
            if (c.open) {
                throw new IllegalStateException("drainInto before close(): the capture of thread " + c.owner.getName() + " is still open");
            }
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> distinct = new ArrayList<>();
        for (Tensor leaf : leaves) {
            if (seen.add(leaf)) {
                distinct.add(leaf);
            }
        }
        long[] sizes = new long[distinct.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = distinct.get(i).numel();
        }
        // the maps are only read while the split runs; each leaf's grad is written by one thread
        WeightedSplit.forEach(sizes, DRAIN_GRAIN, i -> {
            Tensor leaf = distinct.get(i);
            for (GradientCapture c : captures) {
                Tensor g = c.grads.get(leaf);
                if (g != null) {
                    leaf.grad = leaf.grad == null ? g : TensorBase.accumulated(leaf.grad, g); // g is private: adopt it
                }
            }
        });
        for (GradientCapture c : captures) {
            c.grads.clear();
        }
    }

    /** Elements summed per thread hand-off at the least (a few microseconds of additions). */
    private static final long DRAIN_GRAIN = 1 << 14;

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
