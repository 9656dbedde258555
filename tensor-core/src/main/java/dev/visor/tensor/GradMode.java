package dev.visor.tensor;

/**
 * Whether operations record the autograd graph on this thread. Recording is on by default; turn it
 * off for inference and optimizer updates:
 *
 * <pre>{@code
 * try (GradMode.Scope ignored = GradMode.disable()) {
 *     Tensor logits = model.forward(x);   // no graph, no saved inputs
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /**
     * True when new operations record their inputs for {@link Tensor#backward()} on this thread.
     *
     * @return true when new operations record their inputs for {@link Tensor#backward()} on this thread
     */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Turns recording off until the returned scope is closed (scopes nest).
     *
     * @return the scope; close it to restore the previous mode
     */
    public static Scope disable() {
        return set(false);
    }

    /**
     * Turns recording on until the returned scope is closed (for use inside a disabled scope).
     *
     * @return the scope; close it to restore the previous mode
     */
    public static Scope enable() {
        return set(true);
    }

    private static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = on;
        return () -> flag[0] = previous;
    }

    /** Restores the previous grad mode when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
