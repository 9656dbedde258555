package dev.visor.tensor.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps callers of a Vector API kernel on its scalar twin until C2 has compiled the vector code.
 *
 * <p>Interpreted or C1-compiled, a Vector API kernel allocates an object per vector operation and
 * runs 100–1000× slower than its scalar twin (measured: 1.1 s for one 1×512·(2048×512)ᵀ product
 * interpreted, 0.1 ms compiled); only C2 turns it into SIMD instructions. So a kernel asks
 * {@link #vectorReady} on every call and runs the scalar twin while it says no. Once the callers have
 * done {@code startAfter} units of work (so short programs never pay for any of this), a daemon
 * thread runs the vector and the scalar kernel on a small private problem in turn, timing both; when
 * the vector one has been the faster three rounds running, C2 has compiled it and the gate opens for
 * good. The twins must give the same bits (the scalar twin follows the vector summation order), so
 * the moment the gate opens never shows in the results.
 *
 * <p>{@code -Dvisor.warmup=false} opens every gate at once (the vector kernel from the first call).
 */
final class JitWarmup {
    private static final boolean ENABLED = KernelProperties.bool("visor.warmup", true);
    /** The warm-up thread gives up after this long and opens the gate anyway. */
    private static final long MAX_NANOS = 20_000_000_000L;

    private final String name;
    private final long startAfter;
    private final Runnable vectorProbe;
    private final Runnable scalarProbe;
    private final AtomicLong work = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean ready;

    /**
     * @param name        names the warm-up thread
     * @param startAfter  work (in the caller's units) done on the scalar path before warming starts
     * @param vectorProbe one small call of the vector kernel
     * @param scalarProbe the same call on the scalar twin
     */
    JitWarmup(String name, long startAfter, Runnable vectorProbe, Runnable scalarProbe) {
        this.name = name;
        this.startAfter = startAfter;
        this.vectorProbe = vectorProbe;
        this.scalarProbe = scalarProbe;
        this.ready = !ENABLED;
    }

    /**
     * Whether the caller should run the vector kernel now.
     *
     * @param units the work of the call about to run (counts towards {@code startAfter})
     * @return true once the vector kernel is compiled (or warm-up is disabled)
     */
    boolean vectorReady(long units) {
        if (ready) {
            return true;
        }
        if (work.addAndGet(units) >= startAfter && started.compareAndSet(false, true)) {
            Thread t = new Thread(this::warm, "visor-warmup-" + name);
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
        return false;
    }

    /** True once the gate is open. */
    boolean isReady() {
        return ready;
    }

    private void warm() {
        long deadline = System.nanoTime() + MAX_NANOS;
        int wins = 0;
        try {
            while (wins < 3 && System.nanoTime() < deadline) {
                long v = time(vectorProbe);
                long s = time(scalarProbe);
                wins = v < s ? wins + 1 : 0;
            }
        } finally {
            ready = true;
        }
    }

    private static long time(Runnable probe) {
        long t0 = System.nanoTime();
        probe.run();
        return System.nanoTime() - t0;
    }
}
