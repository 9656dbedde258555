package dev.visor.cli;

import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint's {@code visor.json} records beside the weights and the model config: what kind
 * of model it is, the vocabulary (so inputs can be encoded and outputs decoded), the task and its
 * length bounds for sequence-to-sequence runs, how many steps were trained, and the last metrics.
 *
 * @param kind {@link #SEQ2SEQ} or {@link #LM}
 * @param tokens every vocabulary token, specials first
 * @param task the synthetic task (seq2seq), or null
 * @param symbols letters the task used
 * @param minLength the shortest training input
 * @param maxLength the longest training input
 * @param context the characters per training window of a language model (0 for seq2seq): it
 *     generates with at most this many characters of context, the positions it was trained on
 * @param steps optimizer steps taken so far
 * @param metrics the last evaluation, e.g. {@code exact_match}, {@code loss}
 * @param data where the data came from, for {@code --resume}: the text file and its SHA-256, the
 *     held-out fraction, the test-set size (JSON values)
 * @param training the optimisation settings and the planned last step ({@link TrainingOptions#toJson})
 */
record RunInfo(String kind, List<String> tokens, SyntheticTask task, int symbols, int minLength, int maxLength, int context,
               long steps, Map<String, Double> metrics, Map<String, Object> data, Map<String, Object> training) {
    /** An encoder-decoder trained on a synthetic task. */
    static final String SEQ2SEQ = "seq2seq";
    /** A decoder-only character language model. */
    static final String LM = "lm";

    /** Copies the collections and checks the kind. */
    RunInfo {
        if (!kind.equals(SEQ2SEQ) && !kind.equals(LM)) throw new IllegalArgumentException("unknown run kind '" + kind + "'; expected seq2seq or lm");
        tokens = List.copyOf(tokens);
        metrics = Map.copyOf(metrics);
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
        training = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(training));
        if (kind.equals(SEQ2SEQ) && task == null) throw new IllegalArgumentException("a seq2seq run needs a task");
    }

    /**
     * A kind as a noun phrase for messages.
     *
     * @param kind {@link #SEQ2SEQ} or {@link #LM}
     * @return "a language model" or "a seq2seq model"
     */
    static String describe(String kind) {
        return kind.equals(LM) ? "a language model" : "a " + kind + " model";
    }

    /** @return the vocabulary */
    Vocabulary vocabulary() {
        if (tokens.size() < 3 || !tokens.get(0).equals(Vocabulary.PAD) || !tokens.get(1).equals(Vocabulary.BOS)
                || !tokens.get(2).equals(Vocabulary.EOS)) {
            throw new IllegalArgumentException("the vocabulary must start with " + Vocabulary.PAD + ", " + Vocabulary.BOS + ", "
                    + Vocabulary.EOS + " but starts with " + tokens.subList(0, Math.min(3, tokens.size())));
        }
        return Vocabulary.of(tokens.subList(3, tokens.size()));
    }

    /**
     * This run at another step with new metrics.
     *
     * @param totalSteps steps taken so far
     * @param newMetrics the last evaluation
     * @return the updated info
     */
    RunInfo withSteps(long totalSteps, Map<String, Double> newMetrics) {
        return new RunInfo(kind, tokens, task, symbols, minLength, maxLength, context, totalSteps, newMetrics, data, training);
    }

    /**
     * This run with other optimisation settings (those of the current invocation).
     *
     * @param settings {@link TrainingOptions#toJson}
     * @return the updated info
     */
    RunInfo withTraining(Map<String, Object> settings) {
        return new RunInfo(kind, tokens, task, symbols, minLength, maxLength, context, steps, metrics, data, settings);
    }

    /** @return the JSON object */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("visor_version", VersionProvider.visorVersion());
        if (task != null) {
            m.put("task", task.key());
            m.put("symbols", symbols);
            m.put("min_length", minLength);
            m.put("max_length", maxLength);
        }
        if (context > 0) m.put("context", context);
        m.put("steps", steps);
        java.util.TreeMap<String, Double> measured = new java.util.TreeMap<>();
        metrics.forEach((k, v) -> {
            if (Double.isFinite(v)) measured.put(k, v);   // a metric not measured yet (NaN) is left out
        });
        m.put("metrics", new LinkedHashMap<>(measured));
        if (!data.isEmpty()) m.put("data", data);
        if (!training.isEmpty()) m.put("training", training);
        m.put("vocabulary", tokens);
        return m;
    }

    /**
     * Reads the JSON object.
     *
     * @param m the object
     * @return the run info
     * @throws IllegalArgumentException naming a missing or mistyped key
     */
    static RunInfo fromJson(Map<String, Object> m) {
        String kind = string(m, "kind");
        SyntheticTask task = m.containsKey("task") ? SyntheticTask.parse(string(m, "task")) : null;
        int symbols = task == null ? 0 : integer(m, "symbols");
        int min = task == null ? 0 : integer(m, "min_length");
        int max = task == null ? 0 : integer(m, "max_length");
        int context = m.containsKey("context") ? integer(m, "context") : 0;
        long steps = integer(m, "steps");
        Object v = m.get("vocabulary");
        if (!(v instanceof List<?> list)) throw new IllegalArgumentException("'vocabulary' must be a list of strings");
        List<String> tokens = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) throw new IllegalArgumentException("'vocabulary' must be a list of strings but holds " + o);
            tokens.add(s);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (m.get("metrics") instanceof Map<?, ?> mm) {
            mm.forEach((k, val) -> {
                if (val instanceof Number n) metrics.put(String.valueOf(k), n.doubleValue());
            });
        }
        return new RunInfo(kind, tokens, task, symbols, min, max, context, steps, metrics, object(m, "data"), object(m, "training"));
    }

    private static Map<String, Object> object(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> o)) throw new IllegalArgumentException("'" + key + "' must be an object but is " + v);
        Map<String, Object> out = new LinkedHashMap<>();
        o.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    private static String string(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof String s)) throw new IllegalArgumentException("'" + key + "' must be a string but is " + m.get(key));
        return s;
    }

    private static int integer(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("'" + key + "' must be an integer but is " + m.get(key));
        }
        return (int) n.longValue();
    }
}
