package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GemmPack#packB} against its documented layout, element by element, at whatever width
 * this JVM runs (Surefire runs it at 512 bits, AVX2 and 128 bits): panel {@code q} holds, for each
 * p, the NR values of row p of {@code op(B)[pc:pc+kc, jc:jc+nc]} at {@code q·NR·kc + p·NR}, columns
 * past nc zero, nothing outside the packed range written; widths below, at and past whole panels,
 * an odd number of panels, and a transposed B.
 */
class PackBTest {

    @ParameterizedTest(name = "transB={0} kc={1} panels={2} extra={3}")
    @CsvSource({
        "false, 37, 0, 5",    // only a partial panel
        "false, 37, 1, 0",    // exactly one panel
        "false, 37, 3, 0",    // whole panels only
        "false, 53, 2, 7",    // whole panels and a partial one
        "false, 1, 2, 1",     // depth one
        "true, 37, 0, 5",
        "true, 53, 2, 7",
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
            int j = q * nr + rel % nr;
            float expected = j >= nc ? 0f
                    : transB ? b[bOff + (jc + j) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + j];
            assertEquals(expected, bp[i], "panel " + q + ", p " + p + ", column " + j + " of nc " + nc);
        }
    }
}
