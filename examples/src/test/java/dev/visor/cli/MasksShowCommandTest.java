package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.plot.MaskPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasksShowCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theElementViewIsTheMaskPredicate() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & sliding_window(left=3)", "--query-len", "16", "--block", "4");
        assertEquals(0, r.exitCode(), r::toString);
        assertGrid(elementRows(r.out()), 0, 16, 16, (q, k) -> k <= q && q - k <= 3);
        assertTrue(r.out().startsWith("mask     causal & sliding_window(left=3, right=0)\n"), r::toString);
    }

    @Test
    void statisticsAreThoseOfTheCompiledMask() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & sliding_window(left=3)", "--query-len", "16", "--block", "4");
        MaskContext ctx = MaskContext.builder(1, 1, 16, 16).build();
        Mask mask = MaskRegistry.load().create("causal & sliding_window(left=3)", ctx);
        CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), 4, 4);
        assertTrue(r.out().contains("sequence 0, head 0: EMPTY " + cm.count(BlockClass.EMPTY, 0, 0) + ", FULL "
                + cm.count(BlockClass.FULL, 0, 0) + ", PARTIAL " + cm.count(BlockClass.PARTIAL, 0, 0) + "\n"), r::toString);
        assertEquals(cm.count(BlockClass.EMPTY), cm.count(BlockClass.EMPTY, 0, 0)); // one (sequence, head): the same
        // 16 + 15 + 14 + 13 diagonals attend: 58 of 256 = 22.7 %; 7 non-empty 4×4 blocks = 43.8 %
        assertTrue(r.out().contains("density  22.7 % of the 256 scores attend; the kernel computes 43.8 %"), r::toString);
        String blocks = r.out().substring(r.out().indexOf("blocks of sequence 0"));
        assertEquals(List.of("p...", "pp..", ".pp.", "..pp"), blocks.lines().skip(1).limit(4).toList());
    }

    @Test
    void contextOptionsReachTheMask() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & padding", "--query-len", "16",
                "--valid-lengths", "16,11", "--sequence", "1", "--block", "4");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("shape    2 sequences × 1 head"), r::toString);
        assertTrue(r.out().contains("varies   by sequence"), r::toString);
        assertGrid(elementRows(r.out()), 0, 16, 16, (q, k) -> k <= q && k < 11);
        // counts are those of the chosen (sequence, head); the totals over both sequences follow
        MaskContext ctx = MaskContext.builder(2, 1, 16, 16).validLengths(16, 11).build();
        CompiledMask cm = CompiledMask.compile(MaskRegistry.load().create("causal & padding", ctx), ctx.shape(), 4, 4);
        assertEquals(1, cm.count(BlockClass.EMPTY, 1, 0) - cm.count(BlockClass.EMPTY, 0, 0)); // keys 12..15 are padding: the last diagonal block
        assertTrue(r.out().contains("sequence 1, head 0: EMPTY " + cm.count(BlockClass.EMPTY, 1, 0) + ", FULL "
                + cm.count(BlockClass.FULL, 1, 0) + ", PARTIAL " + cm.count(BlockClass.PARTIAL, 1, 0) + "\n"), r::toString);
        assertTrue(r.out().contains("all 2 (sequence, head) pairs: EMPTY " + cm.count(BlockClass.EMPTY) + ", FULL "
                + cm.count(BlockClass.FULL) + ", PARTIAL " + cm.count(BlockClass.PARTIAL) + " (of 32)"), r::toString);
        assertEquals(cm.count(BlockClass.PARTIAL), cm.count(BlockClass.PARTIAL, 0, 0) + cm.count(BlockClass.PARTIAL, 1, 0));
    }

    @Test
    void aQueryOffsetShiftsTheQueryPositions() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "--query-len", "4", "--offset", "12");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("queries 12..15, keys 0..15"), r::toString);
        assertGrid(elementRows(r.out()), 12, 4, 16, (q, k) -> k <= q);
    }

    @Test
    void segmentAndTokenIds() {
        CliRunner.Result r = CliRunner.run("masks", "show", "document & !token(ids=[7])", "--query-len", "6",
                "--segment-ids", "0,0,0,1,1,1", "--token-ids", "5,7,5,5,7,5");
        assertEquals(0, r.exitCode(), r::toString);
        int[] seg = {0, 0, 0, 1, 1, 1};
        int[] tok = {5, 7, 5, 5, 7, 5};
        assertGrid(elementRows(r.out()), 0, 6, 6, (q, k) -> seg[q] == seg[k] && tok[k] != 7);
    }

    @Test
    void largeMasksAreShownInGroups() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "--query-len", "1000", "--block", "64");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("each character covers 16 queries × 11 keys"), r::toString);
        List<String> rows = elementRows(r.out());
        assertEquals(63, rows.size());
        for (String row : rows) assertEquals(91, row.length());
        assertEquals("++" + ".".repeat(89), rows.get(0)); // queries 0..15 see keys 0..15: two groups of 11 keys
        assertTrue(rows.get(62).startsWith("##########"), rows.get(62));
    }

    @Test
    void writesThePicture() throws IOException {
        Path png = Files.createDirectories(tmp.resolve("pictures")).resolve("mask.png");   // --png creates no folder
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & sliding_window(left=3)", "--query-len", "16", "--block", "4",
                "--png", png.toString());
        assertEquals(0, r.exitCode(), r::toString);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertTrue(r.out().contains("wrote " + png + " (" + image.getWidth() + "×" + image.getHeight() + " px)"), r::toString);
        assertTrue(count(image, MaskPlot.ATTENDS) > 0 && count(image, MaskPlot.COMPUTED) > 0 && count(image, MaskPlot.SKIPPED) > 0);
        try (var files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aPictureThatCannotBeWrittenFailsAndLeavesOtherFilesAlone() throws IOException {
        Path notAFolder = tmp.resolve("notes.txt");
        Files.writeString(notAFolder, "keep me");
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "--query-len", "4",
                "--png", notAFolder.resolve("mask.png").toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor masks show: cannot write " + notAFolder.resolve("mask.png")), r::toString);
        assertEquals("keep me", Files.readString(notAFolder));
    }

    @Test
    void aMalformedSpecNamesTheColumn() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & sliding_window(left=3", "--query-len", "4");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("visor masks show: bad mask spec: expected ',' or ')' at column 31 but found end of input"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownMaskSuggestsTheClosestName() {
        CliRunner.Result r = CliRunner.run("masks", "show", "casual", "--query-len", "4");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("unknown mask 'casual' at column 1; did you mean 'causal'?"), r::toString);
    }

    @Test
    void aBadArgumentValueNamesTheParameter() {
        CliRunner.Result r = CliRunner.run("masks", "show", "sliding_window(left=-2)", "--query-len", "4");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("left") && r.err().contains("-2") && r.err().contains("column"), r::toString);
    }

    @Test
    void aMissingContextFieldNamesTheOptionToAdd() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal & padding", "--query-len", "4");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("visor masks show: mask 'padding' needs per-sequence valid key ranges; "
                + "give them with --valid-lengths or --key-valid-lengths"), r.errLines());
    }

    @Test
    void contextValuesThatDoNotFitNameTheOption() {
        assertUsage("--valid-lengths value 9 (sequence 0) is outside [0, 8]", "padding", "-q", "8", "--valid-lengths", "9");
        assertUsage("--valid-lengths has 2 values but the batch has 3 sequences; give one per sequence",
                "padding", "-q", "8", "--valid-lengths", "8,4", "--batch", "3");
        assertUsage("--segment-ids for sequence 0 has 3 ids but there are 4 positions; give one id per position",
                "document", "-q", "4", "--segment-ids", "0,0,1");
        assertUsage("--token-ids for sequence 0: 'x' at position 1 is not an integer",
                "token(ids=[1])", "-q", "2", "--token-ids", "1,x");
        assertUsage("--sequence 2 is outside [0, 1]", "padding", "-q", "4", "--valid-lengths", "4,4", "--sequence", "2");
        assertUsage("--query-len must be at least 1 but is 0", "causal", "-q", "0");
        assertUsage("block sizes must be at least 1 but are 0 × 0", "causal", "-q", "4", "--block", "0");
        assertUsage("give either --valid-lengths (self-attention) or --query-valid-lengths/--key-valid-lengths "
                + "(cross-attention), not both", "padding", "-q", "4", "--valid-lengths", "4", "--key-valid-lengths", "4");
    }

    private static void assertUsage(String message, String... args) {
        List<String> all = new ArrayList<>(List.of("masks", "show"));
        all.addAll(List.of(args));
        CliRunner.Result r = CliRunner.run(all.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(List.of("visor masks show: " + message), r.errLines());
        assertFalse(r.out().contains("mask     "), r::toString);
    }

    /** The rows of the element view: one string of '#' and '.' per query. */
    static List<String> elementRows(String out) {
        List<String> lines = out.lines().toList();
        int header = 0;
        while (!lines.get(header).startsWith("elements of sequence")) header++;
        List<String> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && !lines.get(i).isBlank(); i++) {
            String line = lines.get(i).trim();
            rows.add(line.substring(line.indexOf(' ') + 1));
        }
        return rows;
    }

    private static void assertGrid(List<String> rows, int offset, int queries, int keys, BiPredicate<Integer, Integer> attends) {
        assertEquals(queries, rows.size(), rows::toString);
        for (int i = 0; i < queries; i++) {
            char[] expected = new char[keys];
            for (int k = 0; k < keys; k++) expected[k] = attends.test(offset + i, k) ? '#' : '.';
            assertArrayEquals(expected, rows.get(i).toCharArray(), "query " + (offset + i) + ": " + rows.get(i));
        }
    }

    private static long count(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) if ((image.getRGB(x, y) & 0xffffff) == rgb) n++;
        }
        return n;
    }
}
