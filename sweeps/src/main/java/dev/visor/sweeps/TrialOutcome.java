package dev.visor.sweeps;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a trial function returns.
 *
 * @param metrics the final metrics, name → value
 * @param steps the steps trained
 */
public record TrialOutcome(Map<String, Double> metrics, long steps) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Freezes the metrics. */
    public TrialOutcome {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        if (steps < 0) throw new IllegalArgumentException("steps must be at least 0 but is " + steps);
    }
}
