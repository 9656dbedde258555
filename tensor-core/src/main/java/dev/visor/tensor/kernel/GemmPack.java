package dev.visor.tensor.kernel;

import static dev.visor.tensor.kernel.VectorGemm.L;
import static dev.visor.tensor.kernel.VectorGemm.MR;
import static dev.visor.tensor.kernel.VectorGemm.NR;
import static dev.visor.tensor.kernel.VectorGemm.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The packing of {@link VectorGemm}: micro-panels of A into MR-row steps and panels of B into
 * NR-wide rows, the layouts {@link GemmKernels} reads. Copies only: a packed value is the caller's
 * own, so packing never changes a result's bits.
 */
final class GemmPack {
    private GemmPack() {}

    /**
     * Copies the micro-panel {@code A(i, p) = a[ai + i·rs + p·cs]}, {@code i < rows, p < kc}, into
     * {@code ap} as {@code ap[at + p·MR + i]}: the MR values of one step contiguous; rows past
     * {@code rows} are zero. A full 6-row panel of an untransposed A ({@code cs == 1}) is copied a
     * step at a time (six loads, six contiguous stores), the common case under {@link VectorGemm#PACK_A}. A
     * full panel of a transposed A ({@code rs == 1}, the MR values of a step contiguous) is copied
     * one vector a step when MR ≤ L (AVX2's 6 rows in 8 lanes), else by {@code System.arraycopy}:
     * measured on Zen 4 at {@code -XX:UseAVX=2}, packing 2048 × 1024 transposed took 0.66-0.71 ns
     * per element by vector against 0.85-0.97 by the 6-float copy calls.
     */
    static void packA(float[] a, int ai, int rs, int cs, int rows, int kc, float[] ap, int at) {
        if (cs == 1 && rows == 6 && MR == 6) {
            int a1 = ai + rs, a2 = ai + 2 * rs, a3 = ai + 3 * rs, a4 = ai + 4 * rs, a5 = ai + 5 * rs;
            for (int p = 0, d = at; p < kc; p++, d += 6) {
                ap[d] = a[ai + p];
                ap[d + 1] = a[a1 + p];
                ap[d + 2] = a[a2 + p];
                ap[d + 3] = a[a3 + p];
                ap[d + 4] = a[a4 + p];
                ap[d + 5] = a[a5 + p];
            }
            return;
        }
        if (rs == 1 && rows == MR) {
            int p = 0;
            if (MR <= L) {
                // one vector per step: its L - MR floats past the step land where the next steps
                // write next, so every step whose vector ends inside the panel (and reads inside a)
                for (int src = ai; p * MR + L <= kc * MR && src <= a.length - L; p++, src += cs) {
                    FloatVector.fromArray(S, a, src).intoArray(ap, at + p * MR);
                }
            }
            for (; p < kc; p++) {
                System.arraycopy(a, ai + p * cs, ap, at + p * MR, MR);
            }
            return;
        }
        for (int i = 0; i < MR; i++) {
            if (i < rows) {
                for (int p = 0, src = ai + i * rs; p < kc; p++, src += cs) {
                    ap[at + p * MR + i] = a[src];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    ap[at + p * MR + i] = 0f;
                }
            }
        }
    }

    /** Swaps a vector's halves ({@link #packATransposedPair}); null unless {@link VectorGemm#PACK_PAIRS}. */
    private static final VectorShuffle<Float> SWAP_HALVES = VectorGemm.PACK_PAIRS
            ? VectorShuffle.fromOp(S, i -> (i + MR) % (2 * MR)) : null;

    /**
     * Packs two micro-panels of a transposed A, {@code A(i, p) = a[ai + i + p·cs]} for {@code i < 2·MR},
     * as {@link #packA} would one after the other (the second at {@code at + MR·kc}): each step's
     * 2·MR contiguous values are one vector, stored whole at the step of the first panel and with its
     * halves swapped at the step of the second, each store's other half landing where the next step
     * writes; the last step is copied by element. Only under {@link VectorGemm#PACK_PAIRS} (MR 4, 8
     * lanes). The half-width species would do it with two plain stores, but one use of
     * {@code SPECIES_128} beside the 256-bit kernels makes their {@code intoArray} call sites see two
     * vector classes, and C2 then leaves their stores to the library's Java code (gradW at 51
     * GFLOP/s instead of 95 on Zen 4).
     */
    static void packATransposedPair(float[] a, int ai, int cs, int kc, float[] ap, int at) {
        int second = at + MR * kc;
        int src = ai;
        for (int p = 0; p < kc - 1; p++, src += cs) {
            FloatVector v = FloatVector.fromArray(S, a, src);
            v.intoArray(ap, at + MR * p);
            v.rearrange(SWAP_HALVES).intoArray(ap, second + MR * p);
        }
        for (int i = 0; i < MR; i++) {
            ap[at + MR * (kc - 1) + i] = a[src + i];
            ap[second + MR * (kc - 1) + i] = a[src + MR + i];
        }
    }

