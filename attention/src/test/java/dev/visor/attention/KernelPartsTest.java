package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.MachineShape;
import dev.visor.tensor.kernel.VectorSupport;
import org.junit.jupiter.api.Test;

/** The building blocks of the flash kernels, each against a plain oracle. */
class KernelPartsTest {

    @Test
    void probabilitiesAreExactlyZeroForMaskedScoresAndEmptyRows() {
        for (TileOps ops : FlashAttentionTest.allOps()) {
            int cols = ops.pad(37);
            float[] s = new float[3 * cols];
            Rng rng = new Rng(3);
            for (int i = 0; i < s.length; i++) {
                s[i] = i % 7 == 0 ? Float.NEGATIVE_INFINITY : (float) (5 * rng.nextGaussian());
            }
            float[] lse = {1f, Float.NEGATIVE_INFINITY, -2f};
            float[] p = s.clone();
            ops.probabilities(p, cols, 3, cols, lse);
            for (int r = 0; r < 3; r++) {
                for (int j = 0; j < cols; j++) {
                    float x = s[r * cols + j];
                    float got = p[r * cols + j];
                    if (lse[r] == Float.NEGATIVE_INFINITY || x == Float.NEGATIVE_INFINITY) {
                        assertEquals(0f, got, ops + " row " + r + " col " + j);
                    } else {
                        double exact = Math.exp(x - lse[r]);   // the kernel subtracts in float, then exponentiates
                        assertEquals(exact, got, 3e-7 * exact, ops + " row " + r + " col " + j);
                    }
                }
            }
        }
    }

