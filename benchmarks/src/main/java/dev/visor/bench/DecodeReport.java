package dev.visor.bench;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.DecoderOnlyTransformer;
import java.io.IOException;
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
 * <p>On Linux the benchmark JVMs run with {@code -XX:+UseTransparentHugePages} (the heap on 2 MB
 * pages where the kernel's THP mode allows it), the setting decoding should be deployed with: a
 * token streams ~92 MB of weights, 23 000 small pages, and on 2 MB pages the products alone streamed
 * 15–20 % faster against an unchanged triad (CPU time, 1 thread, three alternating pairs of JVMs:
 * 1.29–1.31× the triad bound against 1.44–1.54×). {@code --huge-pages=false} measures without.
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport --threads=1,2 --quick
 * </pre>
 * Options: {@code --threads=1,2} (default: all cores), {@code --quick}, {@code --verbose}, {@code --out=FILE},
 * {@code --huge-pages=false}, {@code --pre-touch=false} (the forks' default heap instead of {@link #PRE_TOUCH}), {@code --jvm-args='-Dvisor.spinYieldEvery=1000000 ...'} (more arguments for the
 * benchmark JVMs, split at spaces: an A/B of a kernel-thread setting within one report command),
 * {@code --paired=false} (skip the last part: {@link DecodeRest} in one more JVM, the token, its
 * products and the triad in alternating rounds, whose rest of the token and ratio come from the same
 * moments — the bandwidth two threads get on the reference VM changes phase between JMH forks).
 */
public final class DecodeReport {
    private DecodeReport() {}

    /** Runs the benchmarks and prints the table. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = ReportSupport.options(args,
                List.of("threads", "quick", "verbose", "out", "huge-pages", "pre-touch", "jvm-args", "paired"),
                "--threads=1,2 --quick --verbose --out=FILE --huge-pages=false --pre-touch=false --jvm-args='-Dx=y ...' --paired=false");
        int cores = Runtime.getRuntime().availableProcessors();
        String[] threads = opts.containsKey("threads") ? opts.get("threads").split(",") : new String[] {String.valueOf(cores)};
        boolean quick = opts.containsKey("quick");
        boolean preTouch = flag(opts, "pre-touch");
        List<String> jvmArgs = forkArguments(!"false".equals(opts.getOrDefault("huge-pages", "true")), preTouch,
                System.getProperty("os.name", ""), opts.getOrDefault("jvm-args", ""));
        VerboseMode verbosity = opts.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;
        String loadBefore = ReportSupport.loadAverage();
        DecoderOnlyTransformer model = DecodeBench.model();
        long weightBytes = DecodeBench.weightBytes(model);
        List<Tensor> matrices = DecodeBench.tokenMatrices(model);
        long matrixBytes = DecodeBench.matrixBytes(matrices);
        long leadBytes = DecodeBench.leadBytes(matrices);

        System.err.println("decode: triad, greedy decoding, its matrix-vector products, triad on " + String.join(",", threads)
                + " thread(s)...");
        Collection<RunResult> before = run("triad", threads, quick, verbosity, jvmArgs);
        Collection<RunResult> tokens = run("token", threads, quick, verbosity, jvmArgs);
        Collection<RunResult> products = run("matvec", threads, quick, verbosity, jvmArgs);
        Collection<RunResult> after = run("triad", threads, quick, verbosity, jvmArgs);

        StringBuilder out = new StringBuilder();
        out.append(ReportSupport.machineLines(cores, loadBefore));
        out.append(quick ? "Iterations: quick (" + ReportSupport.QUICK + "), 1 fork\n"
                : "Iterations: 5 × 1 s warm-up, 5 × 1 s measured, 1 fork\n");
        out.append("Benchmark JVM arguments: " + String.join(" ", jvmArgs)
                + (jvmArgs.contains(HUGE_PAGES) ? " (transparent huge pages: " + ReportSupport.hugePageMode() + ")" : "") + "\n");
        out.append(String.format(Locale.ROOT, "Model: decoder-only base (d_model 512, 8 heads, 6 layers, FFN 2048, vocabulary %d),"
                + " batch 1, greedy, %d tokens per run; weights read per token: %.1f MB%n",
                DecodeBench.VOCAB, DecodeBench.TOKENS, weightBytes / 1e6));
        out.append(String.format(Locale.ROOT, "Matrices starting on a cache line (a storage lead, Tensor.alignedZeros), in this"
                + " JVM: %.1f of %.1f MB%s%n", leadBytes / 1e6, matrixBytes / 1e6,
                preTouch ? " (in the forks, whose pre-touched 1 GB heap has 1 MB G1 regions, every matrix of 1 MB or more)" : ""));
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
        if (flag(opts, "paired")) {
            out.append("\nIn one JVM, rounds alternating (DecodeRest, ").append(quick ? 3 : 7).append(" rounds): each round's token,"
                    + " products and triad side by side, so the rest and the ratio come from the same moments"
                    + " (median, best round in brackets):\n\n");
            out.append(paired(threads, quick ? 3 : 7, jvmArgs));
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

    /**
     * Runs {@link DecodeRest} in a JVM with the forks' arguments and returns its lines. The JMH
     * forks above time the token, the products and the triad minutes apart, and on the reference VM
     * the bandwidth two threads get changes phase in that time (decode8), so the rest column above
     * can be the difference of two phases; these lines are not.
     */
    static String paired(String[] threads, int rounds, List<String> jvmArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DecodeRest.class.getName(),
                "--threads=" + String.join(",", threads), "--rounds=" + rounds));
        StringBuilder lines = new StringBuilder();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            lines.append(pairedLines(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            int exit = p.waitFor();
            if (exit != 0) {
                lines.append("- DecodeRest exited with status ").append(exit).append('\n');
            }
        } catch (IOException e) {
            lines.append("- DecodeRest could not run: ").append(e.getMessage()).append('\n');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lines.append("- DecodeRest was interrupted\n");
        }
        return lines.toString();
    }

    /** {@link DecodeRest}'s result lines from its output, as a Markdown list (its blank label's leading " |" dropped). */
    static String pairedLines(String output) {
        StringBuilder lines = new StringBuilder();
        for (String line : output.split("\n")) {
            if (line.contains("thread(s)") || line.contains("steal")) {
                lines.append("-").append(line.replaceFirst("^ \\|", "")).append('\n');
            }
        }
        return lines.toString();
    }

    /**
     * An on/off option, on unless given: {@code --name=true} or {@code --name=false}.
     *
     * @throws IllegalArgumentException naming the option and its value when it is neither
     */
    static boolean flag(Map<String, String> opts, String name) {
        String v = opts.getOrDefault(name, "true");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + " must be true or false but got '" + v + "'");
        }
        return v.equals("true");
    }

    private static double loadOf(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(",")[0].trim());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Collection<RunResult> run(String bench, String[] threads, boolean quick, VerboseMode verbosity,
                                             List<String> jvmArgs) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder().include(DecodeBench.class.getName() + "\\." + bench + "$")
                .param("threads", threads).verbosity(verbosity).forks(1).jvmArgsAppend(jvmArgs.toArray(String[]::new));
        if (quick) {
            ReportSupport.quick(b);
        }
        return new Runner(b.build()).run();
    }

    /** The JVM flag that puts the heap on transparent huge pages (Linux only). */
    static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    /**
     * The benchmark forks' extra JVM arguments (they replace {@link DecodeBench}'s annotation, so the
     * Vector API module is named again): the huge-page flag when asked for and the OS is Linux, the
     * only one whose JVM knows the flag.
     */
    static List<String> forkArguments(boolean hugePages, String osName) {
        return forkArguments(hugePages, osName, "");
    }

    /** As above, then the whitespace-separated arguments of {@code extra} (blank: none), in order. */
    static List<String> forkArguments(boolean hugePages, String osName, String extra) {
        return forkArguments(hugePages, false, osName, extra);
    }

    /**
     * The heap of the benchmark forks when it is pre-touched: fixed at 1 GB (the model, the triad's
     * 192 MB and JMH fit with room) and every page of it touched at start-up. Without this a token's
     * ~360 KB of garbage lands on heap pages the JVM touches for the first time while eden grows, and
     * each such page fault (with huge pages, a 2 MB page the kernel may first have to compact memory
     * for) is booked as system time on the decoding thread: 0.3–1.6 ms per token in some JVMs and not
     * in others (docs/DESIGN.md, "Decoding's erratic rest of the token was page faults"). A 1 GB heap
     * also has 1 MB G1 regions, so the 1 MB {@code out_proj} weights get the cache-line lead too.
     */
    static final List<String> PRE_TOUCH = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    /**
     * As above, with {@link #PRE_TOUCH} after the huge-page flag when {@code preTouch}, before
     * {@code extra} (whose own {@code -Xmx} and such then win, HotSpot taking the last of a flag).
     */
    static List<String> forkArguments(boolean hugePages, boolean preTouch, String osName, String extra) {
        List<String> args = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector"));
        if (hugePages && osName.toLowerCase(Locale.ROOT).contains("linux")) {
            args.add(HUGE_PAGES);
        }
        if (preTouch) {
            args.addAll(PRE_TOUCH);
        }
        for (String a : extra.trim().split("\\s+")) {
            if (!a.isEmpty()) {
                args.add(a);
            }
        }
        return args;
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
