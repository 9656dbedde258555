package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block size chosen per compiled mask, and that only mostly-PARTIAL masks are tried at other sizes. */
class KernelBlocksTest {
    private final MaskCompiler masks = MaskCompiler.load();
    private final MaskShape shape = new MaskShape(1, 4, 1024, 1024, 0);

    private int blockFor(String spec) {
        return masks.compile(masks.registry().create(spec, MaskContext.of(shape)), shape).blockQ();
    }

    @Test
    void narrowWindowsGetSmallerTiles() {
        assertEquals(16, blockFor("sliding_window(left=15)"));
        assertEquals(16, blockFor("sliding_window(left=7) & causal"));
    }

    @Test
    void denseCausalAndWideWindowMasksKeep64() {
        for (String spec : new String[] {"full", "causal", "sliding_window(left=127)", "chunked(size=64)"}) {
            assertEquals(64, blockFor(spec), spec);
        }
    }

    @Test
    void mostlyFullMasksCompileNothingElse() {
        CompiledMask causal = CompiledMask.compile(masks.registry().create("causal", MaskContext.of(shape)), shape, 64, 64);
        List<Integer> tried = new ArrayList<>();
        assertEquals(causal, KernelBlocks.choose(causal, b -> {
            tried.add(b);
            return causal;
        }));
        assertTrue(tried.isEmpty(), "tried " + tried);
    }

    @Test
    void shortCallsAreNotRecompiledAtSizesThatSplitNothing() {
        MaskShape tiny = new MaskShape(2, 2, 12, 12, 0);
        CompiledMask causal = CompiledMask.compile(masks.registry().create("causal", MaskContext.of(tiny)), tiny, 64, 64);
        List<Integer> tried = new ArrayList<>();
        assertEquals(causal, KernelBlocks.choose(causal, b -> {
            tried.add(b);
            return causal;
        }), "one PARTIAL 12 × 12 block stays as it is");
        assertTrue(tried.isEmpty(), "tried " + tried);
        MaskShape mid = new MaskShape(1, 1, 24, 24, 0);
        CompiledMask window = CompiledMask.compile(masks.registry().create("sliding_window(left=3)", MaskContext.of(mid)),
                mid, 64, 64);
        KernelBlocks.choose(window, b -> {
            tried.add(b);
            return CompiledMask.compile(window.mask(), mid, b, b);
        });
        assertEquals(List.of(16), tried, "32 splits nothing of 24 positions; 16 does");
    }

    @Test
    void theChosenSizeIsCompiledOnceAndReused() {
        var mask = masks.registry().create("sliding_window(left=15)", MaskContext.of(shape));
        CompiledMask first = masks.compile(mask, shape);
        assertTrue(first == masks.compile(mask, shape), "the same compiled mask from the cache");
    }

    @Test
    void theCostModelWeighsPartialElementsAndBlocks() {
        CompiledMask window = CompiledMask.compile(masks.registry().create("sliding_window(left=15)", MaskContext.of(shape)),
                shape, 64, 64);
        // 16 diagonal PARTIAL blocks and 15 below them, 4 heads: 2 · 4096 elements + 900 per block
        assertEquals(4 * 31 * (2.0 * 4096 + 900), KernelBlocks.cost(window));
    }
}
