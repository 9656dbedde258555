package dev.visor.mask;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed mask spec: an expression of strategy calls combined with {@code !}, {@code &} and
 * {@code |}. The grammar, with the usual precedence ({@code !} binds tightest, then {@code &}, then
 * {@code |}):
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
 * <p>Operator chains are flat: {@code a | b | c} is one {@link Chain} of three operands, so specs of
 * any length are compared, hashed, printed and created without recursion per operand. Nesting of
 * {@code (} and {@code !} is limited to {@link #MAX_DEPTH} levels and the text to {@link #MAX_LENGTH}
 * characters; beyond either, parsing fails with a {@link MaskSpecException} naming the column.
 *
 * <pre>{@code
 * MaskSpec s = MaskSpec.parse("(causal&sliding_window(left=64))|global(positions=[0])");
 * s.toString(); // "causal & sliding_window(left=64) | global(positions=[0])"
 * }</pre>
 */
public sealed interface MaskSpec permits MaskSpec.Call, MaskSpec.Not, MaskSpec.Chain {

    /**
     * The longest spec text {@link #parse} accepts, in characters; a longer one is a
     * {@link MaskSpecException} at column {@code MAX_LENGTH + 1}, raised before any parsing.
     */
    int MAX_LENGTH = 1_000_000;

    /**
     * The deepest nesting of {@code (} and {@code !} that {@link #parse} (and {@link MaskRegistry}
     * for specs built in code) accepts; deeper is a {@link MaskSpecException} at the offending column.
     * Chains of {@code &} and {@code |} do not nest: they are flat {@link Chain}s of any length.
     */
    int MAX_DEPTH = 100;

    /**
     * Parses a spec (syntax only; names are checked by {@link MaskRegistry#parse}).
     *
     * @param text the spec
     * @return the expression tree
     * @throws MaskSpecException naming the column and what was expected, also for a text longer than
     *     {@link #MAX_LENGTH} or nested deeper than {@link #MAX_DEPTH}; never any other exception for
     *     a non-null text
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
     * {@code first & rest[0] & ...}, or {@code first} alone.
     *
     * @param first the first operand
     * @param rest further operands
     * @return the conjunction
     */
    static MaskSpec and(MaskSpec first, MaskSpec... rest) {
        return chain(Connective.AND, first, rest);
    }

    /**
     * {@code first | rest[0] | ...}, or {@code first} alone.
     *
     * @param first the first operand
     * @param rest further operands
     * @return the disjunction
     */
    static MaskSpec or(MaskSpec first, MaskSpec... rest) {
        return chain(Connective.OR, first, rest);
    }

    private static MaskSpec chain(Connective connective, MaskSpec first, MaskSpec... rest) {
        return connective.join(first, rest, all -> new Chain(connective, all));
    }

    /**
     * How tightly this node binds when printed, so the printer adds only the parentheses it needs.
     *
     * @return 1 for {@code |}, 2 for {@code &}, 3 for {@code !}, 4 for a call
     */
    int precedence();

    /**
     * Renders a mask tree the way {@code toString()} renders a spec: composites ({@link ChainMask},
     * {@link NotMask}) as operators, every other mask as its {@link Mask#spec()}.
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
        /**
         * Rejects null.
         *
         * @param operand the negated spec, not null
         */
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public int precedence() {
            return 3;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            SpecParser.print(this, 1, out);
            return out.toString();
        }
    }

    /**
     * {@code a & b & ...} or {@code a | b | ...}: two or more operands joined by one connective.
     * Operands that are chains of the same connective are flattened into this one, so
     * {@code a & (b & c)} parses, prints and compares as {@code a & b & c}; chains of any length are
     * compared, hashed, printed and created by iteration, never by recursion per operand.
     *
     * @param connective {@code &} or {@code |}
     * @param operands the operands, in order
     */
    record Chain(Connective connective, List<MaskSpec> operands) implements MaskSpec {
        /**
         * Flattens nested chains of the same connective; rejects nulls and fewer than two operands.
         *
         * @param connective {@code &} or {@code |}, not null
         * @param operands two or more specs, none null; chains of the same connective among them are
         *     spliced in place
         */
        public Chain {
            Connective op = Objects.requireNonNull(connective, "connective");
            operands = op.flatten(operands, m -> m instanceof Chain c && c.connective == op ? c.operands : null);
        }

        @Override
        public int precedence() {
            return connective.precedence();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            SpecParser.print(this, 1, out);
            return out.toString();
        }
    }
}
