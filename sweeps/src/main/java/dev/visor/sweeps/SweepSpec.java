package dev.visor.sweeps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sweep file: a trial function, base parameters, the axes to vary (a grid or a list), seeds, the
 * metric to compare and a baseline configuration.
 *
 * <pre>{@code
 * {
 *   "name": "window-sweep",
 *   "trial": "char_lm",
 *   "base": {"steps": 300, "d_model": 64},
 *   "grid": {"decoder_mask": ["causal & padding & sliding_window(left=3)", "causal & padding"]},
 *   "seeds": [1, 2, 3],
 *   "metric": {"name": "held_out_bits_per_char", "goal": "minimize"},
 *   "baseline": {"decoder_mask": "causal & padding"},
 *   "run": {"threads_per_trial": 1, "checkpoint_every": 100}
 * }
 * }</pre>
 *
 * A grid takes every combination of its axes (the first axis varies slowest); a {@code list} names
 * the configurations one by one as objects. {@code seeds} is a list or a count {@code n} (seeds
 * 1..n). Every configuration runs once per seed.
 *
 * @param name the sweep's name
 * @param trial the trial function's name (see {@link TrialFunction#name()})
 * @param base parameters every trial gets
 * @param configurations the axis values of each configuration, in order
 * @param seeds the seeds
 * @param metric the final metric the summary compares
 * @param goal whether smaller or larger values of the metric are better
 * @param baseline the axis values of the baseline configuration, or null for none
 * @param run how trials run
 */
