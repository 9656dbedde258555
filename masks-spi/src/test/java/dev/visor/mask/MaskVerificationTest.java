package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.CausalMask;
import org.junit.jupiter.api.Test;

/** Compiling checks a plugin's classify against its attends, and names the strategy, block and element. */
class MaskVerificationTest {
    private static final MaskShape LONG = new MaskShape(1, 2, 384, 384, 0);

    /**
     * A plugin mask with a causal predicate whose classify is exact except on one 64×64 kernel block,
     * queries [256, 320) × keys [128, 192), which it calls EMPTY although every element there attends.
     */
    record OneWrongBlock() implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            if (queryFrom >= 256 && queryTo <= 320 && keyFrom >= 128 && keyTo <= 192) return BlockClass.EMPTY;
            return CausalMask.INSTANCE.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        }

        @Override
        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public boolean dependsOnHead() {
            return false;
        }

        @Override
        public String spec() {
            return "one_wrong_block";
        }
    }

    /** Causal plus the one element (10, 100), which its classify misses: [0, 64) × [64, 128) is not EMPTY. */
    record OneElementDefect() implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query || (query == 10 && key == 100);
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            return CausalMask.INSTANCE.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        }

        @Override
        public String spec() {
            return "wrong_diagonal";
        }
    }

    @Test
    void aWronglyEmptyPluginBlockFailsAtCompileTimeNamingTheBlockAndAnElement() {
        MaskVerificationException e = assertThrows(MaskVerificationException.class,
                () -> CompiledMask.compile(new OneWrongBlock(), LONG, 64, 64, MaskVerification.DEFAULT));
        assertEquals("one_wrong_block", e.spec());
        assertTrue(e.getMessage().startsWith("mask 'one_wrong_block' (" + OneWrongBlock.class.getName()
                + ") classified block queries [256, 320) × keys [128, 192) of sequence 0, head 0 as EMPTY, but attends(0, 0, 256, 128) is true"),
                e.getMessage());
    }

    @Test
    void theStrategyAtFaultIsNamedInsideAComposite() {
        Mask m = Masks.and(CausalMask.INSTANCE, Masks.not(Masks.not(new OneWrongBlock())));
        MaskVerificationException e = assertThrows(MaskVerificationException.class,
                () -> CompiledMask.compile(m, LONG, 64, 64, MaskVerification.SAMPLE));
        assertEquals("one_wrong_block", e.spec());
    }

    @Test
    void theDefaultModeFollowsTheSystemProperty() {
        String before = System.getProperty(MaskVerification.PROPERTY);
        try {
            System.clearProperty(MaskVerification.PROPERTY);
            assertEquals(MaskVerification.DEFAULT, MaskVerification.configured());
            assertThrows(MaskVerificationException.class, () -> CompiledMask.compile(new OneWrongBlock(), LONG, 64, 64));
            assertThrows(MaskVerificationException.class, () -> new CompiledMaskCache(4).get(new OneWrongBlock(), LONG, 64, 64));
            System.setProperty(MaskVerification.PROPERTY, "off");
            assertEquals(MaskVerification.OFF, MaskVerification.configured());
            CompiledMask trusted = CompiledMask.compile(new OneWrongBlock(), LONG, 64, 64);
            assertEquals(BlockClass.EMPTY, trusted.blockClass(0, 4, 2)); // the wrong class, trusted
            CompiledMaskCache cache = new CompiledMaskCache(4);
            assertEquals(BlockClass.EMPTY, cache.get(new OneWrongBlock(), LONG, 64, 64).blockClass(0, 4, 2));
            System.clearProperty(MaskVerification.PROPERTY); // an entry compiled while trusted is not reused unverified
            assertThrows(MaskVerificationException.class, () -> cache.get(new OneWrongBlock(), LONG, 64, 64));
            System.setProperty(MaskVerification.PROPERTY, "Full");
            assertEquals(MaskVerification.FULL, MaskVerification.configured());
            System.setProperty(MaskVerification.PROPERTY, "some");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, MaskVerification::configured);
            assertEquals("visor.masks.verify is 'some' but must be one of off, sample, full, default", bad.getMessage());
        } finally {
            if (before == null) System.clearProperty(MaskVerification.PROPERTY);
            else System.setProperty(MaskVerification.PROPERTY, before);
        }
    }

    @Test
    void anExplicitModeOnTheCacheWinsOverTheProperty() {
        CompiledMaskCache trusting = new CompiledMaskCache(4, MaskVerification.OFF);
        assertEquals(BlockClass.EMPTY, trusting.get(new OneWrongBlock(), LONG, 64, 64).blockClass(0, 4, 2));
        assertThrows(MaskVerificationException.class,
                () -> new CompiledMaskCache(4, MaskVerification.SAMPLE).get(new OneWrongBlock(), LONG, 64, 64));
    }

    @Test
    void fullModeFindsAOneElementDefectThatSamplingMisses() {
        MaskShape shape = new MaskShape(1, 1, 128, 128, 0);
        CompiledMask.compile(new OneElementDefect(), shape, 64, 64, MaskVerification.SAMPLE); // (10, 100) is not among the samples
        MaskVerificationException e = assertThrows(MaskVerificationException.class,
                () -> CompiledMask.compile(new OneElementDefect(), shape, 64, 64, MaskVerification.FULL));
        assertTrue(e.getMessage().contains("block queries [0, 64) × keys [64, 128) of sequence 0, head 0 as EMPTY"), e.getMessage());
        assertTrue(e.getMessage().endsWith("but attends(0, 0, 10, 100) is true; its classify must be sound (PARTIAL is always allowed)"),
                e.getMessage());
    }

    @Test
    void builtinsAreTrustedByDefaultAndPluginsAreNot() {
        assertTrue(Providers.isBuiltin(CausalMask.INSTANCE));
        assertFalse(Providers.isBuiltin(new OneWrongBlock()));
        assertEquals(MaskVerification.OFF, MaskVerification.DEFAULT.forLeaf(true));
        assertEquals(MaskVerification.SAMPLE, MaskVerification.DEFAULT.forLeaf(false));
        assertEquals(MaskVerification.FULL, MaskVerification.FULL.forLeaf(true));
        // every built-in survives full verification on a shape spanning several blocks
        MaskContext ctx = MaskContext.builder(2, 2, 200, 200).validLengths(200, 150).segmentIds(new int[2][200])
                .tokenIds(new int[2][200]).build();
        for (String spec : java.util.List.of("full", "causal", "padding", "query_padding", "document", "sliding_window(left=70, right=3)",
                "prefix_lm(prefix=90)", "chunked(size=50)", "dilated(left=100, dilation=3)", "global(positions=[0, 130])",
                "random(density=0.3, seed=4, block=32, per_head=true)", "token(ids=[0])")) {
            Mask m = dev.visor.mask.builtin.Builtins.registry().create(spec, ctx);
            CompiledMask.compile(m, ctx.shape(), 64, 32, MaskVerification.FULL);
        }
    }
}
