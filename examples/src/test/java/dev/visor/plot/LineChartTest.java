package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartTest {
    @TempDir
    Path tmp;

    @Test
    void ticksAreRoundNumbersInsideTheRange() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), LineChart.ticks(0, 1));
        assertEquals(List.of(3.0, 3.5, 4.0, 4.5, 5.0, 5.5), LineChart.ticks(2.9, 5.6));
        assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0, 1200.0), LineChart.ticks(0, 1200));
        assertEquals("2.5", LineChart.format(2.5));
        assertEquals("1.0e-04", LineChart.format(1e-4));
    }

    @Test
    void longCategoryNamesWrapAtOperators() {
        assertArrayEquals(new String[] {"decoder_mask=causal &", "padding"}, LineChart.wrap("decoder_mask=causal & padding"));
        assertArrayEquals(new String[] {"a=1,", "b=2"}, LineChart.wrap("a=1, b=2"));
    }

    @Test
    void drawsSeriesInTheirColoursAndErrorBarsSpanTheirRange() throws Exception {
        LineChart.Series line = LineChart.Series.line("rising", 0xD55E00, new double[] {0, 1, 2}, new double[] {0, 1, 2});
        LineChart.Series bars = LineChart.Series.points("bars", 0x0072B2, new double[] {1}, new double[] {1}, new double[] {-3},
                new double[] {5});
        LineChart chart = new LineChart("t", List.of("sub"), "x", "y", null, List.of(line, bars));
        BufferedImage img = chart.writePng(tmp.resolve("c.png"));
        assertEquals(img.getWidth(), ImageIO.read(tmp.resolve("c.png").toFile()).getWidth());
        assertTrue(count(img, 0xD55E00) > 100, "the line is drawn");
        assertTrue(count(img, 0x0072B2) > 50, "the error bar and point are drawn");
        // the error bar spans y from -3 to 5: its column holds blue pixels over most of the plot's height
        int column = -1;
        int best = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            int n = 0;
            for (int y = 0; y < img.getHeight(); y++) if ((img.getRGB(x, y) & 0xffffff) == 0x0072B2) n++;
            if (n > best) {
                best = n;
                column = x;
            }
        }
        assertTrue(best > 250, "a tall error bar, " + best + " px at x = " + column);
    }

    @Test
    void mismatchedSeriesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LineChart.Series.line("a", 0, new double[] {1, 2}, new double[] {1}));
        assertEquals("x has 2 values but y has 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", List.of(), "x", "y", null, List.of()));
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }
}
