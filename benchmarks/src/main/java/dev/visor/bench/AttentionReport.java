package dev.visor.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link AttentionBench} (forward by mask and length, and the matmul baseline) in one JMH run
 * and prints the Markdown table kept in {@code benchmarks/README.md}: milliseconds, GFLOP/s of the
 * useful work ({@link AttentionBench#usefulFlop}), that rate as a share of the matmul rate, and the
 * speed-up over dense at the same length.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.AttentionReport [n ...]
 * </pre>
 */
public final class AttentionReport {
    private AttentionReport() {}

    public static void main(String[] args) throws RunnerException {
        String[] lengths = args.length > 0 ? args : new String[] {"512", "1024", "2048", "4096"};
        Options opts = new OptionsBuilder()
                .include(AttentionBench.class.getName() + "\\.(forward|matmul)$")
                .param("n", lengths)
                .build();
        Collection<RunResult> results = new Runner(opts).run();
        double gemmMs = Double.NaN;
        int gemmSize = 0;
        Map<String, Double> ms = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            double score = r.getPrimaryResult().getScore();
            if (label.endsWith(".matmul")) {
                gemmMs = score;
                gemmSize = Integer.parseInt(r.getParams().getParam("size"));
            } else {
                String key = r.getParams().getParam("mask") + "@" + r.getParams().getParam("n");
                ms.put(key, score);
                rows.add(key);
            }
        }
        double gemmGflops = 2.0 * gemmSize * gemmSize * gemmSize / (gemmMs * 1e6);
        System.out.printf(Locale.ROOT, "%nmatmul %d³: %.2f ms = %.1f GFLOP/s%n%n", gemmSize, gemmMs, gemmGflops);
        System.out.println("| mask | N | ms | useful GFLOP/s | % of matmul | speed-up over dense |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String key : rows) {
            String mask = key.substring(0, key.lastIndexOf('@'));
            int n = Integer.parseInt(key.substring(key.lastIndexOf('@') + 1));
            double t = ms.get(key);
            double gflops = AttentionBench.usefulFlop(mask, n) / (t * 1e6);
            Double dense = ms.get("full@" + n);
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.0f %% | %s |%n", mask, n, t, gflops,
                    100 * gflops / gemmGflops, dense == null ? "–" : String.format(Locale.ROOT, "%.2f×", dense / t));
        }
    }
}
