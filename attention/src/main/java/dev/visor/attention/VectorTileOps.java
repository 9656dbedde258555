package dev.visor.attention;

import dev.visor.tensor.kernel.MachineShape;
import dev.visor.tensor.kernel.VecMath;
import dev.visor.tensor.kernel.VectorLanes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API tile primitives. Load only after {@code VectorSupport.available()} returned true.
 *
 * <p>{@link #gemm} is a register-blocked micro-kernel: 4 rows × 4 vectors of C held in 16
 * accumulator locals when the JIT has 32 vector registers, 4 rows × 2 vectors when it has 16 (AVX2,
 * see {@link MachineShape}), with single rows and single vectors for the remainder, fed by one
 * broadcast of A per row and one load of B per vector per step of the depth. The vector width is
 * the JVM's preferred species unless {@code -Dvisor.attention.vectorBits=256|512} picks one.
 */
final class VectorTileOps extends TileOps {
    private static final VectorSpecies<Float> S = species();
    private static final int L = S.length();
    /** Ints of the same shape as {@link #S}, for {@link #dropRow}'s lane masks built from keep bits. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Widest register tile in vectors: 4 with 32 vector registers, 2 with 16 ({@link MachineShape}). */
    private static final int VECTORS = MachineShape.current().flashVectors();
    private static final VectorTileOps INSTANCE = new VectorTileOps();

    private VectorTileOps() {}

    static TileOps create() {
        return INSTANCE;
    }

    private static VectorSpecies<Float> species() {
        String bits = System.getProperty("visor.attention.vectorBits", "");
        switch (bits) {
            case "128":
                return FloatVector.SPECIES_128;
            case "256":
                return FloatVector.SPECIES_256;
            case "512":
                return FloatVector.SPECIES_512;
            default:
                return FloatVector.SPECIES_PREFERRED;
        }
    }

    @Override
    int lanes() {
        return L;
    }

    // ------------------------------------------------------------------ gemm

    @Override
    void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        tiles(rows, cols, depth, a, aOff, ars, ats, b, bOff, ldb, c, cOff, ldc, accumulate, null);
    }

    @Override
    void gemmRescaled(int rows, int cols, int depth, float[] a, int aOff, int ars,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float[] rowScale) {
        tiles(rows, cols, depth, a, aOff, ars, 1, b, bOff, ldb, c, cOff, ldc, true, rowScale);
    }

    /**
     * {@link #gemm}, and with {@code rowScale} (else null) C's row r is multiplied by
     * {@code rowScale[r]} as the kernel loads it, before the products are added: the online
     * softmax's rescaling of the output accumulator without a pass of its own over the tile.
     */
    private static void tiles(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                              float[] rowScale) {
        // four rows at a time: a six-row kernel (24 accumulators + 5 vectors, nearly all 32 registers
        // at 512 bits) was ~10 % faster when C2 compiled it well, but in about one JVM run in five
        // (after an on-stack-replacement compile) it ran 5-25x slower for the rest of the run.
        // Four vectors wide needs 16 accumulators + 5: with only 16 registers (AVX2) that spills, so
        // there the widest kernel is two vectors (8 + 3). Every element is summed in the same order
        // whichever kernel computes it.
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            int j = 0;
            if (VECTORS == 4) {
                for (; j + 4 * L <= cols; j += 4 * L) {
                    kernel4x4(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, r);
                }
            }
            for (; j + 2 * L <= cols; j += 2 * L) {
                kernel4x2(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, r);
            }
            for (; j < cols; j += L) {
                kernel4x1(depth, a, ar, ars, ats, b, bOff + j, ldb, c, cr + j, ldc, accumulate, rowScale, r);
            }
        }
        for (; r < rows; r++) {
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            int j = 0;
            for (; j + 4 * L <= cols; j += 4 * L) {
                kernel1x4(depth, a, ar, ats, b, bOff + j, ldb, c, cr + j, accumulate, rowScale, r);
            }
            for (; j < cols; j += L) {
                kernel1x1(depth, a, ar, ats, b, bOff + j, ldb, c, cr + j, accumulate, rowScale, r);
            }
        }
    }

    /** Row r's factor of {@link #tiles}: 1 without a scale. */
    private static float scaleOf(float[] rowScale, int r) {
        return rowScale == null ? 1f : rowScale[r];
    }

    /**
     * An accumulator's start: C's vector at {@code i} times the row's factor (x · 1 = x bit for bit,
     * so no branch: a phi of two vectors is where C2 has failed to keep vectors unboxed).
     */
    private static FloatVector load(float[] c, int i, float f) {
        return FloatVector.fromArray(S, c, i).mul(f);
    }

    private static void kernel4x4(int depth, float[] a, int a0, int ars, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, int ldc, boolean accumulate, float[] rowScale, int r0) {
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
        if (accumulate) {
            float f0 = scaleOf(rowScale, r0), f1 = scaleOf(rowScale, r0 + 1);
            float f2 = scaleOf(rowScale, r0 + 2), f3 = scaleOf(rowScale, r0 + 3);
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
            float f0 = scaleOf(rowScale, r0), f1 = scaleOf(rowScale, r0 + 1);
            float f2 = scaleOf(rowScale, r0 + 2), f3 = scaleOf(rowScale, r0 + 3);
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
            float f0 = scaleOf(rowScale, r0), f1 = scaleOf(rowScale, r0 + 1);
            float f2 = scaleOf(rowScale, r0 + 2), f3 = scaleOf(rowScale, r0 + 3);
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

    private static void kernel1x4(int depth, float[] a, int a0, int ats, float[] b, int b0, int ldb,
                                  float[] c, int c0, boolean accumulate, float[] rowScale, int r0) {
        FloatVector x0, x1, x2, x3;
        if (accumulate) {
            float f0 = scaleOf(rowScale, r0);
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
        FloatVector x = accumulate ? load(c, c0, scaleOf(rowScale, r0)) : FloatVector.zero(S);
        for (int t = 0, at = a0, bt = b0; t < depth; t++, at += ats, bt += ldb) {
            x = FloatVector.broadcast(S, a[at]).fma(FloatVector.fromArray(S, b, bt), x);
        }
        x.intoArray(c, c0);
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    void subtractRowShift(float[] s, int lds, int rows, int cols, float[] shift) {
        for (int r = 0; r < rows; r++) {
            float x = shift[r];
            if (x == Float.NEGATIVE_INFINITY) {
                continue;
            }
            for (int j = 0, o = r * lds; j < cols; j += L, o += L) {
                FloatVector.fromArray(S, s, o).sub(x).intoArray(s, o);
            }
        }
    }

    @Override
    void softmaxStep(float[] s, int lds, int rows, int cols, float[] m, float[] l, float[] alpha, float[] scratch) {
        // 1) the row maxima, by vector, and the rescaling factors. The running maximum is a compare
        // and a blend, not max(): C2 gives max() Java's NaN and −0.0 rules, a five-instruction sequence
        // on x86 that made this pass cost half as much as the exponentials (a NaN score is skipped
        // here, but its own P is NaN, so it still reaches the output)
        for (int row = 0; row < rows; row++) {
            int o = row * lds;
            FloatVector mx = FloatVector.fromArray(S, s, o);
            for (int j = L; j < cols; j += L) {
                FloatVector x = FloatVector.fromArray(S, s, o + j);
                mx = mx.blend(x, mx.lt(x));
            }
            float mOld = m[row];
            float mNew = Math.max(mOld, mx.reduceLanes(VectorOperators.MAX));
            scratch[row] = mNew == Float.NEGATIVE_INFINITY ? 0f : mOld - mNew;   // e^(−∞) = 0 when mOld = −∞
            m[row] = mNew;
        }
        VecMath.exp(scratch, 0, alpha, 0, rows);
        // 2) P = e^(S − m') (a row still at m' = −∞ is all −∞: shifted by 0, P = 0), per-lane sums.
        // TileOps.softmaxExp1 lane for lane (the same bits: below the floor, where softmaxExp1 clamps
        // and its scale is +0, the lane is blended to +0 instead; the compare is off the dependency
        // chain, where the clamp by max() was the longest link, so the pass is about a quarter
        // faster; the NaN, −∞ and garbage the unclamped lanes compute are discarded), written out in the
        // loop, and all of the step in this one method, over C2's FreqInlineSize (325 bytes) so that
        // it is compiled on its own: inlined into a caller, in about one JVM run in five C2 failed to
        // intrinsify its stores and boxed every vector, 30x slower for the rest of the run (seen with
        // -XX:+PrintInlining; never with inlining of the exp loop forbidden)
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(S, P2);
        FloatVector p1 = FloatVector.broadcast(S, P1);
        FloatVector p0 = FloatVector.broadcast(S, P0);
        for (int row = 0; row < rows; row++) {
            float mRow = m[row];
            FloatVector shiftRow = FloatVector.broadcast(S, mRow == Float.NEGATIVE_INFINITY ? 0f : mRow);
            FloatVector sum = FloatVector.fromArray(S, l, row * L).mul(alpha[row]);
            for (int j = 0, o = row * lds; j < cols; j += L, o += L) {
                FloatVector xc = FloatVector.fromArray(S, s, o).sub(shiftRow);
                VectorMask<Float> under = xc.lt(EXP_FLOOR);
                FloatVector t = xc.fma(LOG2E, ROUND);
                FloatVector nf = t.sub(ROUND);
                FloatVector r = nf.fma(ln2Hi, xc);
                r = nf.fma(ln2Lo, r);
                FloatVector p = r.fma(P4, P3).fma(r, p2).fma(r, p1).fma(r, p0);
                FloatVector scale = t.reinterpretAsInts().add(EXP_BIAS_BITS).lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
                FloatVector e = p.fma(r.mul(r), r).add(1f).mul(scale).blend(0f, under);
                e.intoArray(s, o);
                sum = sum.add(e);
            }
            sum.intoArray(l, row * L);
        }
    }

    @Override
    float rowTotal(float[] l, int r) {
        // not reduceLanes(ADD): its order differs between the interpreter and compiled code
        return VectorLanes.sumFixedOrder(FloatVector.fromArray(S, l, r * L));
    }

    @Override
    float rowSum(float[] s, int off, int cols) {
        FloatVector sum = FloatVector.fromArray(S, s, off);
        for (int j = L; j < cols; j += L) {
            sum = sum.add(FloatVector.fromArray(S, s, off + j));
        }
        // not reduceLanes(ADD): its order differs between the interpreter and compiled code
        return VectorLanes.sumFixedOrder(sum);
    }

    @Override
    float rowMax(float[] s, int off, int cols) {
        FloatVector mx = FloatVector.fromArray(S, s, off);
        for (int j = L; j < cols; j += L) {
            mx = mx.max(FloatVector.fromArray(S, s, off + j));
        }
        return mx.reduceLanes(VectorOperators.MAX);
    }

    @Override
    void softmaxGrad(float[] p, float[] dp, int ld, int rows, int cols, float[] d) {
        for (int r = 0; r < rows; r++) {
            int base = r * ld;
            FloatVector dr = FloatVector.broadcast(S, d[r]);
            for (int j = 0; j < cols; j += L) {
                FloatVector pv = FloatVector.fromArray(S, p, base + j);
                pv.mul(FloatVector.fromArray(S, dp, base + j).sub(dr)).intoArray(dp, base + j);
            }
        }
    }

    /** Lane {@code j}'s bit, {@code 1 << j}: a lane mask from an int of bits is {@code −(bits & laneBit) >> 31}. */
    private static final int[] LANE_BIT = laneBits();

    private static int[] laneBits() {
        int[] bits = new int[L];
        for (int j = 0; j < L && j < 32; j++) {
            bits[j] = 1 << j;
        }
        return bits;
    }

    @Override
    void dropRow(float[] src, float[] dst, int at, int n, long[] keep, int bit, float scale) {
        // whole vectors while they fit both arrays (the flash tiles' rows are whole vectors): each lane's
        // factor is scale with its bits and-ed with 0 or −1 by the keep bit (+0 where dropped, as
        // TileOps.dropRow multiplies by); past n the lanes keep dst's own values (bit-select with the
        // lane mask of j < n), so nothing beyond the row changes
        int j = 0;
        if (L <= 32 && IS.length() == L) {
            IntVector laneBit = IntVector.fromArray(IS, LANE_BIT, 0);
            IntVector kept = IntVector.broadcast(IS, Float.floatToRawIntBits(scale));
            for (; j < n && at + j + L <= src.length && at + j + L <= dst.length; j += L) {
                int o = at + j;
                int bits = (int) keepBits(keep, bit + j);
                IntVector all = IntVector.broadcast(IS, bits).and(laneBit).neg().lanewise(VectorOperators.ASHR, 31);
                FloatVector product = FloatVector.fromArray(S, src, o).mul(kept.and(all).reinterpretAsFloats());
                // (no vector is chosen by a branch: C2 boxes vectors merged at a phi)
                int rowBits = n - j >= L ? -1 : (1 << (n - j)) - 1;
                IntVector inRow = IntVector.broadcast(IS, rowBits).and(laneBit).neg().lanewise(VectorOperators.ASHR, 31);
                IntVector old = FloatVector.fromArray(S, dst, o).reinterpretAsInts();
                old.lanewise(VectorOperators.XOR, old.lanewise(VectorOperators.XOR, product.reinterpretAsInts()).and(inRow))
                        .reinterpretAsFloats().intoArray(dst, o);
            }
        }
        if (j < n) {
            super.dropRow(src, dst, at + j, n - j, keep, bit + j, scale);
        }
    }

    @Override
    void applyMask(float[] s, int lds, int rows, int cols, boolean[] allowed, int ldm) {
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> keep = VectorMask.fromArray(S, allowed, r * ldm + j);
                minusInf.blend(FloatVector.fromArray(S, s, r * lds + j), keep).intoArray(s, r * lds + j);
            }
        }
    }


    @Override
    void tanh(float[] x, int off, int n, float inv, float mul, float[] y, int yOff) {
        FloatVector a9 = FloatVector.broadcast(S, A9), a7 = FloatVector.broadcast(S, A7);
        FloatVector a5 = FloatVector.broadcast(S, A5), a3 = FloatVector.broadcast(S, A3);
        FloatVector a1 = FloatVector.broadcast(S, A1), b2 = FloatVector.broadcast(S, B2);
        FloatVector b0 = FloatVector.broadcast(S, B0);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector c = FloatVector.fromArray(S, x, off + j).mul(inv).max(-TANH_CLAMP).min(TANH_CLAMP);
            FloatVector c2 = c.mul(c);
            FloatVector p = c2.fma(A13, A11).fma(c2, a9);
            p = p.fma(c2, a7).fma(c2, a5).fma(c2, a3).fma(c2, a1);
            FloatVector q = c2.fma(B6, B4).fma(c2, b2).fma(c2, b0);
            c.mul(p).div(q).mul(mul).intoArray(y, yOff + j);
        }
        for (; j < n; j++) {
            y[yOff + j] = mul * tanh1(x[off + j] * inv);
        }
    }

    /** Lane indices 0, 1, ..., L − 1 as floats. */
    private static final float[] IOTA = iota();

    private static float[] iota() {
        float[] x = new float[L];
        for (int i = 0; i < L; i++) {
            x[i] = i;
        }
        return x;
    }

    @Override
    void addRamp(float[] s, int off, int n, float slope, int start) {
        // start + j + lane is an integer below 2^24 in magnitude, so (float) start+j plus the lane is exact
        FloatVector lanes = FloatVector.fromArray(S, IOTA, 0);
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector pos = lanes.add((float) (start + j));
            FloatVector.fromArray(S, s, off + j).add(pos.mul(slope)).intoArray(s, off + j);
        }
        for (; j < n; j++) {
            s[off + j] += slope * (float) (start + j);
        }
    }

    @Override
    void addConstant(float[] s, int off, int n, float c) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector.fromArray(S, s, off + j).add(c).intoArray(s, off + j);
        }
        for (; j < n; j++) {
            s[off + j] += c;
        }
    }
}
