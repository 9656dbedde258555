package dev.visor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link TrainStepBench}'s demo-model step (or with {@code base} first, its base-size step; {@code base-full}: the
 * base step on rows all 128 long, no padding), timed by the wall clock and, on one thread, by the
 * calling thread's CPU time as well: on a machine shared with other work the wall clock measures the
 * other work too, while the CPU time of a single-threaded step stays close to what a quiet machine
 * gives (caches and the memory bus are still shared). For A/B comparisons under load and for the bar
 * table of {@code benchmarks/python/compare_train_step.sh}. With more than one thread the steps run
 * on the caller and the kernel threads (the caller runs the first chunk of every split itself): the
 * figure per "critical CPU second" takes the larger of the caller's CPU time and the kernel threads'
 * CPU time over {@code threads − 1} (the pool's chunks go to whichever kernel thread is free), a lower bound of the wall time a quiet machine gives (reached when the caller's serial
 * work, optimizer and gradient sums, overlaps nothing: optimistic by that serial share).
 *
 * <p>Before the counted run, the demo step first trains throwaway copies of the model (as many steps each as the counted run) until the JIT
 * has settled ({@link JitSettle}): 150 warm-up steps leave C2 compiling for seconds more, and on two
 * threads the compiler threads then take CPU time from the step's own threads (on one thread they have
 * the idle core), while the step's code is still partly C1's. The counted run (its warm-up steps and the
 * timed ones, on a fresh model) is then the same as without settling, so the {@code sink} does not
 * depend on it. {@code -Dvisor.bench.settle=false} skips it; the line reports the JIT's compile time per
 * timed step ({@code jit-ms/step}), near 0 in a steady state, the data-parallel shards of a batch
 * ({@code shards}) and how many pieces the step runs the first batch as ({@code pieces}: the shards, or
 * on one thread the length groups it runs one after the other, {@code GradientStep.pieces}) and the bytes the
 * step's arenas keep for reuse after the run ({@code arena-MB}, {@code GradientStep.arenaBytes}; 0 with
 * {@code -Dvisor.trainArena=false}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.TrainStepCpu [demo|base|base-full] [warm-up steps] [steps] [threads] [auto|data|intra-op]
 * </pre>
 */
public final class TrainStepCpu {
    private TrainStepCpu() {}

