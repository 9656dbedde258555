package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigureTest {
    @TempDir
    Path tmp;

    @Test
    void ticksAreNiceAndNeverCloserThanAsked() {
        assertEquals(List.of(0, 1, 2, 3), Figure.ticks(Axis.of("k", 4), 40, 20));
        assertEquals(List.of(0, 2, 4, 6, 8), Figure.ticks(Axis.of("k", 10), 12, 20));
        assertEquals(List.of(0, 50, 100, 150, 200, 250), Figure.ticks(Axis.of("k", 300), 1, 30));
        // queries 12..15 of a KV-cache step: ticks at absolute positions
        assertEquals(List.of(12, 13, 14, 15), Figure.ticks(Axis.of("q", 4).startingAt(12), 30, 16));
        for (int length : new int[] {1, 7, 64, 999, 65_536}) {
            for (double px : new double[] {0.01, 0.3, 1, 3.7, 40}) {
                List<Integer> ticks = Figure.ticks(Axis.of("k", length), px, 25);
                assertTrue(!ticks.isEmpty() && ticks.get(0) == 0, ticks::toString);
                for (int i = 1; i < ticks.size(); i++) assertTrue((ticks.get(i) - ticks.get(i - 1)) * px >= 25, ticks::toString);
            }
        }
    }

    @Test
    void numbersOnTheColourBar() {
        assertEquals("0", Figure.format(0));
        assertEquals("0.25", Figure.format(0.25));
        assertEquals("0.5", Figure.format(0.5));
        assertEquals("1", Figure.format(1));
        assertEquals("12.5", Figure.format(12.5));
        assertEquals("1.0e-03", Figure.format(0.001));
        assertEquals("abcdefghijk…", Figure.shorten("abcdefghijklmnop"));
        assertEquals("\\n", Figure.shorten("\n"));
    }

    @Test
    void cellsAreLargeForSmallMatricesAndOnePixelAtTheLimit() {
        assertEquals(40, figure(4, 4, 1).cellPx());
        assertEquals(35, figure(16, 16, 1).cellPx());
        assertEquals(560.0 / 300, figure(300, 300, 1).cellPx(), 1e-12);
        assertEquals(560.0 / 512, figure(512, 512, 1).cellPx(), 1e-12);
        assertEquals(30, figure(8, 8, 4).cellPx());
    }

    @Test
    void theImageFitsItsPanelsAndStaysModest() {
        for (int n : new int[] {1, 4, 16, 64, 300, 512}) {
            BufferedImage image = figure(n, n, 1).render();
            assertTrue(image.getWidth() >= 150 && image.getWidth() <= 1000, n + ": " + image.getWidth());
            assertTrue(image.getHeight() >= 100 && image.getHeight() <= 800, n + ": " + image.getHeight());
        }
        BufferedImage grid = figure(12, 12, 8).render();
        assertTrue(grid.getWidth() > grid.getHeight(), "8 panels in rows of 4 are wider than tall");
    }

    @Test
    void cellColoursAppearInThePicture() {
        int[] rgb = new int[16];
        Arrays.fill(rgb, 0x123456);
        rgb[5] = 0xabcdef;
        Figure f = new Figure("t", List.of(), List.of(new Panel("", Axis.of("key position", 4), Axis.of("query position", 4), rgb)), 1, null);
        BufferedImage image = f.render();
        assertEquals(40 * 40, count(image, 0xabcdef));
        assertEquals(15 * 40 * 40, count(image, 0x123456));
    }

    @Test
    void writesAPngAtomicallyAndCreatesNoFolders() throws IOException {
        Path missing = tmp.resolve("a/b/figure.png");
        IOException e = assertThrows(IOException.class, () -> figure(8, 8, 1).writePng(missing));
        assertEquals("the folder " + tmp.resolve("a/b").toAbsolutePath() + " does not exist; create it first", e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("a")), "no folder was created");
        Path file = Files.createDirectories(tmp.resolve("a/b")).resolve("figure.png");
        BufferedImage written = figure(8, 8, 1).writePng(file);
        BufferedImage read = ImageIO.read(file.toFile());
        assertNotNull(read);
        assertEquals(written.getWidth(), read.getWidth());
        assertEquals(written.getRGB(written.getWidth() / 2, written.getHeight() / 2), read.getRGB(read.getWidth() / 2, read.getHeight() / 2));
        figure(16, 16, 1).writePng(file);
        assertTrue(ImageIO.read(file.toFile()).getWidth() != read.getWidth() || ImageIO.read(file.toFile()).getHeight() != read.getHeight());
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aFailedWriteLeavesWhatWasThere() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("taken.png"));
        Path inside = Files.writeString(dir.resolve("keep.txt"), "keep");
        assertThrows(IOException.class, () -> figure(4, 4, 1).writePng(dir));
        assertEquals("keep", Files.readString(inside));
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void figuresNeedPanels() {
        assertThrows(IllegalArgumentException.class, () -> new Figure("t", List.of(), List.of(), 1, null));
        assertThrows(IllegalArgumentException.class, () -> new Panel("p", Axis.of("x", 2), Axis.of("y", 2), new int[3]));
    }

    static Figure figure(int rows, int cols, int panels) {
        List<Panel> list = new java.util.ArrayList<>();
        for (int p = 0; p < panels; p++) {
            int[] rgb = new int[rows * cols];
            for (int i = 0; i < rgb.length; i++) rgb[i] = ColorScale.viridis().rgb((double) i / rgb.length);
            list.add(new Panel("head " + p, Axis.of("key position", cols), Axis.of("query position", rows), rgb));
        }
        return new Figure("title", List.of("subtitle"), list, 4, Legend.bar(ColorScale.viridis(), 0, 1, "weight"));
    }

    static long count(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }
}