    @Test
    void probabilitiesAreTheForwardsExponentialsBitForBitAtEveryWidth() {
        // S − lse over the whole range the backward meets, down past the normals (flushed to 0 as the
        // forward's softmax flushes them), in tiles whose rows are longer than the row's keys
        Rng rng = new Rng(4);
        for (TileOps ops : FlashAttentionTest.allOps()) {
            int cols = ops.pad(21);
            int rows = 5;
            float[] s = new float[rows * cols];
            for (int i = 0; i < s.length; i++) {
                s[i] = i % 11 == 0 ? Float.NEGATIVE_INFINITY : (float) (-95 * rng.nextDouble());
            }
            float[] lse = {0f, 3.5f, Float.NEGATIVE_INFINITY, -1.25f, 0.001f};
            float[] p = s.clone();
            ops.probabilities(p, cols, rows, cols, lse);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float x = s[r * cols + j];
                    float want = lse[r] == Float.NEGATIVE_INFINITY ? 0f : TileOps.softmaxExp1(x - lse[r]);
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(p[r * cols + j]),
                            ops + " row " + r + " col " + j + " score " + x);
                }
            }
        }
    }

    @Test
    void softmaxStepKeepsRunningMaxAndSum() {
        for (TileOps ops : FlashAttentionTest.allOps()) {
            int cols = ops.pad(20);
            float[] s1 = new float[2 * cols];
            float[] s2 = new float[2 * cols];
            java.util.Arrays.fill(s1, Float.NEGATIVE_INFINITY);
            java.util.Arrays.fill(s2, Float.NEGATIVE_INFINITY);
            s1[0] = 1f;          // row 0 sees 1 then 3
            s2[0] = 3f;
            s2[cols + 5] = -2f;  // row 1 sees nothing, then -2
            float[] m = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
            float[] l = new float[2 * ops.lanes()];
            float[] alpha = new float[2];
            ops.softmaxStep(s1, cols, 2, cols, m, l, alpha, new float[2]);
            assertEquals(Float.NEGATIVE_INFINITY, m[1]);
            assertEquals(0f, ops.rowTotal(l, 1));
            assertEquals(0f, s1[cols + 3]);
            ops.softmaxStep(s2, cols, 2, cols, m, l, alpha, new float[2]);
            assertEquals(3f, m[0]);
            assertEquals(1 + Math.exp(-2), ops.rowTotal(l, 0), 1e-6);
            assertEquals(Math.exp(-2), alpha[0], 1e-7);
            assertEquals(-2f, m[1]);
            assertEquals(1f, ops.rowTotal(l, 1));
            assertEquals(1f, s2[cols + 5]);
        }
    }

    /** A long row in several steps: the per-lane sums total Σ e^(s − max) whatever the lane count. */
    @Test
    void softmaxStepSumsAWholeRowAcrossSteps() {
        Rng rng = new Rng(21);
        for (TileOps ops : FlashAttentionTest.allOps()) {
            int cols = ops.pad(48);
            float[][] tiles = new float[3][cols];
            float max = Float.NEGATIVE_INFINITY;
            for (float[] t : tiles) {
                for (int j = 0; j < cols; j++) {
                    t[j] = (float) (4 * rng.nextGaussian());
                    max = Math.max(max, t[j]);
                }
            }
            double expected = 0;
            for (float[] t : tiles) {
                for (float x : t) {
                    expected += Math.exp((double) x - max);
                }
            }
            float[] m = {Float.NEGATIVE_INFINITY};
            float[] l = new float[ops.lanes()];
            for (float[] t : tiles) {
                ops.softmaxStep(t.clone(), cols, 1, cols, m, l, new float[1], new float[1]);
            }
            assertEquals(max, m[0], ops.toString());
            assertEquals(expected, ops.rowTotal(l, 0), 2e-6 * expected, ops.toString());
        }
    }

    /**
     * The softmax exponential: at most 2 ulp from {@code Math.exp} on every 1001st float of [−87.3, 0],
     * bitwise equal to the tensor core's exp there, below 2^−126 further down and exactly 0 at −∞;
     * the vector lanes give the same bits as the scalar twin.
     */
    @Test
    void softmaxExpIsWithinTwoUlpAndFlushesOnlyBelowTheNormals() {
        int lo = Float.floatToRawIntBits(-87.3f);
        for (int bits = Float.floatToRawIntBits(-0f); bits <= lo; bits += 1001) {   // negative floats: bits grow with |x|
            float x = Float.intBitsToFloat(bits);
            float got = TileOps.softmaxExp1(x);
            float exact = (float) Math.exp(x);
            assertTrue(Math.abs(got - exact) <= 2 * Math.ulp(exact), () -> "x " + x + ": " + got + " vs " + exact);
            assertEquals(Float.floatToRawIntBits(dev.visor.tensor.kernel.VecMath.exp(x)), Float.floatToRawIntBits(got),
                    () -> "x " + x);
        }
        for (float x : new float[] {-87.5f, -88f, -90f, -104f, -1e30f, -Float.MAX_VALUE}) {
            float got = TileOps.softmaxExp1(x);
            assertTrue(got >= 0f && got < 0x1p-126f, "x " + x + ": " + got);
        }
        assertEquals(0f, TileOps.softmaxExp1(Float.NEGATIVE_INFINITY));
        assertEquals(1f, TileOps.softmaxExp1(0f));
        assertTrue(Float.isNaN(TileOps.softmaxExp1(Float.NaN)));
        if (VectorSupport.available()) {
            TileOps vec = VectorTileOps.create();
            int cols = vec.pad(4000);
            Rng rng = new Rng(5);
            float[] s = new float[cols];
            for (int j = 0; j < cols; j++) {
                s[j] = j % 97 == 0 ? Float.NEGATIVE_INFINITY : (float) (-100 * Math.abs(rng.nextGaussian()));
            }
            float[] got = s.clone();
            vec.softmaxStep(got, cols, 1, cols, new float[] {0f}, new float[vec.lanes()], new float[1], new float[1]);   // max 0: shift 0
            for (int j = 0; j < cols; j++) {
                float x = s[j];
                assertEquals(Float.floatToRawIntBits(TileOps.softmaxExp1(x)), Float.floatToRawIntBits(got[j]),
                        () -> "x " + x);
            }
        }
    }

    /** Row sums add lanes in one fixed order (a butterfly), so compiled and interpreted code agree bit for bit. */
    @Test
    void rowSumsHaveAFixedOrder() {
        for (TileOps ops : FlashAttentionTest.allOps()) {
            int lanes = ops.lanes();
            int cols = lanes * 3;
            Rng rng = new Rng(12);
            for (int trial = 0; trial < 50; trial++) {
                float[] row = randomArray(rng, cols);
                for (int i = 0; i < cols; i++) {
                    row[i] *= (float) Math.pow(10, rng.nextInt(8) - 4);   // magnitudes that make order visible
                }
                float[] acc = new float[lanes];
                for (int j = 0; j < cols; j += lanes) {
                    for (int i = 0; i < lanes; i++) {
                        acc[i] += row[j + i];
                    }
                }
                for (int bit = lanes / 2; bit >= 1; bit /= 2) {
                    float[] next = new float[lanes];
                    for (int i = 0; i < lanes; i++) {
                        next[i] = acc[i] + acc[i ^ bit];
                    }
                    acc = next;
                }
                assertEquals(Float.floatToRawIntBits(acc[0]), Float.floatToRawIntBits(ops.rowSum(row, 0, cols)),
                        ops + " trial " + trial);
            }
        }
    }

    /**
     * The build reruns these tests at narrower widths ({@code -XX:MaxVectorSize=16}, {@code -XX:UseAVX=2})
     * and says which: the vector tiles must really run at that width, with the register tile of its
     * register file, or the narrower kernels would go untested.
     */
    @Test
    void vectorTilesRunAtTheWidthInForce() {
        if (!VectorSupport.available() || System.getProperty("visor.attention.vectorBits") != null) {
            return; // the scalar tiles, or a width forced for these tiles only
        }
        MachineShape shape = MachineShape.current();
        String bits = System.getProperty("visor.expect.vectorBits");
        int expected = bits != null ? Integer.parseInt(bits) : shape.vectorBits();
        assertEquals(expected / 32, VectorTileOps.create().lanes(), shape.describe());
        String regs = System.getProperty("visor.expect.registers");
        if (regs != null) {
            assertEquals(Integer.parseInt(regs), shape.registers(), shape.describe());
            assertEquals(Integer.parseInt(regs) >= 32 ? 4 : 2, shape.flashVectors(), shape.describe());
            if (System.getProperty("visor.kernel.flashRows") == null) {
                assertEquals(Integer.parseInt(regs) >= 32 ? 4 : 6, shape.flashRows(), shape.describe());
            }
        }
    }

    @Test
    void gemmMatchesTheReferenceForPlainAndTransposedA() {
        Rng rng = new Rng(11);
        for (TileOps ops : FlashAttentionTest.allOps()) {
            // one vector wide (8-row, 3- and 2-row kernels), two and three (4x2, remainders), five and more
            int[] widths = {ops.lanes(), 2 * ops.lanes(), 3 * ops.lanes(), ops.pad(ops.lanes() * 5 + 1)};
            for (int rows : new int[] {1, 2, 3, 4, 6, 9, 10, 11, 13, 19}) {
                for (int depth : new int[] {1, 5, 16, 64}) {
                    for (int cols : widths) {
                        gemmCase(rng, ops, rows, cols, depth);
                    }
                }
            }
        }
    }

    private static void gemmCase(Rng rng, TileOps ops, int rows, int cols, int depth) {
        float[] a = randomArray(rng, rows * depth);
        float[] b = randomArray(rng, depth * cols);
        float[] c = randomArray(rng, rows * cols);
        float[] expected = c.clone();
        Gemm.reference(false, false, rows, cols, depth, 1f, a, 0, depth, b, 0, cols, 1f, expected, 0, cols);
        ops.gemm(rows, cols, depth, a, 0, depth, 1, b, 0, cols, c, 0, cols, true);
        Fixtures.assertClose("A·B + C", expected, c, 1e-4, 1e-5);
        float[] at = new float[depth * rows];   // A stored transposed: (t, r) at t·rows + r
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < depth; t++) {
                at[t * rows + r] = a[r * depth + t];
            }
        }
        float[] c2 = randomArray(rng, rows * cols);
        Gemm.reference(false, false, rows, cols, depth, 1f, a, 0, depth, b, 0, cols, 0f, expected, 0, cols);
        ops.gemm(rows, cols, depth, at, 0, 1, rows, b, 0, cols, c2, 0, cols, false);
        Fixtures.assertClose("Aᵀ-stored · B", expected, c2, 1e-4, 1e-5);
        // every kernel sums each element over the depth in order from C's start: the scalar bits
        float[] scalar = new float[rows * cols];
        ScalarTileOps.INSTANCE.gemm(rows, cols, depth, at, 0, 1, rows, b, 0, cols, scalar, 0, cols, false);
        assertArrayEquals(scalar, c2, "rows " + rows + " cols " + cols + " depth " + depth);
    }

    @Test
    void gemmRescaledScalesEachRowOfCBeforeAddingTheProduct() {
        Rng rng = new Rng(12);
        for (TileOps ops : FlashAttentionTest.allOps()) {
            for (int rows : new int[] {1, 2, 3, 4, 7, 11, 13, 19}) {
                for (int vectors : new int[] {1, 2, 3, 5, 9}) {   // every kernel width, and remainders
                    int depth = 1 + rng.nextInt(70);
                    int cols = ops.lanes() * vectors;
                    int ldc = cols + ops.lanes();   // a wider row stride, and an offset into C
                    float[] a = randomArray(rng, rows * depth);
                    float[] b = randomArray(rng, depth * cols);
                    float[] c = randomArray(rng, 3 + rows * ldc);
                    float[] scale = randomArray(rng, rows);
                    scale[0] = 1f;
                    if (rows > 2) {
                        scale[2] = 0f;   // a row whose old maximum no longer counts
                    }
                    float[] expected = c.clone();
                    float[] separate = c.clone();
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            expected[3 + r * ldc + j] *= scale[r];
                            separate[3 + r * ldc + j] *= scale[r];
                        }
                    }
                    ops.gemm(rows, cols, depth, a, 0, depth, 1, b, 0, cols, separate, 3, ldc, true);
                    Gemm.reference(false, false, rows, cols, depth, 1f, a, 0, depth, b, 0, cols, 1f, expected, 3, ldc);
                    ops.gemmRescaled(rows, cols, depth, a, 0, depth, b, 0, cols, c, 3, ldc, scale);
                    Fixtures.assertClose("diag(f)·C + A·B", expected, c, 1e-4, 1e-5);
                    assertArrayEquals(separate, c, "the same bits as scaling first, " + rows + " × " + cols);
                }
            }
        }
    }

    @Test
    void dropoutDropsTheRequestedFractionReproducibly() {
        DropoutMask m = new DropoutMask(AttentionConfig.defaults(8).withDropout(0.3f, 42L), 2, 50, 60);
        DropoutMask same = new DropoutMask(AttentionConfig.defaults(8).withDropout(0.3f, 42L), 2, 50, 60);
        DropoutMask other = new DropoutMask(AttentionConfig.defaults(8).withDropout(0.3f, 43L), 2, 50, 60);
        int dropped = 0;
        int differ = 0;
        int n = 0;
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 2; h++) {
                for (int q = 0; q < 50; q++) {
                    for (int k = 0; k < 60; k++) {
                        float f = m.factor(b, h, q, k);
                        assertEquals(f, same.factor(b, h, q, k));
                        assertTrue(f == 0f || Math.abs(f - 1 / 0.7f) < 1e-6);
                        dropped += f == 0f ? 1 : 0;
                        differ += f != other.factor(b, h, q, k) ? 1 : 0;
                        n++;
                    }
                }
            }
        }
        assertEquals(0.3, dropped / (double) n, 0.015);
        assertTrue(differ > n / 5, "another seed must drop other weights");
    }

    @Test
    void dropoutTilesMatchTheFactorsOneByOne() {
        // short key lengths (one block, one fill per tile) and key blocks of a longer row (one fill per row),
        // odd sizes, several fills through one instance (its scratch grows and is reused), dst == src
        // (odd row strides: rows start mid-vector and the last row's vectors run past the array), through
        // the vector and the scalar tile primitives, bit for bit (assertEquals on floats tells -0 from +0)
        int[][] shapes = {{3, 3}, {10, 10}, {7, 9}, {5, 70}, {1, 1}, {9, 131}, {4, 16}, {3, 33}};
        for (TileOps ops : new TileOps[] {TileOps.best(), ScalarTileOps.INSTANCE}) {
            checkDropoutTiles(ops, shapes);
        }
    }

    private static void checkDropoutTiles(TileOps ops, int[][] shapes) {
        for (float p : new float[] {0.1f, 0.5f, 0.97f}) {
            for (int[] shape : shapes) {
                int lq = shape[0];
                int lk = shape[1];
                DropoutMask m = new DropoutMask(AttentionConfig.defaults(8).withDropout(p, 7L), 3, lq, lk, ops, null);
                int ld = lk + 5;
                java.util.Random rnd = new java.util.Random(lq * 1000L + lk);
                for (int b = 0; b < 2; b++) {
                    for (int h = 0; h < 3; h++) {
                        for (int k0 = 0; k0 < lk; k0 += 64) {
                            int n = Math.min(64, lk - k0);
                            float[] src = new float[lq * ld];
                            for (int i = 0; i < src.length; i++) {
                                src[i] = (float) rnd.nextGaussian();
                            }
                            float[] dst = new float[src.length];
                            float[] inPlace = src.clone();
                            m.apply(src, dst, ld, lq, b, h, 0, k0, n);
                            m.apply(inPlace, inPlace, ld, lq, b, h, 0, k0, n);
                            for (int r = 0; r < lq; r++) {
                                for (int j = 0; j < ld; j++) {
                                    int at = r * ld + j;
                                    float want = j < n ? src[at] * m.factor(b, h, r, k0 + j) : 0f;
                                    String where = "p=" + p + " shape " + lq + "x" + lk + " b=" + b + " h=" + h + " r=" + r
                                            + " k=" + (k0 + j);
                                    assertEquals(want, dst[at], where);
                                    assertEquals(j < n ? want : src[at], inPlace[at], where);
                                }
                            }
                        }
                    }
                }
                // rows from a query offset: the same as the rows of a tile from 0
                float[] ones = new float[lq * ld];
                java.util.Arrays.fill(ones, 1f);
                float[] tail = new float[ld];
                int n = Math.min(64, lk);
                m.apply(ones, tail, ld, 1, 1, 2, lq - 1, 0, n);
                for (int j = 0; j < n; j++) {
                    assertEquals(m.factor(1, 2, lq - 1, j), tail[j], "offset row, key " + j);
                }
            }
        }
    }

    @Test
    void workSplitBalancesUnevenCosts() {
        int[] bounds = WorkSplit.split(64, 2, i -> i + 1L);   // causal-like: later items cost more
        long first = 0;
        long second = 0;
        for (int i = 0; i < 64; i++) {
            if (i < bounds[1]) {
                first += i + 1;
            } else {
                second += i + 1;
            }
        }
        assertEquals(0, bounds[0]);
        assertEquals(64, bounds[2]);
        assertTrue(Math.abs(first - second) <= 64, first + " vs " + second);
        int[] one = WorkSplit.split(1, 3, i -> 5L);   // fewer items than chunks: one chunk gets it, others are empty
        assertEquals(0, one[0]);
        assertEquals(1, one[3]);
        for (int c = 0; c < 3; c++) {
            assertTrue(one[c] <= one[c + 1]);
        }
    }

    @Test
    void configAndViewsRejectBadValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AttentionConfig(1f, 1f, 0));
        assertEquals("attention dropout must be in [0, 1) but got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AttentionConfig(Float.NaN, 0f, 0));
        assertEquals("attention scale must be finite but got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionConfig.defaults(0));
        assertEquals("head dimension must be positive but got 0", e.getMessage());
        assertEquals(0.125f, AttentionConfig.defaults(64).scale());
        e = assertThrows(IllegalArgumentException.class, () -> HeadsView.contiguous(new float[10], 1, 2, 3, 2));
        assertEquals("view (batch, heads, seq, dim) = (1, 2, 3, 2) with offset 0 and strides (12, 6, 2, 1) reaches"
                + " elements [0, 11] outside an array of 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockSparsity.dense(1, 1, 4, 4, 0, 4));
        assertEquals("block sizes must be positive but got queryBlock=0, keyBlock=4", e.getMessage());
    }

    @Test
    void classifyFindsEmptyFullAndPartialBlocks() {
        BlockSparsity causal = BlockSparsity.classify((b, h, q, k) -> k <= q, 1, 1, 10, 10, 4, 4, false, false);
        assertEquals(3, causal.queryBlocks());
        assertArrayEquals(new int[] {BlockSparsity.entry(0, true)}, causal.keyBlocks(0, 0, 0));
        assertArrayEquals(new int[] {BlockSparsity.entry(0, false), BlockSparsity.entry(1, true)}, causal.keyBlocks(0, 0, 1));
        int[] last = causal.keyBlocks(0, 0, 2);
        assertEquals(3, last.length);
        assertTrue(BlockSparsity.isPartial(last[2]));   // rows 8-9 × keys 8-9 is a triangle
        assertEquals(2, BlockSparsity.block(last[2]));
        BlockSparsity none = BlockSparsity.classify((b, h, q, k) -> false, 1, 1, 5, 5, 2, 2, false, false);
        assertEquals(0, none.keyBlocks(0, 0, 1).length);
    }

    private static float[] randomArray(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
