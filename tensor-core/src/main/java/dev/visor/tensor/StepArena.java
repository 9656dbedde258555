package dev.visor.tensor;

import dev.visor.tensor.kernel.KernelProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The float arrays of a training step (forward activations, the tensors its backward functions keep,
 * the gradients of intermediate tensors), pooled by length and used again by the next step, so that a
 * steady state allocates no such arrays. While a {@linkplain #open scope} is open on a thread, the
 * ops' result arrays ({@link StepBuffers#floats}, {@link StepBuffers#zeros}) come from the pool: any
 * free array of the requested length, else a new one; so do dropout's keep bits
 * ({@link StepBuffers#longs}) and the partial sums a kernel takes on the caller before its threads run
 * ({@link StepBuffers#doubles}), each element type in a pool of its own. Closing the scope returns every
 * array handed out in it to the pool, except those that {@linkplain #escape escaped} it.
 *
 * <p>Unlike {@link StepBuffers} (decoding, autograd off, "the i-th request gets the previous step's i-th
 * array") the pool is keyed by length alone, so batches of different shapes from step to step (the
 * demo's padded lengths, length groups) reuse whatever fits, and autograd may be on: nothing handed out
 * in a scope goes back before the scope ends, except an intermediate gradient that the backward pass
 * knows to be dead ({@link #release}).
 *
 * <p>The contract of the owner: <b>nothing handed out in a scope is read after the scope closes</b>,
 * except what escaped: the gradient arrays that leaves (parameters) or a {@link GradientCapture} adopt
 * are marked by autograd as they are adopted and kept until {@link #recycleKept} (the next step, after
 * the optimizer has used and dropped them); an adopted gradient still held by a leaf then is forgotten,
 * never reused. Whatever else must outlive a step (a loss value, a lazily built cache) must be read
 * inside the scope or built outside it ({@link #suspend}). One arena is open on one thread at a time;
 * arenas of different threads are independent (the data-parallel shards have one each).
 *
 * <pre>{@code
 * StepArena arena = new StepArena();              // one per training loop (per shard)
 * arena.recycleKept(model.parameters());          // step start: last step's gradients, dropped by zeroGrad
 * try (StepArena.Scope s = arena.open()) {
 *     Tensor loss = model.loss(...);               // activations from the pool
 *     double value = loss.item();                 // read inside the scope
 *     loss.backward();                            // parameter gradients escape, the rest returns at close
 * }
 * }</pre>
 *
 * <p>{@code -Dvisor.trainArena=false} switches the pool off (every request a new array, as before it);
 * {@code -Dvisor.trainArena.maxMB} bounds the free arrays an arena keeps between scopes (default
 * {@value #DEFAULT_MAX_MB} MB; arrays past the bound are left to the collector).
 */
public final class StepArena {
    /** The system property that switches the pools off ({@code false}), read by {@link #ENABLED} and by each training step. */
    public static final String PROPERTY = "visor.trainArena";

    /** Whether arenas pool arrays, from {@value #PROPERTY} (default true): the A/B switch. */
    public static final boolean ENABLED = KernelProperties.bool(PROPERTY, true);

    /** The default bound of an arena's free arrays, in MB (and at most a quarter of the heap's maximum). */
    static final long DEFAULT_MAX_MB = 2048;

    /**
     * Scopes after which a length no request asked for gives up its free arrays (a batch shape that did
     * not come back): {@value} scopes, 16 steps of 4 length groups.
     */
    static final int STALE_SCOPES = 64;

    private static final long MAX_FREE_FLOATS = KernelProperties.whole("visor.trainArena.maxMB",
            Math.min(DEFAULT_MAX_MB, Runtime.getRuntime().maxMemory() / 4 >> 20), 0) << 18;
    private static final ThreadLocal<StepArena[]> CURRENT = ThreadLocal.withInitial(() -> new StepArena[1]);

    private final IdentityHashMap<Object, Boolean> outstanding = new IdentityHashMap<>();   // float[], long[], double[]
    private final List<float[]> kept = new ArrayList<>();
    private final IdentityHashMap<float[], Boolean> held = new IdentityHashMap<>();
    private final LengthPool free = new LengthPool(1);
    private final LengthPool freeLongs = new LengthPool(2);   // dropout's keep bits
    private final LengthPool freeDoubles = new LengthPool(2);   // kernels' partial sums
    private final long maxFreeFloats;
    private long misses;
    private long requests;
    private long requestedFloats;
    private int scopes;
    private boolean open;
    private float poison = Float.NaN;
    private boolean poisoning;

    /** An empty arena; its first scopes allocate the arrays. */
    public StepArena() {
        this(MAX_FREE_FLOATS);
    }

    /**
     * An empty arena keeping at most {@code maxFreeFloats} floats in free arrays between scopes.
     *
     * @param maxFreeFloats the bound, at least 0
     */
    StepArena(long maxFreeFloats) {
        this.maxFreeFloats = maxFreeFloats;
    }

    /**
     * Opens a scope on this thread: until it closes, ops take their result arrays from this arena
     * (with {@code -Dvisor.trainArena=false}, the scope does nothing).
     *
     * @return the scope; close it (try-with-resources) when the forward and backward passes are done
     * @throws IllegalStateException when a scope of this arena is already open
     */
    public Scope open() {
        if (open) {
            throw new IllegalStateException("this step arena already has an open scope (one piece of a step at a time, on one thread)");
        }
        StepArena[] current = CURRENT.get();
        StepArena previous = current[0];
        open = true;
        current[0] = ENABLED ? this : null;
        return new Scope(this, current, previous);
    }

    /**
     * Runs {@code body} on this thread with no arena current (ops allocate new arrays): for something
     * built inside a step that outlives it, such as a cache filled on first use.
     *
     * @param body what to run
     * @param <T> its result
     * @return {@code body}'s result
     */
    public static <T> T suspend(java.util.function.Supplier<T> body) {
        StepArena[] current = CURRENT.get();
        StepArena previous = current[0];
        current[0] = null;
        try {
            return body.get();
        } finally {
            current[0] = previous;
        }
    }

    /** The arena open on this thread, or null. */
    static StepArena current() {
        return CURRENT.get()[0];
    }

    /** An array of exactly {@code n} floats, contents unspecified: a free one of that length, or a new one. */
    float[] take(int n) {
        return (float[]) take(free, n, float[]::new);
    }

    /**
     * An array of exactly {@code n} longs, contents unspecified (dropout's keep bits), as {@link #take};
     * counted as {@code 2n} floats in the requests and the bound.
     */
    long[] takeLongs(int n) {
        return (long[]) take(freeLongs, n, long[]::new);
    }

    /** As {@link #takeLongs}, of doubles (a kernel's partial sums). */
    double[] takeDoubles(int n) {
        return (double[]) take(freeDoubles, n, double[]::new);
    }

    private Object take(LengthPool pool, int n, java.util.function.IntFunction<Object> make) {
        requests++;
        requestedFloats += (long) pool.unit * n;
        Object a = pool.pop(n, scopes);
        if (a == null) {
            a = make.apply(n);
            misses++;
        }
        outstanding.put(a, Boolean.TRUE);
        return a;
    }

    /**
     * Gives {@code a} back to the pool of this thread's open arena before its scope ends, when that arena
     * handed it out: for autograd, once a gradient it alone held has been passed to its backward function
     * and came back as no input's gradient.
     *
     * @param a an array nothing reads any more
     */
    static void release(float[] a) {
        StepArena arena = current();
        if (arena != null && arena.outstanding.remove(a) != null) {
            arena.giveBack(a);
        }
    }

    /**
     * Keeps {@code a} out of the return at the end of this thread's open scope, when that scope's arena
     * handed it out: a gradient that a leaf or a capture adopts, read after the scope (the optimizer,
     * the captures' sum). It goes back at {@link #recycleKept} unless a leaf still holds it then.
     *
     * @param a the adopted array
     */
    static void escape(float[] a) {
        StepArena arena = current();
        if (arena != null && arena.outstanding.remove(a) != null) {
            arena.kept.add(a);
        }
    }

    /**
     * Returns to the pool the arrays that escaped earlier scopes (adopted gradients), except those that
     * a leaf of {@code leaves} still holds as its gradient: those are forgotten (they stay the leaf's,
     * and the pool makes new ones). Call it when a step starts, after the gradients were zeroed; never
     * while a scope is open.
     *
     * @param leaves the parameters (every tensor that may hold an adopted gradient past the step)
     */
    public void recycleKept(Iterable<Tensor> leaves) {
        if (open) {
            throw new IllegalStateException("recycleKept while a scope of this arena is open");
        }
        if (kept.isEmpty()) {
            return;
        }
        for (Tensor leaf : leaves) {
            if (leaf.grad != null) {
                held.put(leaf.grad.data, Boolean.TRUE);
            }
        }
        for (float[] a : kept) {
            if (!held.containsKey(a)) {
                giveBack(a);
            }
        }
        kept.clear();
        held.clear();
    }

    private void closeScope() {
        for (Object a : outstanding.keySet()) {
            giveBack(a);
        }
        outstanding.clear();
        open = false;
        if (++scopes % 16 == 0) {
            free.dropStale(scopes - STALE_SCOPES);
            freeLongs.dropStale(scopes - STALE_SCOPES);
            freeDoubles.dropStale(scopes - STALE_SCOPES);
        }
    }

    private void giveBack(Object array) {
        LengthPool pool = array instanceof long[] ? freeLongs : array instanceof double[] ? freeDoubles : free;
        int n = java.lang.reflect.Array.getLength(array);
        if (freeFloats() + (long) pool.unit * n > maxFreeFloats) {
            return;   // past the bound: the collector takes it
        }
        if (poisoning) {
            if (array instanceof long[] l) {
                Arrays.fill(l, -1L);   // every draw kept
            } else if (array instanceof double[] d) {
                Arrays.fill(d, poison);
            } else {
                Arrays.fill((float[]) array, poison);
            }
        }
        pool.push(array, n, scopes);
    }

    /**
     * Fills every array from now on as it returns to the pool with {@code value}: a test's poison, under
     * which a result that reads a reused array's old contents, or an array read after its scope, shows.
     *
     * @param value the value, e.g. {@code Float.NaN}
     * @return this arena
     */
    public StepArena poisonReturns(float value) {
        poison = value;
        poisoning = true;
        return this;
    }

    /**
     * Requests that found no free array of their length and allocated one, since the arena was made.
     *
     * @return the count of new arrays
     */
    public long misses() {
        return misses;
    }

    /**
     * Arrays requested from this arena since it was made.
     *
     * @return the count of requests
     */
    public long requests() {
        return requests;
    }

    /**
     * Floats in all the arrays requested from this arena since it was made (what the requests would
     * have allocated without it).
     *
     * @return the floats requested
     */
    public long requestedFloats() {
        return requestedFloats;
    }

    /**
     * Floats held in free arrays now (between scopes: what the arena retains; a long counts as two).
     *
     * @return the free floats
     */
    public long freeFloats() {
        return free.floats + freeLongs.floats + freeDoubles.floats;
    }

    /** An open scope of a {@link StepArena}: closing it returns every array handed out in it that did not escape. */
    public static final class Scope extends CurrentScope<StepArena> {
        private final StepArena arena;

        private Scope(StepArena arena, StepArena[] current, StepArena previous) {
            super(current, previous);
            this.arena = arena;
        }

        @Override
        void ended() {
            arena.closeScope();
        }
    }

    /**
     * Free arrays of one element type by length: an open-addressing table from length to a stack of
     * arrays.
     */
    private static final class LengthPool {
        private int[] lengths = new int[64];
        private Object[][] stacks = new Object[64][];
        private int[] sizes = new int[64];
        private int[] lastUse = new int[64];
        private int used;
        final int unit;   // floats per element (a long is two)
        long floats;

        LengthPool(int unit) {
            this.unit = unit;
        }

        /** A free array of length {@code n}, or null; {@code scope} stamps the length as asked for. */
        Object pop(int n, int scope) {
            int i = slot(n);
            if (stacks[i] == null) {
                return null;
            }
            lastUse[i] = scope;
            if (sizes[i] == 0) {
                return null;
            }
            Object a = stacks[i][--sizes[i]];
            stacks[i][sizes[i]] = null;
            floats -= (long) unit * n;
            return a;
        }

        void push(Object a, int n, int scope) {
            int i = slot(n);
            if (stacks[i] == null) {
                if (2 * (used + 1) > lengths.length) {
                    grow();
                    i = slot(n);
                }
                lengths[i] = n;
                stacks[i] = new Object[4];
                lastUse[i] = scope;   // the scope that asked for it (and missed)
                used++;
            } else if (sizes[i] == stacks[i].length) {
                stacks[i] = Arrays.copyOf(stacks[i], 2 * sizes[i]);
            }
            stacks[i][sizes[i]++] = a;
            floats += (long) unit * n;
        }

        /** Drops the free arrays of every length last asked for before scope {@code before}. */
        void dropStale(int before) {
            for (int i = 0; i < stacks.length; i++) {
                if (stacks[i] != null && sizes[i] > 0 && lastUse[i] < before) {
                    floats -= (long) unit * lengths[i] * sizes[i];
                    java.util.Arrays.fill(stacks[i], 0, sizes[i], null);
                    sizes[i] = 0;
                }
            }
        }

        /** The slot of length {@code n}: where it is, or the empty slot where it would go. */
        private int slot(int n) {
            int mask = lengths.length - 1;
            int i = (n * 0x9E3779B1 >>> 7) & mask;
            while (stacks[i] != null && lengths[i] != n) {
                i = (i + 1) & mask;
            }
            return i;
        }

        private void grow() {
            int[] oldLengths = lengths;
            Object[][] oldStacks = stacks;
            int[] oldSizes = sizes;
            int[] oldLastUse = lastUse;
            lengths = new int[2 * oldLengths.length];
            stacks = new Object[lengths.length][];
            sizes = new int[lengths.length];
            lastUse = new int[lengths.length];
            for (int j = 0; j < oldLengths.length; j++) {
                if (oldStacks[j] != null) {
                    int i = slot(oldLengths[j]);
                    lengths[i] = oldLengths[j];
                    stacks[i] = oldStacks[j];
                    sizes[i] = oldSizes[j];
                    lastUse[i] = oldLastUse[j];
                }
            }
        }
    }
}
