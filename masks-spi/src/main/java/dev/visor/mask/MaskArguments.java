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
    private final String kind;
    private final String strategy;
    private final Map<String, MaskParameter> declared;
    private final Map<String, Object> values;

    private MaskArguments(String kind, String strategy, Map<String, MaskParameter> declared, Map<String, Object> values) {
        this.kind = kind;
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
     * Checks {@code given} against a score-modifier strategy's declared parameters and fills in
     * defaults, exactly as for masks.
     *
     * @param strategy the strategy
     * @param given values by parameter name
     * @return the arguments
     * @throws IllegalArgumentException for an unknown, mistyped or missing parameter
     * @since 0.2
     */
    public static MaskArguments of(ScoreModifierStrategy strategy, Map<String, ?> given) {
        Objects.requireNonNull(strategy, "strategy");
        return check("score modifier", strategy.name(), strategy.parameters(), given,
                (parameter, head, tail) -> new IllegalArgumentException(head + tail));
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
        return check("mask", strategy.name(), strategy.parameters(), given, error);
    }

    /** The check shared by masks and score modifiers; {@code kind} names the plugin kind in messages. */
    static MaskArguments check(String kind, String name, List<MaskParameter> parameters, Map<String, ?> given,
                               ErrorFactory error) {
        Objects.requireNonNull(given, "given");
        Map<String, MaskParameter> declared = new LinkedHashMap<>();
        for (MaskParameter p : parameters) declared.put(p.name(), p);
        for (Map.Entry<String, ?> e : given.entrySet()) {
            MaskParameter p = declared.get(e.getKey());
            if (p == null) {
                throw error.make(e.getKey(), "unknown parameter " + Names.quote(e.getKey()) + " for " + kind + " '" + name + "'",
                        Names.suggest(e.getKey(), declared.keySet(), "parameters"));
            }
            if (e.getValue() == null || p.type().coerce(e.getValue()) == null) {
                throw error.make(e.getKey(), "parameter '" + p.name() + "' of " + kind + " '" + name + "' expects "
                        + p.type().phrase() + " but got " + describe(e.getValue()), "");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (MaskParameter p : declared.values()) {
            Object v = given.get(p.name());
            if (v == null) {
                if (p.isRequired()) {
                    throw error.make(null, kind + " '" + name + "' needs parameter '" + p.name() + "'",
                            " (" + p.type().phrase() + ": " + p.description() + ")");
                }
                v = p.defaultValue();
            }
            values.put(p.name(), p.type().coerce(v));
        }
        return new MaskArguments(kind, name, Collections.unmodifiableMap(declared), Collections.unmodifiableMap(values));
    }

    /**
     * Checks a parsed call against a strategy's parameters and its {@code validate}, turning every
     * error into a {@link MaskSpecException} at the offending argument's column.
     */
    static MaskArguments resolve(String kind, String name, List<MaskParameter> parameters,
                                 java.util.function.Consumer<MaskArguments> validate, MaskSpec.Call call, String text) {
        MaskArguments args = check(kind, name, parameters, call.arguments(), (parameter, head, tail) -> {
            int column = call.argumentColumn(parameter);
            return new MaskSpecException(head + (column > 0 ? " at column " + column : "") + tail, text, column);
        });
        try {
            validate.accept(args);
        } catch (MaskSpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            int column = call.column();
            throw new MaskSpecException("invalid arguments for " + kind + " '" + call.name() + "'"
                    + (column > 0 ? " at column " + column : "") + ": " + e.getMessage(), text, column);
        }
        return args;
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
        if (value instanceof List<?> l) return "a list " + l;
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

    /**
     * The value of a NUMBER_LIST parameter, as a fresh array.
     *
     * @param name the parameter
     * @return a copy of its value
     * @throws IllegalArgumentException if the parameter is not declared or not a NUMBER_LIST
     * @since 0.2
     */
    public double[] getNumberList(String name) {
        @SuppressWarnings("unchecked")
        List<Double> list = (List<Double>) typed(name, ParameterType.NUMBER_LIST);
        double[] a = new double[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = list.get(i);
        return a;
    }

    private Object typed(String name, ParameterType type) {
        MaskParameter p = declared.get(name);
        if (p == null) {
            throw new IllegalArgumentException(kind + " '" + strategy + "' has no parameter '" + name + "'"
                    + Names.suggest(name, declared.keySet(), "parameters"));
        }
        if (p.type() != type) {
            throw new IllegalArgumentException("parameter '" + name + "' of " + kind + " '" + strategy + "' is "
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
