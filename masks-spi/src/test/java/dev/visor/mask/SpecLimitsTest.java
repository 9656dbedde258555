package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.Builtins;
import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.FullMask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Specs of any chain length are handled by iteration, and every size beyond a documented limit is a
 * {@link MaskSpecException} with a column, never a {@link StackOverflowError} or a slow suggestion.
 * The chain lengths here are ten times those that overflowed the recursive binary trees.
 */
class SpecLimitsTest {
    private static final int TERMS = 50_000;
    private static final MaskRegistry REGISTRY = Builtins.registry();

    @Test
    void longChainsCompareHashPrintParseAndCreateWithoutRecursion() {
        for (Connective c : Connective.values()) {
            String text = "full" + (" " + c.symbol() + " full").repeat(TERMS - 1) + " " + c.symbol() + " causal";
            MaskSpec a = MaskSpec.parse(text);
            MaskSpec b = MaskSpec.parse(text);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertEquals(text, a.toString());
            assertEquals(TERMS + 1, ((MaskSpec.Chain) a).operands().size());
            assertEquals(a, REGISTRY.parse(text));

            MaskContext ctx = MaskContext.builder(1, 1, 8, 8).build();
            Mask mask = REGISTRY.create(text, ctx);
            assertEquals(mask, REGISTRY.create(a, ctx));
            assertEquals(mask.hashCode(), REGISTRY.create(a, ctx).hashCode());
            assertEquals(text, mask.spec());
            // full & ... & causal is causal; full | ... | causal is full
            BlockClass expected = c == Connective.AND ? BlockClass.PARTIAL : BlockClass.FULL;
            assertEquals(expected, mask.classify(0, 0, 0, 8, 0, 8));
            assertEquals(c == Connective.OR, mask.attends(0, 0, 2, 5));
            assertTrue(mask.attends(0, 0, 5, 2));
        }
    }

    @Test
    void chainsBuiltInCodeAreFlatAndAChainOfOneIsItsOperand() {
        List<Mask> many = new ArrayList<>();
        Mask m = FullMask.INSTANCE;
        int terms = 3_000; // each or() copies the flat chain: quadratic, so fewer than TERMS
        for (int i = 0; i < terms; i++) {
            m = m.or(CausalMask.INSTANCE);
            many.add(CausalMask.INSTANCE);
        }
        assertEquals(terms + 1, ((ChainMask) m).operands().size());
        assertEquals(m, Masks.or(FullMask.INSTANCE, many.toArray(new Mask[0])));
        assertEquals(CausalMask.INSTANCE, Masks.and(CausalMask.INSTANCE));
        assertEquals(CausalMask.INSTANCE.and(FullMask.INSTANCE.and(CausalMask.INSTANCE)),
                CausalMask.INSTANCE.and(FullMask.INSTANCE).and(CausalMask.INSTANCE));
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new ChainMask(Connective.AND, List.of(CausalMask.INSTANCE)));
        assertEquals("a '&' chain needs at least two operands but got 1", one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaskSpec.Chain(Connective.OR, List.of()));
        // a mixed chain keeps its grouping: | inside & is parenthesised, & inside | is not
        Mask mixed = Masks.and(CausalMask.INSTANCE.or(FullMask.INSTANCE), FullMask.INSTANCE.and(CausalMask.INSTANCE).not());
        assertEquals("(causal | full) & !(full & causal)", mixed.spec());
    }

    @Test
    void tooLongASpecIsRefusedBeforeParsingWithItsColumn() {
        String text = "full|".repeat(MaskSpec.MAX_LENGTH / 5) + "causal";
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> REGISTRY.parse(text));
        assertEquals(MaskSpec.MAX_LENGTH + 1, e.column());
        assertEquals("mask spec of " + text.length() + " characters is longer than the limit of " + MaskSpec.MAX_LENGTH
                + " (column " + (MaskSpec.MAX_LENGTH + 1) + ")", e.reason());
        assertTrue(e.getMessage().length() < e.reason().length() + 2 * MaskSpecException.EXCERPT + 20, "message is short");
        String atLimit = "full" + "|full".repeat((MaskSpec.MAX_LENGTH - 4) / 5);
        assertTrue(atLimit.length() <= MaskSpec.MAX_LENGTH);
        assertTrue(atLimit.replace("|", " | ").equals(MaskSpec.parse(atLimit).toString()), "canonical form");
    }

    @Test
    void deeplyNestedSpecsBuiltInCodeAreRefusedByTheRegistry() {
        MaskSpec deep = MaskSpec.call("causal");
        for (int i = 0; i < 10_000; i++) deep = new MaskSpec.Not(deep);
        MaskSpec finalDeep = deep;
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> REGISTRY.resolve(finalDeep));
        assertTrue(e.reason().startsWith("mask spec nests deeper than " + (2 * MaskSpec.MAX_DEPTH + 2)), e.reason());
        MaskContext ctx = MaskContext.builder(1, 1, 4, 4).build();
        assertThrows(MaskSpecException.class, () -> REGISTRY.create(finalDeep, ctx));
    }

    @Test
    void theDeepestParsableSpecAlsoResolvesAndCreates() {
        // every '(' opens an '|' chain holding an '&' chain: two tree levels per parenthesis
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < MaskSpec.MAX_DEPTH; i++) b.append("full & (causal | full & ");
        b.append("causal").append(")".repeat(MaskSpec.MAX_DEPTH));
        String text = b.toString();
        MaskSpec parsed = REGISTRY.parse(text);
        assertEquals(parsed, MaskSpec.parse(parsed.toString()));
        Mask mask = REGISTRY.create(text, MaskContext.builder(1, 1, 4, 4).build());
        assertEquals(BlockClass.PARTIAL, mask.classify(0, 0, 0, 4, 0, 4));
        assertThrows(MaskSpecException.class, () -> MaskSpec.parse("full & (" + text + ")"));
    }

    @Test
    void unknownLongNamesAreQuotedShortAndSuggestedCheaply() {
        String name = "c".repeat(MaskSpec.MAX_LENGTH);
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> REGISTRY.parse(name));
        assertTrue(e.reason().startsWith("unknown mask '" + "c".repeat(Names.SHOWN) + "...' (" + MaskSpec.MAX_LENGTH
                + " characters) at column 1; available: ["), e.reason());
        assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " characters");
        MaskSpecException p = assertThrows(MaskSpecException.class,
                () -> REGISTRY.parse("sliding_window(" + "l".repeat(100_000) + "=1)"));
        assertTrue(p.getMessage().length() < 1000, "message of " + p.getMessage().length() + " characters");
        MaskSpecException v = assertThrows(MaskSpecException.class,
                () -> REGISTRY.parse("sliding_window(left=\"" + "x".repeat(100_000) + "\")"));
        assertTrue(v.getMessage().length() < 1000, "message of " + v.getMessage().length() + " characters");
        // suggestions are only computed for candidates of a similar length, and still work
        assertEquals("causal", Names.closest("casual", REGISTRY.names()).orElseThrow());
        assertTrue(Names.closest("c".repeat(1_000), REGISTRY.names()).isEmpty());
    }

    @Test
    void aLongSpecIsQuotedAroundTheColumn() {
        String text = "full | ".repeat(100) + "#" + " | full".repeat(100);
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> MaskSpec.parse(text));
        assertEquals(701, e.column());
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length, e.getMessage());
        int caret = lines[2].indexOf('^');
        assertEquals('#', lines[1].charAt(caret), e.getMessage());
        assertTrue(lines[1].startsWith("  ...") && lines[1].endsWith("..."), lines[1]);
    }
}
