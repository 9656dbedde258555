package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.Builtins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class MaskSpecProperties {
    private static final MaskRegistry BUILTINS = Builtins.registry();

    @Property
    void printThenParseIsTheIdentity(@ForAll("specs") MaskSpec spec) {
        String printed = spec.toString();
        MaskSpec reparsed = MaskSpec.parse(printed);
        assertEquals(spec, reparsed, printed);
        assertEquals(printed, reparsed.toString());
    }

    @Property
    void parseThenPrintIsCanonical(@ForAll("noise") String text) {
        MaskSpec once;
        try {
            once = MaskSpec.parse(text);
        } catch (MaskSpecException e) {
            return;
        }
        MaskSpec twice = MaskSpec.parse(once.toString());
        assertEquals(once, twice);
        assertEquals(once.toString(), twice.toString());
    }

    @Property(tries = 300)
    void randomTextOnlyEverFailsWithTheDocumentedException(@ForAll("noise") String text) {
        try {
            MaskSpec.parse(text);
        } catch (MaskSpecException e) {
            assertTrue(e.column() >= 1 && e.column() <= text.length() + 1, () -> e.column() + " for " + text);
        }
        try {
            MaskSpec resolved = BUILTINS.parse(text);
            assertEquals(resolved, BUILTINS.parse(resolved.toString()));
        } catch (MaskSpecException e) {
            assertTrue(e.column() >= 0 && e.column() <= text.length() + 1, () -> e.column() + " for " + text);
        }
    }

    @Property
    void resolvedBuiltinSpecsPrintEveryParameterAndRoundTrip(@ForAll("builtinSpecs") String text) {
        MaskSpec resolved = BUILTINS.parse(text);
        assertEquals(resolved, BUILTINS.parse(resolved.toString()));
        assertEquals(resolved.toString(), BUILTINS.parse(resolved.toString()).toString());
    }

    // ---- generators ----

    @Provide
    Arbitrary<MaskSpec> specs() {
        return spec(3);
    }

    private Arbitrary<MaskSpec> spec(int depth) {
        if (depth == 0) return calls();
        Arbitrary<MaskSpec> smaller = spec(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(3, calls()),
                Tuple.of(1, smaller.map(MaskSpec.Not::new)),
                Tuple.of(1, Combinators.combine(smaller, smaller).as((a, b) -> MaskSpec.and(a, b))),
                Tuple.of(1, Combinators.combine(smaller, smaller).as((a, b) -> MaskSpec.or(a, b))));
    }

    private Arbitrary<MaskSpec> calls() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('_', 'A', 'Z')
                .ofMinLength(1).ofMaxLength(6)
                .map(s -> s + (s.hashCode() % 3 == 0 ? "9" : ""));
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().filter(Double::isFinite).map(d -> (Object) d),
                Arbitraries.of(0.0, -0.0, 1e-300, 4.9e-324, 1e300, 0.1).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.strings().all().ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.strings().withChars("\"\\ ,)(").ofMaxLength(5).map(s -> (Object) s),
                Arbitraries.integers().list().ofMaxSize(4).map(l -> (Object) List.copyOf(l)));
        Arbitrary<Map<String, Object>> args = Arbitraries.maps(
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(4), values).ofMaxSize(3)
                .map(LinkedHashMap::new);
        return Combinators.combine(names, args).as(MaskSpec.Call::new);
    }

    @Provide
    Arbitrary<String> builtinSpecs() {
        Arbitrary<String> leaf = Arbitraries.of(
                "full", "causal", "padding", "query_padding", "document", "sliding_window(left=3)",
                "sliding_window(right=2, left=0)", "prefix_lm(prefix=4)", "chunked(size=5)",
                "dilated(left=8, dilation=3)", "global(positions=[0, 5, 5])", "random(density=1)",
                "random(seed=-4, density=0.5, per_head=true, block=2)", "token(ids=[])");
        return Arbitraries.recursive(() -> leaf, s -> Arbitraries.oneOf(
                s.map(x -> "!" + x),
                Combinators.combine(s, leaf).as((a, b) -> "(" + a + ") & " + b),
                Combinators.combine(leaf, s).as((a, b) -> a + " | (" + b + ")")), 0, 3);
    }

    @Provide
    Arbitrary<String> noise() {
        Arbitrary<String> grammarSoup = Arbitraries.strings()
                .withChars("()[]!&|,=\"\\-. 0123456789eE_acdfglnprstuwy").ofMaxLength(30);
        Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(20);
        Arbitrary<String> mutated = Combinators.combine(builtinSpecs(), Arbitraries.integers().between(0, 1000),
                Arbitraries.chars().with("()[]!&|,=\"\\-.0e_ xa9")).as((s, at, c) -> {
                    int i = at % (s.length() + 1);
                    return switch (at % 3) {
                        case 0 -> s.substring(0, i) + c + s.substring(i);
                        case 1 -> i < s.length() ? s.substring(0, i) + s.substring(i + 1) : s;
                        default -> s.substring(0, i);
                    };
                });
        Arbitrary<String> printed = specs().map(MaskSpec::toString);
        return Arbitraries.frequencyOf(Tuple.of(3, grammarSoup), Tuple.of(1, anything), Tuple.of(4, mutated),
                Tuple.of(1, printed));
    }
}
