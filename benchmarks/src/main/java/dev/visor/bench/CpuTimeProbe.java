package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-core kernel efficiency by CPU time, for machines shared with other work: the FMA peak
 * ({@link PeakFlopsBench#preferred}) and {@link MatmulBench}'s products on one thread, each rated in
 * FLOP per second of this thread's own CPU time, so time spent waiting for a core does not count.
 * While other processes compete for the cores, wall-clock figures (JMH, {@link Roofline}) fall with
 * the share of the core this JVM gets; the ratio of a kernel to the peak by CPU time does not, which
 * makes it the figure to compare two variants of a kernel with on a busy machine. It is not a
 * replacement for the JMH figures (caches and clocks are still shared), and says nothing about two
 * threads. Compare with the last column of {@code bin/fma-peak}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.CpuTimeProbe
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -cp benchmarks/target/benchmarks.jar \
 *     dev.visor.bench.CpuTimeProbe --shapes=sq512,sq1024 --seconds=1
 * </pre>
 * Options: {@code --shapes=a,b} (default sq512, sq1024, sq2048 and the layer's products; empty for none),
 * {@code --flash=full,causal} (flash attention forward at N = 2048, 8 heads × 64; empty for none),
 * {@code --flash-backward=causal} (the flash backward pass alone at the same size, rated at
 * {@link #BACKWARD_FLOP_FACTOR} times the forward's useful FLOP; default none),
 * {@code --seconds=S} CPU seconds per measured round (default 0.5; five rounds, the best is quoted,
 * after two rounds of warm-up).
 */
public final class CpuTimeProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String DEFAULT_SHAPES = "sq512,sq1024,sq2048,mm_1024x2048x512_NN,qkv_1024x1536x512_NT,"
            + "proj_1024x512x512_NT,ffnUp_1024x2048x512_NT,ffnDown_1024x512x2048_NT,gradW_2048x512x1024_TN";

    /** Sequence length of the flash attention probes (8 heads × 64, useful FLOP as AttentionBench counts them). */
    private static final int FLASH_N = 2048;

    /**
     * The backward pass's useful FLOP over the forward's: five tile products (S, dP, dV, dQ, dK) of
     * {@code 2·d} FLOP per attended pair against two, as {@link AttentionReport} counts them.
     */
    static final double BACKWARD_FLOP_FACTOR = 2.5;

    private CpuTimeProbe() {}

    /** Prints the machine shape, the peak and each shape's rate per CPU-second. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("shapes", "flash", "flash-backward", "seconds"),
                "--shapes=a,b --flash=full,causal --flash-backward=causal --seconds=S");
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "0.5"));
        System.out.println("Machine: " + ReportSupport.cpuModel() + "; JDK " + ReportSupport.jdk());
        System.out.println("ISA: " + ReportSupport.isa());
        System.out.println("Load average before: " + ReportSupport.loadAverage());
        Parallel.setThreads(1);
        PeakFlopsBench peak = new PeakFlopsBench();
        double peakRate = best(seconds, PeakFlopsBench.FLOP, peak::preferred);
        System.out.printf(Locale.ROOT, "%n| kernel | GFLOP per CPU-second | %% of peak |%n|---|---:|---:|%n");
        System.out.printf(Locale.ROOT, "| FMA peak (%d chains) | %.1f | 100 %% |%n", PeakFlopsBench.CHAINS, peakRate);
        String shapes = opts.getOrDefault("shapes", DEFAULT_SHAPES);
        for (String shape : shapes.isEmpty() ? new String[0] : shapes.split(",")) {
            MatmulBench bench = new MatmulBench();
            bench.shape = shape;
            bench.threads = 1;
            bench.setUp(); // also sets the kernels to one thread
            MatmulBench.Flop counter = new MatmulBench.Flop();
            double rate = best(seconds, Shape.parse(shape).flop(), () -> bench.sgemm(counter));
            System.out.printf(Locale.ROOT, "| sgemm %s | %.1f | %.0f %% |%n", shape, rate, 100 * rate / peakRate);
        }
        String flash = opts.getOrDefault("flash", "full,causal");
        Map<String, Double> msPerCall = new java.util.LinkedHashMap<>();
        for (String mask : flash.isEmpty() ? new String[0] : flash.split(",")) {
            AttentionBench.Inputs in = new AttentionBench.Inputs();
            in.n = FLASH_N;
            in.mask = mask;
            in.setUp();
            AttentionBench bench = new AttentionBench();
            double rate = best(seconds, AttentionBench.usefulFlop(mask, FLASH_N), () -> bench.forward(in));
            System.out.printf(Locale.ROOT, "| flash forward %s, N %d, %d × %d | %.1f | %.0f %% |%n", mask, FLASH_N,
                    AttentionBench.HEADS, AttentionBench.HEAD_DIM, rate, 100 * rate / peakRate);
            msPerCall.put(mask, AttentionBench.usefulFlop(mask, FLASH_N) / rate / 1e6);
        }
        String backward = opts.getOrDefault("flash-backward", "");
        for (String mask : backward.isEmpty() ? new String[0] : backward.split(",")) {
            AttentionBench.Inputs in = new AttentionBench.Inputs();
            in.n = FLASH_N;
            in.mask = mask;
            in.setUp(); // also runs the forward pass for the log-sum-exp
            AttentionBench bench = new AttentionBench();
            double rate = best(seconds, BACKWARD_FLOP_FACTOR * AttentionBench.usefulFlop(mask, FLASH_N), () -> bench.backward(in));
            System.out.printf(Locale.ROOT, "| flash backward %s, N %d, %d × %d | %.1f | %.0f %% |%n", mask, FLASH_N,
                    AttentionBench.HEADS, AttentionBench.HEAD_DIM, rate, 100 * rate / peakRate);
        }
        if (msPerCall.containsKey("full") && msPerCall.containsKey("causal")) {
            System.out.printf(Locale.ROOT, "%nflash forward, CPU ms per call: full %.1f, causal %.1f: causal %.2f× faster%n",
                    msPerCall.get("full"), msPerCall.get("causal"), msPerCall.get("full") / msPerCall.get("causal"));
        }
        System.out.println("\nLoad average after: " + ReportSupport.loadAverage());
    }

    /** Best of five rounds (after two of warm-up) of FLOP per CPU-nanosecond = GFLOP per CPU-second. */
    private static double best(double seconds, double flopPerCall, Runnable call) {
        double best = 0;
        for (int round = 0; round < 7; round++) {
            long calls = 0;
            long t0 = THREADS.getCurrentThreadCpuTime();
            long t;
            do {
                call.run();
                calls++;
                t = THREADS.getCurrentThreadCpuTime();
            } while (t - t0 < seconds * 1e9);
            if (round >= 2) {
                best = Math.max(best, calls * flopPerCall / (t - t0));
            }
        }
        return best;
    }
}
