package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.KC;
import static dev.visor.tensor.kernel.VectorGemm.MC;
import static dev.visor.tensor.kernel.VectorGemm.MR;
import static dev.visor.tensor.kernel.VectorGemm.NC_MAX;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.ONE_SLAB_MAX;
import static dev.visor.tensor.kernel.VectorGemm.PACK_ALL_MAX;
import static dev.visor.tensor.kernel.VectorGemm.TILES;
import static dev.visor.tensor.kernel.VectorGemm.WORKSPACE;
import static dev.visor.tensor.kernel.VectorGemm.kcMax;
import static dev.visor.tensor.kernel.VectorGemm.keptAFloats;
import static dev.visor.tensor.kernel.VectorGemm.ncStep;
import static dev.visor.tensor.kernel.VectorGemm.rowPanels;

/**
 * {@link VectorGemm}'s products split across threads over one packed B that the cores share
 * ({@link #shared}), and the rules for when a product takes it ({@link #prefersShared},
 * {@link #columnSharesInOneBlock}, {@link #routeKc}) with their switches. Split out of VectorGemm
 * (branch slab13) with no change of behaviour: the loop nest, packing and kernels stay there. Loaded
 * only when {@link VectorSupport#available()}.
 */
final class SharedGemm {
    private SharedGemm() {}

    /**
     * Whether products split across threads share one packed B ({@link #shared}): on for the tiles
     * with row blocking ({@link VectorGemm#MC} &gt; 0, the 512-bit tile), {@code -Dvisor.kernel.sharedB=true|false}
     * to force. See {@link #shared} for why.
     */
    static final boolean SHARED_B = KernelProperties.bool("visor.kernel.sharedB", TILES.mc() > 0);

    /**
     * Whether products deeper than one slab split across threads share one packed B: as
     * {@link #SHARED_B}, and also by default with the 16-register tiles (AVX2), for the deep products
     * only; under the 4 × 3 tile only those with a transposed A ({@link #DEEP_COLUMNS_IN_PLACE}).
     * What follows was measured on the 6 × 2 tile. Until branch spread12 the 6-row tile's rows never split evenly enough for
     * Gemm to take it on those shapes (mc8's A/B, 46 of 66 rounds on sq2048, ffnDown 1024×512×2048
     * and gradW 2048×512×1024 TN, compared the same column split on both sides); since then a column
     * share of at most one block takes it ({@link #columnSharesInOneBlock}): ffnDown and gradW won 9 of
     * 9 rounds each by CPU time (GemmAB --threads=2, Zen 4, load 6-7: 70 → 81 % and 78 → 82 %). In the column
     * split each core packs a transposed A for every row of the product (gradW) and its own B for
     * all of k; shared, each packs only its own rows of A and B is packed once. The sums are bit for
     * bit the one-thread ones either way, so no result changes. {@code -Dvisor.kernel.sharedB}
     * forces both switches.
     */
    static final boolean SHARED_DEEP_B = KernelProperties.bool("visor.kernel.sharedB",
            TILES.mc() > 0 || (TILES.mr() == 6 && TILES.nrVectors() == 2) || (TILES.mr() == 4 && TILES.nrVectors() == 3));

