package dev.visor.tensor;

/**
 * A scope that made an object current on its thread (the one-element holder of a thread-local) and makes
 * the previous one current again when closed, once: the shared shape of {@link StepBuffers.Scope} and
 * {@link StepArena.Scope}.
 *
 * @param <T> what is current
 */
abstract class CurrentScope<T> implements AutoCloseable {
    private final T[] current;
    private final T previous;
    private boolean closed;

    CurrentScope(T[] current, T previous) {
        this.current = current;
        this.previous = previous;
    }

    /** Ends the scope: the thread's previous object (or none) is current again; closing it a second time does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            current[0] = previous;
            ended();
        }
    }

    /** What the owner does when its scope ends (after the previous object is current again). */
    abstract void ended();
}
