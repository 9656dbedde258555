package dev.visor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link TrainStepBench}'s step on one thread, timed by the thread's CPU time as well as the wall
 * clock: on a machine shared with other work the wall clock measures the other work too, while the
 * CPU time of a single-threaded step stays close to what a quiet machine gives (caches and the
 * memory bus are still shared). For A/B comparisons of single-thread changes under load.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.TrainStepCpu [warm-up steps] [steps]
 * </pre>
 */
public final class TrainStepCpu {
    private TrainStepCpu() {}

    /**
     * Runs the steps and prints target tokens per CPU second and per wall second.
     *
     * @param args warm-up steps (default 150) and timed steps (default 300)
     */
    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        TrainStepBench.Step s = new TrainStepBench.Step();
        s.threads = 1;
        s.dropout = 0.1;
        s.setUp();
        TrainStepBench bench = new TrainStepBench();
        TrainStepBench.Tokens t = new TrainStepBench.Tokens();
        double sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += bench.trainStep(s, t);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        t.tokens = 0;
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            sink += bench.trainStep(s, t);
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9;
        double wall = (System.nanoTime() - wall0) * 1e-9;
        System.out.printf("visor threads=1 steps=%d tokens/cpu-s=%.0f tokens/wall-s=%.0f (cpu %.2f s, wall %.2f s, sink %.3f)%n",
                steps, t.tokens / cpu, t.tokens / wall, cpu, wall, sink);
    }
}
