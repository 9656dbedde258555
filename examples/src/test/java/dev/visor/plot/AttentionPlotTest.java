package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionPlotTest {

    @Test
    void weightsMapOntoTheScaleAndMaskedEntriesAreGrey() {
        // 2 queries × 3 keys; query 0 may not attend key 2
        float[] w = {0.25f, 0.75f, 0f, 0.5f, 0.25f, 0.25f};
        boolean[] attends = {true, true, false, true, true, true};
        Figure f = AttentionPlot.figure("t", List.of(), List.of(new AttentionPlot.Weights("head 0", 2, 3, w, attends)),
                null, null, 1);
        Panel p = f.panels().get(0);
        ColorScale v = ColorScale.viridis();
        double top = 0.75; // the largest visible weight, below 0.9: the scale stops there
        assertEquals(v.rgb(0.25 / top), p.rgb()[0]);
        assertEquals(v.rgb(1.0), p.rgb()[1]);
        assertEquals(AttentionPlot.MASKED, p.rgb()[2]);
        assertEquals(v.rgb(0.5 / top), p.rgb()[3]);
        Legend legend = legendOf(f);
        assertEquals(top, legend.bar().max(), 1e-6);
        assertEquals(List.of(new Legend.Swatch("masked", AttentionPlot.MASKED)), legend.swatches());
    }

    @Test
    void aScaleThatReachesNearlyOneGoesToOne() {
        Figure f = AttentionPlot.figure("t", List.of(), List.of(new AttentionPlot.Weights("", 1, 2, new float[] {0.95f, 0.05f}, null)),
                null, null, 1);
        assertEquals(1.0, legendOf(f).bar().max());
        assertTrue(legendOf(f).swatches().isEmpty());
    }

    @Test
    void largeMapsKeepTheirPeaksWhenDownsampled() {
        int n = 1200; // 3 positions per cell
        float[] w = new float[n * n];
        for (int q = 0; q < n; q++) w[q * n + (n - 1 - q)] = 1f; // the anti-diagonal of a reversal
        Figure f = AttentionPlot.figure("t", List.of(), List.of(new AttentionPlot.Weights("", n, n, w, null)), null, null, 1);
        Panel p = f.panels().get(0);
        assertEquals(400, p.rows());
        assertEquals(3, p.x().group());
        int bright = ColorScale.viridis().rgb(1);
        for (int r = 0; r < 400; r++) assertEquals(bright, p.rgb()[r * 400 + (399 - r)], "row " + r);
        assertEquals(ColorScale.viridis().rgb(0), p.rgb()[0]);
        assertTrue(f.subtitle().get(f.subtitle().size() - 1).contains("largest weight of 3×3"));
    }

    @Test
    void tokensBecomeAxisLabels() {
        Figure f = AttentionPlot.figure("t", List.of(), List.of(new AttentionPlot.Weights("", 2, 3, new float[6], null)),
                List.of("a", "b", "c"), List.of("x", "y"), 1);
        assertEquals(List.of("a", "b", "c"), f.panels().get(0).x().labels());
        assertEquals(List.of("x", "y"), f.panels().get(0).y().labels());
        assertNull(AttentionPlot.figure("t", List.of(), List.of(new AttentionPlot.Weights("", 2, 3, new float[6], null)),
                null, null, 1).panels().get(0).x().labels());
    }

    @Test
    void badInputNamesTheMap() {
        assertEquals("map 'h' is 2×3 but has 5 weights", assertThrows(IllegalArgumentException.class,
                () -> new AttentionPlot.Weights("h", 2, 3, new float[5], null)).getMessage());
        AttentionPlot.Weights a = new AttentionPlot.Weights("a", 2, 2, new float[4], null);
        AttentionPlot.Weights b = new AttentionPlot.Weights("b", 2, 3, new float[6], null);
        assertEquals("map 'b' is 2×3 but the first map is 2×2", assertThrows(IllegalArgumentException.class,
                () -> AttentionPlot.figure("t", List.of(), List.of(a, b), null, null, 2)).getMessage());
        AttentionPlot.Weights nan = new AttentionPlot.Weights("n", 1, 2, new float[] {Float.NaN, 1}, null);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AttentionPlot.figure("t", List.of(), List.of(nan), null, null, 1)).getMessage().contains("non-finite"));
        assertThrows(IllegalArgumentException.class, () -> AttentionPlot.figure("t", List.of(), List.of(), null, null, 1));
    }

    private static Legend legendOf(Figure f) {
        return f.legend();
    }
}