    /**
     * The whole product on up to {@link Parallel#threads()} cores sharing one packed B, BLIS's way:
     * one split packs B for as many blocks of columns as {@link VectorGemm#PACK_ALL_MAX} holds (all of k for
     * each, or one slab at a time when a block's slabs do not fit), the cores sharing its panels and
     * depth; the next split runs the rows through it, each core a contiguous share of the MR-row
     * panels, block by block (MC rows at a time through all slabs, as {@link VectorGemm#block}). Against each
     * core packing its own columns of B (the column split), B is packed once instead of once per
     * core, every core runs whole NR-wide panels (no narrow panel at each share's end) and the rows
     * split evenly; most products take two splits in all. Each element sums the same slabs in the
     * same order as on one thread, so the result is bit for bit the same. Arguments are validated;
     * {@code k > 0}.
     */
    static void shared(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        int rs = transA ? 1 : lda;
        int cs = transA ? lda : 1;
        int kcMax = kcMax(transA, k);
        int ncStep = ncStep(kcMax, n);
        int slabs = (k + kcMax - 1) / kcMax;
        int slab = kcMax * ncStep;
        // all slabs of a block packed at once when they fit, else one slab per pack split
        int mc = sharedMc(transA);
        boolean allSlabs = mc > 0 && slabs > 1 && (long) k * ncStep <= PACK_ALL_MAX;
        int group = allSlabs || slabs == 1 ? slabs : 1;
        int blocks = group == slabs ? (int) Math.max(1, PACK_ALL_MAX / ((long) group * slab)) : 1;
        float[] bp = WORKSPACE.get().packedAll(blocks * group * slab);
        int rowPanels = (m + MR - 1) / MR;
        int rowStep = allSlabs ? mc : Math.max(MR, m);
        for (int j0 = 0; j0 < n; j0 += blocks * ncStep) {
            int jc0 = j0;
            int jcEnd = (int) Math.min(n, (long) j0 + (long) blocks * ncStep);
            int nBlocks = (jcEnd - jc0 + ncStep - 1) / ncStep;
            for (int s0 = 0; s0 < slabs; s0 += group) {
                int first = s0;
                int count = Math.min(group, slabs - s0);
                int panels = (ncStep + NR - 1) / NR; // per block; a last block's missing panels are skipped
                int parts = Math.max(1, (PACK_UNITS + nBlocks * count * panels - 1) / (nBlocks * count * panels));
                Parallel.forRange(nBlocks * count * panels * parts, 1, (from, to) -> {
                    for (int u = from; u < to; u++) {
                        int part = u % parts;
                        int q = u / parts % panels;
                        int s = u / (parts * panels) % count;
                        int blk = u / (parts * panels * count);
                        int jc = jc0 + blk * ncStep;
                        int width = Math.min(ncStep, jcEnd - jc);
                        int cols = q * NR < width ? VectorGemm.panelCols(q, width) : 0;
                        int pc = (first + s) * kcMax;
                        int kc = Math.min(kcMax, k - pc);
                        int p0 = (int) ((long) kc * part / parts);
                        int p1 = (int) ((long) kc * (part + 1) / parts);
                        if (cols > 0 && p1 > p0) {
                            GemmPack.packB(transB, b, bOff, ldb, pc + p0, p1 - p0, jc + VectorGemm.panelStart(q, width), cols, bp,
                                    (blk * group + s) * slab + q * NR * kc + p0 * NR);
                        }
                    }
                });
                Parallel.forRange(rowPanels, 1, (from, to) -> {
                    VectorGemm.Workspace ws = WORKSPACE.get();
                    int r0 = from * MR;
                    int r1 = Math.min(m, to * MR);
                    int rowsPad = (to - from) * MR;
                    int keep = keptAFloats(transA, r1 - r0, kcMax, count, nBlocks > 1);
                    float[] kept = keep > 0 ? ws.keptA(keep) : null;
                    for (int blk = 0; blk < nBlocks; blk++) {
                        int jc = jc0 + blk * ncStep;
                        int nc = Math.min(ncStep, jcEnd - jc);
                        for (int ic = r0; ic < r1; ic += rowStep) {
                            int ic1 = Math.min(r1, ic + rowStep);
                            for (int s = 0; s < count; s++) {
                                int pc = (first + s) * kcMax;
                                int kc = Math.min(kcMax, k - pc);
                                rowPanels(ws, bp, (blk * group + s) * slab, transA, ic, ic1, jc, nc, pc,
                                        kc, alpha, a, aOff, rs, cs, pc == 0 ? beta : 1f,
                                        c, cOff, ldc, kept, s * rowsPad * kcMax + (ic - r0) * kc, blk == 0);
                            }
                        }
                    }
                });
            }
        }
    }

