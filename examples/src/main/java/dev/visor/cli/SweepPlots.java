package dev.visor.cli;

import dev.visor.plot.LineChart;
import dev.visor.sweeps.MetricLine;
import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.SweepSummary;
import dev.visor.sweeps.Trial;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PNG plots of a sweep: {@code curves.png}, the metric over training steps, one colour per
 * configuration (the mean across seeds bold, each seed faint); and {@code final.png}, the final metric
 * per configuration, each seed a dot and the mean with its 95 % confidence interval as an error bar.
 */
final class SweepPlots {
    private SweepPlots() {}

    /**
     * Draws both plots into the results folder.
     *
     * @param summary the summary (for the final values and intervals)
     * @param folder the results folder (for the curves)
     * @return the files written
     * @throws IOException when a file cannot be read or written
     */
    static List<Path> write(SweepSummary summary, ResultsFolder folder) throws IOException {
        SweepSpec spec = summary.spec();
        Path curves = folder.root().resolve("curves.png");
        Path fin = folder.root().resolve("final.png");
        curves(spec, folder).writePng(curves);
        finals(summary).writePng(fin);
        return List.of(curves, fin);
    }

    static LineChart curves(SweepSpec spec, ResultsFolder folder) throws IOException {
        Map<String, List<Trial>> byConfig = new LinkedHashMap<>();
        for (Trial t : spec.trials()) byConfig.computeIfAbsent(t.configId(), k -> new ArrayList<>()).add(t);
        List<LineChart.Series> series = new ArrayList<>();
        int colour = 0;
        for (List<Trial> trials : byConfig.values()) {
            int rgb = LineChart.PALETTE[colour++ % LineChart.PALETTE.length];
            TreeMap<Long, double[]> sums = new TreeMap<>();   // step → {sum, count}
            for (Trial t : trials) {
                if (!folder.isFinished(t)) continue;
                List<MetricLine> h = folder.readHistory(t);
                double[] x = new double[h.size()];
                double[] y = new double[h.size()];
                for (int i = 0; i < h.size(); i++) {
                    x[i] = h.get(i).step();
                    y[i] = h.get(i).values().getOrDefault(spec.metric(), Double.NaN);
                    if (Double.isFinite(y[i])) {
                        double[] s = sums.computeIfAbsent(h.get(i).step(), k -> new double[2]);
                        s[0] += y[i];
                        s[1]++;
                    }
                }
                series.add(LineChart.Series.line(null, rgb, x, y).faint());
            }
            double[] x = new double[sums.size()];
            double[] y = new double[sums.size()];
            int i = 0;
            for (Map.Entry<Long, double[]> e : sums.entrySet()) {
                x[i] = e.getKey();
                y[i++] = e.getValue()[0] / e.getValue()[1];
            }
            series.add(LineChart.Series.line(trials.get(0).label() + " (mean of " + trials.size() + " seeds)", rgb, x, y));
        }
        return new LineChart("Sweep " + spec.name() + ": " + spec.metric() + " during training",
                List.of("one colour per configuration: bold the mean across seeds, faint each seed"), "step", spec.metric(), null, series);
    }

    static LineChart finals(SweepSummary summary) {
        SweepSpec spec = summary.spec();
        List<String> names = new ArrayList<>();
        List<LineChart.Series> series = new ArrayList<>();
        double[] means = new double[summary.rows().size()];
        double[] lows = new double[means.length];
        double[] highs = new double[means.length];
        double[] xs = new double[means.length];
        for (int i = 0; i < means.length; i++) {
            SweepSummary.Row r = summary.rows().get(i);
            String mark = r.baseline() ? " (baseline)" : r.versusBaseline() != null && r.versusBaseline().significant(spec.run().alpha()) ? " *" : "";
            names.add(r.label() + mark);
            xs[i] = i;
            means[i] = r.stats() == null ? Double.NaN : r.stats().mean();
            lows[i] = r.stats() == null ? Double.NaN : r.stats().ciLow();
            highs[i] = r.stats() == null ? Double.NaN : r.stats().ciHigh();
            double[] px = new double[r.values().length];
            java.util.Arrays.fill(px, i + 0.12);
            series.add(new LineChart.Series(null, 0x555555, px, r.values(), null, null, false, 3, 0.6, 1f));
        }
        series.add(LineChart.Series.points("mean with 95 % confidence interval (Student's t) across seeds; dots: seeds", 0x0072B2, xs, means,
                lows, highs));
        List<String> sub = new ArrayList<>();
        sub.add((spec.goal() == SweepSpec.Goal.MINIMIZE ? "lower" : "higher") + " is better");
        if (spec.baseline() != null) sub.add("* : Welch's t-test against the baseline, p < " + spec.run().alpha());
        return new LineChart("Sweep " + spec.name() + ": final " + spec.metric(), sub, null, spec.metric(), names, series);
    }
}
