package dev.visor.mask.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BuiltinMasksTest {
    private static final MaskRegistry REGISTRY = Builtins.registry();
    private static final MaskContext CTX = MaskContext.builder(2, 2, 6, 6).validLengths(6, 3)
            .tokenIds(new int[][] {{1, 7, 2, 9, 7, 3}, {7, 7, 7, 7, 7, 7}})
            .segmentIds(new int[][] {{0, 0, 1, 1, 1, 2}, {4, 4, 4, 4, 5, 5}}).build();

    /** One spec per built-in, with the canonical form each mask prints. */
    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("full", "full"),
            Map.entry("causal", "causal"),
            Map.entry("padding", "padding"),
            Map.entry("query_padding", "query_padding"),
            Map.entry("sliding_window(left=2)", "sliding_window(left=2, right=0)"),
            Map.entry("prefix_lm(prefix=3)", "prefix_lm(prefix=3)"),
            Map.entry("document", "document"),
            Map.entry("chunked(size=4)", "chunked(size=4)"),
            Map.entry("dilated(dilation=2, left=4)", "dilated(left=4, dilation=2)"),
            Map.entry("global(positions=[5, 0, 5])", "global(positions=[0, 5])"),
            Map.entry("random(density=0.25, seed=3)", "random(density=0.25, seed=3, block=64, per_head=false)"),
            Map.entry("token(ids=[9, 7])", "token(ids=[7, 9])"));

    @Test
    void everyBuiltinPrintsItsCanonicalSpecAndRoundTrips() {
        assertEquals(REGISTRY.names(), new java.util.TreeSet<>(CANONICAL.keySet().stream()
                .map(s -> s.replaceAll("\\(.*", "")).toList()));
        CANONICAL.forEach((spec, canonical) -> {
            Mask m = REGISTRY.create(spec, CTX);
            assertEquals(canonical, m.spec());
            assertEquals(m, REGISTRY.create(m.spec(), CTX));
            assertEquals(m.hashCode(), REGISTRY.create(m.spec(), CTX).hashCode());
            assertEquals(REGISTRY.parse(m.spec()).toString(), m.spec());
        });
    }

    @Test
    void everyBuiltinMaskHasItsOwnClosedFormClassify() throws NoSuchMethodException {
        for (String spec : CANONICAL.keySet()) {
            Class<?> type = REGISTRY.create(spec, CTX).getClass();
            assertEquals(type, type.getMethod("classify", int.class, int.class, int.class, int.class, int.class,
                    int.class).getDeclaringClass(), spec);
        }
    }

    @Test
    void issueExamplesMeanWhatTheySay() {
        Mask stop = REGISTRY.create("padding & !token(ids=[7, 9])", CTX);
        // sequence 0: tokens 1 7 2 9 7 3, all 6 valid: keys 0, 2, 5 survive
        for (int k = 0; k < 6; k++) assertEquals(k == 0 || k == 2 || k == 5, stop.attends(0, 0, 0, k), "key " + k);
        // sequence 1: every token is 7
        for (int k = 0; k < 6; k++) assertFalse(stop.attends(1, 1, 5, k));
        Mask longformer = REGISTRY.create("(causal & sliding_window(left=1)) | global(positions=[0])", CTX);
        assertTrue(longformer.attends(0, 0, 5, 0));
        assertTrue(longformer.attends(0, 0, 0, 0));
        assertTrue(longformer.attends(0, 0, 4, 3));
        assertFalse(longformer.attends(0, 0, 4, 2));
        assertTrue(longformer.attends(0, 0, 0, 4)); // the global query 0 sees everything
    }

    @Test
    void argumentsAreRangeChecked() {
        assertMessage("sliding_window left must be at least 0 but was -1", () -> new SlidingWindowMask(-1, 0));
        assertMessage("sliding_window right must be at least 0 but was -2", () -> new SlidingWindowMask(0, -2));
        assertMessage("prefix_lm prefix must be at least 0 but was -1", () -> new PrefixLmMask(-1));
        assertMessage("chunked size must be at least 1 but was 0", () -> new ChunkedMask(0));
        assertMessage("dilated left must be at least 0 but was -1", () -> new DilatedMask(-1, 1));
        assertMessage("dilated dilation must be at least 1 but was 0", () -> new DilatedMask(3, 0));
        assertMessage("global positions[1] = -4 is negative", () -> new GlobalMask(1, -4));
        assertMessage("random density must be in [0, 1] but was 1.5", () -> new RandomMask(1.5, 0, 1, false));
        assertMessage("random density must be in [0, 1] but was NaN", () -> new RandomMask(Double.NaN, 0, 1, false));
        assertMessage("random block must be at least 1 but was 0", () -> new RandomMask(0.5, 0, 0, false));
        assertMessage("keyValidLengths[0] = -1 is negative", () -> new PaddingMask(-1));
        assertMessage("queryValidLengths[1] = -1 is negative", () -> new PaddingMask(PaddingMask.Side.QUERIES, new int[2], new int[] {0, -1}));
        assertMessage("keyValid range 0 is [3, 2): not a range", () -> new PaddingMask(PaddingMask.Side.KEYS, new int[] {3}, new int[] {2}));
        assertMessage("token id rows differ in length: sequence 1 has 1 keys, sequence 0 has 2",
                () -> new TokenMask(new int[] {1}, new int[][] {{1, 2}, {3}}));
        assertMessage("document mask needs at least one sequence", () -> new DocumentMask(0, new int[0][], new int[0][]));
        assertEquals(new RandomMask(0.0, 1, 1, false), new RandomMask(-0.0, 1, 1, false));
    }

    @Test
    void masksHoldingContextDataRejectOtherShapes() {
        MaskShape other = new MaskShape(3, 2, 6, 6, 0);
        for (String spec : new String[] {"padding", "query_padding", "token(ids=[7])", "document"}) {
            Mask m = REGISTRY.create(spec, CTX);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.checkShape(other));
            assertTrue(e.getMessage().contains("batch 3"), e.getMessage());
            m.checkShape(CTX.shape());
        }
        Mask document = REGISTRY.create("document", CTX);
        assertThrows(IllegalArgumentException.class, () -> document.checkShape(new MaskShape(2, 2, 6, 6, 1)));
        Mask token = REGISTRY.create("token(ids=[7])", CTX);
        assertThrows(IllegalArgumentException.class, () -> token.checkShape(new MaskShape(2, 2, 6, 7, 0)));
    }

    @Test
    void contextDataIsPartOfEquality() {
        MaskContext other = MaskContext.builder(2, 2, 6, 6).validLengths(6, 4)
                .tokenIds(new int[][] {{1, 7, 2, 9, 7, 3}, {7, 7, 7, 7, 7, 8}})
                .segmentIds(new int[][] {{0, 0, 1, 1, 1, 2}, {4, 4, 4, 5, 5, 5}}).build();
        for (String spec : new String[] {"padding", "query_padding", "token(ids=[8])", "document"}) {
            assertNotEquals(REGISTRY.create(spec, CTX), REGISTRY.create(spec, other), spec);
        }
        // equal selections are equal masks even if the unselected tokens differ
        MaskContext sameSelection = MaskContext.builder(2, 2, 6, 6)
                .tokenIds(new int[][] {{0, 7, 0, 9, 7, 0}, {7, 7, 7, 7, 7, 7}}).build();
        assertEquals(REGISTRY.create("token(ids=[7, 9])", CTX), REGISTRY.create("token(ids=[7, 9])", sameSelection));
    }

    @Test
    void documentCrossAttentionMatchesSegmentsAcrossSequences() {
        MaskContext cross = MaskContext.builder(1, 1, 3, 4).queryOffset(2)
                .segmentIds(new int[][] {{1, 1, 2}}, new int[][] {{2, 2, 1, 1}}).build();
        Mask m = REGISTRY.create("document", cross);
        assertTrue(m.attends(0, 0, 2, 2));
        assertFalse(m.attends(0, 0, 2, 0));
        assertTrue(m.attends(0, 0, 4, 1));
        // unsorted ids: both ranges inside one run each are still exact
        assertEquals(BlockClass.EMPTY, m.classify(0, 0, 2, 4, 0, 2));
        assertEquals(BlockClass.FULL, m.classify(0, 0, 2, 4, 2, 4));
        assertEquals(BlockClass.PARTIAL, m.classify(0, 0, 2, 5, 0, 4));
    }

    @Test
    void randomIsReproducibleAcrossRunsAndMachines() {
        // a golden value: the hash is pure long arithmetic, so this count must never change
        RandomMask m = new RandomMask(0.5, 42, 1, false);
        int kept = 0;
        long signature = 0;
        for (int q = 0; q < 32; q++) {
            for (int k = 0; k < 32; k++) {
                if (m.attends(0, 0, q, k)) {
                    kept++;
                    signature = signature * 31 + q * 32 + k;
                }
            }
        }
        assertEquals(GOLDEN_KEPT, kept);
        assertEquals(GOLDEN_SIGNATURE, signature);
        RandomMask perHead = new RandomMask(0.5, 42, 1, true);
        assertTrue(perHead.dependsOnHead());
        boolean differs = false;
        for (int k = 0; k < 64; k++) differs |= perHead.attends(0, 0, 0, k) != perHead.attends(0, 1, 0, k);
        assertTrue(differs);
        assertNotEquals(new RandomMask(0.5, 43, 1, false), m);
    }

    private static final int GOLDEN_KEPT = 508;
    private static final long GOLDEN_SIGNATURE = 3340420129667105317L;

    @Test
    void builtinStrategiesDeclareWhatTheyNeed() {
        for (MaskStrategy s : Builtins.strategies()) {
            boolean needs = !s.needs().isEmpty();
            assertEquals(Map.of("padding", true, "query_padding", true, "token", true, "document", true)
                    .getOrDefault(s.name(), false), needs, s.name());
            assertFalse(s.description().isEmpty(), s.name());
        }
    }

    private static void assertMessage(String expected, Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
