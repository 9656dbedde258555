package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link BlockSizeBench}'s calls (N = 4096, 4 heads × 64) on one thread, timed by this thread's CPU
 * time, for a machine shared with other work: the best of five interleaved rounds per (mask, block
 * size), forward and backward, and each forward's ratio to the first configuration's. On a busy
 * 2-core machine the JMH wall-clock ratios moved 2× between iterations; these did not.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.MaskLayoutCpu
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.MaskLayoutCpu \
 *     --configs=full@64,sliding_window(left=15)@16
 * </pre>
 * Options: {@code --configs=mask@block,...} (masks as {@link BlockSizeBench.Inputs#mask} names them;
 * default full, causal, strided, strided_natural at 64 and {@code sliding_window(left=15)} at 16 and 64).
 */
public final class MaskLayoutCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String DEFAULT = "full@64;causal@64;strided@64;strided_natural@64;"
            + "sliding_window(left=15)@16;sliding_window(left=15)@64";

    private MaskLayoutCpu() {}

    /** Prints the table. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("configs"), "--configs=mask@block,...");
        String[] configs = opts.getOrDefault("configs", DEFAULT).split("[;,](?![^(]*\\))");
        System.out.println("Load average before: " + ReportSupport.loadAverage());
        Parallel.setThreads(1);
        BlockSizeBench bench = new BlockSizeBench();
        BlockSizeBench.Inputs[] inputs = new BlockSizeBench.Inputs[configs.length];
        for (int i = 0; i < configs.length; i++) {
            int at = configs[i].lastIndexOf('@');
            inputs[i] = new BlockSizeBench.Inputs();
            inputs[i].mask = configs[i].substring(0, at);
            inputs[i].block = Integer.parseInt(configs[i].substring(at + 1));
            inputs[i].setUp();   // compiles, and builds the permuted layout where it pays
        }
        long[] forward = new long[configs.length];
        long[] backward = new long[configs.length];
        java.util.Arrays.fill(forward, Long.MAX_VALUE);
        java.util.Arrays.fill(backward, Long.MAX_VALUE);
        for (int round = 0; round < 6; round++) {   // round 0 warms up
            for (int i = 0; i < configs.length; i++) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                bench.forward(inputs[i]);
                long t1 = THREADS.getCurrentThreadCpuTime();
                bench.backward(inputs[i]);
                long t2 = THREADS.getCurrentThreadCpuTime();
                if (round > 0) {
                    forward[i] = Math.min(forward[i], t1 - t0);
                    backward[i] = Math.min(backward[i], t2 - t1);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n| mask | block | forward CPU ms | backward CPU ms | forward × first |%n|---|---|---:|---:|---:|%n");
        for (int i = 0; i < configs.length; i++) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.3f |%n", inputs[i].mask, inputs[i].block,
                    forward[i] / 1e6, backward[i] / 1e6, (double) forward[i] / forward[0]);
        }
        System.out.println("\nLoad average after: " + ReportSupport.loadAverage());
    }
}
