package dev.visor.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * One command for the roofline: measures the FMA peak ({@link PeakFlopsBench}) on 1 and on all
 * cores, then {@link MatmulBench} on the same thread counts, then the peak again, in one go, and prints a Markdown table
 * of GFLOP/s and percent of the peak measured in the same run, with the machine, the JDK and the
 * load average before and after (other processes on a small machine move 2-thread figures).
 *
 * <p>How to run:
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.Roofline
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.Roofline \
 *     --shapes=sq1024 --threads=1,2 --quick
 * </pre>
 * Options: {@code --shapes=a,b} (default: all of MatmulBench's), {@code --threads=1,2} (default: 1
 * and all cores), {@code --flash[=N]} (also flash attention forward, {@code full} and {@code causal},
 * 8 heads × 64, N = 2048 by default, as % of the peak), {@code --quick} (shorter iterations), {@code --verbose} (JMH's own output),
 * {@code --out=FILE} (also write the table there; the forks' JVM warnings go to the console).
 *
 * <p>The report names the vector ISA the kernels see (width, register count, chosen tiles). To
 * measure as on a narrower CPU, start it with HotSpot's flags, which the JMH forks inherit:
 * {@code java -XX:UseAVX=2 ...} (AVX2: 256 bits, 16 registers) or {@code -XX:MaxVectorSize=16}
 * (128 bits, as NEON).
 *
 * <p>The peak is measured before and after the matmuls and the higher figure is the roofline:
 * other processes can only lower a measured peak, and a low one would flatter every percentage.
 */
public final class Roofline {
    private Roofline() {}

    /** Runs the peak and matmul benchmarks and prints the table. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = ReportSupport.options(args, List.of("shapes", "threads", "quick", "verbose", "out", "flash"),
                "--shapes=a,b --threads=1,2 --quick --verbose --out=FILE --flash[=N]");
        int cores = Runtime.getRuntime().availableProcessors();
        int[] threads = opts.containsKey("threads")
                ? Arrays.stream(opts.get("threads").split(",")).mapToInt(Integer::parseInt).toArray()
                : (cores > 1 ? new int[] {1, cores} : new int[] {1});
        String[] shapes = opts.containsKey("shapes") ? opts.get("shapes").split(",") : ReportSupport.paramValues(MatmulBench.class, "shape");
        boolean quick = opts.containsKey("quick");
        VerboseMode verbosity = opts.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;
        String loadBefore = ReportSupport.loadAverage();

        // 1) the peak: the better of the preferred and the 256-bit species, per thread count
        Map<Integer, Figure> peakBefore = measurePeak("before", threads, quick, verbosity);

        // 2) the matmuls, on the same thread counts
        System.err.println("roofline: matmul, " + shapes.length + " shape(s) × " + threads.length + " thread count(s)...");
        var options = base(quick, verbosity)
                .include(MatmulBench.class.getName() + "\\.sgemm$")
                .param("shape", shapes)
                .param("threads", Arrays.stream(threads).mapToObj(String::valueOf).toArray(String[]::new))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        // 2b) flash attention forward, full and causal, on the same thread counts
        int flashN = !opts.containsKey("flash") ? 0
                : opts.get("flash").isEmpty() ? 2048 : Integer.parseInt(opts.get("flash"));
        Map<String, Figure> flash = flashN > 0 ? measureFlash(flashN, threads, quick, verbosity) : Map.of();

        // 3) the peak again: other processes can only lower it, so the higher of the two is the
        // roofline (a peak measured during a busy moment would flatter every percentage)
        Map<Integer, Figure> peakAfter = measurePeak("after", threads, quick, verbosity);

        // 4) the tables
        StringBuilder out = new StringBuilder();
        out.append(ReportSupport.machineLines(cores, loadBefore));
        out.append(quick ? "Iterations: quick (" + ReportSupport.QUICK + "), 1 fork\n"
                : "Iterations: 4 × 1 s warm-up, 5 × 1 s measured, 1 fork\n");
        out.append("\n| FMA peak | threads | GFLOP/s before (mean / best) | after (mean / best) | species |\n")
                .append("|---|---|---|---|---|\n");
        Map<Integer, Figure> peak = new LinkedHashMap<>();
        for (int t : threads) {
            Figure before = peakBefore.get(t);
            Figure after = peakAfter.get(t);
            peak.put(t, new Figure(Math.max(before.mean(), after.mean()), 0, Math.max(before.best(), after.best()),
                    before.best() >= after.best() ? before.how() : after.how()));
            out.append("| PeakFlopsBench | ").append(t).append(" | ").append(fmt(before.mean())).append(" / ")
                    .append(fmt(before.best())).append(" | ").append(fmt(after.mean())).append(" / ")
                    .append(fmt(after.best())).append(" | ").append(peak.get(t).how()).append(" |\n");
        }
        out.append("\n| matmul | product | threads | GFLOP/s (mean ± error) | best 1-s iteration | % of peak, mean | % of peak, best |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            int t = Integer.parseInt(r.getParams().getParam("threads"));
            Result<?> flop = r.getSecondaryResults().get("flop");
            Figure f = Figure.of(flop, 1e-9, "");
            Figure p = peak.get(t);
            out.append("| ").append(shape).append(" | ").append(Shape.parse(shape).describe()).append(" | ").append(t)
                    .append(" | ").append(fmt(f.mean())).append(Double.isNaN(f.error()) ? "" : " ± " + fmt(f.error()))
                    .append(" | ").append(fmt(f.best()))
                    .append(" | ").append(percent(f.mean(), p.mean())).append(" | ").append(percent(f.best(), p.best()))
                    .append(" |\n");
        }
        if (flashN > 0) {
            out.append("\n| flash forward, 8 heads × 64 | N | threads | ms, best (mean) | useful GFLOP/s | % of peak |"
                    + " speed-up over full |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (int t : threads) {
                for (String mask : FLASH_MASKS) {
                    Figure f = flash.get(mask + "@" + t);
                    double gflops = AttentionBench.usefulFlop(mask, flashN) / (f.best() * 1e6);
                    out.append("| `").append(mask).append("` | ").append(flashN).append(" | ").append(t).append(" | ")
                            .append(String.format(Locale.ROOT, "%.2f (%.2f)", f.best(), f.mean())).append(" | ")
                            .append(fmt(gflops)).append(" | ").append(percent(gflops, peak.get(t).best())).append(" | ")
                            .append(String.format(Locale.ROOT, "%.2f×", flash.get("full@" + t).best() / f.best()))
                            .append(" |\n");
                }
            }
        }
        out.append("\nThe peak is the higher of the two measurements; % of peak, mean compares means, % of peak, best\n")
                .append("compares the best 1-s iterations (other processes only ever slow a run down).\n");
        System.out.print(out);
        if (opts.containsKey("out")) {
            ReportSupport.writeAtomically(Path.of(opts.get("out")), out.toString());
        }
    }

    /** Mean, error and best iteration of one result, scaled; {@code how} names the variant. */
    private record Figure(double mean, double error, double best, String how) {
        static Figure of(Result<?> r, double scale, String how) {
            return new Figure(r.getScore() * scale, r.getScoreError() * scale, r.getStatistics().getMax() * scale, how);
        }
    }

    /** Per thread count, the better of the two species (by best iteration). */
    private static Map<Integer, Figure> measurePeak(String when, int[] threads, boolean quick, VerboseMode verbosity)
            throws RunnerException {
        Map<Integer, Figure> peak = new LinkedHashMap<>();
        for (int t : threads) {
            System.err.println("roofline: FMA peak on " + t + " thread(s), " + when + " the matmuls...");
            var options = base(quick, verbosity)
                    .include(PeakFlopsBench.class.getName() + "\\.(preferred|width256)$")
                    .threads(t)
                    .build();
            for (RunResult r : new Runner(options).run()) {
                String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
                Figure f = Figure.of(r.getPrimaryResult(), 1, method); // FLOP per ns = GFLOP/s
                if (!peak.containsKey(t) || f.best() > peak.get(t).best()) {
                    peak.put(t, f);
                }
            }
        }
        return peak;
    }

    /** The masks of the flash table: dense, and causal (the bar: at least 1.8× faster than dense). */
    private static final List<String> FLASH_MASKS = List.of("full", "causal");

    /** Flash forward per mask and thread count, in ms: best is the fastest iteration, mean the mean. */
    private static Map<String, Figure> measureFlash(int n, int[] threads, boolean quick, VerboseMode verbosity)
            throws RunnerException {
        Map<String, Figure> out = new LinkedHashMap<>();
        for (int t : threads) {
            System.err.println("roofline: flash attention forward, N " + n + ", on " + t + " thread(s)...");
            var options = base(quick, verbosity)
                    .include(AttentionBench.class.getName() + "\\.forward$")
                    .param("n", String.valueOf(n))
                    .param("mask", FLASH_MASKS.toArray(String[]::new))
                    .jvmArgsAppend("-Dvisor.threads=" + t)
                    .build();
            for (RunResult r : new Runner(options).run()) {
                var stats = r.getPrimaryResult().getStatistics();
                out.put(r.getParams().getParam("mask") + "@" + t, new Figure(stats.getMean(), 0, stats.getMin(), "ms"));
            }
        }
        return out;
    }

    private static String percent(double x, double of) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * x / of);
    }

    private static ChainedOptionsBuilder base(boolean quick, VerboseMode verbosity) {
        ChainedOptionsBuilder b = new OptionsBuilder().forks(1).verbosity(verbosity).shouldFailOnError(true);
        if (quick) {
            ReportSupport.quick(b);
        } else {
            b.warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        return b;
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }
}
