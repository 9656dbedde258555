package dev.visor.mask;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The plugin-defined data of a {@link MaskContext}: values of {@link ContextKey}s declared by
 * strategies, checked against the shape and deep-copied in and out. Immutable.
 */
final class ContextArrays {
    static final ContextArrays NONE = new ContextArrays(Map.of());

    private final Map<ContextKey<?>, Object> values; // int[] or int[][], owned

    private ContextArrays(Map<ContextKey<?>, Object> values) {
        this.values = values;
    }

    /** Checks and copies the values set on a builder. */
    static ContextArrays of(Map<ContextKey<?>, Object> set, MaskShape shape) {
        if (set.isEmpty()) return NONE;
        Map<ContextKey<?>, Object> out = new LinkedHashMap<>();
        for (Map.Entry<ContextKey<?>, Object> e : set.entrySet()) {
            ContextKey<?> key = e.getKey();
            Object v = e.getValue();
            switch (key.extent()) {
                case PER_SEQUENCE -> {
                    if (!(v instanceof int[] a) || a.length != shape.batch()) {
                        throw new IllegalArgumentException("context key '" + key + "' holds one int per sequence, so it needs an int["
                                + shape.batch() + "] but got " + describe(v));
                    }
                    out.put(key, a.clone());
                }
                case PER_QUERY, PER_KEY -> {
                    int length = key.extent() == ContextKey.Extent.PER_QUERY ? shape.queryLength() : shape.keyLength();
                    String what = key.extent() == ContextKey.Extent.PER_QUERY ? "query" : "key";
                    if (!(v instanceof int[][] rows) || rows.length != shape.batch()) {
                        throw new IllegalArgumentException("context key '" + key + "' holds one int per " + what + ", so it needs an int["
                                + shape.batch() + "][" + length + "] but got " + describe(v));
                    }
                    int[][] copy = new int[rows.length][];
                    for (int b = 0; b < rows.length; b++) {
                        if (rows[b] == null || rows[b].length != length) {
                            throw new IllegalArgumentException("context key '" + key + "' row " + b + " has "
                                    + (rows[b] == null ? "no" : String.valueOf(rows[b].length)) + " entries but there are " + length + " "
                                    + what + "s");
                        }
                        copy[b] = rows[b].clone();
                    }
                    out.put(key, copy);
                }
                case BUILT_IN -> throw new IllegalArgumentException("context key '" + key + "' is built in; set it with " + key.howToSet());
            }
        }
        return new ContextArrays(Collections.unmodifiableMap(out));
    }

    private static String describe(Object v) {
        if (v instanceof int[] a) return "an int[" + a.length + "]";
        if (v instanceof int[][] a) return "an int[" + a.length + "][]";
        return v == null ? "null" : "a " + v.getClass().getSimpleName();
    }

    boolean has(ContextKey<?> key) {
        return values.containsKey(key);
    }

    Set<ContextKey<?>> keys() {
        return values.keySet();
    }

    /** A copy of a value, or null. */
    Object get(ContextKey<?> key) {
        Object v = values.get(key);
        if (v instanceof int[] a) return a.clone();
        if (v instanceof int[][] rows) {
            int[][] c = new int[rows.length][];
            for (int i = 0; i < rows.length; i++) c[i] = rows[i].clone();
            return c;
        }
        return null;
    }

    /** The stored array without a copy, for the context's element accessors. */
    Object raw(ContextKey<?> key) {
        return values.get(key);
    }

    ContextArrays retainOnly(Collection<? extends ContextKey<?>> keep) {
        Map<ContextKey<?>, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (keep.contains(k)) out.put(k, v);
        });
        return out.isEmpty() ? NONE : new ContextArrays(Collections.unmodifiableMap(out));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ContextArrays c) || !c.values.keySet().equals(values.keySet())) return false;
        for (Map.Entry<ContextKey<?>, Object> e : values.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {c.values.get(e.getKey())})) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<ContextKey<?>, Object> e : values.entrySet()) h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(' ').append(k).append('=').append(Arrays.deepToString(new Object[] {v})));
        return s.toString();
    }
}