    /**
     * Runs the steps and prints target tokens per CPU second (one thread) and per wall second.
     *
     * @param args optionally {@code demo} (the default), {@code base} or {@code base-full}, then warm-up steps (default 150), timed steps (default 300), threads (default 1), step parallelism (default auto)
     */
    public static void main(String[] args) {
        boolean full = args.length > 0 && args[0].equals("base-full");
        boolean base = args.length > 0 && (args[0].equals("base") || full);
        if (args.length > 0 && (base || args[0].equals("demo"))) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String mode = args.length > 3 ? args[3] : "auto";
        TrainStepBench bench = new TrainStepBench();
        TrainStepBench.Tokens t = new TrainStepBench.Tokens();
        java.util.function.DoubleSupplier step;
        dev.visor.transformer.train.GradientStep gradients;
        dev.visor.transformer.train.Batch first;
        if (base) {
            TrainStepBench.Base s = new TrainStepBench.Base();
            s.threads = threads;
            s.parallelism = mode;
            s.lengths = full ? "full" : "spread";
            s.setUp();
            step = () -> bench.baseStep(s, t);
            gradients = s.gradients;
            first = s.batch;
        } else {
            if (Boolean.parseBoolean(System.getProperty("visor.bench.settle", "true"))) {
                JitSettle.Result r = JitSettle.run(() -> {
                    TrainStepBench.Step w = demoState(threads, mode);
                    TrainStepBench.Tokens counted = new TrainStepBench.Tokens();
                    return () -> bench.trainStep(w, counted);
                }, Math.max(1, warmup + steps));
                System.err.printf("JIT %s after %d throwaway steps (%.1f s)%n",
                        r.settled() ? "settled" : "not settled, stopped at the time limit,", r.steps(), r.seconds());
            }
            TrainStepBench.Step s = demoState(threads, mode);
            step = () -> bench.trainStep(s, t);
            gradients = s.gradients;
            first = s.batches[0];
        }
        double sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += step.getAsDouble();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        t.tokens = 0;
        long jit0 = JitSettle.compileMillis();
        Map<Long, Long> workers0 = kernelThreadCpu(mx);
        long allocated0 = allocatedBytes(mx);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long user0 = mx.getCurrentThreadUserTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            sink += step.getAsDouble();
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) * 1e-9;
        // the caller's CPU time in the kernel (page faults of fresh heap pages, mostly): CPU minus user time
        double sys = cpu - (mx.getCurrentThreadUserTime() - user0) * 1e-9;
        double wall = (System.nanoTime() - wall0) * 1e-9;
        double allocatedPerStep = (allocatedBytes(mx) - allocated0) / (double) steps;
        double jitPerStep = (JitSettle.compileMillis() - jit0) / (double) steps;
        long pool = 0;
        for (Map.Entry<Long, Long> e : kernelThreadCpu(mx).entrySet()) {
            pool += e.getValue() - workers0.getOrDefault(e.getKey(), 0L);
        }
        // the caller runs a chunk of every split as well as the serial work (optimizer, clipping, gradient
        // sums); the other threads - 1 chunks go to whichever kernel threads are free (with 2 threads the
        // second shard lands on either of the pool's threads from step to step, so no single kernel thread
        // holds it), so the critical path is at least the larger of the caller's CPU and the pool's CPU
        // spread over threads - 1
        double poolShare = pool * 1e-9 / Math.max(1, threads - 1);
        double critical = Math.max(cpu, poolShare);
        String perCpu = threads == 1 ? String.format("tokens/cpu-s=%.0f ", t.tokens / cpu)
                : String.format("tokens/critical-cpu-s=%.0f (max of caller %.2f ms, kernel threads / (threads - 1) %.2f ms per step) ",
                        t.tokens / critical, cpu * 1e3 / steps, poolShare * 1e3 / steps);
        System.out.printf("visor size=%s threads=%d parallelism=%s shards=%d pieces=%d steps=%d %stokens/wall-s=%.0f allocated-MB/step=%.2f"
                        + " sys-ms/step=%.1f jit-ms/step=%.2f arena-MB=%.0f (wall %.2f s, sink %.3f)%n",
                full ? "base-full" : base ? "base" : "demo", threads, mode, gradients.shards(first.input().batch()), gradients.pieces(first), steps, perCpu, t.tokens / wall, allocatedPerStep / 1e6,
                sys * 1e3 / steps, jitPerStep, gradients.arenaBytes() / 1e6, wall, sink);
    }

    /** A fresh demo model in training mode with its optimizer and batches (the bar's settings: dropout 0.1). */
    private static TrainStepBench.Step demoState(int threads, String mode) {
        TrainStepBench.Step s = new TrainStepBench.Step();
        s.threads = threads;
        s.dropout = 0.1;
        s.parallelism = mode;
        s.setUp();
        return s;
    }

    /** CPU nanoseconds so far of each live kernel thread ({@code visor-kernel-*}), by thread id. */
    private static Map<Long, Long> kernelThreadCpu(ThreadMXBean mx) {
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("visor-kernel-")) {
                out.put(info.getThreadId(), mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return out;
    }

    /** Bytes allocated so far by the calling thread and the live kernel threads (HotSpot's per-thread counters). */
    private static long allocatedBytes(ThreadMXBean mx) {
        if (!(mx instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadAllocatedMemorySupported()) {
            return 0;
        }
        long sum = hs.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (long id : kernelThreadCpu(mx).keySet()) {
            sum += Math.max(0, hs.getThreadAllocatedBytes(id));
        }
        return sum;
    }
}
