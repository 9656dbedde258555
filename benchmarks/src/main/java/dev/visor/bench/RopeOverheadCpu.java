package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link RopeOverheadBench}'s comparison by per-thread CPU time, for a machine shared with other work:
 * the decoder layer with and without {@code rope} on one kernel thread, calls interleaved (none,
 * rope, none, rope, ...) so both see the same load, each call's CPU time taken from
 * {@link ThreadMXBean}. Prints the median and the best of each and their ratios.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.RopeOverheadCpu [ROUNDS]
 * </pre>
 */
public final class RopeOverheadCpu {
    private RopeOverheadCpu() {}

    /** Runs the comparison; the optional argument is the number of measured rounds (default 30). */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        System.out.println("Machine: " + ReportSupport.cpuModel() + "; JDK " + ReportSupport.jdk());
        System.out.println("Load average before: " + ReportSupport.loadAverage());
        Parallel.setThreads(1);
        RopeOverheadBench bench = new RopeOverheadBench();
        RopeOverheadBench.Layer[] layers = new RopeOverheadBench.Layer[2];
        String[] specs = {"none", "rope"};
        for (int i = 0; i < 2; i++) {
            layers[i] = new RopeOverheadBench.Layer();
            layers[i].scores = specs[i];
            layers[i].batch = 2;
            layers[i].length = 512;
            layers[i].setUp();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[][] cpu = new long[2][rounds];
        for (int r = -5; r < rounds; r++) {   // five rounds of warm-up
            for (int i = 0; i < 2; i++) {
                long t0 = threads.getCurrentThreadCpuTime();
                bench.decoderLayerForward(layers[i]);
                long t = threads.getCurrentThreadCpuTime() - t0;
                if (r >= 0) cpu[i][r] = t;
            }
        }
        System.out.println("Load average after: " + ReportSupport.loadAverage());
        System.out.printf(Locale.ROOT, "%n| score spec | median ms (CPU) | best ms (CPU) |%n|---|---:|---:|%n");
        double[] median = new double[2];
        double[] best = new double[2];
        for (int i = 0; i < 2; i++) {
            long[] sorted = cpu[i].clone();
            Arrays.sort(sorted);
            median[i] = sorted[rounds / 2] / 1e6;
            best[i] = sorted[0] / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f |%n", specs[i], median[i], best[i]);
        }
        System.out.printf(Locale.ROOT, "%nrope / none: median %.3f, best %.3f (%d rounds, batch 2 × 512 tokens, d_model 512,"
                + " 8 heads × 64, FFN 2048, causal, 1 thread)%n", median[1] / median[0], best[1] / best[0], rounds);
    }
}
