package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.MR;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.NV;
import static dev.visor.tensor.kernel.VectorGemm.PACK_ALL_MAX;

/**
 * {@link VectorGemm#block}'s loop order for the 4 × 3 tile on an untransposed A read in place: each
 * slab of B is packed whole (every column of the block, {@link GemmPack#packB}), and the rows go a
 * block of {@link #rows} at a time through every panel of it ({@code for pc; for ic, step rows;
 * for panel; for ir in ic..ic+rows}). A block of A's rows (a quarter of L2) then stays in L2 while each
 * packed panel of B (kc × 24 floats, contiguous) is read once from L3 for all of them.
 *
 * <p>The loop nest it replaces keeps an L2-sized block of B and streams A past it once per block:
 * for sq1024, eight passes over A's 4 MiB, each of A's rows a 4 KiB page that the prefetchers start
 * afresh at every row panel. Measured on Zen 4 at {@code -XX:UseAVX=2} (session 16,
 * {@code benchmarks/JOURNAL.md}): A's reads cost that product about 5 % (107.9 against 102.9 GFLOP/s
 * with A's rows aliased into L1); in this order sq1024 ran at 109.6–110.5 GFLOP/s against
 * 105.9–106.1 in the same JVM, for row blocks of 32 to 256 rows. Each element sums the same slabs in
 * the same order, so the bits do not change. {@code -Dvisor.kernel.rowBlocks=false} turns it off.
 *
 * <p>The 6 × 2 tile (AVX2's on JDKs after 17, {@link MachineShape#LAST_JDK_OF_4X3}) takes the same order
 * for the one-slab products deeper than 2·KC ({@link #PACKED}): its A is packed, a row block at a time
 * into a buffer that stays in L2, where the other order packs all of A into a buffer past L2 once and
 * reads it again for every block of B's columns, blocks that the deeper slab has narrowed to 128
 * columns. On JDK 25 at {@code -XX:UseAVX=2} on Zen 4 (GemmAB, both orders, session 17): sq1024 +4 to
 * +6 %, 1024×1024×768 +2 to +3 %, 2048×1024×1024 +18 %, 1024³ NT +1 %, 512×2048×1024 level. Shallower
 * products keep the other order: sq512 was level, mm 1024×2048×512 mixed, ffnUp 1024×2048×512 NT −1.5 %,
 * and sq2048 (slabs of 256) −4 to −7 %.
 */
final class RowBlockGemm {
    private RowBlockGemm() {}

    /**
     * Whether the row blocks are packed, a block at a time into an L2-sized buffer (the 6 × 2 tile,
     * whose micro-panels of A are always packed: {@link VectorGemm#PACK_A}), rather than read in place
     * (the 4 × 3 tile).
     */
    static final boolean PACKED = VectorGemm.PACK_A && MR == 6 && NV == 2;

    /** Whether {@link #takes} can hold: the 4 × 3 tile reading an untransposed A in place, or the 6 × 2 tile ({@link #PACKED}). */
    static final boolean ON = (VectorGemm.A_IN_PLACE || PACKED) && KernelProperties.bool("visor.kernel.rowBlocks", true);

    /** Rows of A kept in L2 at depth kc: a quarter of L2, whole micro-panels (64 rows at kc 1024 with 1 MiB). */
    static int rows(int kc) {
        return Math.max(MR, MachineShape.current().l2Bytes() / 4 / (4 * kc) / MR * MR);
    }

    /**
     * Whether a block of {@code width} columns with slabs of depth kcMax runs here: A untransposed, a
     * slab of B packed whole fits {@link VectorGemm#PACK_ALL_MAX}, and under the 6 × 2 tile one slab
     * deeper than 2·KC.
     */
    static boolean takes(boolean transA, int kcMax, int width) {
        return ON && !transA && (long) kcMax * ((width + NR - 1) / NR) * NR <= PACK_ALL_MAX
                && (!PACKED || kcMax > 2 * VectorGemm.KC);
    }

