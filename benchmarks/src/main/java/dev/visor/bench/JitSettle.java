package dev.visor.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs rounds of steps as long as the counted run (its warm-up and timed steps), each on a fresh model,
 * until the JIT has settled: until
 * {@value #SETTLED_ROUNDS} rounds in a row spent less than {@value #SETTLED_PERCENT} % of their wall
 * time compiling ({@link CompilationMXBean#getTotalCompilationTime}, summed over the compiler threads),
 * or until {@code -Dvisor.bench.settleSeconds} (default 120) have passed. A training step of the demo
 * model reaches thousands of methods, and C2 compiles them for many seconds after the first hundred
 * steps: on a machine whose cores all run the step's threads the compiler threads take their time from
 * them, and the step runs partly in C1 code meanwhile, so a figure taken then is not the steady state
 * the bars ask for. Each round starts from a fresh model because a model's first steps take branches
 * the later ones do not (the optimizer creating its buffers, for one): code compiled after many steps
 * of one model has those branches cut out, and a fresh model deoptimizes it and waits for C2 again; and
 * rounds as long as the counted run reach every invocation count its methods reach.
 */
final class JitSettle {
    static final int SETTLED_ROUNDS = 2;
    static final double SETTLED_PERCENT = 1.0;

    /** The steps' values, kept so that the JIT cannot drop their work. */
    static volatile double sunk;

    private JitSettle() {}

    /**
     * How the settling went.
     *
     * @param steps the steps run
     * @param seconds their wall time
     * @param settled false when it stopped at the time limit (or the JVM does not report compile time)
     */
    record Result(long steps, double seconds, boolean settled) {}

    /** The JIT's total compile time so far in milliseconds, or -1 when the JVM does not report it. */
    static long compileMillis() {
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
    }

    /**
     * Runs rounds of steps, each from {@code fresh} state, until the JIT has settled or the time limit has passed.
     *
     * @param fresh makes a fresh model (and whatever its step needs) and returns its step; a step's value is ignored
     * @param round the steps per round, at least 1
     * @return the steps run, their time, and whether the JIT settled
     */
    static Result run(Supplier<DoubleSupplier> fresh, int round) {
        return run(fresh, round, JitSettle::compileMillis, Long.getLong("visor.bench.settleSeconds", 120) * 1_000_000_000L);
    }

    /** {@link #run(Supplier, int)} with the compile-time source and the time limit given (for tests). */
    static Result run(Supplier<DoubleSupplier> fresh, int round, LongSupplier compileMillis, long limitNanos) {
        boolean verbose = Boolean.getBoolean("visor.bench.settleVerbose");
        long start = System.nanoTime();
        long steps = 0;
        int quiet = 0;
        double sink = 0;
        boolean settled = false;
        while (!settled && System.nanoTime() - start < limitNanos) {
            DoubleSupplier step = fresh.get();
            long jit0 = compileMillis.getAsLong();
            long t0 = System.nanoTime();
            for (int i = 0; i < round; i++) {
                sink += step.getAsDouble();
            }
            steps += round;
            double wallMillis = (System.nanoTime() - t0) / 1e6;
            long jit = compileMillis.getAsLong() - jit0;
            if (jit0 < 0) {
                break;   // no compile-time figure: nothing to wait for
            }
            if (verbose) {
                System.err.printf("settle: steps %d, round %.0f ms, compiling %d ms%n", steps, wallMillis, jit);
            }
            quiet = jit < wallMillis * SETTLED_PERCENT / 100 ? quiet + 1 : 0;
            settled = quiet >= SETTLED_ROUNDS;
        }
        sunk = sink;
        return new Result(steps, (System.nanoTime() - start) / 1e9, settled);
    }
}
