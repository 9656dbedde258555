package dev.visor.attention;

import static dev.visor.attention.VectorTileGemm.load;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorTileGemm}'s six-row kernels, 6 rows × 2 vectors of C in 12 accumulator locals: the
 * widest flash tile with 16 vector registers (12 + 2 vectors of B + 1 broadcast of A; AVX2, see
 * {@code MachineShape.flashRows()}). The 4 × 2 kernel there spends 4 broadcasts and 2 loads on 8
 * FMAs, with the range checks and index arithmetic of 6 array reads; at Zen 4's full-rate 256-bit
 * FMAs that, not the FMA pipes, set its speed (about 55–60 % of the peak alone in L1, benchmarks/
 * JOURNAL.md, flash9). Six rows spend 8 reads on 12 FMAs, and when A's depth stride is 1 (the
 * queries in place, the probabilities) a copy of the kernel reads A at {@code a0 + t}, a linear
 * index C2 checks once before the loop instead of at every read. Every element of C is summed over
 * the depth in order from C's start, as in every other kernel, so the bits are the same.
 *
 * <p>B's row (and A's column, when its depth stride is a variable) is computed from the step,
 * {@code b0 + t·ldb}, not carried from step to step as {@code bt += ldb}: the step counter is then the
 * loop's only value carried from one step to the next. With a carried {@code bt}, C2 (JDK 17) gave
 * {@link #kernel6x2r} one of several register allocations depending on the JVM's profile at compile
 * time, and in some it kept a carried value in a stack slot or an XMM register (a store and a reload,
 * or two {@code vmovd}, every step): those JVMs ran the forward pass 7–14 % slower for their whole
 * life at {@code -XX:UseAVX=2} (benchmarks/JOURNAL.md, flash11). A spilled loop invariant costs a
 * load, not a longer chain. The product is the same int as the running sum, so the bits are too.
 *
 * <p>The three kernels are one loop written out three times on purpose: what differs is how A's
 * index is formed, which is what C2 must see as a constant or a linear index in each method; a
 * shared helper would hand vectors between methods, where C2 has boxed them (docs/DESIGN.md).
 */
final class VectorTileGemmSix {
    private static final VectorSpecies<Float> S = VectorTileOps.S;
    private static final int L = S.length();

    /**
     * The row stride of A that {@link #kernel6x2r} has built in: the score tiles' rows of 64-key
     * blocks (the default block size), the probabilities of P·V, and the queries of 64-wide heads
     * laid out (batch, head, position, dim), read in place by Q·Kᵀ. A stride C2 knows makes each
     * row's read an offset in the instruction instead of an addition per row and step: 6 × 2 at
     * {@code -XX:UseAVX=2} on Zen 4 ran at 85–88 % of the peak alone in L1 against 70–73 % with
     * the stride as a variable (benchmarks/JOURNAL.md, flash9).
     */
    static final int ROW = 64;

    private VectorTileGemmSix() {}

    /**
     * The leading rows of a {@code rows × cols} product (cols a multiple of two vectors) in groups of
     * six, leaving the 4-row kernels a multiple of four rows (or one more); arguments as
     * {@link VectorTileGemm#tiles}, {@code rowScale} not null. Returns how many rows it computed.
     */
    static int rows(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                    float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                    float[] rowScale, int scaleOff) {
        int six = rows / 6;
        if (six > 0 && (rows - 6 * six) % 4 >= 2) {
            six--;   // 64 rows = 6·10 + 4, 128 = 6·20 + 8: no 2- or 3-row rest
        }
        // the kernel chosen before the loops: the forward pass only has A at unit depth stride, the
        // backward pass also has it transposed, so this branch's profile changes when training
        // reaches the first backward pass, and C2 then recompiles this method (it holds no vector,
        // and the kernels, each well over C2's inlining size, are calls: nothing can be boxed by it;
        // FlashKernelCompileTest allows that trap here and nowhere else in the kernels' classes)
        if (ats == 1 && ars == ROW && depth == ROW) {
            for (int r = 0; r < 6 * six; r += 6) {
                for (int j = 0; j < cols; j += 2 * L) {
                    kernel6x2r(a, aOff + r * ROW, b, bOff + j, ldb, c, cOff + r * ldc + j, ldc, accumulate,
                            rowScale, scaleOff + r);
                }
            }
        } else if (ats == 1) {
            for (int r = 0; r < 6 * six; r += 6) {
                for (int j = 0; j < cols; j += 2 * L) {
                    kernel6x2u(depth, a, aOff + r * ars, ars, b, bOff + j, ldb, c, cOff + r * ldc + j, ldc, accumulate,
                            rowScale, scaleOff + r);
                }
            }
        } else {
            for (int r = 0; r < 6 * six; r += 6) {
                for (int j = 0; j < cols; j += 2 * L) {
                    kernel6x2(depth, a, aOff + r * ars, ars, ats, b, bOff + j, ldb, c, cOff + r * ldc + j, ldc,
                            accumulate, rowScale, scaleOff + r);
                }
            }
        }
        return 6 * six;
    }

    /**
     * Six rows × two vectors over a depth of {@link #ROW}, A's element (r, t) at
     * {@code a[a0 + r·}{@link #ROW}{@code  + t]}: as {@link #kernel6x2u}, and the rows' reads are one
     * index plus constant offsets, with no arithmetic per row and step. The depth is a constant too
     * (every full tile of the forward pass: 64-wide heads, 64-key blocks): C2 then compiles one plain
     * counted loop of 34 instructions, with no strip-mined outer loop whose bound takes a register
     * (the loop had 38 or 42 with a variable depth and a carried B index, benchmarks/JOURNAL.md, flash11).
     */
    private static void kernel6x2r(float[] a, int a0, float[] b, int b0, int ldb,
                                   float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51;
        if (accumulate) {
            int d1 = c0 + ldc, d2 = d1 + ldc, d3 = d2 + ldc, d4 = d3 + ldc, d5 = d4 + ldc;
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1], f2 = rowScale[r0 + 2];
            float f3 = rowScale[r0 + 3], f4 = rowScale[r0 + 4], f5 = rowScale[r0 + 5];
            x00 = load(c, c0, f0); x01 = load(c, c0 + L, f0);
            x10 = load(c, d1, f1); x11 = load(c, d1 + L, f1);
            x20 = load(c, d2, f2); x21 = load(c, d2 + L, f2);
            x30 = load(c, d3, f3); x31 = load(c, d3 + L, f3);
            x40 = load(c, d4, f4); x41 = load(c, d4 + L, f4);
            x50 = load(c, d5, f5); x51 = load(c, d5 + L, f5);
        } else {
            FloatVector z = FloatVector.zero(S);
            x00 = z; x01 = z; x10 = z; x11 = z; x20 = z; x21 = z;
            x30 = z; x31 = z; x40 = z; x41 = z; x50 = z; x51 = z;
        }
        int a1 = a0 + ROW;
        int a2 = a1 + ROW;
        int a3 = a2 + ROW;
        int a4 = a3 + ROW;
        int a5 = a4 + ROW;
        for (int t = 0; t < ROW; t++) {
            int bt = b0 + t * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bt);
            FloatVector v1 = FloatVector.fromArray(S, b, bt + L);
            FloatVector s = FloatVector.broadcast(S, a[a0 + t]);
            x00 = s.fma(v0, x00);
            x01 = s.fma(v1, x01);
            s = FloatVector.broadcast(S, a[a1 + t]);
            x10 = s.fma(v0, x10);
            x11 = s.fma(v1, x11);
            s = FloatVector.broadcast(S, a[a2 + t]);
            x20 = s.fma(v0, x20);
            x21 = s.fma(v1, x21);
            s = FloatVector.broadcast(S, a[a3 + t]);
            x30 = s.fma(v0, x30);
            x31 = s.fma(v1, x31);
            s = FloatVector.broadcast(S, a[a4 + t]);
            x40 = s.fma(v0, x40);
            x41 = s.fma(v1, x41);
            s = FloatVector.broadcast(S, a[a5 + t]);
            x50 = s.fma(v0, x50);
            x51 = s.fma(v1, x51);
        }
        // the rows' offsets computed after the loop, so they hold no register during it (a vector
        // handed to a helper is where C2 has boxed vectors: the stores are written out in each kernel)
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    /** Six rows × two vectors, A's element (r, t) at {@code a[a0 + r·ars + t]}: no range check per step for A. */
    private static void kernel6x2u(int depth, float[] a, int a0, int ars, float[] b, int b0, int ldb,
                                   float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51;
        if (accumulate) {
            int d1 = c0 + ldc, d2 = d1 + ldc, d3 = d2 + ldc, d4 = d3 + ldc, d5 = d4 + ldc;
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1], f2 = rowScale[r0 + 2];
            float f3 = rowScale[r0 + 3], f4 = rowScale[r0 + 4], f5 = rowScale[r0 + 5];
            x00 = load(c, c0, f0); x01 = load(c, c0 + L, f0);
            x10 = load(c, d1, f1); x11 = load(c, d1 + L, f1);
            x20 = load(c, d2, f2); x21 = load(c, d2 + L, f2);
            x30 = load(c, d3, f3); x31 = load(c, d3 + L, f3);
            x40 = load(c, d4, f4); x41 = load(c, d4 + L, f4);
            x50 = load(c, d5, f5); x51 = load(c, d5 + L, f5);
        } else {
            FloatVector z = FloatVector.zero(S);
            x00 = z; x01 = z; x10 = z; x11 = z; x20 = z; x21 = z;
            x30 = z; x31 = z; x40 = z; x41 = z; x50 = z; x51 = z;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        int a4 = a3 + ars;
        int a5 = a4 + ars;
        for (int t = 0; t < depth; t++) {
            int bt = b0 + t * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bt);
            FloatVector v1 = FloatVector.fromArray(S, b, bt + L);
            FloatVector s = FloatVector.broadcast(S, a[a0 + t]);
            x00 = s.fma(v0, x00);
            x01 = s.fma(v1, x01);
            s = FloatVector.broadcast(S, a[a1 + t]);
            x10 = s.fma(v0, x10);
            x11 = s.fma(v1, x11);
            s = FloatVector.broadcast(S, a[a2 + t]);
            x20 = s.fma(v0, x20);
            x21 = s.fma(v1, x21);
            s = FloatVector.broadcast(S, a[a3 + t]);
            x30 = s.fma(v0, x30);
            x31 = s.fma(v1, x31);
            s = FloatVector.broadcast(S, a[a4 + t]);
            x40 = s.fma(v0, x40);
            x41 = s.fma(v1, x41);
            s = FloatVector.broadcast(S, a[a5 + t]);
            x50 = s.fma(v0, x50);
            x51 = s.fma(v1, x51);
        }
        // the rows' offsets computed after the loop, so they hold no register during it (a vector
        // handed to a helper is where C2 has boxed vectors: the stores are written out in each kernel)
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }

    /** Six rows × two vectors, A's element (r, t) at {@code a[a0 + r·ars + t·ats]}. */
    private static void kernel6x2(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51;
        if (accumulate) {
            int d1 = c0 + ldc, d2 = d1 + ldc, d3 = d2 + ldc, d4 = d3 + ldc, d5 = d4 + ldc;
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1], f2 = rowScale[r0 + 2];
            float f3 = rowScale[r0 + 3], f4 = rowScale[r0 + 4], f5 = rowScale[r0 + 5];
            x00 = load(c, c0, f0); x01 = load(c, c0 + L, f0);
            x10 = load(c, d1, f1); x11 = load(c, d1 + L, f1);
            x20 = load(c, d2, f2); x21 = load(c, d2 + L, f2);
            x30 = load(c, d3, f3); x31 = load(c, d3 + L, f3);
            x40 = load(c, d4, f4); x41 = load(c, d4 + L, f4);
            x50 = load(c, d5, f5); x51 = load(c, d5 + L, f5);
        } else {
            FloatVector z = FloatVector.zero(S);
            x00 = z; x01 = z; x10 = z; x11 = z; x20 = z; x21 = z;
            x30 = z; x31 = z; x40 = z; x41 = z; x50 = z; x51 = z;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        int a4 = a3 + ars;
        int a5 = a4 + ars;
        for (int t = 0; t < depth; t++) {
            int at = t * ats;
            int bt = b0 + t * ldb;
            FloatVector v0 = FloatVector.fromArray(S, b, bt);
            FloatVector v1 = FloatVector.fromArray(S, b, bt + L);
            FloatVector s = FloatVector.broadcast(S, a[a0 + at]);
            x00 = s.fma(v0, x00);
            x01 = s.fma(v1, x01);
            s = FloatVector.broadcast(S, a[a1 + at]);
            x10 = s.fma(v0, x10);
            x11 = s.fma(v1, x11);
            s = FloatVector.broadcast(S, a[a2 + at]);
            x20 = s.fma(v0, x20);
            x21 = s.fma(v1, x21);
            s = FloatVector.broadcast(S, a[a3 + at]);
            x30 = s.fma(v0, x30);
            x31 = s.fma(v1, x31);
            s = FloatVector.broadcast(S, a[a4 + at]);
            x40 = s.fma(v0, x40);
            x41 = s.fma(v1, x41);
            s = FloatVector.broadcast(S, a[a5 + at]);
            x50 = s.fma(v0, x50);
            x51 = s.fma(v1, x51);
        }
        // the rows' offsets computed after the loop, so they hold no register during it (a vector
        // handed to a helper is where C2 has boxed vectors: the stores are written out in each kernel)
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc;
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x40.intoArray(c, c4);
        x41.intoArray(c, c4 + L);
        x50.intoArray(c, c5);
        x51.intoArray(c, c5 + L);
    }
}
