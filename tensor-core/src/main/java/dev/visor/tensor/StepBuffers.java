package dev.visor.tensor;

import dev.visor.tensor.kernel.KernelProperties;
import java.util.Arrays;

/**
 * The result arrays of a repeated computation (one decoding step after another), kept from one
 * repetition to the next so that its steady state allocates no activations. While a scope of a
 * {@code StepBuffers} is open on a thread and autograd is off there ({@link GradMode}), the ops that
 * make the step's activations — {@code linear}, {@code layerNorm}, the activations, element-wise
 * {@code add}/{@code mul}, {@code embedding}, decode attention — take their result array from
 * {@link #floats}: the {@code i}-th request of a scope gets the array the {@code i}-th request of the
 * previous scope got when its length is the same, else a new one kept for the next scope. Outside
 * a scope (or with autograd on, or with {@code -Dvisor.stepBuffers=false}) {@link #floats} is
 * {@code new float[n]}, or the array of a training step's {@link StepArena} when one is open on the
 * thread (autograd on or off: its arrays live until the arena's scope ends).
 *
 * <p>Why: a decoding step of the base model made ~350 KB of such arrays per token; on a JVM heap
 * whose pages were never touched (the default heap, growing) each fresh page of that garbage is a
 * page fault, ~2.4 ms per token on the benchmark machine against a 2 ms token
 * (docs/DESIGN.md, "A decoding step reuses its activation arrays").
 *
 * <p>The contract of the owner: <b>no array handed out in a scope may be read after the next scope
 * of the same {@code StepBuffers} opens</b> — whatever must outlive the step is copied (as the KV
 * cache copies the new keys and values) or computed outside the scope (as a session's logits, which
 * it returns to its caller). Scopes of different {@code StepBuffers} nest on one thread; one
 * {@code StepBuffers} must not be open on two threads at once.
 *
 * <pre>{@code
 * StepBuffers buffers = new StepBuffers();            // one per session
 * try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = buffers.open()) {
 *     Tensor h = decoder.step(x, caches, ...);        // its activations reuse the last step's arrays
 *     ...                                             // copy out what must outlive the step
 * }
 * }</pre>
 */
public final class StepBuffers {
    /**
     * Whether scopes reuse arrays, from {@code -Dvisor.stepBuffers} (true or false; default true):
     * the A/B switch; with false every request is a new array, as before the reuse.
     */
    static final boolean ENABLED = KernelProperties.bool("visor.stepBuffers", true);
    private static final ThreadLocal<StepBuffers[]> CURRENT = ThreadLocal.withInitial(() -> new StepBuffers[1]);

    private float[][] slots = new float[32][];
    private int next;
    private boolean open;

    /** An empty set of buffers; the first scope allocates them. */
    public StepBuffers() {}

    /**
     * Opens a scope on this thread: until it is closed, the ops' result arrays come from these
     * buffers, in request order, starting again from the first.
     *
     * @return the scope; close it (try-with-resources) when the step ends
     * @throws IllegalStateException when a scope of these buffers is already open
     */
    public Scope open() {
        if (open) {
            throw new IllegalStateException("these step buffers already have an open scope (one step at a time, on one thread)");
        }
        StepBuffers[] current = CURRENT.get();
        StepBuffers previous = current[0];
        open = true;
        next = 0;
        current[0] = ENABLED ? this : null;
        return new Scope(this, current, previous);
    }

    /**
     * An array of {@code n} floats for an op's result, contents unspecified (the op writes every
     * element): the open scope's next buffer on this thread, or a new array.
     *
     * @param n the length, at least 0
     * @return an array of exactly {@code n} floats
     */
    public static float[] floats(int n) {
        StepBuffers b = CURRENT.get()[0];
        if (b != null && !GradMode.isEnabled()) {
            return b.take(n);
        }
        StepArena arena = StepArena.current();
        return arena == null ? new float[n] : arena.take(n);
    }

    /**
     * As {@link #floats}, all zeros (for a result that is accumulated into).
     *
     * @param n the length, at least 0
     * @return an array of exactly {@code n} zeros
     */
    public static float[] zeros(int n) {
        StepBuffers b = CURRENT.get()[0];
        float[] a;
        if (b != null && !GradMode.isEnabled()) {
            a = b.take(n);
        } else {
            StepArena arena = StepArena.current();
            if (arena == null) {
                return new float[n];
            }
            a = arena.take(n);
        }
        Arrays.fill(a, 0f);
        return a;
    }

    /**
     * An array of {@code n} longs for an op's keep bits, contents unspecified (the op writes every
     * element): from the step arena open on this thread ({@link StepArena}), else a new array.
     *
     * @param n the length, at least 0
     * @return an array of exactly {@code n} longs
     */
    public static long[] longs(int n) {
        StepArena arena = StepArena.current();
        return arena == null ? new long[n] : arena.takeLongs(n);
    }

    /**
     * An array of {@code n} doubles for a kernel's partial sums, contents unspecified: from the step
     * arena open on this thread ({@link StepArena}), else a new array (zeros).
     *
     * @param n the length, at least 0
     * @return an array of exactly {@code n} doubles
     */
    public static double[] doubles(int n) {
        StepArena arena = StepArena.current();
        return arena == null ? new double[n] : arena.takeDoubles(n);
    }

    /**
     * Fills every buffer kept for the next scope with {@code value}: a test's poison, under which a
     * result that reads a reused array's old contents (an op that does not write all of its result)
     * shows.
     *
     * @param value the value, e.g. {@code Float.NaN}
     */
    public void fill(float value) {
        for (float[] a : slots) {
            if (a != null) {
                Arrays.fill(a, value);
            }
        }
    }

    /**
     * Buffers kept now (the distinct result arrays of the last scope).
     *
     * @return the number of kept buffers
     */
    public int size() {
        int k = 0;
        for (float[] s : slots) {
            k += s == null ? 0 : 1;
        }
        return k;
    }

    private float[] take(int n) {
        if (next == slots.length) {
            slots = Arrays.copyOf(slots, 2 * slots.length);
        }
        float[] a = slots[next];
        if (a == null || a.length != n) {
            a = new float[n];
            slots[next] = a;
        }
        next++;
        return a;
    }

    /** An open scope of {@link StepBuffers}: closing it makes the thread's previous scope (or none) current again. */
    public static final class Scope extends CurrentScope<StepBuffers> {
        private final StepBuffers buffers;

        private Scope(StepBuffers buffers, StepBuffers[] current, StepBuffers previous) {
            super(current, previous);
            this.buffers = buffers;
        }

        @Override
        void ended() {
            buffers.open = false;
        }
    }
}
