package dev.visor.sweeps;

import dev.visor.tensor.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The results folder of a sweep. Every file is written atomically (temporary file and rename), and
 * {@code final.json} is written last, so a trial counts as finished exactly when its
 * {@code final.json} exists:
 *
 * <pre>
 * OUT/sweep.json               the sweep as run: spec and every trial's id, configuration and seed
 * OUT/summary.md, summary.csv  statistics per configuration and against the baseline
 * OUT/trials/ID/params.json    the trial's parameters and seed
 * OUT/trials/ID/metrics.jsonl  its metrics over time, one JSON object per line
 * OUT/trials/ID/final.json     its final metrics (present = finished)
 * OUT/trials/ID/checkpoint/    its last checkpoint (while running; kept when run.keep_checkpoints)
 * </pre>
 */
public final class ResultsFolder {
    /** The file whose presence marks a finished trial. */
    public static final String FINAL = "final.json";
    /** The metrics history of a trial. */
    public static final String METRICS = "metrics.jsonl";
    /** The checkpoint folder of a trial. */
    public static final String CHECKPOINT = "checkpoint";

    private final Path root;

    /**
     * A results folder (created on first write).
     *
     * @param root the folder
     */
    public ResultsFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return the folder */
    public Path root() {
        return root;
    }

    /**
     * @param trial a trial
     * @return its folder
     */
    public Path trialDirectory(Trial trial) {
        return root.resolve("trials").resolve(trial.id());
    }

    /**
     * @param trial a trial
     * @return whether its {@code final.json} exists
     */
    public boolean isFinished(Trial trial) {
        return Files.isRegularFile(trialDirectory(trial).resolve(FINAL));
    }

    /**
     * Writes {@code sweep.json}: the spec and the expanded trials.
     *
     * @param spec the sweep
     * @throws IOException when it cannot be written
     */
    public void writeSweep(SweepSpec spec) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("trial", spec.trial());
        m.put("metric", spec.metric());
        m.put("goal", spec.goal().name().toLowerCase(java.util.Locale.ROOT));
        m.put("baseline", spec.baselineConfigId());
        List<Object> trials = new ArrayList<>();
        for (Trial t : spec.trials()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", t.id());
            e.put("config", t.configId());
            e.put("axes", t.axes());
            e.put("seed", t.seed());
            trials.add(e);
        }
        m.put("trials", trials);
        Files.createDirectories(root);
        AtomicFiles.writeString(root.resolve("sweep.json"), SweepJson.pretty(m));
    }

    /**
     * Writes a finished trial: {@code params.json}, {@code metrics.jsonl}, then {@code final.json};
     * deletes its checkpoint unless asked to keep it.
     *
     * @param result the trial's result
     * @param keepCheckpoint whether to keep the checkpoint folder
     * @throws IOException when a file cannot be written
     */
    public synchronized void writeResult(TrialResult result, boolean keepCheckpoint) throws IOException {
        Trial t = result.trial();
        Path dir = trialDirectory(t);
        Files.createDirectories(dir);
        writeParams(t);
        writeHistory(t, result.history());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", t.id());
        f.put("config", t.configId());
        f.put("seed", t.seed());
        f.put("steps", result.outcome().steps());
        Map<String, Object> metrics = new LinkedHashMap<>();
        result.outcome().metrics().forEach((k, v) -> metrics.put(k, Double.isFinite(v) ? v : null));
        f.put("metrics", metrics);
        f.put("resumed_from", result.resumedFrom());
        f.put("seconds", Math.round(result.seconds() * 1000) / 1000.0);
        f.put("runner", result.runner());
        AtomicFiles.writeString(dir.resolve(FINAL), SweepJson.pretty(f));
        if (!keepCheckpoint) deleteTree(dir.resolve(CHECKPOINT));
    }

    /**
     * Writes a trial's parameters (before it runs, so a folder always says what it holds).
     *
     * @param t the trial
     * @throws IOException when it cannot be written
     */
    public void writeParams(Trial t) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", t.id());
        p.put("config", t.configId());
        p.put("seed", t.seed());
        p.put("axes", t.axes());
        p.put("params", t.params());
        Files.createDirectories(trialDirectory(t));
        AtomicFiles.writeString(trialDirectory(t).resolve("params.json"), SweepJson.pretty(p));
    }

    /**
     * Rewrites a trial's {@code metrics.jsonl}.
     *
     * @param t the trial
     * @param history its lines
     * @throws IOException when it cannot be written
     */
    public void writeHistory(Trial t, List<MetricLine> history) throws IOException {
        StringBuilder b = new StringBuilder();
        for (MetricLine l : history) b.append(l.toJson()).append('\n');
        Files.createDirectories(trialDirectory(t));
        AtomicFiles.writeString(trialDirectory(t).resolve(METRICS), b);
    }

    /**
     * Reads a trial's {@code metrics.jsonl}.
     *
     * @param t the trial
     * @return its lines, empty when there is no file
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file and line when a line is malformed
     */
    public List<MetricLine> readHistory(Trial t) throws IOException {
        Path file = trialDirectory(t).resolve(METRICS);
        if (!Files.isRegularFile(file)) return List.of();
        List<MetricLine> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                out.add(MetricLine.fromJson(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Reads a finished trial's final metrics.
     *
     * @param t the trial
     * @return metric name → value (NaN where the file holds null)
     * @throws IOException when {@code final.json} is missing or unreadable
     */
    public Map<String, Double> readFinal(Trial t) throws IOException {
        Path file = trialDirectory(t).resolve(FINAL);
        Object parsed = SweepJson.plain(SweepJson.PLAIN.readTree(Files.readString(file, StandardCharsets.UTF_8)));
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("metrics") instanceof Map<?, ?> metrics)) {
            throw new IOException(file + " has no \"metrics\" object");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((k, v) -> out.put((String) k, v instanceof Number n ? n.doubleValue() : Double.NaN));
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
