package dev.visor.sweeps;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a trial's {@code metrics.jsonl}: {@code {"step": 100, "loss": 2.31, ...}}.
 *
 * @param step the training step
 * @param values metric name → value (NaN for a non-finite value, written as null)
 */
public record MetricLine(long step, Map<String, Double> values) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Freezes the values. */
    public MetricLine {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        values.forEach((k, v) -> m.put(k, v == null || !Double.isFinite(v) ? null : v));
        return SweepJson.line(m);
    }

    static MetricLine fromJson(String line) {
        Object parsed;
        try {
            parsed = SweepJson.plain(SweepJson.PLAIN.readTree(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON line: " + e.getOriginalMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("step") instanceof Long step)) {
            throw new IllegalArgumentException("a metrics line is an object with an integer \"step\" but is " + line);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!"step".equals(k)) values.put((String) k, v instanceof Number n ? n.doubleValue() : Double.NaN);
        });
        return new MetricLine(step, values);
    }
}
