package dev.visor.sweeps;

import dev.visor.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of a sweep's finished trials: one row per configuration with the final metric's mean,
 * standard deviation and 95 % confidence interval across seeds, and — against the baseline — the
 * difference, Welch's p-value and Hedges' g; rows whose p-value is below {@code run.alpha} are
 * marked significant. Written as {@code summary.md} and {@code summary.csv}.
 *
 * <pre>{@code
 * SweepSummary s = SweepSummary.of(spec, folder);
 * s.write(folder.root());
 * }</pre>
 *
 * @param spec the sweep
 * @param rows one per configuration, in the sweep's order
 * @param missing trials that have not finished
 */
public record SweepSummary(SweepSpec spec, List<Row> rows, List<String> missing) {
    /** The confidence level of the intervals. */
    public static final double LEVEL = 0.95;

    /**
     * One configuration.
     *
     * @param configId its id
     * @param label its axis values
     * @param axes its axis values as a map
     * @param values the final metric of each finished seed, seed order
     * @param seeds those seeds
     * @param stats mean, sd and CI (null when no seed finished)
     * @param versusBaseline the comparison with the baseline (null for the baseline itself, without a
     *                       baseline, or with fewer than 2 seeds on a side)
     * @param baseline whether this is the baseline
     */
    public record Row(String configId, String label, Map<String, Object> axes, double[] values, long[] seeds,
                      Statistics.Summary stats, Statistics.Comparison versusBaseline, boolean baseline) {}