    /**
     * Packs {@code op(B)[pc:pc+kc, jc:jc+nc]} into panels of NR columns: panel {@code q} holds, for
     * each p, the NR values of row p contiguously at {@code q * NR * kc + p * NR}, from column
     * {@link VectorGemm#panelStart} on ({@code q * NR} except a split last pair, {@link
     * VectorGemm#SPLIT_LAST}); columns past the panel's {@link VectorGemm#panelCols} are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp,
                      int bpOff) {
        if (!transB && PACK_B_BY_ROWS) {
            packRows(b, bOff, ldb, pc, kc, jc, nc, bp, bpOff);
            return;
        }
        for (int q = 0, panels = (nc + NR - 1) / NR; q < panels; q++) {
            int jr = VectorGemm.panelStart(q, nc);
            int cols = VectorGemm.panelCols(q, nc);
            int base = bpOff + q * NR * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                if (cols == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int dst = base + p * NR;
                        for (int v = 0; v < NR; v += L) {
                            FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int dst = base + p * NR;
                        System.arraycopy(b, src, bp, dst, cols);
                        java.util.Arrays.fill(bp, dst + cols, dst + NR, 0f);
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    int dst = base + j;
                    if (j < cols) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++, dst += NR) {
                            bp[dst] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++, dst += NR) {
                            bp[dst] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether {@link #packB} copies an untransposed B a row of the block at a time
     * ({@link #packRows}) rather than a panel at a time; {@code -Dvisor.kernel.packBRows=false}
     * packs panel by panel, as before. The copies are the same, so the bits are too.
     */
    static final boolean PACK_B_BY_ROWS = KernelProperties.bool("visor.kernel.packBRows", true);

    /**
     * {@link #packB} for an untransposed B, {@link #PACK_B_ROWS} rows of the block at a time: for
     * each panel, those rows' NR floats each, read along B's rows and written contiguously. A
     * panel at a time walks down B's column of NR floats instead, one row (at a large ldb, one
     * page) per step, which the hardware prefetchers do not follow across pages: measured on Zen 4
     * (JFR, 512 × 2048 × 1024 TN, B 8 MiB), the panel-order copy took 6 % of the product,
     * stalled on its loads.
     */
    private static void packRows(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp,
                                 int bpOff) {
        int panels = (nc + NR - 1) / NR;
        int whole = (VectorGemm.splitLast(nc) ? nc / NR - 1 : nc / NR) * NR; // columns in full panels
        int panelStride = NR * kc;
        for (int p0 = 0; p0 < kc; p0 += PACK_B_ROWS) {
            int p1 = Math.min(kc, p0 + PACK_B_ROWS);
            int q = 0;
            for (int jr = 0; jr < whole; jr += NR, q++) {
                for (int p = p0, src = bOff + (pc + p0) * ldb + jc + jr, dst = bpOff + q * panelStride + p0 * NR;
                     p < p1; p++, src += ldb, dst += NR) {
                    for (int v = 0; v < NR; v += L) {
                        FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    }
                }
            }
            for (; q < panels; q++) {
                int cols = VectorGemm.panelCols(q, nc);
                int start = VectorGemm.panelStart(q, nc);
                for (int p = p0; p < p1; p++) {
                    int dst = bpOff + q * panelStride + p * NR;
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + start, bp, dst, cols);
                    java.util.Arrays.fill(bp, dst + cols, dst + NR, 0f);
                }
            }
        }
    }

    /**
     * Rows of B that {@link #packRows} copies panel by panel before it moves on ({@code
     * -Dvisor.kernel.packBGroup=N}, 8 by default; 1 copies a row at a time through every panel, as
     * before). A row at a time, each step writes NR floats into every panel, panels {@code NR · kc}
     * floats apart (96 KiB at kc 1024 with the 24-wide tile, a multiple of 4 KiB): as many store
     * streams as panels, all in the same sets of L1, each line left half-written until the next row
     * comes back to it. Eight rows write {@code 8 · NR} contiguous floats of a panel, whole lines,
     * while eight rows of B are read, each in order. Measured on Zen 4 (GemmAB, one JVM, CPU time,
     * session 17, {@code benchmarks/JOURNAL.md}): packing 1024 × 1024 from memory took 0.25 ms
     * against 0.40; at AVX2 eight rows beat one on sq1024 in 5 of 9 and 9 of 9 rounds (the two orders
     * of the sides, +0.5 to +0.8 %), on mm 1024×2048×512 in 9 of 9 and 8 of 9. At 128 and 512 bits
     * the shapes with an untransposed B won 4 to 7 of 7 rounds, but so did one with a transposed B,
     * which this does not touch: level there within the tool's bias. The copies are the same, so the
     * bits are too.
     */
    static final int PACK_B_ROWS = (int) KernelProperties.whole("visor.kernel.packBGroup", 8, 1);
}
