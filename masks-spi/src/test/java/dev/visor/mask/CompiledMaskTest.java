package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.PaddingMask;
import dev.visor.mask.builtin.SlidingWindowMask;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CompiledMaskTest {

    /** Counts calls into a mask; classify is delegated, so the wrapped mask's own closed form is used. */
    static final class Counting implements Mask {
        final Mask inner;
        final AtomicLong attends = new AtomicLong();
        final AtomicLong classifies = new AtomicLong();

        Counting(Mask inner) {
            this.inner = inner;
        }

        @Override
        public boolean attends(int batch, int head, int query, int key) {
            attends.incrementAndGet();
            return inner.attends(batch, head, query, key);
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            classifies.incrementAndGet();
            return inner.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        }

        @Override
        public boolean dependsOnBatch() {
            return inner.dependsOnBatch();
        }

        @Override
        public boolean dependsOnHead() {
            return inner.dependsOnHead();
        }

        @Override
        public String spec() {
            return inner.spec();
        }
    }

    @Test
    void causalGridRendersAndCounts() {
        CompiledMask cm = CompiledMask.compile(CausalMask.INSTANCE, new MaskShape(2, 4, 8, 8, 0), 2, 2);
        assertEquals(1, cm.slices());
        assertFalse(cm.byBatch());
        assertEquals(0, cm.slice(1, 3));
        assertEquals(2 * 4 * 4, cm.count(BlockClass.PARTIAL));
        assertEquals(2 * 4 * 6, cm.count(BlockClass.FULL));
        assertEquals(2 * 4 * 6, cm.count(BlockClass.EMPTY));
        assertEquals((4 * 4 + 6 * 4) / 64.0, cm.density(), 1e-12);
        assertEquals(36 / 64.0, cm.elementDensity(), 1e-12);
        String picture = cm.render();
        assertTrue(picture.startsWith("causal (batch 2, heads 4, queries 8 at offset 0, keys 8), blocks 2×2 → 4×4"),
                picture);
        assertTrue(picture.endsWith("\np...\nFp..\nFFp.\nFFFp\n"), picture);
        assertTrue(cm.toString().contains("48 full, 32 partial, 48 empty"), cm.toString());
    }

    @Test
    void aKvCacheOffsetShiftsQueryBlocksAndRaggedEdgesAreSized() {
        // 3 new queries at positions 5..7 over 8 keys, blocks of 2: query block 1 is the single query 7
        CompiledMask cm = CompiledMask.compile(CausalMask.INSTANCE, new MaskShape(1, 1, 3, 8, 5), 2, 3);
        assertEquals(2, cm.queryBlocks());
        assertEquals(3, cm.keyBlocks());
        assertEquals(5, cm.queryFrom(0));
        assertEquals(7, cm.queryTo(0));
        assertEquals(7, cm.queryFrom(1));
        assertEquals(8, cm.queryTo(1));
        assertEquals(6, cm.keyFrom(2));
        assertEquals(8, cm.keyTo(2));
        assertEquals(BlockClass.FULL, cm.blockClass(0, 0, 1));  // queries 5,6 × keys 3..5
        assertEquals(BlockClass.PARTIAL, cm.blockClass(0, 0, 2)); // queries 5,6 × keys 6,7
        assertEquals(BlockClass.FULL, cm.blockClass(0, 1, 2));  // query 7 × keys 6,7
    }

    @Test
    void batchDependentMasksKeepOneSlicePerSequence() {
        Mask m = CausalMask.INSTANCE.and(new PaddingMask(4, 1));
        CompiledMask cm = CompiledMask.compile(m, new MaskShape(2, 3, 4, 4, 0), 2, 2);
        assertEquals(2, cm.slices());
        assertTrue(cm.byBatch());
        assertFalse(cm.byHead());
        assertEquals(1, cm.slice(1, 2));
        assertEquals(BlockClass.PARTIAL, cm.blockClass(cm.slice(1, 0), 1, 0)); // keys 0,1 with only key 0 valid
        assertEquals(BlockClass.FULL, cm.blockClass(cm.slice(0, 0), 1, 0));
        assertTrue(cm.render(1, 0).endsWith("p.\np.\n"), cm.render(1, 0));
    }

    @Test
    void masksDependingOnBatchAndHeadKeepOneSlicePerPair() {
        Mask m = new PaddingMask(5, 2).and(new dev.visor.mask.builtin.RandomMask(0.5, 3, 1, true));
        MaskShape shape = new MaskShape(2, 3, 6, 6, 0);
        CompiledMask cm = CompiledMask.compile(m, shape, 2, 2);
        assertEquals(6, cm.slices());
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 3; h++) {
                assertTrue(seen.add(cm.slice(b, h)));
                for (int qb = 0; qb < 3; qb++) {
                    for (int kb = 0; kb < 3; kb++) {
                        assertEquals(m.classify(b, h, cm.queryFrom(qb), cm.queryTo(qb), cm.keyFrom(kb), cm.keyTo(kb)),
                                cm.blockClass(cm.slice(b, h), qb, kb));
                    }
                }
            }
        }
    }

    @Test
    void checksBlockSizesAndTheShape() {
        MaskShape shape = new MaskShape(2, 1, 4, 4, 0);
        assertEquals("block sizes must be at least 1 but were 0×4",
                assertThrows(IllegalArgumentException.class, () -> CompiledMask.compile(CausalMask.INSTANCE, shape, 0, 4))
                        .getMessage());
        assertEquals("padding mask holds valid lengths for 3 sequences but the shape has batch 2",
                assertThrows(IllegalArgumentException.class,
                        () -> CompiledMask.compile(new PaddingMask(1, 2, 3), shape, 2, 2)).getMessage());
    }

    @Test
    void largeGridsRenderInGroups() {
        CompiledMask cm = CompiledMask.compile(CausalMask.INSTANCE, new MaskShape(1, 1, 1000, 1000, 0), 5, 5);
        String[] lines = cm.render().split("\n");
        assertTrue(lines[0].contains("each character is 4×4 blocks"), lines[0]);
        assertEquals(51, lines.length);
        assertEquals("p" + ".".repeat(49), lines[1]);
        assertEquals("F".repeat(49) + "p", lines[50]);
    }

    /**
     * The bar: compiling causal & sliding_window(left=256) at 65 536² with 128-blocks must not
     * touch the 4·10⁹ elements. Counting wrappers prove that the element predicate is never called and
     * that each leaf is classified at most once per block; sampled verification (the default for
     * such plugin-looking wrappers) adds at most nine elements per block, so compiling stays O(blocks).
     */
    @Test
    void compilingALongLocalMaskNeverEvaluatesElements() {
        Counting causal = new Counting(CausalMask.INSTANCE);
        Counting window = new Counting(new SlidingWindowMask(256, 0));
        MaskShape shape = new MaskShape(1, 1, 65_536, 65_536, 0);
        CompiledMask cm = CompiledMask.compile(causal.and(window), shape, 128, 128, MaskVerification.OFF);
        long blocks = 512L * 512;
        assertEquals(0, causal.attends.get());
        assertEquals(0, window.attends.get());
        assertEquals(blocks, causal.classifies.get());
        assertTrue(window.classifies.get() <= blocks);
        CompiledMask.compile(causal.and(window), shape, 128, 128, MaskVerification.SAMPLE);
        assertTrue(causal.attends.get() <= 9 * blocks, causal.attends + " elements checked for " + blocks + " blocks");
        assertTrue(causal.attends.get() > 0);
        // every query block sees its own diagonal block (partial) and the two before it: 1 + 2 partial/full
        assertEquals(512 + 511 + 510, cm.entries());
        assertEquals(512 + 510, cm.count(BlockClass.PARTIAL));
        assertEquals(511, cm.count(BlockClass.FULL));
    }

    @Test
    void theDefaultClassifyEnumeratesWhichIsWhyBuiltinsOverrideIt() {
        Counting plugin = new Counting(new TestStrategies.GoodMask());
        Mask noClosedForm = new Mask() {
            @Override
            public boolean attends(int b, int h, int q, int k) {
                return plugin.attends(b, h, q, k);
            }

            @Override
            public String spec() {
                return "good_test";
            }
        };
        CompiledMask cm = CompiledMask.compile(noClosedForm, new MaskShape(1, 1, 16, 16, 0), 4, 4);
        assertTrue(plugin.attends.get() > 0);
        assertTrue(cm.byBatch() && cm.byHead()); // the safe defaults
        assertEquals(16, cm.count(BlockClass.PARTIAL)); // (q + k) even: a checkerboard, mixed everywhere
    }
}
