package dev.visor.attention;

import dev.visor.tensor.kernel.MachineShape;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorTileOps#gemm}'s register-blocked micro-kernels: 4 rows × 4 vectors of C held in 16
 * accumulator locals when the JIT has 32 vector registers, 6 rows × 2 vectors when it has 16 (AVX2,
 * {@link VectorTileGemmSix}, see {@link MachineShape#flashRows()}) and 4 × 2 for the rows left, with
 * single rows and single vectors for the remainder, fed by one
 * broadcast of A per row and one load of B per vector per step of the depth; tiles one vector wide
 * (short sequences: 3–10 keys, head width 16, at 512 bits) go 8 rows at a time, and their last 2 or
 * 3 rows together. Every element of C is summed in the same order (over the depth, from C's start)
 * whichever kernel computes it, so the kernels give the same bits.
 */
final class VectorTileGemm {
    private static final VectorSpecies<Float> S = VectorTileOps.S;
    private static final int L = S.length();
    /** Widest register tile in vectors: 4 with 32 vector registers, 2 with 16 ({@link MachineShape}). */
    private static final int VECTORS = MachineShape.current().flashVectors();
    /** Rows of the widest kernel: 4, or 6 with 16 registers ({@link VectorTileGemmSix}, {@link MachineShape#flashRows()}). */
    private static final int ROWS = MachineShape.current().flashRows();

    private VectorTileGemm() {}

    /**
     * {@link #gemm}, and with {@code rowScale} (else null) C's row r is multiplied by
     * {@code rowScale[r]} as the kernel loads it, before the products are added: the online
     * softmax's rescaling of the output accumulator without a pass of its own over the tile; row r's
     * factor is {@code rowScale[scaleOff + r]}.
     */
    static void tiles(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                              float[] rowScale, int scaleOff) {
        tiles(ROWS, rows, cols, depth, a, aOff, ars, ats, b, bOff, ldb, c, cOff, ldc, accumulate, rowScale, scaleOff);
    }

    /**
     * {@link #tiles} with the widest kernel's rows given, 4 or 6 (6: {@link VectorTileGemmSix} over
     * the leading rows when C is a whole number of vector pairs wide): tests compare the two bit for
     * bit at every width.
     */
    static void tiles(int kernelRows, int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                      float[] rowScale, int scaleOff) {
        // never null in the kernels: a null test there is a branch C2 compiles by its profile, and
        // the forward pass only ever accumulates with a scale, so the backward's first unscaled
        // accumulation hit an unstable_if trap in the compiled kernel, which was thrown away in the
        // middle of a call and recompiled through C1 and an on-stack-replacement compile with some of
        // its vectors boxed (docs/DESIGN.md, "One vector shape per program")
        if (rowScale == null) {
            rowScale = ones(scaleOff + rows);
        }
        // four rows at a time: a six-row kernel (24 accumulators + 5 vectors, nearly all 32 registers
        // at 512 bits) was ~10 % faster when C2 compiled it well, but in about one JVM run in five
        // (after an on-stack-replacement compile) it ran 5-25x slower for the rest of the run.
        // Four vectors wide needs 16 accumulators + 5: with only 16 registers (AVX2) that spills, so
        // there the widest kernel is two vectors (8 + 3). Every element is summed in the same order
        // whichever kernel computes it.
        int r = 0;
        if (kernelRows == 6 && cols % (2 * L) == 0) {
            r = VectorTileGemmSix.rows(rows, cols, depth, a, aOff, ars, ats, b, bOff, ldb, c, cOff, ldc, accumulate,
                    rowScale, scaleOff);
        }
        if (cols == L) {
            // one vector wide: a 4-row kernel is 4 FMA chains, half what the FMA units overlap, and
            // at a depth of 16 (a head width) the chains' latency is the whole cost
            for (; r + 8 <= rows; r += 8) {
                kernel8x1(depth, a, aOff + r * ars, ars, ats, b, bOff, ldb, c, cOff + r * ldc, ldc, accumulate, rowScale, scaleOff + r);
            }
        }
        for (; r + 4 <= rows; r += 4) {
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            int j = 0;
            if (VECTORS == 4) {
                for (; j + 4 * L <= cols; j += 4 * L) {
                    kernel4x4(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, scaleOff + r);
                }
            }
            for (; j + 2 * L <= cols; j += 2 * L) {
                kernel4x2(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, scaleOff + r);
            }
            for (; j < cols; j += L) {
                kernel4x1(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, scaleOff + r);
            }
        }
        if (cols < 4 * L && rows - r >= 2) {
            // the last 2 or 3 rows together, a vector at a time, rather than one chain per row
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            for (int j = 0; j < cols; j += L) {
                if (rows - r == 3) {
                    kernel3x1(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, scaleOff + r);
                } else {
                    kernel2x1(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, scaleOff + r);
                }
            }
            r = rows;
        }
        for (; r < rows; r++) {
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            int j = 0;
            for (; j + 4 * L <= cols; j += 4 * L) {
                kernel1x4(depth, a, ar, ats, b, bOff + j, ldb, c, cr + j, accumulate, rowScale, scaleOff + r);
            }
            for (; j < cols; j += L) {
                kernel1x1(depth, a, ar, ats, b, bOff + j, ldb, c, cr + j, accumulate, rowScale, scaleOff + r);
            }
        }
    }

    /** At least {@code rows} ones, shared: the row factors of a product without a scale. */
    private static float[] ones(int rows) {
        float[] o = ones;
        if (o.length < rows) {
            o = new float[Math.max(rows, 2 * o.length)];
            Arrays.fill(o, 1f);
            ones = o;   // filled before it is published; a racing thread at worst builds its own
        }
        return o;
    }

    private static volatile float[] ones = new float[0];

    /**
     * An accumulator's start: C's vector at {@code i} times the row's factor (x · 1 = x bit for bit,
     * so no branch: a phi of two vectors is where C2 has failed to keep vectors unboxed). The
     * six-row kernels ({@link VectorTileGemmSix}) start their accumulators with it too.
     */
    static FloatVector load(float[] c, int i, float f) {
        return FloatVector.fromArray(S, c, i).mul(f);
    }

    private static void kernel4x4(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
        if (accumulate) {
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1];
            float f2 = rowScale[r0 + 2], f3 = rowScale[r0 + 3];
            x00 = load(c, c0, f0); x01 = load(c, c0 + L, f0); x02 = load(c, c0 + 2 * L, f0); x03 = load(c, c0 + 3 * L, f0);
            x10 = load(c, c1, f1); x11 = load(c, c1 + L, f1); x12 = load(c, c1 + 2 * L, f1); x13 = load(c, c1 + 3 * L, f1);
            x20 = load(c, c2, f2); x21 = load(c, c2 + L, f2); x22 = load(c, c2 + 2 * L, f2); x23 = load(c, c2 + 3 * L, f2);
            x30 = load(c, c3, f3); x31 = load(c, c3 + L, f3); x32 = load(c, c3 + 2 * L, f3); x33 = load(c, c3 + 3 * L, f3);
        } else {
            FloatVector z = FloatVector.zero(S);
            x00 = z; x01 = z; x02 = z; x03 = z;
            x10 = z; x11 = z; x12 = z; x13 = z;
            x20 = z; x21 = z; x22 = z; x23 = z;
            x30 = z; x31 = z; x32 = z; x33 = z;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int t = 0, at = 0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector v0 = FloatVector.fromArray(S, b, bt);
            FloatVector v1 = FloatVector.fromArray(S, b, bt + L);
            FloatVector v2 = FloatVector.fromArray(S, b, bt + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, b, bt + 3 * L);
            FloatVector s = FloatVector.broadcast(S, a[a0 + at]);
            x00 = s.fma(v0, x00);
            x01 = s.fma(v1, x01);
            x02 = s.fma(v2, x02);
            x03 = s.fma(v3, x03);
            s = FloatVector.broadcast(S, a[a1 + at]);
            x10 = s.fma(v0, x10);
            x11 = s.fma(v1, x11);
            x12 = s.fma(v2, x12);
            x13 = s.fma(v3, x13);
            s = FloatVector.broadcast(S, a[a2 + at]);
            x20 = s.fma(v0, x20);
            x21 = s.fma(v1, x21);
            x22 = s.fma(v2, x22);
            x23 = s.fma(v3, x23);
            s = FloatVector.broadcast(S, a[a3 + at]);
            x30 = s.fma(v0, x30);
            x31 = s.fma(v1, x31);
            x32 = s.fma(v2, x32);
            x33 = s.fma(v3, x33);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x02.intoArray(c, c0 + 2 * L);
        x03.intoArray(c, c0 + 3 * L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x12.intoArray(c, c1 + 2 * L);
        x13.intoArray(c, c1 + 3 * L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x22.intoArray(c, c2 + 2 * L);
        x23.intoArray(c, c2 + 3 * L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
        x32.intoArray(c, c3 + 2 * L);
        x33.intoArray(c, c3 + 3 * L);
    }

    private static void kernel4x2(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
        if (accumulate) {
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1];
            float f2 = rowScale[r0 + 2], f3 = rowScale[r0 + 3];
            x00 = load(c, c0, f0); x01 = load(c, c0 + L, f0);
            x10 = load(c, c1, f1); x11 = load(c, c1 + L, f1);
            x20 = load(c, c2, f2); x21 = load(c, c2 + L, f2);
            x30 = load(c, c3, f3); x31 = load(c, c3 + L, f3);
        } else {
            FloatVector z = FloatVector.zero(S);
            x00 = z; x01 = z; x10 = z; x11 = z;
            x20 = z; x21 = z; x30 = z; x31 = z;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int t = 0, at = 0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
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
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    private static void kernel4x1(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector x0, x1, x2, x3;
        if (accumulate) {
            float f0 = rowScale[r0], f1 = rowScale[r0 + 1];
            float f2 = rowScale[r0 + 2], f3 = rowScale[r0 + 3];
            x0 = load(c, c0, f0);
            x1 = load(c, c1, f1);
            x2 = load(c, c2, f2);
            x3 = load(c, c3, f3);
        } else {
            x0 = FloatVector.zero(S);
            x1 = x0;
            x2 = x0;
            x3 = x0;
        }
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        for (int t = 0, at = 0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bt);
            x0 = FloatVector.broadcast(S, a[a0 + at]).fma(v, x0);
            x1 = FloatVector.broadcast(S, a[a1 + at]).fma(v, x1);
            x2 = FloatVector.broadcast(S, a[a2 + at]).fma(v, x2);
            x3 = FloatVector.broadcast(S, a[a3 + at]).fma(v, x3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c1);
        x2.intoArray(c, c2);
        x3.intoArray(c, c3);
    }

    private static void kernel8x1(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x0, x1, x2, x3, x4, x5, x6, x7;
        if (accumulate) {
            x0 = load(c, c0, rowScale[r0]);
            x1 = load(c, c0 + ldc, rowScale[r0 + 1]);
            x2 = load(c, c0 + 2 * ldc, rowScale[r0 + 2]);
            x3 = load(c, c0 + 3 * ldc, rowScale[r0 + 3]);
            x4 = load(c, c0 + 4 * ldc, rowScale[r0 + 4]);
            x5 = load(c, c0 + 5 * ldc, rowScale[r0 + 5]);
            x6 = load(c, c0 + 6 * ldc, rowScale[r0 + 6]);
            x7 = load(c, c0 + 7 * ldc, rowScale[r0 + 7]);
        } else {
            x0 = FloatVector.zero(S);
            x1 = x0; x2 = x0; x3 = x0; x4 = x0; x5 = x0; x6 = x0; x7 = x0;
        }
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bt);
            x0 = FloatVector.broadcast(S, a[at]).fma(v, x0);
            x1 = FloatVector.broadcast(S, a[at + ars]).fma(v, x1);
            x2 = FloatVector.broadcast(S, a[at + 2 * ars]).fma(v, x2);
            x3 = FloatVector.broadcast(S, a[at + 3 * ars]).fma(v, x3);
            x4 = FloatVector.broadcast(S, a[at + 4 * ars]).fma(v, x4);
            x5 = FloatVector.broadcast(S, a[at + 5 * ars]).fma(v, x5);
            x6 = FloatVector.broadcast(S, a[at + 6 * ars]).fma(v, x6);
            x7 = FloatVector.broadcast(S, a[at + 7 * ars]).fma(v, x7);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + ldc);
        x2.intoArray(c, c0 + 2 * ldc);
        x3.intoArray(c, c0 + 3 * ldc);
        x4.intoArray(c, c0 + 4 * ldc);
        x5.intoArray(c, c0 + 5 * ldc);
        x6.intoArray(c, c0 + 6 * ldc);
        x7.intoArray(c, c0 + 7 * ldc);
    }

    private static void kernel3x1(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x0, x1, x2;
        if (accumulate) {
            x0 = load(c, c0, rowScale[r0]);
            x1 = load(c, c0 + ldc, rowScale[r0 + 1]);
            x2 = load(c, c0 + 2 * ldc, rowScale[r0 + 2]);
        } else {
            x0 = FloatVector.zero(S);
            x1 = x0;
            x2 = x0;
        }
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bt);
            x0 = FloatVector.broadcast(S, a[at]).fma(v, x0);
            x1 = FloatVector.broadcast(S, a[at + ars]).fma(v, x1);
            x2 = FloatVector.broadcast(S, a[at + 2 * ars]).fma(v, x2);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + ldc);
        x2.intoArray(c, c0 + 2 * ldc);
    }

    private static void kernel2x1(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x0, x1;
        if (accumulate) {
            x0 = load(c, c0, rowScale[r0]);
            x1 = load(c, c0 + ldc, rowScale[r0 + 1]);
        } else {
            x0 = FloatVector.zero(S);
            x1 = x0;
        }
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector v = FloatVector.fromArray(S, b, bt);
            x0 = FloatVector.broadcast(S, a[at]).fma(v, x0);
            x1 = FloatVector.broadcast(S, a[at + ars]).fma(v, x1);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + ldc);
    }

    private static void kernel1x4(int depth, float[] a, int a0, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x0, x1, x2, x3;
        if (accumulate) {
            float f0 = rowScale[r0];
            x0 = load(c, c0, f0);
            x1 = load(c, c0 + L, f0);
            x2 = load(c, c0 + 2 * L, f0);
            x3 = load(c, c0 + 3 * L, f0);
        } else {
            x0 = FloatVector.zero(S);
            x1 = x0;
            x2 = x0;
            x3 = x0;
        }
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            FloatVector s = FloatVector.broadcast(S, a[at]);
            x0 = s.fma(FloatVector.fromArray(S, b, bt), x0);
            x1 = s.fma(FloatVector.fromArray(S, b, bt + L), x1);
            x2 = s.fma(FloatVector.fromArray(S, b, bt + 2 * L), x2);
            x3 = s.fma(FloatVector.fromArray(S, b, bt + 3 * L), x3);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
        x2.intoArray(c, c0 + 2 * L);
        x3.intoArray(c, c0 + 3 * L);
    }

    private static void kernel1x1(int depth, float[] a, int a0, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x = accumulate ? load(c, c0, rowScale[r0]) : FloatVector.zero(S);
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            x = FloatVector.broadcast(S, a[at]).fma(FloatVector.fromArray(S, b, bt), x);
        }
        x.intoArray(c, c0);
    }

}