    /** {@link VectorGemm#block} for an untransposed A where {@link #takes}; arguments validated, {@code k > 0}. */
    static void block(boolean transB, int m0, int m1, int n0, int n1, int k, int kcMax, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        VectorGemm.Workspace ws = VectorGemm.WORKSPACE.get();
        int nc = n1 - n0;
        float[] bp = ws.packedAll((nc + NR - 1) / NR * NR * kcMax);
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            GemmPack.packB(transB, b, bOff, ldb, pc, kc, n0, nc, bp, 0);
            int step = rows(kc);
            for (int ic = m0; ic < m1; ic += step) {
                int ic1 = Math.min(m1, ic + step);
                panelsOverRows(ws, bp, ic, ic1, n0, nc, pc, kc, alpha, a, aOff, lda, pc == 0 ? beta : 1f, c, cOff, ldc);
            }
        }
    }

    /**
     * {@code C[r0:r1, jc:jc+nc] = alpha · A[r0:r1, pc:pc+kc] · Bp + betaNow · C}, panel outer: each packed
     * panel of B meets every row panel of the block in turn, one kernel call each. Under
     * {@link #PACKED} the block's rows are packed first, micro-panel {@code i} at {@code i · MR · kc} (the
     * last zero-padded); otherwise A's rows are read in place and only the last rows of fewer than MR
     * are packed, once, into the edge buffer.
     */
    private static void panelsOverRows(VectorGemm.Workspace ws, float[] bp, int r0, int r1, int jc, int nc, int pc,
                                       int kc, float alpha, float[] a, int aOff, int lda, float betaNow,
                                       float[] c, int cOff, int ldc) {
        float[] ap = null;
        int fullEnd = r0 + (r1 - r0) / MR * MR; // rows read in place end here
        if (PACKED) {
            ap = ws.keptA((r1 - r0 + MR - 1) / MR * MR * kc);
            for (int ir = r0; ir < r1; ir += MR) {
                GemmPack.packA(a, aOff + ir * lda + pc, lda, 1, Math.min(MR, r1 - ir), kc, ap, (ir - r0) * kc);
            }
        } else if (fullEnd < r1) {
            GemmPack.packA(a, aOff + fullEnd * lda + pc, lda, 1, r1 - fullEnd, kc, ws.edgeA, 0);
        }
        for (int q = 0, panels = (nc + NR - 1) / NR; q < panels; q++) {
            int jr = VectorGemm.panelStart(q, nc);
            int cols = VectorGemm.panelCols(q, nc);
            int bi = q * NR * kc;
            for (int ir = r0; ir < r1; ir += MR) {
                int rows = Math.min(MR, r1 - ir);
                int ci = cOff + ir * ldc + jc + jr;
                float[] as = ap;             // A's micro-panel: A(i, p) = as[ai + i·ars + p·acs]
                int ai = (ir - r0) * kc;
                int ars = 1;
                int acs = MR;
                if (ap == null && ir < fullEnd) {   // in place
                    as = a;
                    ai = aOff + ir * lda + pc;
                    ars = lda;
                    acs = 1;
                } else if (ap == null) {            // the edge rows
                    as = ws.edgeA;
                    ai = 0;
                }
                // written out here, not through a shared method: one more call level cost the 6 x 2 path
                // 0.5-1 % (JDK 25, AVX2, Zen 4; session 17)
                boolean full = rows == MR && cols == NR;
                if (full && betaNow == 0f && MR == 4) { // the 4 × 3 tile, A in place
                    GemmKernels4x3.k4x3r(kc, as, ai, ars, bp, bi, c, ci, ldc, alpha);
                } else if (full && betaNow == 0f) {     // the 6 × 2 tile, A packed
                    GemmKernels6x2.k6x2p(kc, as, ai, bp, bi, c, ci, ldc, alpha);
                } else if (full && MR == 4) {
                    GemmKernels4x3.k4x3rm(kc, as, ai, ars, bp, bi, c, ci, ldc, alpha, betaNow);
                } else if (full) {
                    GemmKernels6x2.k6x2pm(kc, as, ai, bp, bi, c, ci, ldc, alpha, betaNow);
                } else { // a narrow last panel or the edge rows: into the scratch tile, then merged
                    GemmKernels.run(Math.min(NV, (cols + VectorGemm.L - 1) / VectorGemm.L), kc, as, ai, ars, acs, bp, bi,
                            ws.tile, 0, NR, 1f);
                    EdgeMerge.merge(ws.tile, rows, cols, alpha, betaNow, c, ci, ldc);
                }
            }
        }
    }
}
