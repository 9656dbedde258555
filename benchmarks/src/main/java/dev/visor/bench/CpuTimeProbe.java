package dev.visor.bench;

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
 * Options: {@code --shapes=a,b} (default sq512, sq1024, sq2048 and the layer's products),
 * {@code --seconds=S} CPU seconds per measured round (default 0.5; five rounds, the best is quoted,
 * after two rounds of warm-up).
 */
public final class CpuTimeProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String DEFAULT_SHAPES = "sq512,sq1024,sq2048,mm_1024x2048x512_NN,qkv_1024x1536x512_NT,"
            + "proj_1024x512x512_NT,ffnUp_1024x2048x512_NT,ffnDown_1024x512x2048_NT,gradW_2048x512x1024_TN";

    private CpuTimeProbe() {}

    /** Prints the machine shape, the peak and each shape's rate per CPU-second. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("shapes", "seconds"), "--shapes=a,b --seconds=S");
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "0.5"));
        System.out.println("Machine: " + ReportSupport.cpuModel() + "; JDK " + ReportSupport.jdk());
        System.out.println("ISA: " + ReportSupport.isa());
        System.out.println("Load average before: " + ReportSupport.loadAverage());
        PeakFlopsBench peak = new PeakFlopsBench();
        double peakRate = best(seconds, PeakFlopsBench.FLOP, peak::preferred);
        System.out.printf(Locale.ROOT, "%n| kernel | GFLOP per CPU-second | %% of peak |%n|---|---:|---:|%n");
        System.out.printf(Locale.ROOT, "| FMA peak (%d chains) | %.1f | 100 %% |%n", PeakFlopsBench.CHAINS, peakRate);
        for (String shape : opts.getOrDefault("shapes", DEFAULT_SHAPES).split(",")) {
            MatmulBench bench = new MatmulBench();
            bench.shape = shape;
            bench.threads = 1;
            bench.setUp();
            MatmulBench.Flop counter = new MatmulBench.Flop();
            double rate = best(seconds, Shape.parse(shape).flop(), () -> bench.sgemm(counter));
            System.out.printf(Locale.ROOT, "| sgemm %s | %.1f | %.0f %% |%n", shape, rate, 100 * rate / peakRate);
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
