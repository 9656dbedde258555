package dev.visor.bench;

import dev.visor.transformer.train.GradientStep;
import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;

/**
 * The training step with and without its arenas ({@code GradientStep.ARENA_PROPERTY}) side by side in
 * one JVM: two models of {@link TrainStepBench} (the demo's, or with {@code base} the base size), one
 * stepping with {@code -Dvisor.trainArena=false} and one with the arenas, in alternating rounds (the
 * first of a round alternates too), so that both run under the same load, JIT state and heap. Each round
 * prints target tokens per CPU second of the whole process (every thread: the step's, the collector's,
 * the JIT's, since what the arena saves is partly the collector's work) and of the caller alone (one
 * thread: all of the step), the caller's system time per step (page faults) and allocation per step;
 * the last line counts the rounds each side won by process CPU. The sinks of both must be equal.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.TrainArenaAB [demo|base] [rounds] [steps per round] [threads]
 * </pre>
 */
public final class TrainArenaAB {
    private TrainArenaAB() {}

    /**
     * Runs the rounds.
     *
     * @param args {@code demo} (default) or {@code base}, rounds (default 6), steps per round (default 100), threads (default 1)
     */
    public static void main(String[] args) {
        boolean base = args.length > 0 && args[0].equals("base");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        TrainStepBench.Tokens[] tokens = {new TrainStepBench.Tokens(), new TrainStepBench.Tokens()};
        DoubleSupplier[] sides = new DoubleSupplier[2];
        for (int k = 0; k < 2; k++) {
            System.setProperty(GradientStep.ARENA_PROPERTY, Boolean.toString(k == 1));
            sides[k] = side(base, threads, tokens[k]);
        }
        System.clearProperty(GradientStep.ARENA_PROPERTY);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] sinks = new double[2];
        int[] wins = new int[2];
        for (int k = 0; k < 2; k++) {   // warm-up: a round of each, not counted
            for (int i = 0; i < steps; i++) {
                sinks[k] += sides[k].getAsDouble();
            }
        }
        for (int r = 0; r < rounds; r++) {
            double[] perCpu = new double[2];
            for (int j = 0; j < 2; j++) {
                int k = (r + j) % 2;
                long tok0 = tokens[k].tokens;
                long proc0 = os.getProcessCpuTime();
                long cpu0 = mx.getCurrentThreadCpuTime();
                long user0 = mx.getCurrentThreadUserTime();
                long alloc0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                for (int i = 0; i < steps; i++) {
                    sinks[k] += sides[k].getAsDouble();
                }
                long tok = tokens[k].tokens - tok0;
                double proc = (os.getProcessCpuTime() - proc0) * 1e-9;
                double cpu = (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9;
                double sys = cpu - (mx.getCurrentThreadUserTime() - user0) * 1e-9;
                double alloc = (mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - alloc0) / 1e6 / steps;
                perCpu[k] = tok / proc;
                System.out.printf("round %d %-8s tokens/process-cpu-s=%.0f tokens/caller-cpu-s=%.0f caller-sys-ms/step=%.2f"
                        + " caller-allocated-MB/step=%.2f load=%s%n", r, k == 1 ? "arena" : "no-arena", tok / proc, tok / cpu,
                        sys * 1e3 / steps, alloc, load());
            }
            wins[perCpu[1] > perCpu[0] ? 1 : 0]++;
        }
        System.out.printf("%s threads=%d: arena won %d of %d rounds by process CPU; sinks %.3f (no arena) %.3f (arena)%n",
                base ? "base" : "demo", threads, wins[1], rounds, sinks[0], sinks[1]);
    }

    private static DoubleSupplier side(boolean base, int threads, TrainStepBench.Tokens t) {
        TrainStepBench bench = new TrainStepBench();
        if (base) {
            TrainStepBench.Base s = new TrainStepBench.Base();
            s.threads = threads;
            s.parallelism = "auto";
            s.setUp();
            return () -> bench.baseStep(s, t);
        }
        TrainStepBench.Step s = new TrainStepBench.Step();
        s.threads = threads;
        s.dropout = 0.1;
        s.parallelism = "auto";
        s.setUp();
        return () -> bench.trainStep(s, t);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
