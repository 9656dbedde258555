package dev.visor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link TrainStepBench}'s demo-model step, timed by the wall clock and, on one thread, by the
 * calling thread's CPU time as well: on a machine shared with other work the wall clock measures the
 * other work too, while the CPU time of a single-threaded step stays close to what a quiet machine
 * gives (caches and the memory bus are still shared). For A/B comparisons under load and for the bar
 * table of {@code benchmarks/python/compare_train_step.sh}. With more than one thread the steps run
 * on the kernel threads, so only the wall-clock figure means anything.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.TrainStepCpu [warm-up steps] [steps] [threads] [auto|data|intra-op]
 * </pre>
 */
public final class TrainStepCpu {
    private TrainStepCpu() {}

    /**
     * Runs the steps and prints target tokens per CPU second (one thread) and per wall second.
     *
     * @param args warm-up steps (default 150), timed steps (default 300), threads (default 1), step parallelism (default auto)
     */
    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String mode = args.length > 3 ? args[3] : "auto";
        TrainStepBench.Step s = new TrainStepBench.Step();
        s.threads = threads;
        s.dropout = 0.1;
        s.parallelism = mode;
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
        String perCpu = threads == 1 ? String.format("tokens/cpu-s=%.0f ", t.tokens / cpu) : "";
        System.out.printf("visor threads=%d parallelism=%s shards=%d steps=%d %stokens/wall-s=%.0f (wall %.2f s, sink %.3f)%n",
                threads, mode, s.gradients.shards(TrainStepBench.BATCH), steps, perCpu, t.tokens / wall, wall, sink);
    }
}
