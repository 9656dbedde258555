package dev.visor.attention;

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
 * <p>{@link #gemm} runs {@link VectorTileGemm}'s register-blocked micro-kernels. The vector width is
 * the JVM's preferred species unless {@code -Dvisor.attention.vectorBits=256|512} picks one.
 */
final class VectorTileOps extends TileOps {
    static final VectorSpecies<Float> S = species();
    private static final int L = S.length();
    /** Ints of the same shape as {@link #S}, for {@link #dropRow}'s lane masks built from keep bits. */
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
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
        VectorTileGemm.tiles(rows, cols, depth, a, aOff, ars, ats, b, bOff, ldb, c, cOff, ldc, accumulate, null, 0);
    }

    @Override
    void gemmRescaled(int rows, int cols, int depth, float[] a, int aOff, int ars,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float[] rowScale, int scaleOff) {
        VectorTileGemm.tiles(rows, cols, depth, a, aOff, ars, 1, b, bOff, ldb, c, cOff, ldc, true, rowScale, scaleOff);
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    void softmaxStep(float[] s, int sOff, int lds, int rows, int cols, float[] m, float[] l, float[] alpha,
                     int r0, float[] scratch) {
        // 1) the row maxima, by vector, and the rescaling factors. The running maximum is a compare
        // and a blend, not max(): C2 gives max() Java's NaN and −0.0 rules, a five-instruction sequence
        // on x86 that made this pass cost half as much as the exponentials (a NaN score is skipped
        // here, but its own P is NaN, so it still reaches the output)
        for (int row = 0; row < rows; row++) {
            int o = sOff + row * lds;
            FloatVector mx = FloatVector.fromArray(S, s, o);
            for (int j = L; j < cols; j += L) {
                FloatVector x = FloatVector.fromArray(S, s, o + j);
                mx = mx.blend(x, mx.lt(x));
            }
            float mOld = m[r0 + row];
            float mNew = Math.max(mOld, mx.reduceLanes(VectorOperators.MAX));
            scratch[row] = mNew == Float.NEGATIVE_INFINITY ? 0f : mOld - mNew;   // e^(−∞) = 0 when mOld = −∞
            m[r0 + row] = mNew;
        }
        VecMath.exp(scratch, 0, alpha, r0, rows);
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
            float mRow = m[r0 + row];
            FloatVector shiftRow = FloatVector.broadcast(S, mRow == Float.NEGATIVE_INFINITY ? 0f : mRow);
            FloatVector sum = FloatVector.fromArray(S, l, (r0 + row) * L).mul(alpha[r0 + row]);
            for (int j = 0, o = sOff + row * lds; j < cols; j += L, o += L) {
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
            sum.intoArray(l, (r0 + row) * L);
        }
    }

    @Override
    void probabilities(float[] s, int lds, int rows, int cols, float[] lse) {
        // TileOps.softmaxExp1 lane for lane, as softmaxStep's second pass computes it (see there), on
        // S − lse; kept apart from softmaxStep's copy of the same lines so that neither depends on C2
        // inlining a helper that takes and returns vectors
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(S, P2);
        FloatVector p1 = FloatVector.broadcast(S, P1);
        FloatVector p0 = FloatVector.broadcast(S, P0);
        for (int row = 0; row < rows; row++) {
            float x = lse[row];
            if (x == Float.NEGATIVE_INFINITY) {   // an empty row: zero whatever the scores were
                java.util.Arrays.fill(s, row * lds, row * lds + cols, 0f);
                continue;
            }
            for (int j = 0, o = row * lds; j < cols; j += L, o += L) {
                FloatVector xc = FloatVector.fromArray(S, s, o).sub(x);
                VectorMask<Float> under = xc.lt(EXP_FLOOR);
                FloatVector t = xc.fma(LOG2E, ROUND);
                FloatVector nf = t.sub(ROUND);
                FloatVector r = nf.fma(ln2Hi, xc);
                r = nf.fma(ln2Lo, r);
                FloatVector p = r.fma(P4, P3).fma(r, p2).fma(r, p1).fma(r, p0);
                FloatVector scale = t.reinterpretAsInts().add(EXP_BIAS_BITS).lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
                p.fma(r.mul(r), r).add(1f).mul(scale).blend(0f, under).intoArray(s, o);
            }
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
    void applyMask(float[] s, int sOff, int lds, int rows, int cols, boolean[] allowed, int mOff, int ldm) {
        FloatVector minusInf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> keep = VectorMask.fromArray(S, allowed, mOff + r * ldm + j);
                int o = sOff + r * lds + j;
                minusInf.blend(FloatVector.fromArray(S, s, o), keep).intoArray(s, o);
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
