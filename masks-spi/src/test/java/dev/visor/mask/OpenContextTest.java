package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.Builtins;
import dev.visor.mask.builtin.PaddingMask;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Typed context keys that plugins declare, and valid ranges for left as well as right padding. */
class OpenContextTest {
    /** A plugin key: the modality of every key position. */
    static final ContextKey<int[][]> MODALITY = ContextKey.perKey("modality_ids", "the modality of every key");

    /** A plugin mask: queries see only keys of modality 0 (e.g. text, not image patches). */
    record TextOnly(int[][] modality) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return modality[batch][key] == 0;
        }

        @Override
        public String spec() {
            return "text_only";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TextOnly t && Arrays.deepEquals(t.modality, modality);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(modality);
        }
    }

    static final class TextOnlyStrategy implements MaskStrategy {
        @Override
        public String name() {
            return "text_only";
        }

        @Override
        public Set<ContextKey<?>> needs() {
            return Set.of(MODALITY);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new TextOnly(context.get(MODALITY));
        }
    }

    @Test
    void aPluginDeclaresItsOwnKeyAndCallersSupplyIt() {
        MaskRegistry registry = Builtins.registry().with(new TextOnlyStrategy());
        int[][] modality = {{0, 0, 1, 1}, {1, 0, 0, 0}};
        MaskContext ctx = MaskContext.builder(2, 1, 4, 4).validLengths(4, 3).set(MODALITY, modality).build();
        modality[0][0] = 1; // copied in
        Mask m = registry.create("text_only & padding", ctx);
        assertTrue(m.attends(0, 0, 2, 1));
        assertFalse(m.attends(0, 0, 2, 2));
        assertFalse(m.attends(1, 0, 0, 0));
        assertFalse(m.attends(1, 0, 0, 3)); // padding
        assertTrue(ctx.has(MODALITY));
        assertTrue(ctx.has(ContextKey.perKey("modality_ids", "declared again by another jar")));
        assertEquals(Set.of(ContextKey.QUERY_VALID_LENGTHS, ContextKey.KEY_VALID_LENGTHS, MODALITY), ctx.keys());
        int[][] out = ctx.get(MODALITY);
        out[0][0] = 9; // copied out
        assertEquals(0, ctx.get(MODALITY)[0][0]);
        // data is part of the context's (and so the mask's) value
        MaskContext other = MaskContext.builder(2, 1, 4, 4).validLengths(4, 3).set(MODALITY, new int[][] {{0, 0, 1, 1}, {1, 0, 0, 1}}).build();
        assertNotEquals(ctx, other);
        assertNotEquals(registry.create("text_only", ctx), registry.create("text_only", other));
        assertEquals(Set.of(MODALITY), ctx.retainOnly(Set.of(MODALITY)).keys());
        assertFalse(ctx.without(MODALITY).has(MODALITY));
    }

    @Test
    void aMissingOrMisshapenKeyIsAClearError() {
        MaskRegistry registry = Builtins.registry().with(new TextOnlyStrategy());
        MaskContext bare = MaskContext.builder(2, 1, 4, 4).validLengths(4, 3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.create("causal & text_only", bare));
        assertEquals("mask 'text_only' needs the context key 'modality_ids' (the modality of every key) but the context does not provide"
                + " it; set it with MaskContext.Builder.set(key 'modality_ids', ...) (the context holds [query_valid_lengths, "
                + "key_valid_lengths])", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskContext.builder(2, 1, 4, 4).set(MODALITY, new int[][] {{0, 0, 0, 0}, {0, 0}}).build());
        assertEquals("context key 'modality_ids' row 1 has 2 entries but there are 4 keys", e.getMessage());
        ContextKey<int[]> grid = ContextKey.perSequence("grid_width", "image grid width");
        e = assertThrows(IllegalArgumentException.class, () -> MaskContext.builder(2, 1, 4, 4).set(grid, new int[3]).build());
        assertEquals("context key 'grid_width' holds one int per sequence, so it needs an int[2] but got an int[3]", e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> bare.get(MODALITY));
        assertTrue(s.getMessage().startsWith("this context has no 'modality_ids'"), s.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ContextKey.perKey("Modality", "x"));
        assertEquals("context key name 'Modality' must be lower snake case ([a-z][a-z0-9_]*)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bare.get(ContextKey.TOKEN_IDS));
        assertEquals("context key 'token_ids' is built in; read it with its accessor", e.getMessage());
    }

    @Test
    void leftAndRightPaddingAreValidRanges() {
        // sequence 0 left-padded by 3, sequence 1 right-padded to 5, of 8 positions
        MaskContext ctx = MaskContext.builder(2, 1, 8, 8).validRanges(new int[] {3, 0}, new int[] {8, 5}).build();
        assertEquals(3, ctx.keyValidStart(0));
        assertEquals(3, ctx.queryValidStart(0));
        assertEquals(0, ctx.keyValidStart(1));
        Mask keys = Builtins.registry().create("padding", ctx);
        Mask queries = Builtins.registry().create("query_padding", ctx);
        for (int k = 0; k < 8; k++) {
            assertEquals(k >= 3, keys.attends(0, 0, 7, k));
            assertEquals(k < 5, keys.attends(1, 0, 0, k));
            assertEquals(k >= 3, queries.attends(0, 0, k, 0));
        }
        assertEquals(new PaddingMask(PaddingMask.Side.KEYS, new int[] {3, 0}, new int[] {8, 5}), keys);
        assertNotEquals(Builtins.registry().create("padding", MaskContext.builder(2, 1, 8, 8).validLengths(8, 5).build()), keys);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskContext.builder(1, 1, 4, 4).validRanges(new int[] {3}, new int[] {2}).build());
        assertEquals("validRanges start[0] = 3 is outside [0, end = 2]", e.getMessage());
    }

    @Test
    void paddingClassifiesRangesExactly() {
        SplittableRandom r = new SplittableRandom(4);
        for (int t = 0; t < 500; t++) {
            int n = 1 + r.nextInt(40);
            int from = r.nextInt(n + 1);
            int to = from + r.nextInt(n - from + 1);
            PaddingMask.Side side = r.nextBoolean() ? PaddingMask.Side.KEYS : PaddingMask.Side.QUERIES;
            PaddingMask m = new PaddingMask(side, new int[] {from}, new int[] {to});
            int q0 = r.nextInt(n);
            int q1 = q0 + 1 + r.nextInt(n - q0);
            int k0 = r.nextInt(n);
            int k1 = k0 + 1 + r.nextInt(n - k0);
            boolean any = false;
            boolean all = true;
            for (int q = q0; q < q1; q++) {
                for (int k = k0; k < k1; k++) {
                    any |= m.attends(0, 0, q, k);
                    all &= m.attends(0, 0, q, k);
                }
            }
            assertEquals(BlockClass.of(any, all), m.classify(0, 0, q0, q1, k0, k1), m + " on [" + q0 + "," + q1 + ")×[" + k0 + "," + k1 + ")");
        }
        assertEquals("padding[4]", new PaddingMask(4).toString());
        assertEquals("query_padding[from [1] to [3]]", new PaddingMask(PaddingMask.Side.QUERIES, new int[] {1}, new int[] {3}).toString());
    }
}
