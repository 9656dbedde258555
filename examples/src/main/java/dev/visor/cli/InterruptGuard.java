package dev.visor.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes Ctrl-C (SIGINT, or SIGTERM) end a training run cleanly instead of losing it: a JVM shutdown
 * hook asks the trainer to stop after the current step and then waits — the JVM exits only when the
 * command has saved its checkpoint, printed where, and closed its {@link Session}. The exit code is
 * then the signal's (130 for SIGINT).
 *
 * <pre>{@code
 * try (InterruptGuard guard = InterruptGuard.install(session, trainer::requestStop)) {
 *     trainer.train(...);
 *     if (guard.triggered()) saveAndReport();
 * }
 * }</pre>
 */
final class InterruptGuard implements AutoCloseable {
    private final Session session;
    private final AtomicBoolean triggered = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private InterruptGuard(Session session, Runnable stop) {
        this.session = session;
        this.hook = new Thread(() -> {
            triggered.set(true);
            stop.run();
            try {
                finished.await();   // released when the session closes: the checkpoint is saved and reported
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "visor-interrupt");
    }

    /**
     * Installs the hook.
     *
     * @param session the session whose close lets the JVM exit
     * @param stop what asks the training to stop (e.g. {@code trainer::requestStop})
     * @return the guard
     */
    static InterruptGuard install(Session session, Runnable stop) {
        InterruptGuard g = new InterruptGuard(session, stop);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** @return whether the JVM is shutting down (Ctrl-C) since the guard was installed */
    boolean triggered() {
        return triggered.get();
    }

    /** Removes the hook, or, if the JVM is already shutting down, lets it exit once the session closes. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            session.atClose(finished::countDown);
        }
    }
}
