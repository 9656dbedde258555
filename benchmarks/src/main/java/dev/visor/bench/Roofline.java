package dev.visor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * and all cores), {@code --quick} (shorter iterations), {@code --verbose} (JMH's own output),
 * {@code --out=FILE} (also write the table there; the forks' JVM warnings go to the console).
 *
 * <p>The peak is measured before and after the matmuls and the higher figure is the roofline:
 * other processes can only lower a measured peak, and a low one would flatter every percentage.
 */
public final class Roofline {
    private Roofline() {}

    /** Runs the peak and matmul benchmarks and prints the table. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "'; expected --shapes=a,b --threads=1,2 --quick --verbose --out=FILE");
            }
            int eq = arg.indexOf('=');
            opts.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "" : arg.substring(eq + 1));
        }
        for (String key : opts.keySet()) {
            if (!List.of("shapes", "threads", "quick", "verbose", "out").contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key
                        + "; expected --shapes=a,b --threads=1,2 --quick --verbose --out=FILE");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int[] threads = opts.containsKey("threads")
                ? Arrays.stream(opts.get("threads").split(",")).mapToInt(Integer::parseInt).toArray()
                : (cores > 1 ? new int[] {1, cores} : new int[] {1});
        String[] shapes = opts.containsKey("shapes") ? opts.get("shapes").split(",") : defaultShapes();
        boolean quick = opts.containsKey("quick");
        VerboseMode verbosity = opts.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;
        String loadBefore = loadAverage();

        // 1) the peak: the better of the preferred and the 256-bit species, per thread count
        Map<Integer, Double> peak = new LinkedHashMap<>();
        Map<Integer, String> peakHow = new LinkedHashMap<>();
        measurePeak("before", threads, quick, verbosity, peak, peakHow);

        // 2) the matmuls, on the same thread counts
        List<String[]> rows = new ArrayList<>();
        System.err.println("roofline: matmul, " + shapes.length + " shape(s) × " + threads.length + " thread count(s)...");
        var options = base(quick, verbosity)
                .include(MatmulBench.class.getName() + "\\.sgemm$")
                .param("shape", shapes)
                .param("threads", Arrays.stream(threads).mapToObj(String::valueOf).toArray(String[]::new))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            int t = Integer.parseInt(r.getParams().getParam("threads"));
            Result<?> flop = r.getSecondaryResults().get("flop");
            double gflops = flop != null ? flop.getScore() / 1e9
                    : r.getPrimaryResult().getScore() * Shape.parse(shape).flop() / 1e9;
            double err = flop != null && !Double.isNaN(flop.getScoreError()) ? flop.getScoreError() / 1e9 : Double.NaN;
            Double p = peak.get(t);
            rows.add(new String[] {
                shape, Shape.parse(shape).describe(), String.valueOf(t),
                fmt(gflops) + (Double.isNaN(err) ? "" : " ± " + fmt(err)),
                p == null ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * gflops / p),
            });
        }

        // 3) the peak again: other processes can only lower it, so the higher of the two is the
        // roofline (a peak measured during a busy moment would flatter every percentage)
        Map<Integer, Double> peakAfter = new LinkedHashMap<>();
        measurePeak("after", threads, quick, verbosity, peakAfter, new LinkedHashMap<>());
        Map<Integer, Double> peakBefore = new LinkedHashMap<>(peak);
        for (var e : peakAfter.entrySet()) {
            peak.merge(e.getKey(), e.getValue(), Math::max);
        }
        for (String[] row : rows) {
            Double p = peak.get(Integer.parseInt(row[2]));
            double gflops = Double.parseDouble(row[3].split(" ")[0]);
            row[4] = p == null ? "n/a" : String.format(Locale.ROOT, "%.0f %%", 100 * gflops / p);
        }

        // 4) the table
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(cpuModel()).append(", ").append(cores).append(" cores visible to the JVM\n");
        out.append("JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("Load average (1, 5, 15 min) before: ").append(loadBefore).append(", after: ")
                .append(loadAverage()).append('\n');
        out.append(quick ? "Iterations: quick (2 × 0.5 s warm-up, 3 × 0.5 s measured)\n"
                : "Iterations: 4 × 1 s warm-up, 5 × 1 s measured, 1 fork\n");
        out.append('\n');
        out.append("| FMA peak | threads | GFLOP/s (roofline) | before matmul | after matmul | species |\n")
                .append("|---|---|---|---|---|---|\n");
        for (var e : peak.entrySet()) {
            int t = e.getKey();
            out.append("| PeakFlopsBench | ").append(t).append(" | ").append(fmt(e.getValue())).append(" | ")
                    .append(fmt(peakBefore.getOrDefault(t, Double.NaN))).append(" | ")
                    .append(fmt(peakAfter.getOrDefault(t, Double.NaN))).append(" | ")
                    .append(peakHow.get(t)).append(" |\n");
        }
        out.append('\n');
        out.append("| matmul | product | threads | GFLOP/s | % of peak |\n|---|---|---|---|---|\n");
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        System.out.print(out);
        if (opts.containsKey("out")) {
            write(Path.of(opts.get("out")), out.toString());
        }
    }

    private static void measurePeak(String when, int[] threads, boolean quick, VerboseMode verbosity,
                                    Map<Integer, Double> peak, Map<Integer, String> how) throws RunnerException {
        for (int t : threads) {
            System.err.println("roofline: FMA peak on " + t + " thread(s), " + when + " the matmuls...");
            var options = base(quick, verbosity)
                    .include(PeakFlopsBench.class.getName() + "\\.(preferred|width256)$")
                    .threads(t)
                    .build();
            for (RunResult r : new Runner(options).run()) {
                double gflops = r.getPrimaryResult().getScore(); // FLOP per ns
                String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
                if (gflops > peak.getOrDefault(t, 0.0)) {
                    peak.put(t, gflops);
                    how.put(t, method);
                }
            }
        }
    }

    /** Writes the table atomically: a temporary file in the same directory, then a rename. */
    private static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the table to " + file, e);
        }
    }

    private static ChainedOptionsBuilder base(boolean quick, VerboseMode verbosity) {
        ChainedOptionsBuilder b = new OptionsBuilder().forks(1).verbosity(verbosity).shouldFailOnError(true);
        if (quick) {
            b.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
        } else {
            b.warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        return b;
    }

    private static String[] defaultShapes() {
        try {
            return MatmulBench.class.getField("shape").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("MatmulBench has no 'shape' parameter", e);
        }
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }

    private static String cpuModel() {
        try {
            String model = null;
            String family = null;
            String number = null;
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).trim() : "";
                if (model == null && line.startsWith("model name")) {
                    model = value;
                } else if (family == null && line.startsWith("cpu family")) {
                    family = value;
                } else if (number == null && line.matches("model\\s*:.*")) {
                    number = value;
                }
            }
            return model + " (family " + family + ", model " + number + ")";
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
