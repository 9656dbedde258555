package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 6 × 2 kernel on a packed A ({@link GemmKernels6x2#k6x2p}) and the packing that feeds it
 * ({@link GemmPack#packA}, {@link VectorGemm#PACK_A}), at whatever width this JVM runs (Surefire
 * runs it at 512 bits, AVX2 and 128 bits; the kernel computes two vectors of an NR-wide panel at
 * any width): the packed kernel gives bit for bit the in-place kernel's result, for A stored both
 * ways, and each element is the plain FMA chain over p ascending, scaled once by alpha; packA's
 * step-at-a-time copy of an untransposed panel writes the documented layout; and
 * {@code -Dvisor.kernel.packA=false} (the in-place A of before) gives a product the same bits as
 * the default.
 */
class PackedAKernelTest {

    @ParameterizedTest(name = "kc={0} lda={1} alpha={2}")
    @CsvSource({
        "1, 9, 1",
        "7, 13, 1",
        "64, 70, 0.5",
        "256, 1031, -1.25",
        "300, 301, 3",
    })
    void packedKernelGivesTheInPlaceKernelsBitsAndTheFmaChain(int kc, int lda, float alpha) {
        assumeTrue(VectorSupport.available(), "the kernels are part of the vector path");
        int l = VectorGemm.L;
        int nr = VectorGemm.NR;
        var rng = new SplittableRandom(kc * 131L + lda);
        int aOff = 5;
        float[] a = GemmCheck.random(rng, aOff + 6 * lda + kc);      // A(i, p) = a[aOff + i·lda + p]
        float[] at = GemmCheck.random(rng, aOff + kc * lda + 6);     // A(i, p) = at[aOff + i + p·lda]
        float[] ap = new float[3 + 6 * kc];                          // A(i, p) = ap[3 + 6p + i]
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < 6; i++) {
                at[aOff + i + p * lda] = a[aOff + i * lda + p];
                ap[3 + 6 * p + i] = a[aOff + i * lda + p];
            }
        }
        int bi = 7;
        float[] bp = GemmCheck.random(rng, bi + kc * nr + 1);
        int ldc = 2 * l + 3;
        float[] packed = new float[ldc * 6 + 2];
        float[] inPlace = new float[packed.length];
        float[] transposed = new float[packed.length];
        float[] dispatched = new float[packed.length];
        GemmKernels6x2.k6x2p(kc, ap, 3, bp, bi, packed, 1, ldc, alpha);
        GemmKernels6x2.k6x2(kc, a, aOff, lda, 1, bp, bi, inPlace, 1, ldc, alpha);
        GemmKernels6x2.k6x2(kc, at, aOff, 1, lda, bp, bi, transposed, 1, ldc, alpha);
        if (VectorGemm.MR == 6) {
            GemmKernels.run(2, kc, ap, 3, 1, 6, bp, bi, dispatched, 1, ldc, alpha);  // picks k6x2p by the layout
        } else {
            dispatched = packed;    // the 8-row tile's dispatch has no 6-row kernel
        }
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 2 * l; j++) {
                float acc = GemmCheck.fmaChain(a, aOff, lda, bp, bi, nr, kc, i, j);
                int at0 = 1 + i * ldc + j;
                String where = String.format(Locale.ROOT, "C(%d, %d)", i, j);
                assertEquals(Float.floatToRawIntBits(acc * alpha), Float.floatToRawIntBits(packed[at0]), where);
                assertEquals(Float.floatToRawIntBits(inPlace[at0]), Float.floatToRawIntBits(packed[at0]), where);
                assertEquals(Float.floatToRawIntBits(transposed[at0]), Float.floatToRawIntBits(packed[at0]), where);
                assertEquals(Float.floatToRawIntBits(dispatched[at0]), Float.floatToRawIntBits(packed[at0]), where);
            }
        }
    }

    /**
     * The layout at an offset {@code at} into the destination, nothing written before it or past the
     * panel; {@code tight}: A's array ends right after the panel's last element, so a transposed
     * panel's last steps cannot be read a whole vector at a time (the copy falls back to exact ones).
     */
    @ParameterizedTest(name = "rows={0} kc={1} transposed={2} at={3} tight={4}")
    @CsvSource({
        "6, 1, false, 0, false",
        "6, 37, false, 0, false",
        "6, 37, true, 0, false",
        "5, 37, false, 0, false",
        "1, 9, true, 0, false",
        "6, 37, false, 13, false",
        "6, 37, true, 13, false",
        "6, 2, true, 7, false",
        "6, 37, true, 0, true",
        "6, 1, true, 3, true",
        "8, 37, true, 5, false",
        "8, 37, true, 0, true",
    })
    void packAWritesTheDocumentedLayout(int rows, int kc, boolean transposed, int at, boolean tight) {
        assumeTrue(VectorSupport.available(), "packA is part of the vector path");
        int mr = VectorGemm.MR;
        assumeTrue(rows <= mr);
        int lda = kc + 11;
        int ai = 4;
        int rs = transposed ? 1 : lda;
        int cs = transposed ? lda : 1;
        int size = tight ? ai + (rows - 1) * rs + (kc - 1) * cs + 1 : ai + Math.max(rows, mr) * lda + kc * lda;
        float[] a = GemmCheck.random(new SplittableRandom(rows * 7L + kc), size);
        float[] ap = new float[at + mr * kc + 5];
        Arrays.fill(ap, Float.NaN);
        GemmPack.packA(a, ai, rs, cs, rows, kc, ap, at);
        for (int x = 0; x < at; x++) {
            assertEquals(Float.NaN, ap[x], "element " + x + " before the panel was written");
        }
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < mr; i++) {
                float expected = i < rows ? a[ai + i * rs + p * cs] : 0f;
                assertEquals(expected, ap[at + p * mr + i], "A(" + i + ", " + p + ")");
            }
        }
        for (int x = at + mr * kc; x < ap.length; x++) {
            assertEquals(Float.NaN, ap[x], "element " + x + " past the panel was written");
        }
    }

    @Test
    void everyPanelIsPackedByDefaultWithTheSixRowTileOnly() {
        assumeTrue(VectorSupport.available(), "packing A is part of the vector path");
        String forced = System.getProperty("visor.kernel.packA");
        boolean expected = forced == null || forced.isBlank() ? VectorGemm.MR == 6 : Boolean.parseBoolean(forced.trim());
        assertEquals(expected, VectorGemm.PACK_A);
    }

    /**
     * The old in-place A and the packed one in two child JVMs at AVX2 with the 6 × 2 tile (forced: AVX2's
     * default is 4 × 3 since session 16): the same product, bit for bit.
     */
    @Test
    void inPlaceAByThePropertyGivesTheSameBits() throws IOException, InterruptedException {
        String arch = System.getProperty("os.arch", "");
        assumeTrue(VectorSupport.available() && MachineShape.current().registers() < 32
                && (arch.equals("amd64") || arch.equals("x86_64")), "the AVX2 run checks the 6-row tile's switch");
        String inPlace = child("false");
        String packed = child("true");
        assertTrue(inPlace.contains("packA=false tile=6x2"), inPlace);
        assertTrue(packed.contains("packA=true tile=6x2"), packed);
        assertEquals(result(packed), result(inPlace));
    }

    private static String result(String out) {
        int at = out.indexOf("bits=");
        assertTrue(at >= 0, out);
        return out.substring(at).trim();
    }

    private static String child(String packA) throws IOException, InterruptedException {
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) {
            path = path + File.pathSeparator + modules;   // the main classes may be on the module path
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:UseAVX=2", "-Dvisor.kernel.tile=6x2", "-Dvisor.kernel.packA=" + packA,
                "-cp", path, Child.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return out;
    }

    /** Products with every kind of row panel (full, short last one, A stored both ways, beta 0 and not). */
    static final class Child {
        public static void main(String[] args) {
            var rng = new SplittableRandom(42);
            int m = 6 * 9 + 4;
            int n = 3 * VectorGemm.NR + 5;
            int k = 700;                                // two slabs of KC 256 and a short third at this tile
            float[] a = GemmCheck.random(rng, m * k);
            float[] b = GemmCheck.random(rng, k * n);
            long hash = 0;
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0;
                float beta = (variant & 2) != 0 ? 0.5f : 0f;
                float[] c = GemmCheck.random(new SplittableRandom(variant), m * n);
                Gemm.sgemm(transA, false, m, n, k, 1.5f, a, 0, transA ? m : k, b, 0, n, beta, c, 0, n);
                for (float v : c) {
                    hash = hash * 31 + Float.floatToRawIntBits(v);
                }
            }
            System.out.println("packA=" + VectorGemm.PACK_A + " tile=" + VectorGemm.MR + "x" + VectorGemm.NV
                    + " bits=" + Long.toHexString(hash));
        }
    }
}
