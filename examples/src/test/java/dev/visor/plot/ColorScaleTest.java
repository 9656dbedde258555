package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ColorScaleTest {

    @Test
    void endsAndMiddleOfViridis() {
        ColorScale v = ColorScale.viridis();
        assertEquals(0x440154, v.rgb(0));
        assertEquals(0xfde725, v.rgb(1));
        assertEquals(ColorScale.mix(0x26828e, 0x1f9e89, 0.5), v.rgb(0.5)); // halfway between anchors 4 and 5 of 10
    }

    @Test
    void valuesOutsideTheRangeAreClamped() {
        ColorScale v = ColorScale.viridis();
        assertEquals(v.rgb(0), v.rgb(-3));
        assertEquals(v.rgb(1), v.rgb(7));
        assertEquals(v.rgb(0), v.rgb(Double.NaN));
    }

    @Test
    void mixAndBlend() {
        assertEquals(0x808080, ColorScale.mix(0x000000, 0xffffff, 0.5020));
        assertEquals(0x102030, ColorScale.mix(0x102030, 0xffffff, 0));
        assertEquals(0x400000, ColorScale.blend(new double[] {1, 3}, new int[] {0xff0000, 0x000000}));
        assertEquals(0x00ff00, ColorScale.blend(new double[] {0, 2}, new int[] {0xff0000, 0x00ff00}));
        assertThrows(IllegalArgumentException.class, () -> ColorScale.blend(new double[] {0, 0}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ColorScale.blend(new double[] {1}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> ColorScale.of(0xffffff));
    }
}