    /**
     * Gathers the finished trials' final metrics.
     *
     * @param spec the sweep
     * @param folder its results folder
     * @return the summary
     * @throws IOException when a {@code final.json} cannot be read
     */
    public static SweepSummary of(SweepSpec spec, ResultsFolder folder) throws IOException {
        Map<String, List<Trial>> byConfig = new LinkedHashMap<>();
        for (Trial t : spec.trials()) byConfig.computeIfAbsent(t.configId(), k -> new ArrayList<>()).add(t);
        List<String> missing = new ArrayList<>();
        Map<String, double[]> values = new LinkedHashMap<>();
        Map<String, long[]> seeds = new LinkedHashMap<>();
        for (Map.Entry<String, List<Trial>> e : byConfig.entrySet()) {
            List<Double> v = new ArrayList<>();
            List<Long> s = new ArrayList<>();
            for (Trial t : e.getValue()) {
                if (!folder.isFinished(t)) {
                    missing.add(t.id());
                    continue;
                }
                double m = folder.readFinal(t).getOrDefault(spec.metric(), Double.NaN);
                if (Double.isFinite(m)) {
                    v.add(m);
                    s.add(t.seed());
                }
            }
            values.put(e.getKey(), v.stream().mapToDouble(Double::doubleValue).toArray());
            seeds.put(e.getKey(), s.stream().mapToLong(Long::longValue).toArray());
        }
        String baseId = spec.baselineConfigId();
        double[] base = baseId == null ? null : values.get(baseId);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Trial>> e : byConfig.entrySet()) {
            double[] v = values.get(e.getKey());
            Trial first = e.getValue().get(0);
            Statistics.Summary stats = v.length == 0 ? null : Statistics.describe(v, LEVEL);
            boolean isBase = e.getKey().equals(baseId);
            Statistics.Comparison c = !isBase && base != null && base.length >= 2 && v.length >= 2 ? Statistics.compare(v, base) : null;
            rows.add(new Row(e.getKey(), first.label(), first.axes(), v, seeds.get(e.getKey()), stats, c, isBase));
        }
        return new SweepSummary(spec, List.copyOf(rows), List.copyOf(missing));
    }

    /**
     * Writes {@code summary.md} and {@code summary.csv} into {@code dir}.
     *
     * @param dir the results folder
     * @throws IOException when a file cannot be written
     */
    public void write(Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("summary.md"), markdown());
        AtomicFiles.writeString(dir.resolve("summary.csv"), csv());
    }

    /** @return the Markdown table with a legend */
    public String markdown() {
        double alpha = spec.run().alpha();
        StringBuilder b = new StringBuilder();
        b.append("# Sweep ").append(spec.name()).append("\n\n");
        b.append(String.format(Locale.ROOT, "Final `%s` (%s is better) per configuration across seeds: mean, sample standard deviation "
                        + "and %.0f %% confidence interval (Student's t). ", spec.metric(),
                spec.goal() == SweepSpec.Goal.MINIMIZE ? "lower" : "higher", 100 * LEVEL));
        if (spec.baseline() != null) {
            b.append(String.format(Locale.ROOT, "Against the baseline (%s): the difference of means, the two-sided p-value of Welch's "
                    + "t-test, and Hedges' g (Cohen's d with the pooled standard deviation, bias-corrected). "
                    + "**\\*** marks p < %s.", Trial.label(spec.baseline()), trim(alpha)));
        }
        b.append("\n\n| configuration | id | seeds | mean | sd | 95 % CI |");
        if (spec.baseline() != null) b.append(" Δ vs baseline | p (Welch) | Hedges' g |");
        b.append("\n|---|---|---:|---:|---:|---|");
        if (spec.baseline() != null) b.append("---:|---:|---:|");
        b.append('\n');
        for (Row r : rows) {
            Statistics.Summary s = r.stats();
            b.append("| ").append(r.label().replace("|", "\\|")).append(" | ").append(r.configId()).append(" | ").append(r.values().length)
                    .append(" | ").append(s == null ? "–" : num(s.mean())).append(" | ").append(s == null ? "–" : num(s.sd()))
                    .append(" | ").append(s == null || Double.isNaN(s.ciLow()) ? "–" : "[" + num(s.ciLow()) + ", " + num(s.ciHigh()) + "]")
                    .append(" |");
            if (spec.baseline() != null) {
                Statistics.Comparison c = r.versusBaseline();
                if (r.baseline()) {
                    b.append(" baseline | | |");
                } else if (c == null) {
                    b.append(" – | – | – |");
                } else {
                    b.append(' ').append(signed(c.difference())).append(" | ").append(p(c.pValue()))
                            .append(c.significant(alpha) ? " **\\***" : "").append(" | ").append(Double.isNaN(c.hedgesG()) ? "–"
                                    : String.format(Locale.ROOT, "%.2f", c.hedgesG())).append(" |");
                }
            }
            b.append('\n');
        }
        if (!missing.isEmpty()) b.append("\nNot finished (left out): ").append(String.join(", ", missing)).append(".\n");
        return b.toString();
    }

    /** @return one CSV row per configuration; empty fields where a value is undefined */
    public String csv() {
        StringBuilder b = new StringBuilder("config_id,configuration,seeds,mean,sd,ci95_low,ci95_high,diff_vs_baseline,p_welch,hedges_g,significant\n");
        for (Row r : rows) {
            Statistics.Summary s = r.stats();
            Statistics.Comparison c = r.versusBaseline();
            b.append(r.configId()).append(',').append(quote(r.label())).append(',').append(r.values().length).append(',')
                    .append(s == null ? "" : full(s.mean())).append(',').append(s == null ? "" : full(s.sd())).append(',')
                    .append(s == null ? "" : full(s.ciLow())).append(',').append(s == null ? "" : full(s.ciHigh())).append(',')
                    .append(c == null ? "" : full(c.difference())).append(',').append(c == null ? "" : full(c.pValue())).append(',')
                    .append(c == null ? "" : full(c.hedgesG())).append(',')
                    .append(r.baseline() ? "baseline" : c == null ? "" : Boolean.toString(c.significant(spec.run().alpha()))).append('\n');
        }
        return b.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String full(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return String.format(Locale.ROOT, "%+.4f", v);
    }

    private static String p(double p) {
        if (Double.isNaN(p)) return "–";
        return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }

    private static String trim(double v) {
        return Double.toString(v).replaceAll("0+$", "");
    }
}