    /**
     * Whether a product split across {@code threads} cores runs {@link #shared} rather than as column
     * shares, each with its own packed B: when k is deeper than one slab and {@link #SHARED_DEEP_B}
     * is on (each share would pack B for all of k and hold 1-2 MiB of it, past L2), or when
     * {@link #SHARED_B} is on and a column share
     * would be at most one block of packed B (packed twice for a block of work; each share ends on a
     * narrow panel). Measured at 512 bits (GemmAB --threads=2, CPU time, alternating rounds, load
     * 4.5-7): shared won sq2048, ffnDown 1024×512×2048, gradW 2048×512×1024 TN, proj 1024×512×512 and
     * sq512 in 6-7 of 7 rounds, and lost the wide one-slab products qkv 1024×1536×512 and ffnUp
     * 1024×2048×512 (0-2 of 7), even on sq1024 and mm 1024×2048×512, which keep the column split.
     */
    static boolean prefersShared(boolean transA, int n, int k, int threads) {
        return prefersShared(transA, n, k, threads, SHARED_B, SHARED_DEEP_B);
    }

    /** {@link #prefersShared(boolean, int, int, int)} with the two switches given (tests). */
    static boolean prefersShared(boolean transA, int n, int k, int threads, boolean sharedB, boolean sharedDeepB) {
        return (sharedDeepB && k > routeKc(transA, k) && (transA || !deepColumns(k)))
                || (sharedB && columnSharesInOneBlock(transA, n, k, threads));
    }

    /**
     * Whether a deep product with an untransposed A keeps the column split though {@link #SHARED_DEEP_B}
     * is on: always under the 4 × 3 tile ({@link #DEEP_COLUMNS_IN_PLACE}), and under the 6 × 2 tile where
     * each core's columns run in {@link RowBlockGemm}'s packed row blocks (one slab deeper than 2·KC).
     * Measured on JDK 25 at {@code -XX:UseAVX=2} on Zen 4 (GemmAB --threads=2, both orders, session 17):
     * the columns won sq1024 7 of 7 and 5 of 7 rounds (+1.5 to +2 %), 1024×1024×768 5 of 7 both ways;
     * in whole JVMs ({@code bin/gemm-pairs --threads=2}, 5 pairs) sq1024 read 85–89 % of the peak against
     * 77–89 % (3 of 5) and 1024×1024×768 87–89 % against 81–88 % (5 of 5). The sums are the same either way.
     */
    static boolean deepColumns(int k) {
        return DEEP_COLUMNS_IN_PLACE
                || (RowBlockGemm.ON && RowBlockGemm.PACKED && VectorGemm.kcMax(false, k) > 2 * VectorGemm.KC);
    }

    /**
     * Whether a deep product with an untransposed A keeps the column split under {@link #SHARED_DEEP_B}:
     * with the 4 × 3 tile, which reads such an A in place. The deep rule was measured on the 6 × 2 tile,
     * whose column split packs every row of A on every core; reading A in place, neither split packs
     * A, and the columns pack each core's B into its own L2 instead of all of B into one buffer past it.
     * Measured on Zen 4 at {@code -XX:UseAVX=2} (GemmAB --threads=2, 9 rounds, both orders, load 0.5–1.4):
     * the columns won sq2048 8 of 9 and 8 of 9, ffnDown 1024×512×2048 5 of 9 and 9 of 9, while
     * gradW 2048×512×1024 TN (a transposed A, packed) kept the shared B (7 and 8 of 9 for it). The sums
     * are the same either way.
     */
    static final boolean DEEP_COLUMNS_IN_PLACE = VectorGemm.A_IN_PLACE;

