package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import org.junit.jupiter.api.Test;

class MaskPlotTest {

    @Test
    void everyElementHasTheColourOfItsClass() {
        MaskContext ctx = MaskContext.builder(2, 1, 20, 20).validLengths(20, 13).build();
        Mask mask = MaskRegistry.load().create("sliding_window(left=4) & padding", ctx);
        CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), 8, 8);
        Figure f = MaskPlot.figure(cm, 1, 0);
        Panel p = f.panels().get(0);
        assertEquals(20, p.rows());
        assertEquals(20, p.cols());
        for (int q = 0; q < 20; q++) {
            for (int k = 0; k < 20; k++) {
                int expected = mask.attends(1, 0, q, k) ? MaskPlot.ATTENDS
                        : cm.blockClass(cm.slice(1, 0), q / 8, k / 8) == BlockClass.EMPTY ? MaskPlot.SKIPPED : MaskPlot.COMPUTED;
                assertEquals(expected, p.rgb()[q * 20 + k], "q=" + q + " k=" + k);
            }
        }
        assertEquals("sequence 1, head 0", p.title());
        assertEquals(8, p.x().gridEvery());
        assertEquals("mask: sliding_window(left=4, right=0) & padding", f.title());
    }

    @Test
    void largeMasksAreDownsampledByBlendingCounts() {
        MaskContext ctx = MaskContext.builder(1, 1, 4096, 4096).build();
        Mask mask = MaskRegistry.load().create("causal", ctx);
        CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), 128, 128);
        Panel p = MaskPlot.figure(cm, 0, 0).panels().get(0);
        assertEquals(512, p.rows());
        assertEquals(8, p.x().group());
        assertEquals(MaskPlot.ATTENDS, p.rgb()[511 * 512]);          // bottom-left: all attend
        assertEquals(MaskPlot.SKIPPED, p.rgb()[511]);                // top-right: an EMPTY block
        // a diagonal cell of 8×8 holds 36 attending and 28 computed elements
        assertEquals(ColorScale.blend(new double[] {36, 28, 0}, new int[] {MaskPlot.ATTENDS, MaskPlot.COMPUTED, MaskPlot.SKIPPED}),
                p.rgb()[5 * 512 + 5]);
    }

    @Test
    void aQueryOffsetLabelsAbsolutePositions() {
        MaskContext ctx = MaskContext.builder(1, 1, 4, 16).queryOffset(12).build();
        CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 4, 4);
        Panel p = MaskPlot.figure(cm, 0, 0).panels().get(0);
        assertEquals(12, p.y().start());
        for (int k = 0; k < 16; k++) {
            assertEquals(k <= 12, p.rgb()[k] == MaskPlot.ATTENDS, "row 0 is query 12; key " + k);   // causal: k <= 12
            assertEquals(k <= 15, p.rgb()[3 * 16 + k] == MaskPlot.ATTENDS, "row 3 is query 15; key " + k);
        }
    }

    @Test
    void theSequenceMustExist() {
        MaskContext ctx = MaskContext.builder(1, 1, 4, 4).build();
        CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal", ctx), ctx.shape(), 4, 4);
        assertThrows(IllegalArgumentException.class, () -> MaskPlot.figure(cm, 1, 0));
    }
}
