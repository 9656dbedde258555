package dev.visor.mask;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The checked arguments of one strategy call: every declared parameter has a value of its declared
 * type (given or defaulted), in declaration order. Immutable.
 *
 * <pre>{@code
 * MaskArguments args = MaskArguments.of(new SlidingWindowMask.Strategy(), Map.of("left", 128));
 * int left = args.getInt("left");   // 128
 * int right = args.getInt("right"); // 0, the default
 * args.toSpec();                    // "sliding_window(left=128, right=0)"
 * }</pre>
 */
public final class MaskArguments {
    private final String strategy;
    private final Map<String, MaskParameter> declared;
    private final Map<String, Object> values;

    private MaskArguments(String strategy, Map<String, MaskParameter> declared, Map<String, Object> values) {
        this.strategy = strategy;
        this.declared = declared;
        this.values = values;
    }

    /**
     * Checks {@code given} against the strategy's declared parameters and fills in defaults.
     *
     * @param strategy the strategy
     * @param given values by parameter name (Integer, Double, Boolean, String, {@code List<Integer>} or int[])
     * @return the arguments
     * @throws IllegalArgumentException for an unknown parameter (with a did-you-mean), a value of the
     *     wrong type, or a missing required parameter
     */
    public static MaskArguments of(MaskStrategy strategy, Map<String, ?> given) {
        return check(strategy, given, (parameter, head, tail) -> new IllegalArgumentException(head + tail));
    }

    /**
     * The arguments of a strategy whose parameters all have defaults.
     *
     * @param strategy the strategy
     * @return the defaults
     * @throws IllegalArgumentException if a parameter is required
     */
    public static MaskArguments defaults(MaskStrategy strategy) {
        return of(strategy, Map.of());
    }

    /** Makes the exception for a bad argument; the registry inserts " at column N" between head and tail. */
    interface ErrorFactory {
        RuntimeException make(String parameter, String head, String tail);
    }

    /**
     * Shared by {@link #of} and the registry, which turns the errors into {@link MaskSpecException}s
     * pointing at the offending argument's column ({@code parameter} is null for a missing one).
     */
    static MaskArguments check(MaskStrategy strategy, Map<String, ?> given, ErrorFactory error) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(given, "given");
        String name = strategy.name();
        Map<String, MaskParameter> declared = new LinkedHashMap<>();
        for (MaskParameter p : strategy.parameters()) declared.put(p.name(), p);
        for (Map.Entry<String, ?> e : given.entrySet()) {
            MaskParameter p = declared.get(e.getKey());
            if (p == null) {
                throw error.make(e.getKey(), "unknown parameter " + Names.quote(e.getKey()) + " for mask '" + name + "'",
                        Names.suggest(e.getKey(), declared.keySet(), "parameters"));
            }
            if (e.getValue() == null || p.type().coerce(e.getValue()) == null) {
                throw error.make(e.getKey(), "parameter '" + p.name() + "' of mask '" + name + "' expects "
                        + p.type().phrase() + " but got " + describe(e.getValue()), "");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (MaskParameter p : declared.values()) {
            Object v = given.get(p.name());
            if (v == null) {
                if (p.isRequired()) {
                    throw error.make(null, "mask '" + name + "' needs parameter '" + p.name() + "'",
                            " (" + p.type().phrase() + ": " + p.description() + ")");
                }
                v = p.defaultValue();
            }
            values.put(p.name(), p.type().coerce(v));
        }
        return new MaskArguments(name, Collections.unmodifiableMap(declared), Collections.unmodifiableMap(values));
    }

    private static String describe(Object value) {
        if (value == null) return "null";
        Object canonical = null;
        for (ParameterType t : ParameterType.values()) {
            canonical = t.coerce(value);
            if (canonical != null) {
                String literal = ParameterType.literal(canonical);
                if (literal.length() > Names.SHOWN) {
                    literal = literal.substring(0, Names.SHOWN) + "... (" + literal.length() + " characters)";
                }
                return ParameterType.typeOf(canonical).phrase() + " " + literal;
            }
        }
        return value.getClass().getSimpleName() + " " + value;
    }

    /** @return the name of the strategy these arguments are for */
    public String strategyName() {
        return strategy;
    }

    /**
     * Every argument, in declaration order, defaults included.
     *
     * @return an unmodifiable map of canonical values
     */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * The value of an INT parameter.
     *
     * @param name the parameter
     * @return its value
     * @throws IllegalArgumentException if the parameter is not declared or not an INT
     */
    public int getInt(String name) {
        return (Integer) typed(name, ParameterType.INT);
    }

    /**
     * The value of a NUMBER parameter.
     *
     * @param name the parameter
     * @return its value
     * @throws IllegalArgumentException if the parameter is not declared or not a NUMBER
     */
    public double getNumber(String name) {
        return (Double) typed(name, ParameterType.NUMBER);
    }

    /**
     * The value of a BOOLEAN parameter.
     *
     * @param name the parameter
     * @return its value
     * @throws IllegalArgumentException if the parameter is not declared or not a BOOLEAN
     */
    public boolean getBoolean(String name) {
        return (Boolean) typed(name, ParameterType.BOOLEAN);
    }

    /**
     * The value of a STRING parameter.
     *
     * @param name the parameter
     * @return its value
     * @throws IllegalArgumentException if the parameter is not declared or not a STRING
     */
    public String getString(String name) {
        return (String) typed(name, ParameterType.STRING);
    }

    /**
     * The value of an INT_LIST parameter, as a fresh array.
     *
     * @param name the parameter
     * @return a copy of its value
     * @throws IllegalArgumentException if the parameter is not declared or not an INT_LIST
     */
    public int[] getIntList(String name) {
        @SuppressWarnings("unchecked")
        List<Integer> list = (List<Integer>) typed(name, ParameterType.INT_LIST);
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }

    private Object typed(String name, ParameterType type) {
        MaskParameter p = declared.get(name);
        if (p == null) {
            throw new IllegalArgumentException("mask '" + strategy + "' has no parameter '" + name + "'"
                    + Names.suggest(name, declared.keySet(), "parameters"));
        }
        if (p.type() != type) {
            throw new IllegalArgumentException("parameter '" + name + "' of mask '" + strategy + "' is "
                    + p.type().phrase() + ", not " + type.phrase());
        }
        return values.get(name);
    }

    /**
     * The canonical spec of this call: the strategy name and every argument in declaration order,
     * e.g. {@code sliding_window(left=128, right=0)}, or just the name when there are no parameters.
     *
     * @return the canonical spec
     */
    public String toSpec() {
        return new MaskSpec.Call(strategy, values).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskArguments a && strategy.equals(a.strategy) && values.equals(a.values);
    }

    @Override
    public int hashCode() {
        return 31 * strategy.hashCode() + values.hashCode();
    }

    @Override
    public String toString() {
        return toSpec();
    }
}