    /**
     * Whether splitting {@code n} columns between {@code threads} cores would leave each a share of
     * at most one block of packed B: then each core packs all of A (every row of it, as one thread
     * does) and runs each packed micro-panel of A through at most as many kernel calls as one block
     * holds (16 instead of 32 for 512 columns on two cores at AVX2), while {@link #shared} packs each
     * row of A once and runs whole blocks. Gemm then takes {@link #shared} (where {@link
     * #prefersShared}) even when its row split is one MR-row panel less even than the column split:
     * with the 6-row tile 1 024 or 2 048 rows never halve into whole panels (86 and 85 of 171), and
     * before branch spread12 such products always fell back to the column split. Shares narrower
     * than a block (ffnDown 1024×512×2048, gradW 2048×512×1024 TN) came first; a share of exactly one
     * block (sq1024 at AVX2: 512 columns each, NC 512) followed after 14 quiet whole-JVM pairs on Zen 4
     * (benchmarks/JOURNAL.md, "The quiet window after spread12, gemm12 and arena12"): on 2 threads the
     * shared B read 72-85 % of the peak (one JVM of 14 under 75 %), the column split 67-86 % (four
     * under 75 %), higher in 9 of 14 pairs. Two blocks per share (sq2048) keep the columns: the shared
     * B lost 5 of 6 pairs there.
     */
    static boolean columnSharesInOneBlock(boolean transA, int n, int k, int threads) {
        return n <= (long) threads * Math.max(NR, NC_MAX * KC / routeKc(transA, k));
    }

    /**
     * Rows at a time through all slabs in {@link #shared}: {@link VectorGemm#MC}, or where that is 0 (the AVX2
     * 16-register tiles), {@link #SHARED_MC} for an untransposed A.
     */
    static int sharedMc(boolean transA) {
        return MC > 0 ? MC : transA ? 0 : SHARED_MC;
    }

    /**
     * MC of the shared packed B ({@link #shared}) where {@link VectorGemm#MC} is 0 (the AVX2 tiles): 0 by
     * default, one slab per pack split; {@code -Dvisor.kernel.mcShared=48} packs a block's slabs in one
     * split and runs each core's rows 48 at a time through all of them, as the 512-bit tile does.
     * gemm11's A/Bs of it on sq1024, sq2048 and ffnDown (47 of 69 GemmAB rounds under load, then 1 of
     * 9 whole-JVM pairs in a quiet window) never reached this path: those products took the column
     * split (see {@link #columnSharesInOneBlock}). Once ffnDown 1024×512×2048 did (branch spread12), 48
     * won 1 of 9 GemmAB rounds against 0 on 2 threads (Zen 4, load 6), so it stays off. A transposed A
     * never takes it. Same bits either way.
     */
    static final int SHARED_MC = (int) KernelProperties.whole("visor.kernel.mcShared", 0, 0) / MR * MR;

    /** Units a pack split is cut into at least (slabs × panels × parts of the depth), so the cores share it evenly. */
    static final int PACK_UNITS = 16;

    /**
     * The slab depth the split between threads is judged by ({@link #prefersShared}, {@link
     * #columnSharesInOneBlock}): {@link VectorGemm#kcMax} with one slab only up to 2·KC, as before branch slab13
     * raised the AVX2 tile's {@link VectorGemm#ONE_SLAB_MAX} to 1024, so that sq1024 keeps the shared packed B
     * there (run as one slab, the shared B won 22 of 22 {@code GemmAB --threads=2} rounds against the
     * column split on Zen 4, 86-88 % against 81-86 % of the peak; benchmarks/JOURNAL.md "slab13").
     * Equal to kcMax wherever ONE_SLAB_MAX is 2·KC (512 and 128 bits), so their routing is unchanged.
     */
    static int routeKc(boolean transA, int k) {
        return VectorGemm.kcMax(transA, k, Math.min(ONE_SLAB_MAX, 2 * KC));
    }
}
