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
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link AttentionBench} — the forward pass by mask and length, optionally the backward
 * pass, and the 1024³ matmul baseline — in one JMH run and prints the Markdown table kept in
 * {@code benchmarks/README.md}: milliseconds, GFLOP/s of the useful work
 * ({@link AttentionBench#usefulFlop}; {@code 2.5×} that for the backward pass, whose five tile
 * products cost {@code 10·d} per attended score), that rate as a share of the matmul rate, and the
 * speed-up over {@code full} (dense) at the same length; with the machine, the JDK, the thread
 * count and the load average before and after. Rates and ratios use each configuration's best
 * measurement iteration (the mean is printed too): on a machine shared with other work the best
 * iteration is the one least disturbed, and the ratios compare like with like.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.AttentionReport \
 *     [--n=512,1024,2048,4096] [--backward] [--threads=N] [--quick]
 * </pre>
 */
public final class AttentionReport {
    private AttentionReport() {}

    /** Runs the benchmarks and prints the table. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = ReportSupport.options(args, List.of("n", "backward", "threads", "quick"),
                "--n=512,1024 --backward --threads=N --quick");
        String[] lengths = opts.getOrDefault("n", "512,1024,2048,4096").split(",");
        boolean backward = opts.containsKey("backward");
        String loadBefore = ReportSupport.loadAverage();
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include(AttentionBench.class.getName() + "\\.(forward" + (backward ? "|backward" : "") + "|matmul)$")
                .param("n", lengths)
                .verbosity(VerboseMode.SILENT);
        if (opts.containsKey("threads")) {
            b.jvmArgsAppend("-Dvisor.threads=" + opts.get("threads"));
        }
        if (opts.containsKey("quick")) {
            ReportSupport.quick(b);
        } else {
            b.measurementIterations(10).measurementTime(TimeValue.milliseconds(500));
        }
        Collection<RunResult> results = new Runner(b.build()).run();
        String loadAfter = ReportSupport.loadAverage();

        double gemmMs = Double.NaN;
        double gemmMean = Double.NaN;
        Map<String, Double> fwdMean = new LinkedHashMap<>();
        int gemmSize = 0;
        Map<String, Double> fwd = new LinkedHashMap<>();
        Map<String, Double> bwd = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            double ms = r.getPrimaryResult().getStatistics().getMin();
            double mean = r.getPrimaryResult().getScore();
            if (label.endsWith(".matmul")) {
                gemmMs = ms;
                gemmMean = mean;
                gemmSize = Integer.parseInt(r.getParams().getParam("size"));
                continue;
            }
            String key = r.getParams().getParam("mask") + "@" + r.getParams().getParam("n");
            if (label.endsWith(".backward")) {
                bwd.put(key, ms);
            } else {
                fwd.put(key, ms);
                fwdMean.put(key, mean);
                rows.add(key);
            }
        }
        double gemmGflops = 2.0 * gemmSize * gemmSize * gemmSize / (gemmMs * 1e6);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "CPU: %s, %d cores; JDK %s; visor.threads=%s; load %s before, %s after%n",
                ReportSupport.cpuModel(), Runtime.getRuntime().availableProcessors(), ReportSupport.jdk(),
                opts.getOrDefault("threads", "all"), loadBefore, loadAfter));
        out.append("ISA: ").append(ReportSupport.isa()).append("\n");
        out.append(String.format(Locale.ROOT, "matmul %d³ (Gemm.sgemm): best %.2f ms (mean %.2f) = %.1f GFLOP/s%n%n",
                gemmSize, gemmMs, gemmMean, gemmGflops));
        out.append("| mask | N | forward ms, best (mean) | useful GFLOP/s | % of matmul | speed-up over dense |");
        out.append(backward ? " backward ms | backward GFLOP/s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
                : "\n|---|---:|---:|---:|---:|---:|\n");
        for (String key : rows) {
            String mask = key.substring(0, key.lastIndexOf('@'));
            int n = Integer.parseInt(key.substring(key.lastIndexOf('@') + 1));
            double flop = AttentionBench.usefulFlop(mask, n);
            double t = fwd.get(key);
            double gflops = flop / (t * 1e6);
            Double dense = fwd.get("full@" + n);
            out.append(String.format(Locale.ROOT, "| `%s` | %d | %.2f (%.2f) | %.1f | %.0f %% | %s |", mask, n, t,
                    fwdMean.get(key), gflops,
                    100 * gflops / gemmGflops, dense == null ? "–" : String.format(Locale.ROOT, "%.2f×", dense / t)));
            if (backward) {
                Double tb = bwd.get(key);
                out.append(tb == null ? " – | – |" : String.format(Locale.ROOT, " %.2f | %.1f |", tb, 2.5 * flop / (tb * 1e6)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }
}
