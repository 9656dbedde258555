package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.optim.Gradients;
import dev.visor.transformer.train.Batch;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Where a demo training step's time goes, phase by phase, on each thread count in turn <em>in one JVM</em>:
 * the step of {@link TrainStepBench#step} (zero the gradients; the forward and backward passes with the
 * shards' gradient sums, {@code GradientStep.run}; clipping; AdamW) timed by the wall clock per phase, with
 * the caller's and the kernel threads' CPU time per step, the JVM's garbage-collection time per step and
 * the bytes allocated. One model and one batch pool serve every round, and the rounds alternate thread
 * counts ({@link Parallel#setThreads}), so the compiled code is the same for all of them: the ratio of two
 * thread counts' rounds is the step's own scaling, free of the JVM-to-JVM spread (up to ≈ 25 % per CPU
 * second between fresh JVMs of the same jar on the Zen 4 host) that a comparison of two
 * {@link TrainStepCpu} JVMs carries. Both thread counts run the same length groups (one after the other on
 * one thread, at once on two), so they do the same arithmetic.
 *
 * <p>Per round and thread count it prints: the wall time per step and its phases ({@code zero},
 * {@code run}: forward, backward and the shards' gradient sums, {@code clip}: norm and scaling,
 * {@code adam}), the caller's CPU per step (on one thread the whole step) and the kernel threads' CPU per
 * step (their shards, their chunks of the whole-model passes and their spinning between splits), the
 * collectors' time per step ({@code GarbageCollectorMXBean}: pauses that stop every thread) and MB
 * allocated per step. The figures per CPU second are the ones to read on a loaded machine; the wall
 * ones only in a quiet window.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.TrainStepPhases [rounds] [steps] [warm-up steps] [thread counts, e.g. 1,2]
 * </pre>
 */
public final class TrainStepPhases {
    private TrainStepPhases() {}

    /**
     * One round's figures, per step.
     *
     * @param threads the kernel thread count of the round
     * @param wallMs the wall time per step
     * @param zeroMs zeroing the gradients, wall
     * @param runMs forward, backward and the shards' gradient sums ({@code GradientStep.run}), wall
     * @param clipMs the gradient norm and clipping, wall
     * @param adamMs the optimizer update, wall
     * @param callerCpuMs the calling thread's CPU time
     * @param kernelCpuMs the kernel threads' CPU time (0 on one thread)
     * @param gcMs the collectors' time
     * @param allocatedMb bytes allocated by the caller and the kernel threads, in MB
     * @param tokens target tokens per step
     */
    public record Round(int threads, double wallMs, double zeroMs, double runMs, double clipMs, double adamMs,
            double callerCpuMs, double kernelCpuMs, double gcMs, double allocatedMb, double tokens) {
        /**
         * Target tokens per wall second.
         *
         * @return tokens per step over the wall time per step
         */
        public double tokensPerWallSecond() {
            return tokens / wallMs * 1e3;
        }

        /**
         * Target tokens per "critical CPU" second: per the larger of the caller's CPU time and the kernel
         * threads' CPU time over {@code threads − 1} ({@link TrainStepCpu}'s estimate).
         *
         * @return tokens per step over the critical CPU time per step
         */
        public double tokensPerCriticalCpuSecond() {
            double critical = threads <= 1 ? callerCpuMs : Math.max(callerCpuMs, kernelCpuMs / (threads - 1));
            return tokens / critical * 1e3;
        }

        /**
         * The line printed for this round.
         *
         * @return the figures, one line
         */
        public String line() {
            return String.format(Locale.ROOT, "threads=%d wall-ms/step=%.3f (zero %.3f, run %.3f, clip %.3f, adam %.3f)"
                    + " caller-cpu-ms/step=%.3f kernel-cpu-ms/step=%.3f gc-ms/step=%.3f allocated-MB/step=%.1f"
                    + " tokens/wall-s=%.0f tokens/critical-cpu-s=%.0f",
                    threads, wallMs, zeroMs, runMs, clipMs, adamMs, callerCpuMs, kernelCpuMs, gcMs, allocatedMb,
                    tokensPerWallSecond(), tokensPerCriticalCpuSecond());
        }
    }

    /**
     * Runs the rounds and prints one line per round and thread count, then the ratio of each thread count's
     * mean tokens per wall second and per critical CPU second to the first count's.
     *
     * @param args optionally rounds (default 6), timed steps per round (300), warm-up steps per round (100),
     *        thread counts (default {@code 1,2})
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        String[] counts = (args.length > 3 ? args[3] : "1,2").split(",");
        TrainStepBench.Step s = demo(Integer.parseInt(counts[0].trim()));
        double[] wall = new double[counts.length];
        double[] critical = new double[counts.length];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < counts.length; c++) {
                Round round = round(s, Integer.parseInt(counts[c].trim()), warmup, steps);
                System.out.println("round=" + r + " " + round.line());
                if (r > 0 || rounds == 1) {   // the first round still compiles
                    wall[c] += round.tokensPerWallSecond();
                    critical[c] += round.tokensPerCriticalCpuSecond();
                }
            }
        }
        for (int c = 1; c < counts.length; c++) {
            System.out.printf(Locale.ROOT, "threads %s / %s, one JVM, means of rounds after the first: tokens/wall-s %.2fx, tokens/critical-cpu-s %.2fx%n",
                    counts[c].trim(), counts[0].trim(), wall[c] / wall[0], critical[c] / critical[0]);
        }
    }

    /**
     * The demo model's training state ({@link TrainStepBench.Step}: dropout 0.1, the bar's settings).
     *
     * @param threads the kernel threads to start with
     * @return a fresh model, optimizer and batch pool
     */
    static TrainStepBench.Step demo(int threads) {
        TrainStepBench.Step s = new TrainStepBench.Step();
        s.threads = threads;
        s.dropout = 0.1;
        s.parallelism = "auto";
        s.setUp();
        return s;
    }

    /**
     * Sets the thread count, runs {@code warmup} steps, then times {@code steps} steps of {@code s} phase by phase.
     *
     * @param s the training state, carried over from round to round
     * @param threads the kernel threads for this round
     * @param warmup untimed steps first
     * @param steps timed steps, at least 1
     * @return the round's figures per step
     */
    static Round round(TrainStepBench.Step s, int threads, int warmup, int steps) {
        Parallel.setThreads(threads);
        for (int i = 0; i < warmup; i++) {
            phases(s, null);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] phases = new long[4];
        long kernel0 = kernelCpu(mx);
        long gc0 = gcMillis();
        long allocated0 = allocated(mx);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long tokens = 0;
        long wall0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            tokens += phases(s, phases);
        }
        double wall = (System.nanoTime() - wall0) / 1e6 / steps;
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / steps;
        double kernel = (kernelCpu(mx) - kernel0) / 1e6 / steps;
        return new Round(threads, wall, phases[0] / 1e6 / steps, phases[1] / 1e6 / steps, phases[2] / 1e6 / steps,
                phases[3] / 1e6 / steps, cpu, Math.max(0, kernel), (gcMillis() - gc0) / (double) steps,
                (allocated(mx) - allocated0) / 1e6 / steps, tokens / (double) steps);
    }

    /** One step of {@link TrainStepBench#step}, adding each phase's wall nanoseconds to {@code phases} when given; returns its target tokens. */
    private static int phases(TrainStepBench.Step s, long[] phases) {
        int i = s.next;
        s.next = (i + 1) % TrainStepBench.POOL;
        Batch b = s.batches[i];
        int count = s.counts[i];
        long t0 = System.nanoTime();
        s.optimizer.zeroGrad();
        long t1 = System.nanoTime();
        double loss = s.gradients.run(List.of(b), count, 0.0, ++s.steps).loss();
        long t2 = System.nanoTime();
        double norm = Gradients.clipGradNorm(s.model.parameters(), 1.0);
        long t3 = System.nanoTime();
        s.optimizer.step();
        long t4 = System.nanoTime();
        JitSettle.sunk += loss + norm;
        if (phases != null) {
            phases[0] += t1 - t0;
            phases[1] += t2 - t1;
            phases[2] += t3 - t2;
            phases[3] += t4 - t3;
        }
        return count;
    }

    /** CPU nanoseconds so far of the live kernel threads ({@code visor-kernel-*}); those of a stopped pool are gone, so read it within one round. */
    private static long kernelCpu(ThreadMXBean mx) {
        long sum = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("visor-kernel-")) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** Bytes allocated so far by the calling thread and the live kernel threads (HotSpot's per-thread counters), 0 when not supported. */
    private static long allocated(ThreadMXBean mx) {
        if (!(mx instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadAllocatedMemorySupported()) {
            return 0;
        }
        long sum = hs.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("visor-kernel-")) {
                sum += Math.max(0, hs.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return sum;
    }

    /** The collectors' accumulated time in milliseconds. */
    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }
}
