package dev.visor.sweeps;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One training run of a sweep: a configuration (the sweep's base parameters with one value of each
 * axis) and a seed. Ids are stable: {@code configId} is a hash of the trial function's name and the
 * full parameter set, so reordering a sweep file, adding axis values or seeds keeps every existing
 * trial's id (and its finished results), while changing a base parameter gives new ids.
 *
 * @param id the trial id, {@code configId + "-s" + seed}, a folder name under {@code trials/}
 * @param configId the configuration's id, shared by its seeds, {@code c} and 8 hex digits
 * @param axes the axis values that set this configuration apart, in the sweep file's order
 * @param params every parameter the trial function receives (base overlaid with the axes)
 * @param seed the seed
 */
public record Trial(String id, String configId, Map<String, Object> axes, Map<String, Object> params, long seed)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Checks the parts and freezes the maps. */
    public Trial {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(configId, "configId");
        axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** @return the configuration as {@code axis=value, ...}, or {@code (base)} without axes */
    public String label() {
        return label(axes);
    }

    static String label(Map<String, Object> axes) {
        if (axes.isEmpty()) return "(base)";
        return axes.entrySet().stream().map(e -> e.getKey() + "=" + SweepJson.display(e.getValue())).collect(Collectors.joining(", "));
    }

    /**
     * A parameter as a number.
     *
     * @param name the parameter
     * @return its value
     * @throws IllegalArgumentException when it is missing or not a number, naming the trial
     */
    public double number(String name) {
        Object v = params.get(name);
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("trial " + id + ": parameter '" + name + "' must be a number but is "
                + (v == null ? "missing" : SweepJson.display(v)));
    }

    /**
     * A parameter as a number, or a default when absent.
     *
     * @param name the parameter
     * @param fallback the default
     * @return its value
     */
    public double number(String name, double fallback) {
        return params.containsKey(name) ? number(name) : fallback;
    }

    /**
     * A whole-number parameter, or a default when absent.
     *
     * @param name the parameter
     * @param fallback the default
     * @return its value
     * @throws IllegalArgumentException when it is present but not a whole number
     */
    public long integer(String name, long fallback) {
        if (!params.containsKey(name)) return fallback;
        double d = number(name);
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("trial " + id + ": parameter '" + name + "' must be a whole number but is " + d);
        }
        return (long) d;
    }

    /**
     * A text parameter, or a default when absent.
     *
     * @param name the parameter
     * @param fallback the default (may be null)
     * @return its value
     * @throws IllegalArgumentException when it is present but not a string
     */
    public String text(String name, String fallback) {
        Object v = params.get(name);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw new IllegalArgumentException("trial " + id + ": parameter '" + name + "' must be a string but is " + SweepJson.display(v));
    }
}