public record SweepSpec(String name, String trial, Map<String, Object> base, List<Map<String, Object>> configurations,
                        List<Long> seeds, String metric, Goal goal, Map<String, Object> baseline, RunSettings run)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> KEYS = Set.of("name", "trial", "base", "grid", "list", "seeds", "metric", "baseline", "run", "description");

    /** Which direction of the metric is better. */
    public enum Goal {
        /** Smaller is better (losses, bits per character). */
        MINIMIZE,
        /** Larger is better (accuracies). */
        MAXIMIZE
    }

    /**
     * How trials run.
     *
     * @param threadsPerTrial kernel threads each trial uses ({@code Parallel}); trials × threads ≤ cores
     * @param parallel trials at once on the local runner; 0 = as many as the cores allow
     * @param checkpointEvery steps between a trial's checkpoints (0: none, so an interrupted trial starts over)
     * @param keepCheckpoints whether a finished trial keeps its last checkpoint
     * @param alpha the significance level of the comparisons with the baseline
     */
    public record RunSettings(int threadsPerTrial, int parallel, long checkpointEvery, boolean keepCheckpoints, double alpha)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Checks every value. */
        public RunSettings {
            if (threadsPerTrial < 1) throw new IllegalArgumentException("run.threads_per_trial must be at least 1 but is " + threadsPerTrial);
            if (parallel < 0) throw new IllegalArgumentException("run.parallel must be at least 0 (0: fit the cores) but is " + parallel);
            if (checkpointEvery < 0) throw new IllegalArgumentException("run.checkpoint_every must be at least 0 but is " + checkpointEvery);
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("run.alpha must be in (0, 1) but is " + alpha);
        }
    }

    /** Checks the parts. */
    public SweepSpec {
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(run, "run");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("name must be letters, digits, '.', '_' or '-' (a folder name) but is " + name);
        }
        if (trial == null || trial.isBlank()) throw new IllegalArgumentException("trial must name a trial function, e.g. \"char_lm\"");
        if (metric == null || metric.isBlank()) throw new IllegalArgumentException("metric.name must name a final metric");
        if (configurations.isEmpty()) throw new IllegalArgumentException("the sweep has no configuration");
        if (seeds.isEmpty()) throw new IllegalArgumentException("seeds must not be empty");
        if (new LinkedHashSet<>(seeds).size() != seeds.size()) throw new IllegalArgumentException("seeds repeat: " + seeds);
        base = new LinkedHashMap<>(base);
        List<Map<String, Object>> configs = new ArrayList<>();
        for (Map<String, Object> c : configurations) configs.add(new LinkedHashMap<>(c));
        configurations = List.copyOf(configs);
        seeds = List.copyOf(seeds);
        Map<String, Map<String, Object>> seen = new LinkedHashMap<>();
        for (Map<String, Object> c : configurations) {
            Map<String, Object> params = new LinkedHashMap<>(base);
            params.putAll(c);
            Map<String, Object> earlier = seen.put(configId(trial, params), c);
            if (earlier != null) {
                throw new IllegalArgumentException("configurations " + Trial.label(earlier) + " and " + Trial.label(c)
                        + " give the same parameters once merged with 'base'; each configuration must differ");
            }
        }
        if (baseline != null) {
            baseline = new LinkedHashMap<>(baseline);
            int matches = 0;
            for (Map<String, Object> c : configurations) if (matchesBaseline(c, baseline)) matches++;
            if (matches != 1) {
                throw new IllegalArgumentException("baseline " + Trial.label(baseline) + " must match exactly one configuration but matches "
                        + matches + "; configurations: " + configurations.stream().map(Trial::label).toList());
            }
        }
    }

    /**
     * Reads a sweep file.
     *
     * @param file a JSON file
     * @return the sweep
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not a valid sweep, naming the file and the field
     */
    public static SweepSpec read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a sweep from JSON text.
     *
     * @param json the text
     * @return the sweep
     * @throws IllegalArgumentException when it is not valid JSON or not a valid sweep
     */
    public static SweepSpec parse(String json) {
        JsonNode root;
        try {
            root = SweepJson.PLAIN.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("a sweep file is a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new IllegalArgumentException("unknown field '" + k + "'; expected some of " + new java.util.TreeSet<>(KEYS));
        }
        if (root.has("grid") && root.has("list")) throw new IllegalArgumentException("give either 'grid' or 'list', not both");
        Map<String, Object> base = root.has("base") ? object(root.get("base"), "base") : Map.of();
        List<Map<String, Object>> configs = root.has("grid") ? grid(root.get("grid"))
                : root.has("list") ? list(root.get("list")) : List.of(new LinkedHashMap<>());
        JsonNode metric = root.get("metric");
        if (metric == null || !metric.isObject() || !metric.path("name").isTextual()) {
            throw new IllegalArgumentException("'metric' must be an object like {\"name\": \"held_out_bits_per_char\", \"goal\": \"minimize\"}");
        }
        String goalText = metric.path("goal").asText("minimize");
        Goal goal = switch (goalText) {
            case "minimize" -> Goal.MINIMIZE;
            case "maximize" -> Goal.MAXIMIZE;
            default -> throw new IllegalArgumentException("metric.goal must be \"minimize\" or \"maximize\" but is \"" + goalText + "\"");
        };
        Map<String, Object> baseline = root.has("baseline") ? object(root.get("baseline"), "baseline") : null;
        return new SweepSpec(text(root, "name"), text(root, "trial"), base, configs, seeds(root.get("seeds")),
                metric.get("name").asText(), goal, baseline, run(root.get("run")));
    }

    /** @return every trial, configuration by configuration, seed by seed; ids are stable (see {@link Trial}) */
    public List<Trial> trials() {
        List<Trial> out = new ArrayList<>();
        for (Map<String, Object> axes : configurations) {
            Map<String, Object> params = new LinkedHashMap<>(base);
            params.putAll(axes);
            String configId = configId(trial, params);
            for (long seed : seeds) out.add(new Trial(configId + "-s" + seed, configId, axes, params, seed));
        }
        return out;
    }

    /** @return the configuration id of the baseline, or null without one */
    public String baselineConfigId() {
        if (baseline == null) return null;
        for (Trial t : trials()) if (matchesBaseline(t.axes(), baseline)) return t.configId();
        throw new IllegalStateException("unreachable: the baseline was checked to match one configuration");
    }

    static String configId(String trial, Map<String, Object> params) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("trial", trial);
        key.put("params", params);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(SweepJson.canonical(key).getBytes(StandardCharsets.UTF_8));
            return "c" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static boolean matchesBaseline(Map<String, Object> axes, Map<String, Object> baseline) {
        for (Map.Entry<String, Object> e : baseline.entrySet()) {
            if (!axes.containsKey(e.getKey()) || !numericEquals(axes.get(e.getKey()), e.getValue())) return false;
        }
        return true;
    }

    private static boolean numericEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        return Objects.equals(a, b);
    }

    private static List<Map<String, Object>> grid(JsonNode grid) {
        Map<String, Object> axes = object(grid, "grid");
        if (axes.isEmpty()) throw new IllegalArgumentException("'grid' has no axis");
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, Object> axis : axes.entrySet()) {
            if (!(axis.getValue() instanceof List<?> values) || values.isEmpty()) {
                throw new IllegalArgumentException("grid axis '" + axis.getKey() + "' must be a non-empty list of values but is "
                        + SweepJson.display(axis.getValue()));
            }
            if (new LinkedHashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("grid axis '" + axis.getKey() + "' repeats a value: " + SweepJson.display(values));
            }
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : values) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    private static List<Map<String, Object>> list(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) throw new IllegalArgumentException("'list' must be a non-empty list of objects");
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> c = object(list.get(i), "list[" + i + "]");
            if (out.contains(c)) throw new IllegalArgumentException("list[" + i + "] repeats an earlier configuration: " + Trial.label(c));
            out.add(c);
        }
        return out;
    }

    private static List<Long> seeds(JsonNode seeds) {
        if (seeds == null) return List.of(1L);
        if (seeds.isIntegralNumber()) {
            long n = seeds.asLong();
            if (n < 1) throw new IllegalArgumentException("seeds as a count must be at least 1 but is " + n);
            List<Long> out = new ArrayList<>();
            for (long s = 1; s <= n; s++) out.add(s);
            return out;
        }
        if (!seeds.isArray()) throw new IllegalArgumentException("seeds must be a list of integers or a count but is " + seeds);
        List<Long> out = new ArrayList<>();
        for (JsonNode s : seeds) {
            if (!s.isIntegralNumber()) throw new IllegalArgumentException("seeds must be integers but holds " + s);
            out.add(s.asLong());
        }
        return out;
    }

    private static RunSettings run(JsonNode run) {
        if (run == null) return new RunSettings(1, 0, 0, false, 0.05);
        Map<String, Object> m = object(run, "run");
        Set<String> known = Set.of("threads_per_trial", "parallel", "checkpoint_every", "keep_checkpoints", "alpha");
        for (String k : m.keySet()) {
            if (!known.contains(k)) throw new IllegalArgumentException("unknown field 'run." + k + "'; expected some of " + new java.util.TreeSet<>(known));
        }
        return new RunSettings(whole(m, "threads_per_trial", 1), whole(m, "parallel", 0), whole(m, "checkpoint_every", 0),
                Boolean.TRUE.equals(m.getOrDefault("keep_checkpoints", false)),
                m.get("alpha") instanceof Number a ? a.doubleValue() : 0.05);
    }

    private static int whole(Map<String, Object> m, String key, int fallback) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (v instanceof Long l && l == (int) (long) l) return (int) (long) l;
        throw new IllegalArgumentException("run." + key + " must be a whole number but is " + SweepJson.display(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonNode node, String what) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException("'" + what + "' must be a JSON object but is " + node);
        return (Map<String, Object>) SweepJson.plain(node);
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || !n.isTextual()) throw new IllegalArgumentException("'" + key + "' must be a string but is " + (n == null ? "missing" : n));
        return n.asText();
    }
}
