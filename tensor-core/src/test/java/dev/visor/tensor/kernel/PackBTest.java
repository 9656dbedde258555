package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GemmPack#packB} against its documented layout, element by element, at whatever width
 * this JVM runs (Surefire runs it at 512 bits, AVX2 and 128 bits): panel {@code q} holds, for each
 * p, the {@link VectorGemm#panelCols} values of row p of {@code op(B)[pc:pc+kc, jc:jc+nc]} from column
 * {@link VectorGemm#panelStart} at {@code q·NR·kc + p·NR}, the rest of its NR zero, nothing outside
 * the packed range written; widths below, at and past whole panels, an odd number of panels, a
 * last panel of at most one vector (split in two under the 4 × 3 and 8 × 3 tiles), and a transposed B. The
 * partition itself is checked against its definition for every width up to 300. Child JVMs pack
 * with other {@link GemmPack#PACK_B_ROWS} groups of rows (one, three, and more than the depth) and
 * must write the same bits.
 */
class PackBTest {
    /** Packs untransposed blocks of several depths and widths; prints the group of rows and a digest of every packed float. */
    public static void main(String[] args) {
        long digest = 17;
        int[][] cases = {{37, 3, 5}, {53, 2, 7}, {1, 2, 1}, {29, 1, 1}, {64, 5, 0}, {70, 0, 11}};
        for (int[] c : cases) {
            int kc = c[0];
            int nc = c[1] * VectorGemm.NR + c[2];
            int ldb = nc + 9;
            float[] b = GemmCheck.random(new SplittableRandom(kc * 131L + nc), (kc + 4) * ldb);
            float[] bp = new float[(nc + VectorGemm.NR - 1) / VectorGemm.NR * VectorGemm.NR * kc + 6];
            Arrays.fill(bp, Float.NaN);
            GemmPack.packB(false, b, 1, ldb, 2, kc, 3, nc, bp, 3);
            for (float v : bp) {
                digest = digest * 31 + Float.floatToRawIntBits(v);
            }
        }
        System.out.println("packBGroup=" + GemmPack.PACK_B_ROWS + " digest=" + Long.toHexString(digest));
    }

    private static final Pattern LINE = Pattern.compile("packBGroup=(\\d+) digest=(\\S+)");

    @Test
    void everyGroupOfRowsPacksTheSameBits() throws IOException, InterruptedException {
        assumeTrue(VectorSupport.available(), "packB is part of the vector path");
        String[] byDefault = ChildJvm.lineAtThisWidth(PackBTest.class, LINE);
        assertEquals("8", byDefault[0], "the default group");
        for (String group : new String[] {"1", "3", "100"}) {
            String[] other = ChildJvm.lineAtThisWidth(PackBTest.class, LINE, "-Dvisor.kernel.packBGroup=" + group);
            assertEquals(group, other[0]);
            assertEquals(byDefault[1], other[1], "packBGroup=" + group + " against the default");
        }
    }

    @ParameterizedTest(name = "transB={0} kc={1} panels={2} extra={3}")
    @CsvSource({
        "false, 37, 0, 5",    // only a partial panel
        "false, 37, 1, 0",    // exactly one panel
        "false, 37, 3, 0",    // whole panels only
        "false, 53, 2, 7",    // whole panels and a partial one
        "false, 1, 2, 1",     // depth one
        "true, 37, 0, 5",
        "true, 53, 2, 7",
        "false, 29, 1, 1",    // one column past a panel: split where SPLIT_LAST
        "true, 29, 3, 3",
    })
    void writesTheDocumentedPanels(boolean transB, int kc, int panels, int extra) {
        assumeTrue(VectorSupport.available(), "packB is part of the vector path");
        int nr = VectorGemm.NR;
        int nc = panels * nr + extra;
        int pc = 3;
        int jc = 5;
        int rows = pc + kc + 2;                 // op(B) is rows × cols
        int cols = jc + nc + 4;
        int ldb = (transB ? rows : cols) + 3;
        int bOff = 2;
        var rng = new SplittableRandom(kc * 31L + nc);
        float[] b = GemmCheck.random(rng, bOff + (transB ? cols : rows) * ldb);
        int bpOff = 11;
        int packed = (nc + nr - 1) / nr * nr * kc;
        float[] bp = new float[bpOff + packed + 9];
        Arrays.fill(bp, Float.NaN);
        GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, bpOff);
        for (int i = 0; i < bp.length; i++) {
            int rel = i - bpOff;
            if (rel < 0 || rel >= packed) {
                assertEquals(Float.NaN, bp[i], "element " + i + " outside the packed range was written");
                continue;
            }
            int q = rel / (nr * kc);
            int p = rel % (nr * kc) / nr;
            int j = VectorGemm.panelStart(q, nc) + rel % nr;
            float expected = rel % nr >= VectorGemm.panelCols(q, nc) ? 0f
                    : transB ? b[bOff + (jc + j) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + j];
            assertEquals(expected, bp[i], "panel " + q + ", p " + p + ", column " + j + " of nc " + nc);
        }
    }

    @Test
    void panelsCoverTheBlockInOrder() {
        assumeTrue(VectorSupport.available(), "the panels are part of the vector path");
        int nr = VectorGemm.NR;
        int lanes = VectorGemm.L;
        for (int nc = 1; nc <= 300; nc++) {
            int panels = (nc + nr - 1) / nr;
            int next = 0;
            for (int q = 0; q < panels; q++) {
                int cols = VectorGemm.panelCols(q, nc);
                assertEquals(next, VectorGemm.panelStart(q, nc), "panel " + q + " of nc " + nc);
                assertTrue(cols >= 1 && cols <= nr, "panel " + q + " of nc " + nc + ": " + cols + " columns");
                next += cols;
            }
            assertEquals(nc, next, "the panels of nc " + nc + " end at " + next);
            int rem = nc % nr;
            boolean split = VectorGemm.SPLIT_LAST && rem > 0 && rem <= lanes && nc > nr;
            assertEquals(split, VectorGemm.splitLast(nc), "nc " + nc);
            if (split) {   // no panel of one vector or less: the last two run the two-vector kernel
                assertEquals(2 * lanes, VectorGemm.panelCols(panels - 2, nc), "nc " + nc);
                assertTrue(VectorGemm.panelCols(panels - 1, nc) > lanes, "nc " + nc);
            }
        }
        assertEquals(VectorGemm.NV == 3 && (VectorGemm.MR == 4 || VectorGemm.MR == 8), VectorGemm.SPLIT_LAST);
        if (VectorGemm.SPLIT_LAST && nr == 48) {   // the 512-bit 8 x 3 tile: 1024 = 20 panels of 48, then 32 and 32
            assertEquals(960, VectorGemm.panelStart(20, 1024));
            assertEquals(32, VectorGemm.panelCols(20, 1024));
            assertEquals(992, VectorGemm.panelStart(21, 1024));
            assertEquals(32, VectorGemm.panelCols(21, 1024));
        }
        if (VectorGemm.SPLIT_LAST && lanes == 8) {   // AVX2's 4 x 3 tile: 512 = 20 panels of 24, then 16 and 16
            assertEquals(480, VectorGemm.panelStart(20, 512));
            assertEquals(16, VectorGemm.panelCols(20, 512));
            assertEquals(496, VectorGemm.panelStart(21, 512));
            assertEquals(16, VectorGemm.panelCols(21, 512));
        }
    }
}
