package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API GEMM: a register-blocked micro-kernel over packed panels of B, following the
 * Goto/BLIS loop nest, with the register tile and panel sizes of {@link MachineShape} (8 rows × 3
 * vectors with 32 vector registers, 6 × 4 with 32 of 128 bits, 4 × 3 with 16 on JDK 17; 6 × 2 on
 * later JDKs, or when forced).
 * Loaded only when {@link VectorSupport#available()}.
 *
 * <p>Loop nest for one block {@code C[m0:m1, n0:n1]} (one thread's share):
 * <pre>
 * for jc in columns, step nc ≤ NC_MAX          B block kc×nc packed once, lives in L2
 *   for pc in 0..k, step KC                     beta applies on the first pc only
 *     pack op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels
 *     for ir in rows, step MR                   A micro-panel MR×kc read in place, lives in L1
 *       for jr in 0..nc, step NR                the micro-kernel: MR×NR of C in registers
 * </pre>
 * With {@link #MC} &gt; 0 (the 512-bit tile) and k deeper than one slab, every slab of the jc block
 * is packed first and the rows go MC at a time through all slabs ({@code for ic, step MC; for pc;
 * for ir in ic..ic+MC; for jr}), so the block of C merged on the slabs after the first is still in
 * L2; each element sums the same slabs in the same order either way. A product only a little
 * deeper than KC ({@code k ≤ }{@link #ONE_SLAB_MAX}, A not transposed) runs as one slab of depth k.
 * Under the 4 × 3 tile an untransposed A's block runs in {@link RowBlockGemm}'s order instead: each
 * slab of B packed whole, the rows an L2-sized block at a time through every panel of it.
 * With the 8-row tile A is not packed: the kernel broadcasts {@code A(i, p)} straight from the
 * caller's array with a row stride and a column stride, which covers both {@code op(A) = A} and
 * {@code op(A) = Aᵀ}; with the 4-row tile an untransposed A is read so too, a transposed one packed.
 * Rows past the end of a block (fewer than MR) are packed into a zero-padded
 * edge buffer, and so is every panel of a transposed A when MR does not divide a cache line
 * ({@link #PACK_TRANSPOSED_A}) and every panel of the 6-row tile ({@link #PACK_A}); columns past
 * the end are zero in the packed panel, and such partial tiles are computed into a scratch tile and
 * merged (a last panel of one or two vectors' width runs a narrower kernel). On a Zen 5 core
 * (48 KiB L1d, 1 MiB L2, 512-bit vectors) the sizes are those measured best there: 8 × 48 floats,
 * KC = 512, NC_MAX = 256 (KC 256 and NC 512 for a transposed A: {@link #KC_TRANSPOSED_A}; see
 * {@code benchmarks/README.md}). The kernels are in {@link GemmKernels} (and
 * {@link GemmKernels4x3}, {@link GemmKernels6x2}). Split across threads, a block
 * is one core's share of columns, each core packing its own B; or ({@link SharedGemm#shared}) B is packed
 * once by all cores and each runs a share of the rows through it.
 */
final class VectorGemm {
    /** The widest species the CPU runs natively (512-bit with AVX-512, where it doubles the FMA rate). */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /** The blocking chosen for this machine. */
    static final MachineShape.GemmTiles TILES = MachineShape.current().gemm();
    /** Rows of C per micro-kernel call. */
    static final int MR = TILES.mr();
    /** Vectors of columns per micro-kernel call. */
    static final int NV = TILES.nrVectors();
    /** Columns of C per micro-kernel call. */
    static final int NR = NV * L;
    /** Depth of one packed panel: an NR-wide panel of B is {@code KC * NR * 4} bytes. */
    static final int KC = TILES.kc();
    /** Widest block of packed B ({@code KC * NC_MAX * 4} bytes, half of L2). */
    static final int NC_MAX = TILES.ncMax();

    static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private VectorGemm() {}

    /** Per-thread scratch: packed B, the edge rows of A and one MR×NR tile of C. */
    static final class Workspace {
        final float[] packedB = new float[KC * NC_MAX + Math.max(KC, ONE_SLAB_MAX) * NR];
        final float[] edgeA = new float[MR * Math.max(KC, ONE_SLAB_MAX)];
        final float[] tile = new float[MR * NR];
        /** Packed B for all of k, grown on demand (at most {@link #PACK_ALL_MAX} floats). */
        private float[] all = new float[0];
        /** Packed A kept across blocks of columns ({@link #KEEP_A}), grown on demand (at most PACK_ALL_MAX floats). */
        private float[] keptA = new float[0];

        float[] keptA(int floats) {
            if (keptA.length < floats) {
                keptA = new float[floats];
            }
            return keptA;
        }

        float[] packedAll(int floats) {
            if (all.length < floats) {
                all = new float[floats];
            }
            return all;
        }
    }

    /**
     * Computes {@code C[m0:m1, n0:n1] = alpha · op(A)[m0:m1, :] · op(B)[:, n0:n1] + beta · C[m0:m1, n0:n1]}
     * on the calling thread. Arguments are already validated; {@code k > 0}.
     */
    static void block(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        int rs = transA ? 1 : lda; // distance between A(i, p) and A(i + 1, p)
        int cs = transA ? lda : 1; // distance between A(i, p) and A(i, p + 1)
        int kcMax = kcMax(transA, k);
        if (RowBlockGemm.takes(transA, kcMax, n1 - n0)) { // B's slab whole, rows in L2-sized blocks
            RowBlockGemm.block(transB, m0, m1, n0, n1, k, kcMax, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int ncStep = ncStep(kcMax, n1 - n0);
        boolean allSlabs = MC > 0 && k > kcMax && m1 - m0 > MC && (long) k * ncStep <= PACK_ALL_MAX;
        int keep = keptAFloats(transA, m1 - m0, kcMax, 1, n1 - n0 > ncStep && !allSlabs);
        int rowsPad = (m1 - m0 + MR - 1) / MR * MR;
        int keepAll = keptAFloats(transA, m1 - m0, kcMax, (k + kcMax - 1) / kcMax, n1 - n0 > ncStep && allSlabs);
        if (keep > 0) {
            // slab by slab (the same slabs in the same order for every element), each slab's packed
            // A made on the first block of columns and read again by the others
            float[] kept = ws.keptA(keep);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                for (int jc = n0; jc < n1; jc += ncStep) {
                    int nc = Math.min(ncStep, n1 - jc);
                    GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, ws.packedB, 0);
                    rowPanels(ws, ws.packedB, 0, transA, m0, m1, jc, nc, pc, kc, alpha, a, aOff, rs, cs,
                            pc == 0 ? beta : 1f, c, cOff, ldc, kept, 0, jc == n0);
                }
            }
            return;
        }
        for (int jc = n0; jc < n1; jc += ncStep) {
            int nc = Math.min(ncStep, n1 - jc);
            if (!allSlabs) {
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, ws.packedB, 0);
                    rowPanels(ws, ws.packedB, 0, transA, m0, m1, jc, nc, pc, kc, alpha, a, aOff, rs, cs,
                            pc == 0 ? beta : 1f, c, cOff, ldc, null, 0, false);
                }
                continue;
            }
            // Every slab of B packed once, then MC rows at a time through all slabs, so the MC x nc
            // block of C merged on the slabs after the first is still in L2.
            int slab = kcMax * ncStep;
            float[] kept = keepAll > 0 ? ws.keptA(keepAll) : null;
            float[] bp = ws.packedAll(((k + kcMax - 1) / kcMax) * slab);
            for (int pc = 0, s = 0; pc < k; pc += kcMax, s += slab) {
                GemmPack.packB(transB, b, bOff, ldb, pc, Math.min(kcMax, k - pc), jc, nc, bp, s);
            }
            for (int ic = m0; ic < m1; ic += MC) {
                int ic1 = Math.min(m1, ic + MC);
                for (int pc = 0, s = 0, q = 0; pc < k; pc += kcMax, s += slab, q++) {
                    int kc = Math.min(kcMax, k - pc);
                    rowPanels(ws, bp, s, transA, ic, ic1, jc, nc, pc, kc, alpha, a, aOff, rs, cs,
                            pc == 0 ? beta : 1f, c, cOff, ldc, kept, q * rowsPad * kcMax + (ic - m0) * kc, jc == n0);
                }
            }
        }
    }

    /** Depth of the slabs of B: KC, at most {@link #KC_TRANSPOSED_A} for a transposed A, or all of a k up to {@link #ONE_SLAB_MAX}. */
    static int kcMax(boolean transA, int k) {
        return kcMax(transA, k, ONE_SLAB_MAX);
    }

    /** {@link #kcMax(boolean, int)} with one slab only up to depth {@code oneSlab} ({@link SharedGemm#routeKc}'s bound). */
    static int kcMax(boolean transA, int k, int oneSlab) {
        int kcMax = transA ? Math.min(KC, KC_TRANSPOSED_A) : KC;
        if (!transA && k > kcMax && k <= oneSlab) {
            kcMax = k; // one deeper slab: no second pass over C (see ONE_SLAB_MAX)
        }
        return kcMax;
    }

    /** Width of the blocks of packed B for {@code width} columns: NC_MAX's bytes at depth kcMax, evened out, whole panels. */
    static int ncStep(int kcMax, int width) {
        int ncMax = Math.max(NR, NC_MAX * KC / kcMax); // the same bytes of packed B
        int blocks = (width + ncMax - 1) / ncMax;
        return ((width + blocks - 1) / blocks + NR - 1) / NR * NR;
    }

    /**
     * Rows of a block of C at a time when B is packed for all of k ({@code m1 - m0 > MC}, 0 = never;
     * see {@code MachineShape.WIDE_TILE}): a multiple of MR, so only a block's last row panel is
     * short. With every row of C through one slab before the next, a product with k past KC
     * merges each tile into a C that L2 has dropped since the slab before (measured by CPU time on
     * Zen 5: skipping those merges altogether, a wrong result, ran sq2048 and gradW 8-10 % faster).
     * With MC rows at a time, the MC × nc block of C stays in L2 across the slabs; each slab of B
     * is read again from L3 once per MC rows.
     */
    static final int MC = TILES.mc();

    /**
     * Deepest product (with A not transposed) run as one slab instead of several: {@code
     * MachineShape.GemmTiles.oneSlab}, 2·KC (1024 on Zen 5, the A micro-panel then in two thirds of
     * L1d), and 1024 for the AVX2 6 × 2 tile whatever KC ({@code MachineShape.AVX2_ONE_SLAB}, branch
     * slab13: sq1024 on Zen 4 one slab instead of four). With two slabs, every tile of C is stored, then
     * read back and merged with the second slab's scratch tile (and at 512 bits the rows go MC at a
     * time through both); with one, each tile is stored once. Measured by CPU time on Zen 5 (GemmAB,
     * one JVM, alternating rounds, load 8-13): sq1024 won 25 of 32 rounds at 512 bits (best +2 to
     * +11 %) and 17 of 24 at AVX2 (+5 %), 6 of 11 at 128 bits (even); KC 1024 for every product
     * gained nothing at k = 2048 (sq2048 4 of 11, ffnDown 5 of 11 at 512 bits), so only k in
     * (KC, 2·KC] takes it.
     */
    static final int ONE_SLAB_MAX = TILES.oneSlab();

    /**
     * Most floats of packed B for all of k at once ({@code k × nc}, 8 MiB); past it the slabs are
     * packed one at a time and every row goes through each.
     */
    static final long PACK_ALL_MAX = 1L << 21;

    /**
     * {@code C[r0:r1, jc:jc+nc] = alpha · op(A)[r0:r1, pc:pc+kc] · Bp + betaNow · C}, Bp the
     * packed slab of B at {@code bp[bpOff]}: the row panels of MR and, in each, the NR-wide
     * micro-kernel calls.
     */
    static void rowPanels(Workspace ws, float[] bp, int bpOff, boolean transA, int r0, int r1, int jc,
                                  int nc, int pc, int kc, float alpha, float[] a, int aOff, int rs, int cs,
                                  float betaNow, float[] c, int cOff, int ldc,
                                  float[] kept, int keptOff, boolean fill) {
        float[] edge = ws.edgeA;
        float[] tile = ws.tile;
        boolean pairs = PACK_PAIRS && transA;
        for (int ir = r0; ir < r1; ir += MR) {
            int rows = Math.min(MR, r1 - ir);
            float[] as = a;
            int ai = aOff + ir * rs + pc * cs;
            int ars = rs;
            int acs = cs;
            // with PACK_PAIRS, two panels of a transposed A are packed together (the second then packs nothing)
            boolean pairFirst = pairs && (ir - r0) % (2 * MR) == 0 && r1 - ir >= 2 * MR;
            boolean pairSecond = pairs && (ir - r0) % (2 * MR) == MR && rows == MR;
            if (kept != null) { // every panel packed once, by the first block of columns
                int at = keptOff + (ir - r0) * kc;
                if (fill && pairFirst) {
                    GemmPack.packATransposedPair(a, ai, cs, kc, kept, at);
                } else if (fill && !pairSecond) {
                    GemmPack.packA(a, ai, rs, cs, rows, kc, kept, at);
                }
                as = kept;
                ai = at;
                ars = 1;
                acs = MR;
            } else if (rows < MR || (transA && PACK_TRANSPOSED_A) || PACK_A) {
                if (pairFirst) {
                    GemmPack.packATransposedPair(a, ai, cs, kc, edge, 0);
                } else if (!pairSecond) {
                    GemmPack.packA(a, ai, rs, cs, rows, kc, edge, 0);
                }
                as = edge;
                ai = pairSecond ? MR * kc : 0;
                ars = 1;
                acs = MR;
            }
            for (int q = 0, panels = (nc + NR - 1) / NR; q < panels; q++) {
                int jr = panelStart(q, nc);
                int cols = panelCols(q, nc);
                int bi = bpOff + q * NR * kc;
                int ci = cOff + ir * ldc + jc + jr;
                boolean full = rows == MR && cols == NR;
                if (full && betaNow == 0f) {
                    GemmKernels.run(NV, kc, as, ai, ars, acs, bp, bi, c, ci, ldc, alpha);
                } else if (full && MERGE_IN_KERNEL) {
                    if (MR == 8) {
                        GemmKernels.k8x3m(kc, as, ai, ars, acs, bp, bi, c, ci, ldc, alpha, betaNow);
                    } else if (MR == 4 && acs == 1) { // the 4 × 3 tile on A in place
                        GemmKernels4x3.k4x3rm(kc, as, ai, ars, bp, bi, c, ci, ldc, alpha, betaNow);
                    } else if (MR == 4) { // the 4 × 3 tile on a packed panel: ars 1, acs 4
                        GemmKernels4x3.k4x3pm(kc, as, ai, ars, bp, bi, c, ci, ldc, alpha, betaNow);
                    } else { // the 6 × 2 tile on a packed panel (PACK_A): ars 1, acs 6
                        GemmKernels6x2.k6x2pm(kc, as, ai, bp, bi, c, ci, ldc, alpha, betaNow);
                    }
                } else {
                    // a narrow last panel only computes the vectors it needs
                    GemmKernels.run(Math.min(NV, (cols + L - 1) / L), kc, as, ai, ars, acs, bp, bi,
                            tile, 0, NR, 1f);
                    if (full) {
                        mergeFull(tile, alpha, betaNow, c, ci, ldc);
                    } else {
                        EdgeMerge.merge(tile, rows, cols, alpha, betaNow, c, ci, ldc);
                    }
                }
            }
        }
    }

    /**
     * Whether a block whose last panel would be at most one vector wide ends instead on two panels
     * of two vectors and of one to two (for 512 columns and the 24-wide tile: 20 panels of 24 and
     * two of 16, not 21 and one of 8): on for the 4 × 3 and 8 × 3 tiles, {@code
     * -Dvisor.kernel.splitLast=false} to turn off. A one-vector panel runs {@link GemmKernels4x3#k4x1}
     * (or {@link GemmKernels#k8x1}), 4 (8) FMAs a step on as many chains for 5 (9) loads; the
     * two-vector one twice the FMAs for one load more. Every power-of-two width but 1024 leaves 8
     * columns over 24; at 512 bits 1024 leaves 16 over 48. Measured on Zen 4 (session 17, B's panels
     * in L2, CPU time): {@code k8x3} 114, {@code k8x2} 113, {@code k8x1} 77 GFLOP/s, and sq1024 at
     * 512 bits won 7 of 9 and 6 of 9 GemmAB rounds split (both orders), 8 of 9 on 2 threads. Panel
     * {@code q} is still packed at {@code q · NR · kc}; only its columns move ({@link #panelStart},
     * {@link #panelCols}).
     */
    static final boolean SPLIT_LAST = NV == 3 && (MR == 4 || MR == 8) && KernelProperties.bool("visor.kernel.splitLast", true);

    /** Whether a block {@code nc} wide ends on two split panels ({@link #SPLIT_LAST}). */
    static boolean splitLast(int nc) {
        int rem = nc % NR;
        return SPLIT_LAST && rem > 0 && rem <= L && nc > NR;
    }

    /** First column, within its block {@code nc} wide, of packed panel {@code q}. */
    static int panelStart(int q, int nc) {
        return splitLast(nc) && q == nc / NR ? (q - 1) * NR + 2 * L : q * NR;
    }

    /** Columns of packed panel {@code q} of a block {@code nc} wide (at most NR; the panel is NR wide, zero past them). */
    static int panelCols(int q, int nc) {
        if (splitLast(nc)) {
            int full = nc / NR;
            if (q == full - 1) {
                return 2 * L;
            }
            if (q == full) {
                return nc - (full - 1) * NR - 2 * L;
            }
        }
        return Math.min(NR, nc - q * NR);
    }

    /**
     * Deepest panel for a transposed A. Stored transposed, A's micro-panel has one cache line (and,
     * for a wide A, one page) per step of p, so a KC of 512 fills L1 and the TLB with it: measured
     * (CPU time, Zen 5, one JVM, rounds interleaved), gradW 2048×512×1024 TN lost 5-17 % at KC 512
     * against 256 at 128 and 256 bits and gained nothing at 512 bits, while the untransposed shapes
     * gained. Such products keep KC 256 with a block of B twice as wide.
     */
    static final int KC_TRANSPOSED_A = 256;

    /**
     * Whether the micro-panels of a transposed A are packed, not only its edge panels. Stored
     * transposed, the MR values of one step are contiguous; when MR does not divide the 16 floats of
     * a cache line (the 6-row tile), a third of the steps straddle two lines: measured on the AVX2
     * tile (CPU time, Zen 5 at {@code -XX:UseAVX=2}), gradW 2048×512×1024 ran at 66-67 % of the peak
     * in place and 91-92 % packed, while packing every panel cost the other shapes 3-15 %. The 4-row
     * tile packs a transposed A too, though its four values of a step share a line: read in place,
     * each step is on another page, and gradW ran at 40 % of the peak on Zen 4.
     */
    static final boolean PACK_TRANSPOSED_A = 16 % MR != 0 || MR == 4;

    /**
     * Whether two micro-panels of a transposed A are packed together, a step's 2·MR contiguous values
     * read as one vector and stored as two halves ({@link GemmPack#packATransposedPair}): for the 4 × 3
     * tile at 8 lanes. Packed a panel at a time, each step reads half a vector for a page of A
     * (a transposed A's steps are a row of it apart): gradW 2048×512×1024 TN's panels took 1.5 ms so
     * on Zen 4, 0.9 in pairs.
     */
    static final boolean PACK_PAIRS = MR == 4 && L == 2 * MR;

    /**
     * Whether every micro-panel of A is packed ({@link GemmPack#packA}) before its row of kernel calls, not
     * only the edges and a transposed A's: on by default for the 6-row (16-register, AVX2) tile,
     * whose kernel then runs {@link GemmKernels6x2#k6x2p}, about 31 instructions per step of 12 FMAs
     * instead of 53 (see there). {@code -Dvisor.kernel.packA=false} reads an untransposed A in place
     * again, as before. Measured on Zen 4 ({@code -XX:UseAVX=2}, where 256-bit FMAs run at the full
     * peak and every scalar instruction of the loop shows; GemmAB, one JVM, CPU time, alternating
     * rounds, load 7): every GemmBars shape won 7 of 7 rounds, +12 to +26 % (sq1024 78.8 → 95.8
     * GFLOP/s, 68 → 83 % of the peak). The packed values are A's own, summed in the same order, so
     * the bits do not change. On Zen 5, where the AVX2 FMAs run at half the 512-bit rate and the old
     * kernel read 90-96 % of that peak, the loop has fewer instructions for the same FMAs; packing
     * costs about 1 % of a product (6 · kc copies per row panel against 6 · kc · nc / 8 FMAs). The
     * 128-bit 6 × 4 tile has six rows too, so it packs as well: there {@link GemmKernels#k6x4} reads
     * the packed panel through its row and column strides (1 and 6), and packing every panel was
     * level with A in place (29 of 54 rounds, gemm9b in benchmarks/JOURNAL.md).
     */
    static final boolean PACK_A = KernelProperties.bool("visor.kernel.packA", MR == 6);

    /**
     * Whether the 4 × 3 tile reads an untransposed A in place (it does unless {@code
     * -Dvisor.kernel.packA=true}): what {@link RowBlockGemm}'s loop order and {@link
     * SharedGemm#DEEP_COLUMNS_IN_PLACE}'s split rule are for.
     */
    static final boolean A_IN_PLACE = MR == 4 && NV == 3 && !PACK_A;

    /**
     * Whether a product whose row panels run under more than one block of packed B packs each panel
     * of A once and reads it again for the other blocks (the loop then goes slab by slab, each slab
     * over every block of columns), instead of packing it again for every block: on by default where
     * every panel is packed anyway ({@link #PACK_A}, or a transposed A under {@link
     * #PACK_TRANSPOSED_A}), {@code -Dvisor.kernel.keepA=false} to pack per block as before. A product
     * n columns wide packs A {@code n / nc} times otherwise (8 times for 1024×2048×512, whose packing
     * took 8.5 % of its CPU samples on Zen 4 at {@code -XX:UseAVX=2}: six rows read from L3 a step at
     * a time). Every element sums the same slabs in the same order, so the bits do not change.
     */
    static final boolean KEEP_A = KernelProperties.bool("visor.kernel.keepA", PACK_A || PACK_TRANSPOSED_A);

    /**
     * Floats of kept packed A for {@code rows} rows and {@code slabs} slabs of depth kcMax when
     * {@code reused} (more than one block of columns) and {@link #KEEP_A} applies, else 0; also 0 past
     * {@link #PACK_ALL_MAX}.
     */
    static int keptAFloats(boolean transA, int rows, int kcMax, int slabs, boolean reused) {
        if (!reused || !KEEP_A || !(PACK_A || (transA && PACK_TRANSPOSED_A))) {
            return 0;
        }
        long floats = (long) (rows + MR - 1) / MR * MR * kcMax * slabs;
        return floats <= PACK_ALL_MAX ? (int) floats : 0;
    }

    /**
     * Whether a full tile merged into C (beta ≠ 0: the slabs after a deep product's first, or a
     * caller's beta) is merged by the kernel itself ({@link GemmKernels#k8x3m} for the 8 × 3 tile,
     * {@link GemmKernels6x2#k6x2pm} for the 6 × 2 tile on a packed A, {@link GemmKernels4x3#k4x3rm} and
     * {@link GemmKernels4x3#k4x3pm} for the 4 × 3 tile) rather than through the scratch
     * tile and {@link #mergeFull}: the same rounding, 24 (12) stores and as many loads fewer per tile.
     * On for those three tiles; {@code -Dvisor.kernel.mergeInKernel=false} goes through the scratch
     * tile as before (the 128-bit 6 × 4 tile always does).
     */
    static final boolean MERGE_IN_KERNEL = ((MR == 8 && NV == 3) || (MR == 6 && NV == 2 && PACK_A) || (MR == 4 && NV == 3))
            && KernelProperties.bool("visor.kernel.mergeInKernel", true);

    /** {@code C[0:MR, 0:NR] = fma(tile, alpha, beta · C)}, beta ≠ 0, vectorised. */
    static void mergeFull(float[] tile, float alpha, float beta, float[] c, int ci, int ldc) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        FloatVector vb = FloatVector.broadcast(S, beta);
        for (int i = 0; i < MR; i++, ci += ldc) {
            for (int v = 0; v < NR; v += L) {
                FloatVector acc = FloatVector.fromArray(S, tile, i * NR + v);
                acc.fma(va, FloatVector.fromArray(S, c, ci + v).mul(vb)).intoArray(c, ci + v);
            }
        }
    }
}
