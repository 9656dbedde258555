package dev.visor.bench;

import dev.visor.transformer.DecoderOnlyTransformer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The decoding bar in one command: runs {@link DecodeBench}'s triad, then its greedy decoding, then
 * the triad again, on the same thread counts, and prints per-token time against the time to read
 * every weight once at the measured bandwidth (the higher of the two triads: other processes can
 * only lower a bandwidth, and a low one would flatter the ratio). The bar is a ratio ≤ 1.25. A
 * second table splits the token: its matrix–vector products alone ({@link DecodeBench#matvec}),
 * the bandwidth they stream the weights at, and the share of the token they take.
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport --threads=1,2 --quick
 * </pre>
 * Options: {@code --threads=1,2} (default: all cores), {@code --quick}, {@code --verbose}, {@code --out=FILE}.
 */
public final class DecodeReport {
    private DecodeReport() {}

    /** Runs the benchmarks and prints the table. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = ReportSupport.options(args, List.of("threads", "quick", "verbose", "out"),
                "--threads=1,2 --quick --verbose --out=FILE");
        int cores = Runtime.getRuntime().availableProcessors();
        String[] threads = opts.containsKey("threads") ? opts.get("threads").split(",") : new String[] {String.valueOf(cores)};
        boolean quick = opts.containsKey("quick");
        VerboseMode verbosity = opts.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;
        String loadBefore = ReportSupport.loadAverage();
        DecoderOnlyTransformer model = DecodeBench.model();
        long weightBytes = DecodeBench.weightBytes(model);
        long matrixBytes = DecodeBench.matrixBytes(DecodeBench.tokenMatrices(model));

        System.err.println("decode: triad, greedy decoding, its matrix-vector products, triad on " + String.join(",", threads)
                + " thread(s)...");
        Collection<RunResult> before = run("triad", threads, quick, verbosity);
        Collection<RunResult> tokens = run("token", threads, quick, verbosity);
        Collection<RunResult> products = run("matvec", threads, quick, verbosity);
        Collection<RunResult> after = run("triad", threads, quick, verbosity);

        StringBuilder out = new StringBuilder();
        out.append(ReportSupport.machineLines(cores, loadBefore));
        out.append(quick ? "Iterations: quick (" + ReportSupport.QUICK + "), 1 fork\n"
                : "Iterations: 5 × 1 s warm-up, 5 × 1 s measured, 1 fork\n");
        out.append(String.format(Locale.ROOT, "Model: decoder-only base (d_model 512, 8 heads, 6 layers, FFN 2048, vocabulary %d),"
                + " batch 1, greedy, %d tokens per run; weights read per token: %.1f MB%n",
                DecodeBench.VOCAB, DecodeBench.TOKENS, weightBytes / 1e6));
        out.append("\n| threads | triad GB/s before / after (best) | bound: weights ÷ bandwidth, µs | µs per token, mean (best) | ratio, mean (best) | bar ≤ 1.25 |\n")
                .append("|---:|---:|---:|---:|---:|---|\n");
        for (String t : threads) {
            double[] gbBefore = bandwidth(find(before, t));
            double[] gbAfter = bandwidth(find(after, t));
            double gb = Math.max(gbBefore[1], gbAfter[1]);
            double boundUs = weightBytes / (gb * 1e3);
            Result<?> tok = find(tokens, t).getPrimaryResult();
            double mean = tok.getScore();
            double best = tok.getStatistics().getMin();
            out.append(String.format(Locale.ROOT, "| %s | %.1f / %.1f (%.1f) | %.0f | %.0f (%.0f) | %.2f (%.2f) | %s |%n",
                    t, gbBefore[0], gbAfter[0], gb, boundUs, mean, best, mean / boundUs, best / boundUs,
                    best / boundUs <= 1.25 ? "met" : "not met"));
        }
        out.append("\n| threads | matrix–vector products alone, µs per token, mean (best) | their bandwidth GB/s, best |"
                + " their share of the token, mean | the rest of the token, µs, mean |\n")
                .append("|---:|---:|---:|---:|---:|\n");
        for (String t : threads) {
            Result<?> mv = find(products, t).getPrimaryResult();
            double token = find(tokens, t).getPrimaryResult().getScore();
            out.append(String.format(Locale.ROOT, "| %s | %.0f (%.0f) | %.1f | %.0f %% | %.0f |%n", t, mv.getScore(),
                    mv.getStatistics().getMin(), matrixBytes / (mv.getStatistics().getMin() * 1e3), 100 * mv.getScore() / token,
                    token - mv.getScore()));
        }
        double load = loadOf(loadBefore);
        if (load > cores) {
            out.append(String.format(Locale.ROOT, "%nThe 1-minute load (%.1f) exceeded the %d cores: the wall times above"
                    + " (the triad's most of all) are not the machine's; rerun in a quiet window.%n", load, cores));
        }
        System.out.print(out);
        if (opts.containsKey("out")) {
            ReportSupport.writeAtomically(Path.of(opts.get("out")), out.toString());
        }
    }

    private static double loadOf(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(",")[0].trim());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Collection<RunResult> run(String bench, String[] threads, boolean quick, VerboseMode verbosity)
            throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder().include(DecodeBench.class.getName() + "\\." + bench + "$")
                .param("threads", threads).verbosity(verbosity).forks(1);
        if (quick) {
            ReportSupport.quick(b);
        }
        return new Runner(b.build()).run();
    }

    private static RunResult find(Collection<RunResult> results, String threads) {
        for (RunResult r : results) {
            if (r.getParams().getParam("threads").equals(threads)) {
                return r;
            }
        }
        throw new IllegalStateException("no result for " + threads + " threads among " + new ArrayList<>(results).size());
    }

    /** Mean and best bandwidth in GB/s of a triad run (its scores are µs per pass). */
    private static double[] bandwidth(RunResult r) {
        Result<?> p = r.getPrimaryResult();
        return new double[] {DecodeBench.TRIAD_BYTES / (p.getScore() * 1e3), DecodeBench.TRIAD_BYTES / (p.getStatistics().getMin() * 1e3)};
    }

}
