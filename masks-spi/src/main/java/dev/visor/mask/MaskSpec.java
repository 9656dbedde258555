package dev.visor.mask;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed mask spec: an expression of strategy calls combined with {@code !}, {@code &} and
 * {@code |}. The grammar, with the usual precedence ({@code !} binds tightest, then {@code &}, then
 * {@code |}; binary operators associate to the left):
 *
 * <pre>
 * spec    = or
 * or      = and { "|" and }
 * and     = unary { "&amp;" unary }
 * unary   = "!" unary | "(" or ")" | call
 * call    = name [ "(" [ arg { "," arg } ] ")" ]
 * arg     = name "=" value
 * value   = int | number | "true" | "false" | string | "[" [ int { "," int } ] "]"
 * name    = [A-Za-z_][A-Za-z0-9_]*      int = -?[0-9]+      number = -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)?
 * string  = '"' { any char but '"' and '\', or \" or \\ } '"'
 * </pre>
 *
 * <p>{@code toString()} prints the canonical form: single spaces around binary operators, none after
 * {@code !}, the fewest parentheses that keep the tree, {@code name} without {@code ()} when there
 * are no arguments, {@code name(a=1, b=[2, 3])} otherwise, arguments in the order held. Parsing the
 * printed form gives an equal spec, and printing is idempotent. {@link MaskRegistry#parse} further
 * checks names and argument types and fills in defaults, so its result prints every declared
 * parameter in declaration order.
 *
 * <pre>{@code
 * MaskSpec s = MaskSpec.parse("(causal&sliding_window(left=64))|global(positions=[0])");
 * s.toString(); // "causal & sliding_window(left=64) | global(positions=[0])"
 * }</pre>
 */
public sealed interface MaskSpec permits MaskSpec.Call, MaskSpec.Not, MaskSpec.And, MaskSpec.Or {

    /**
     * Parses a spec (syntax only; names are checked by {@link MaskRegistry#parse}).
     *
     * @param text the spec
     * @return the expression tree
     * @throws MaskSpecException naming the column and what was expected; never any other exception
     *     for a non-null text
     */
    static MaskSpec parse(String text) {
        return new SpecParser(Objects.requireNonNull(text, "text")).parse();
    }

    /**
     * A call built in code, e.g. {@code MaskSpec.call("sliding_window", "left", 128, "right", 0)}.
     *
     * @param name the strategy name
     * @param namesAndValues alternating argument names and values (Integer, Double, Boolean, String,
     *     {@code List<Integer>} or int[]), kept in this order
     * @return the call
     */
    static Call call(String name, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected alternating names and values but got "
                    + namesAndValues.length + " items");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("argument name at index " + i + " is not a String: " + namesAndValues[i]);
            }
            if (args.put(key, namesAndValues[i + 1]) != null) {
                throw new IllegalArgumentException("duplicate argument '" + key + "'");
            }
        }
        return new Call(name, args);
    }

    /**
     * How tightly this node binds when printed, so the printer adds only the parentheses it needs.
     *
     * @return 1 for {@code |}, 2 for {@code &}, 3 for {@code !}, 4 for a call
     */
    int precedence();

    /**
     * Renders a mask tree the way {@code toString()} renders a spec: composites ({@link AndMask},
     * {@link OrMask}, {@link NotMask}) as operators, every other mask as its {@link Mask#spec()}.
     *
     * @param mask the mask
     * @return its canonical spec
     */
    static String print(Mask mask) {
        StringBuilder out = new StringBuilder();
        SpecParser.print(mask, 1, out);
        return out.toString();
    }

    /**
     * One strategy call with its arguments. Equality ignores where the call was parsed from.
     */
    final class Call implements MaskSpec {
        private final String name;
        private final Map<String, Object> arguments;
        private final int column;
        private final Map<String, Integer> argumentColumns;

        /**
         * A call built in code (column 0).
         *
         * @param name a name matching {@code [A-Za-z_][A-Za-z0-9_]*}
         * @param arguments values by name (Integer, Double, Boolean, String, {@code List<Integer>} or
         *     int[]), printed in the map's order
         */
        public Call(String name, Map<String, ?> arguments) {
            this(name, canonical(name, arguments), 0, Map.of());
        }

        Call(String name, Map<String, Object> arguments, int column, Map<String, Integer> argumentColumns) {
            this.name = name;
            this.arguments = arguments;
            this.column = column;
            this.argumentColumns = argumentColumns;
        }

        private static Map<String, Object> canonical(String name, Map<String, ?> arguments) {
            if (!SpecParser.isIdentifier(name)) {
                throw new IllegalArgumentException("mask name '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, ?> e : arguments.entrySet()) {
                if (!SpecParser.isIdentifier(e.getKey())) {
                    throw new IllegalArgumentException("argument name '" + e.getKey() + "' is not an identifier");
                }
                out.put(e.getKey(), SpecParser.literalValue(e.getKey(), e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }

        /** @return the strategy name */
        public String name() {
            return name;
        }

        /** @return the arguments (Integer, Double, Boolean, String or List of Integer values), in order */
        public Map<String, Object> arguments() {
            return arguments;
        }

        /** @return the 1-based column of the name in the parsed text, or 0 if built in code */
        public int column() {
            return column;
        }

        /**
         * Where an argument was written.
         *
         * @param argument an argument name
         * @return its 1-based column, or the call's column if unknown
         */
        public int argumentColumn(String argument) {
            return argument == null ? column : argumentColumns.getOrDefault(argument, column);
        }

        @Override
        public int precedence() {
            return 4;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Call c && name.equals(c.name) && arguments.equals(c.arguments);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + arguments.hashCode();
        }

        @Override
        public String toString() {
            if (arguments.isEmpty()) return name;
            StringBuilder b = new StringBuilder(name).append('(');
            boolean first = true;
            for (Map.Entry<String, Object> e : arguments.entrySet()) {
                if (!first) b.append(", ");
                first = false;
                b.append(e.getKey()).append('=').append(ParameterType.literal(e.getValue()));
            }
            return b.append(')').toString();
        }
    }

    /**
     * {@code !operand}.
     *
     * @param operand the negated spec
     */
    record Not(MaskSpec operand) implements MaskSpec {
        /** Rejects null. */
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public int precedence() {
            return 3;
        }

        @Override
        public String toString() {
            return "!" + SpecParser.wrap(operand, 3);
        }
    }

    /**
     * {@code left & right}.
     *
     * @param left the left operand
     * @param right the right operand
     */
    record And(MaskSpec left, MaskSpec right) implements MaskSpec {
        /** Rejects null. */
        public And {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public int precedence() {
            return 2;
        }

        @Override
        public String toString() {
            return SpecParser.wrap(left, 2) + " & " + SpecParser.wrap(right, 3);
        }
    }

    /**
     * {@code left | right}.
     *
     * @param left the left operand
     * @param right the right operand
     */
    record Or(MaskSpec left, MaskSpec right) implements MaskSpec {
        /** Rejects null. */
        public Or {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public int precedence() {
            return 1;
        }

        @Override
        public String toString() {
            return SpecParser.wrap(left, 1) + " | " + SpecParser.wrap(right, 2);
        }
    }
}
