package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every register tile gives the same bits: each element of C is summed over k in the same order
 * (p ascending, one FMA per step, scaled by alpha once), whichever kernel, edge panel or thread
 * split computed it. The tile is fixed per JVM, so child JVMs at this run's width compute the same
 * products with each tile forced ({@code -Dvisor.kernel.tile}, the override the 128-bit default
 * 6 × 4 keeps 8 × 3 reachable by) at one KC (64, so that products span one, two and several slabs),
 * on one thread and split across two; the digests of their results must agree. The differential
 * tests ({@code GemmProperties}) check the default tile against the reference at every width.
 */
class GemmTileBitsTest {
    /** Products of many shapes, layouts and alpha/beta with this JVM's tile; prints one digest of all the bits. */
    public static void main(String[] args) {
        int[][] shapes = {{7, 13, 5}, {13, 50, 70}, {25, 33, 130}, {48, 96, 64}, {50, 100, 200}, {17, 130, 65},
                {96, 200, 300}};
        long digest = GemmCheck.productDigest(shapes, 11);
        int products = shapes.length * 8;
        System.out.println("tile=" + VectorGemm.MR + "x" + VectorGemm.NV + " kc=" + VectorGemm.KC + " products="
                + products + " digest=" + Long.toHexString(digest));
    }

    private static final Pattern LINE = Pattern.compile("tile=(\\S+) kc=(\\d+) products=(\\d+) digest=(\\S+)");

    @Test
    void everyTileGivesTheSameBits() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has one kernel
        String first = null;
        for (String tile : MachineShape.GemmTiles.SUPPORTED.split(",\\s*")) {
            String out = ChildJvm.runAtThisWidth(GemmTileBitsTest.class, "-Dvisor.kernel.tile=" + tile,
                    "-Dvisor.kernel.kc=64");
            Matcher line = LINE.matcher(out);
            assertTrue(line.find(), out);
            assertEquals(tile, line.group(1), "the override did not take: " + out);
            assertEquals("64", line.group(2), out);
            String result = line.group(3) + " products, digest " + line.group(4);
            if (first == null) {
                first = result;
            } else {
                assertEquals(first, result, "tile " + tile + " against " + SUPPORTED_FIRST);
            }
        }
    }

    private static final String SUPPORTED_FIRST = MachineShape.GemmTiles.SUPPORTED.split(",")[0];
}
