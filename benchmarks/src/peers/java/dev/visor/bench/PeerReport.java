package dev.visor.bench;

import java.nio.file.Path;
import java.time.LocalDate;
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
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The comparison with the peers in one command: checks that Visor, DJL/PyTorch and EJML compute
 * the same results from the same inputs ({@link PeerParity}), then runs {@link PeerMatmulBench},
 * {@link PeerAttentionBench} and {@link PeerLayerBench} through JMH on the same thread counts (each
 * configuration in a fresh JVM) and prints Markdown tables — each figure for Visor and each peer and
 * the ratio Visor/peer (above 1: Visor is faster) — with the machine, the JDK, the library versions,
 * the thread counts, the load average before and after, and the issue's bars.
 *
 * <p>Figures are each configuration's best measurement iteration, means in brackets; ratios compare
 * best with best. On a machine shared with other work the best iteration is the least disturbed one
 * for every library alike.
 *
 * <pre>
 * mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.PeerReport
 * </pre>
 * Options: {@code --threads=1,2} (default 1 and all cores), {@code --only=matmul,attention,layer},
 * {@code --shapes=sq1024,...} (default {@link MatmulBench}'s), {@code --n=512,...},
 * {@code --masks=causal,...}, {@code --quick} (2 × 0.5 s warm-up, 3 × 0.5 s measured),
 * {@code --verbose} (JMH's own output), {@code --out=FILE} (also write the report there).
 */
public final class PeerReport {
    static final List<String> PARTS = List.of("matmul", "attention", "layer");
    static final String USAGE = "--threads=1,2 --only=matmul,attention,layer --shapes=sq1024,... --n=512,... "
            + "--masks=full,causal,... --quick --verbose --out=FILE";

    private PeerReport() {}

    /** A configuration's best and mean time per call, in milliseconds. */
    record Timing(double best, double mean) {}

    /** Runs the parity checks and the benchmarks and prints the report. */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opts = ReportSupport.options(args,
                List.of("threads", "only", "shapes", "n", "masks", "quick", "verbose", "out"), USAGE);
        int cores = Runtime.getRuntime().availableProcessors();
        String[] threads = opts.containsKey("threads") ? opts.get("threads").split(",")
                : (cores > 1 ? new String[] {"1", Integer.toString(cores)} : new String[] {"1"});
        List<String> only = opts.containsKey("only") ? List.of(opts.get("only").split(",")) : PARTS;
        for (String part : only) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("unknown part '" + part + "' in --only; expected some of " + PARTS);
            }
        }
        String[] shapes = opts.containsKey("shapes") ? opts.get("shapes").split(",") : ReportSupport.paramValues(MatmulBench.class, "shape");
        String[] lengths = opts.containsKey("n") ? opts.get("n").split(",") : ReportSupport.paramValues(PeerAttentionBench.Inputs.class, "n");
        String[] masks = opts.containsKey("masks") ? opts.get("masks").split(",")
                : ReportSupport.paramValues(PeerAttentionBench.Inputs.class, "mask");
        boolean quick = opts.containsKey("quick");
        VerboseMode verbosity = opts.containsKey("verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT;

        String loadBefore = ReportSupport.loadAverage();
        System.err.println("peers: checking that every library computes the same results...");
        String parity = parity(Integer.parseInt(threads[threads.length - 1]));

        StringBuilder tables = new StringBuilder();
        List<String> bars = new ArrayList<>();
        if (only.contains("matmul")) {
            System.err.println("peers: matmul, " + shapes.length + " shape(s) × " + threads.length + " thread count(s) × 3 libraries...");
            Map<String, Timing> t = run(options(quick, verbosity).include(PeerMatmulBench.class.getName() + "\\.(visor|djl|ejml)$")
                    .param("shape", shapes).param("threads", threads), "shape");
            tables.append(matmulTable(t, shapes, threads)).append('\n');
            String top = threads[threads.length - 1];
            bars.add(bar("matmul 1024³ on " + top + " threads, Visor/DJL", t, "sq1024@" + top, 1.0));
        }
        if (only.contains("attention")) {
            System.err.println("peers: attention, " + masks.length + " mask(s) × " + lengths.length + " length(s) × "
                    + threads.length + " thread count(s) × 2 libraries...");
            Map<String, Timing> t = run(options(quick, verbosity).include(PeerAttentionBench.class.getName() + "\\.(visor|djl)$")
                    .param("mask", masks).param("n", lengths).param("threads", threads), "mask", "n");
            tables.append(attentionTable(t, masks, lengths, threads)).append('\n');
            for (String th : threads) {
                bars.add(bar("causal attention, N = 2048, " + th + " thread(s), Visor/DJL", t, "causal@2048@" + th, 2.0));
                bars.add(bar("sliding-window attention, N = 4096, " + th + " thread(s), Visor/DJL", t,
                        "sliding_window(left=127)@4096@" + th, 2.0));
            }
        }
        if (only.contains("layer")) {
            System.err.println("peers: encoder layer, " + threads.length + " thread count(s) × 2 libraries...");
            Map<String, Timing> t = run(options(quick, verbosity).include(PeerLayerBench.class.getName() + "\\.(visor|djl)$")
                    .param("threads", threads));
            tables.append(layerTable(t, threads)).append('\n');
        }

        StringBuilder out = new StringBuilder();
        out.append("Date: ").append(LocalDate.now()).append('\n');
        out.append("Machine: ").append(ReportSupport.cpuModel()).append(", ").append(cores).append(" cores visible to the JVM\n");
        out.append("JDK: ").append(ReportSupport.jdk()).append('\n');
        out.append("Peers: ").append(Peers.versions()).append('\n');
        out.append("Threads: ").append(String.join(" and ", threads))
                .append(" (Visor kernel threads = PyTorch intra-op threads = EJML threads; set and checked in every fork)\n");
        out.append("Load average (1, 5, 15 min) before: ").append(loadBefore).append(", after: ")
                .append(ReportSupport.loadAverage()).append('\n');
        out.append(quick ? "Iterations: " + ReportSupport.QUICK + ", 1 fork per configuration\n"
                : "Iterations: 3 × 1 s warm-up, 5 × 1 s measured, 1 fork per configuration\n");
        out.append("Parity: ").append(parity).append("\n\n");
        out.append(tables);
        if (!bars.isEmpty()) {
            out.append("| bar | measured | needed | met |\n|---|---:|---:|---|\n");
            bars.forEach(b -> out.append(b).append('\n'));
        }
        System.out.print(out);
        if (opts.containsKey("out")) {
            ReportSupport.writeAtomically(Path.of(opts.get("out")), out.toString());
        }
    }

    /** Runs the parity checks on {@code threads} threads; throws if a library disagrees. */
    private static String parity(int threads) {
        StringBuilder s = new StringBuilder();
        double worstMatmul = 0;
        for (String shape : List.of("sq128", "qkv_96x80x64_NT", "scores_4x32x32x16_NT", "g_40x24x56_TN")) {
            for (PeerParity.Library lib : PeerParity.Library.values()) {
                worstMatmul = Math.max(worstMatmul, check(PeerParity.matmul(shape, threads, lib), 1e-5, lib + " matmul " + shape));
            }
        }
        double worstAttention = 0;
        for (String mask : List.of("full", "causal", "sliding_window(left=127)")) {
            worstAttention = Math.max(worstAttention, check(PeerParity.attention(mask, 256, threads), 1e-4, "attention " + mask));
        }
        double layer = check(PeerParity.layer(threads, false), 1e-3, "encoder layer");
        s.append(String.format(Locale.ROOT, "matmul relative error ≤ %.1e (every library against Gemm.reference, summed in double); "
                + "attention max |Visor − DJL| = %.1e; encoder layer max |Visor − DJL| = %.1e", worstMatmul, worstAttention, layer));
        return s.toString();
    }

    private static double check(double deviation, double bound, String what) {
        if (!(deviation <= bound)) {
            throw new IllegalStateException(what + ": the libraries' results differ by " + deviation
                    + " (at most " + bound + " expected); the comparison would not be like with like");
        }
        return deviation;
    }

    /** Runs JMH; keys are {@code method@param…@threads}, e.g. {@code djl@sq1024@2}. */
    private static Map<String, Timing> run(ChainedOptionsBuilder options, String... keyParams) throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Timing> out = new LinkedHashMap<>();
        for (RunResult r : results) {
            StringBuilder key = new StringBuilder(r.getParams().getBenchmark().replaceAll(".*\\.", ""));
            for (String p : keyParams) {
                key.append('@').append(r.getParams().getParam(p));
            }
            key.append('@').append(r.getParams().getParam("threads"));
            out.put(key.toString(), new Timing(r.getPrimaryResult().getStatistics().getMin(), r.getPrimaryResult().getScore()));
        }
        return out;
    }

    private static ChainedOptionsBuilder options(boolean quick, VerboseMode verbosity) {
        ChainedOptionsBuilder b = new OptionsBuilder().forks(1).verbosity(verbosity).shouldFailOnError(true);
        if (quick) {
            ReportSupport.quick(b);
        }
        return b;
    }

    /** The matmul table: GFLOP/s per library, ratios Visor/DJL and Visor/EJML. */
    static String matmulTable(Map<String, Timing> t, String[] shapes, String[] threads) {
        StringBuilder s = new StringBuilder();
        s.append("| matmul | product | threads | Visor GFLOP/s | DJL/PyTorch GFLOP/s | EJML GFLOP/s | Visor/DJL | Visor/EJML |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (String shape : shapes) {
            Shape sh = Shape.parse(shape);
            for (String th : threads) {
                String key = shape + "@" + th;
                s.append("| ").append(shape).append(" | ").append(sh.describe()).append(" | ").append(th).append(" | ")
                        .append(rate(t.get("visor@" + key), sh.flop())).append(" | ")
                        .append(rate(t.get("djl@" + key), sh.flop())).append(" | ")
                        .append(rate(t.get("ejml@" + key), sh.flop())).append(" | ")
                        .append(ratio(t, key, "djl")).append(" | ").append(ratio(t, key, "ejml")).append(" |\n");
            }
        }
        return s.toString();
    }

    /** The attention table: milliseconds per forward call per library and the speed ratio. */
    static String attentionTable(Map<String, Timing> t, String[] masks, String[] lengths, String[] threads) {
        StringBuilder s = new StringBuilder();
        s.append("| attention mask | N | threads | Visor ms | DJL/PyTorch ms | Visor/DJL |\n")
                .append("|---|---:|---:|---:|---:|---:|\n");
        for (String mask : masks) {
            for (String n : lengths) {
                for (String th : threads) {
                    String key = mask + "@" + n + "@" + th;
                    s.append("| `").append(mask).append("` | ").append(n).append(" | ").append(th).append(" | ")
                            .append(millis(t.get("visor@" + key))).append(" | ").append(millis(t.get("djl@" + key)))
                            .append(" | ").append(ratio(t, key, "djl")).append(" |\n");
                }
            }
        }
        return s.toString();
    }

    /** The encoder-layer table: tokens per second per library and the ratio. */
    static String layerTable(Map<String, Timing> t, String[] threads) {
        double tokens = PeerLayerBench.BATCH * PeerLayerBench.LENGTH;
        StringBuilder s = new StringBuilder();
        s.append("| encoder layer (d_model 512, 8 heads, FFN 2048, 8 × 128 tokens) | threads | Visor tokens/s | DJL/PyTorch tokens/s | Visor/DJL |\n")
                .append("|---|---:|---:|---:|---:|\n");
        for (String th : threads) {
            s.append("| forward, evaluation mode | ").append(th).append(" | ")
                    .append(perSecond(t.get("visor@" + th), tokens)).append(" | ")
                    .append(perSecond(t.get("djl@" + th), tokens)).append(" | ")
                    .append(ratio(t, th, "djl")).append(" |\n");
        }
        return s.toString();
    }

    /** A row of the bars table: Visor's speed over DJL's for {@code key} against {@code needed}. */
    static String bar(String what, Map<String, Timing> t, String key, double needed) {
        Timing visor = t.get("visor@" + key);
        Timing peer = t.get("djl@" + key);
        if (visor == null || peer == null) {
            return "| " + what + " | not measured | " + fmtRatio(needed) + " | – |";
        }
        double r = peer.best() / visor.best();
        return "| " + what + " | " + fmtRatio(r) + " | " + fmtRatio(needed) + " | " + (r >= needed ? "yes" : "**no**") + " |";
    }

    private static String ratio(Map<String, Timing> t, String key, String peer) {
        Timing v = t.get("visor@" + key);
        Timing p = t.get(peer + "@" + key);
        return v == null || p == null ? "–" : fmtRatio(p.best() / v.best());
    }

    private static String fmtRatio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    private static String rate(Timing t, double flop) {
        return t == null ? "–" : String.format(Locale.ROOT, "%.1f (%.1f)", flop / (t.best() * 1e6), flop / (t.mean() * 1e6));
    }

    private static String perSecond(Timing t, double ops) {
        return t == null ? "–" : String.format(Locale.ROOT, "%.0f (%.0f)", ops * 1e3 / t.best(), ops * 1e3 / t.mean());
    }

    private static String millis(Timing t) {
        return t == null ? "–" : String.format(Locale.ROOT, "%.2f (%.2f)", t.best(), t.mean());
    }
}
