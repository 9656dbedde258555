package dev.visor.attention;

import dev.visor.tensor.kernel.VecMath;
import dev.visor.tensor.kernel.VectorSupport;
import java.util.Arrays;

/**
 * The few tile primitives the flash kernels are built from, in a scalar and a Vector API version
 * that give the same results up to float summation order.
 *
 * <p>Tiles are row-major float arrays. Column counts passed to these methods are multiples of
 * {@link #lanes()}; callers pad tiles to that width. Exponentials come from the tensor core's
 * {@link VecMath} (vectorised, at most 1 ulp from {@code Math.exp}, {@code e^−∞ = 0} exactly), so a
 * masked score of −∞ gets a weight of exactly 0.
 */
abstract class TileOps {

    /** The vectorised primitives when the Vector API is usable, else the scalar ones. */
    static TileOps best() {
        return VectorSupport.available() ? VectorTileOps.create() : ScalarTileOps.INSTANCE;
    }

    /** Column counts must be multiples of this. */
    abstract int lanes();

    /**
     * {@code C (+)= A·B} for a {@code rows × cols} C with row stride {@code ldc}; A's element
     * {@code (r, t)} is {@code a[aOff + r·ars + t·ats]} (so A may be read transposed); B is a
     * row-major {@code depth × cols} panel with row stride {@code ldb}. Overwrites C unless
     * {@code accumulate}.
     */
    abstract void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                       float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * {@code C = diag(rowScale)·C + A·B} for a {@code rows × cols} C (A read row-major, row stride
     * {@code ars}; the rest as {@link #gemm}): the online softmax's rescaling of the output
     * accumulator by {@code alpha} and the product {@code P·V} of the same step. The same bits as
     * scaling C's rows first and then an accumulating {@link #gemm}; the vector version scales C as
     * its kernel loads it, so the step makes no pass of its own over the accumulator.
     */
    final void gemmRescaled(int rows, int cols, int depth, float[] a, int aOff, int ars,
                            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float[] rowScale) {
        gemmRescaled(rows, cols, depth, a, aOff, ars, b, bOff, ldb, c, cOff, ldc, rowScale, 0);
    }

    /** {@link #gemmRescaled}, with C's row r scaled by {@code rowScale[scaleOff + r]}. */
    void gemmRescaled(int rows, int cols, int depth, float[] a, int aOff, int ars,
                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float[] rowScale, int scaleOff) {
        for (int r = 0; r < rows; r++) {
            float f = rowScale[scaleOff + r];
            for (int j = 0, o = cOff + r * ldc; j < cols; j++) {
                c[o + j] *= f;
            }
        }
        gemm(rows, cols, depth, a, aOff, ars, 1, b, bOff, ldb, c, cOff, ldc, true);
    }

    /**
     * One online-softmax step over a tile of scores {@code S} (rows × cols, masked entries −∞): with
     * {@code m' = max(m, max_j S_rj)}, writes {@code P_rj = e^(S_rj − m')} over S (by
     * {@link #softmaxExp1}), sets {@code alpha_r = e^(m − m')} and {@code l_r = alpha_r·l_r + Σ_j P_rj},
     * {@code m_r = m'}. A row with nothing attended so far keeps {@code m = −∞}, {@code l = 0} and gets
     * P = 0.
     *
     * <p>The running sums are kept per lane: {@code l} holds {@code rows × lanes()} partial sums, row
     * {@code r}'s normaliser is {@link #rowTotal}{@code (l, r)}, so no step pays a horizontal add per
     * row; the exponentials, the store of P and the sums are one pass over the tile.
     * {@code scratch} holds at least {@code rows} floats.
     */
    final void softmaxStep(float[] s, int lds, int rows, int cols, float[] m, float[] l, float[] alpha,
                           float[] scratch) {
        softmaxStep(s, 0, lds, rows, cols, m, l, alpha, 0, scratch);
    }

    /**
     * {@link #softmaxStep} over part of a tile: the step's row r is the scores at
     * {@code s[sOff + r·lds …]} and row {@code r0 + r} of {@code m}, {@code l} and {@code alpha}. With
     * {@code sOff} a multiple of {@link #lanes()} past a row start, each lane sums the same columns
     * as in the whole row, so a step that leaves out columns whose scores are −∞ (P = 0) keeps the
     * same bits.
     */
    abstract void softmaxStep(float[] s, int sOff, int lds, int rows, int cols, float[] m, float[] l, float[] alpha,
                              int r0, float[] scratch);

    /**
     * Step 1 of {@link #softmaxStep}: the new running maxima into {@code m}, the rescaling factors
     * {@code e^(m − m')} into {@code alpha}, and into {@code shift} what each row's scores are shifted
     * by (m', or 0 for a row still at −∞, whose scores are all −∞ and get P = 0).
     */
    final void newMaxima(float[] s, int sOff, int lds, int rows, int cols, float[] m, float[] alpha, int r0,
                         float[] shift) {
        for (int r = 0; r < rows; r++) {
            float mOld = m[r0 + r];
            float mNew = Math.max(mOld, rowMax(s, sOff + r * lds, cols));
            shift[r] = mNew == Float.NEGATIVE_INFINITY ? 0f : mOld - mNew;   // e^(−∞) = 0 when mOld = −∞
            m[r0 + r] = mNew;
        }
        VecMath.exp(shift, 0, alpha, r0, rows);
        for (int r = 0; r < rows; r++) {
            shift[r] = m[r0 + r] == Float.NEGATIVE_INFINITY ? 0f : m[r0 + r];
        }
    }

    /** Row {@code r}'s normaliser from the per-lane sums {@link #softmaxStep} keeps. */
    abstract float rowTotal(float[] l, int r);

    /** The constants of the tensor core's exp ({@code ScalarMath}), repeated for the softmax exponential. */
    static final float EXP_FLOOR = -88f, LOG2E = 1.44269504f, ROUND = 12582912f, LN2_HI = 0.693147182f,
            LN2_LO = -1.90465432e-9f, P0 = 0x1.fffffcp-2f, P1 = 0x1.555492p-3f, P2 = 0x1.5558f2p-5f,
            P3 = 0x1.123a2p-7f, P4 = 0x1.6a23cep-10f;
    /** {@code ROUND}'s bits less the exponent bias: {@code t}'s bits plus this are the biased exponent of 2^n. */
    static final int EXP_BIAS_BITS = 127 - 0x4B400000;

    /**
     * e^x for the softmax, where {@code x ≤ 0} (a score less the row's maximum) or −∞. The tensor
     * core's exp ({@link VecMath#exp(float)}: {@code 2^n · e^r}, the same range reduction and degree-6
     * polynomial, so bitwise equal to it for {@code x ≥ −87.33}, at most 2 ulp from
     * {@code Math.exp}) without what only other inputs need: no upper clamp, and 2^n built in one
     * step, which is exact while {@code n ≥ −126}. Below that the input is clamped at −88, where n is
     * −127 and the scale is +0: results under {@code 2^−126 ≈ 1.2·10⁻³⁸} become 0 (they would be
     * subnormal; next to a row maximum of weight 1 they are below float resolution by 10³¹), −∞ gives
     * exactly 0. Positive inputs are not supported (they would overflow the exponent field).
     */
    static float softmaxExp1(float x) {
        float xc = Math.max(x, EXP_FLOOR);
        float t = Math.fma(xc, LOG2E, ROUND);
        float nf = t - ROUND;
        float r = Math.fma(nf, -LN2_HI, xc);
        r = Math.fma(nf, -LN2_LO, r);
        float p = Math.fma(r, P4, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P0);
        float e = Math.fma(p, r * r, r) + 1f;
        return e * Float.intBitsToFloat((Float.floatToRawIntBits(t) + EXP_BIAS_BITS) << 23);
    }

    /** {@code Σ_j s[off + j]} for {@code j < cols}. */
    abstract float rowSum(float[] s, int off, int cols);

    /** {@code max_j s[off + j]} for {@code j < cols} (−∞ when all are). */
    abstract float rowMax(float[] s, int off, int cols);

    /**
     * Recomputes probabilities {@code P_rj = e^(S_rj − lse_r)} over S; rows with {@code lse = −∞}
     * (empty rows) get 0. The exponential is the forward's, {@link #softmaxExp1} (the tensor core's
     * exp to the bit down to {@code −87.33}, 0 below the normal range), so the backward rebuilds the
     * weights the forward's softmax made, and the subtraction, the exponential and the store are one
     * pass over the tile.
     */
    void probabilities(float[] s, int lds, int rows, int cols, float[] lse) {
        for (int r = 0; r < rows; r++) {
            float x = lse[r];
            if (x == Float.NEGATIVE_INFINITY) {   // an empty row: zero whatever the scores were
                Arrays.fill(s, r * lds, r * lds + cols, 0f);
                continue;
            }
            for (int j = 0, o = r * lds; j < cols; j++, o++) {
                s[o] = softmaxExp1(s[o] - x);
            }
        }
    }

    /** {@code dp_rj := p_rj · (dp_rj − d_r)}: the softmax backward with the D = rowsum(dO∘O) trick. */
    abstract void softmaxGrad(float[] p, float[] dp, int ld, int rows, int cols, float[] d);

    /**
     * Dropout of one row: {@code dst[at + j] = src[at + j] · f_j} for {@code j < n}, with
     * {@code f_j = scale} when keep bit {@code bit + j} is set ({@code keep[i >>> 6] >>> i & 1}) and
     * {@code +0} when it is clear; {@code dst[at + n …]} is left alone ({@code dst} may be {@code src}).
     * Both versions multiply by the same factor, so they give the same bits ({@code ±0·x} where
     * dropped). Bits past the last one {@code keep} holds read as clear.
     */
    void dropRow(float[] src, float[] dst, int at, int n, long[] keep, int bit, float scale) {
        int keptBits = Float.floatToRawIntBits(scale);
        for (int j = 0; j < n; j++) {
            int i = bit + j;
            int set = (i >>> 6) < keep.length ? (int) (keep[i >>> 6] >>> i) & 1 : 0;
            dst[at + j] = src[at + j] * Float.intBitsToFloat(keptBits & -set);
        }
    }

    /**
     * The {@code count ≤ 64} keep bits from bit {@code bit} on, in the low bits (bit {@code bit} as
     * bit 0); bits past the end of {@code keep} are clear.
     */
    static long keepBits(long[] keep, int bit) {
        int w = bit >>> 6;
        int o = bit & 63;
        long lo = w < keep.length ? keep[w] >>> o : 0L;
        return o != 0 && w + 1 < keep.length ? lo | keep[w + 1] << (64 - o) : lo;
    }

    /** {@code s_rj := −∞} wherever {@code allowed[r·ldm + j]} is false: masked keys leave the softmax. */
    final void applyMask(float[] s, int lds, int rows, int cols, boolean[] allowed, int ldm) {
        applyMask(s, 0, lds, rows, cols, allowed, 0, ldm);
    }

    /** {@link #applyMask} on {@code s[sOff + r·lds + j]} with {@code allowed[mOff + r·ldm + j]}. */
    abstract void applyMask(float[] s, int sOff, int lds, int rows, int cols, boolean[] allowed, int mOff, int ldm);


    /**
     * Soft-capping in place, {@code s_j := cap · tanh(s_j / cap)} for {@code j < n}, with tanh as
     * {@link #tanh}. {@code scratch} holds at least {@code n} floats.
     */
    final void softcap(float[] s, int off, int n, float cap, float[] scratch) {
        tanh(s, off, n, 1f / cap, cap, s, off);
    }

    /**
     * The backward of {@link #softcap}: {@code g_j *= 1 − tanh²(raw_j / cap)} for {@code j < n}, with
     * {@code raw} the scores before capping. {@code scratch} holds at least {@code n} floats.
     */
    final void softcapGrad(float[] raw, float[] g, int off, int n, float cap, float[] scratch) {
        tanh(raw, off, n, 1f / cap, 1f, scratch, 0);
        for (int j = 0; j < n; j++) {
            float t = scratch[j];
            g[off + j] *= 1f - t * t;
        }
    }

    /** {@code s[off + j] += slope · (float) (start + j)} for {@code j < n} (ALiBi's row; exact integer positions). */
    abstract void addRamp(float[] s, int off, int n, float slope, int start);

    /** {@code s[off + j] += c} for {@code j < n}. */
    abstract void addConstant(float[] s, int off, int n, float c);

    /** Inputs are clamped to ±this, where the rational tanh reaches 1 in float. */
    static final float TANH_CLAMP = 7.90531110763549805f;
    /** The odd numerator's coefficients, x¹ to x¹³ (Eigen's {@code generic_fast_tanh_float}). */
    static final float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
            A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f,
            A13 = -2.76076847742355e-16f;
    /** The even denominator's coefficients, x⁰ to x⁶. */
    static final float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f,
            B6 = 1.19825839466702e-06f;

    /**
     * {@code y[yOff + j] = mul · tanh(x[off + j] · inv)} for {@code j < n} ({@code y} may be {@code x}
     * at the same offset): the 13/6 rational approximation of Eigen's {@code generic_fast_tanh_float}
     * on the input clamped to ±{@link #TANH_CLAMP}, with fused multiply-adds, so both versions give
     * the same bits. Within 4e-7 of {@code Math.tanh} (absolute; relative near 0), measured on a dense
     * grid of [−10, 10] and on 10⁻⁸…10.
     */
    abstract void tanh(float[] x, int off, int n, float inv, float mul, float[] y, int yOff);

    /** One element of {@link #tanh}. */
    static float tanh1(float x) {
        float c = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float c2 = c * c;
        float p = Math.fma(c2, A13, A11);
        p = Math.fma(c2, p, A9);
        p = Math.fma(c2, p, A7);
        p = Math.fma(c2, p, A5);
        p = Math.fma(c2, p, A3);
        p = Math.fma(c2, p, A1);
        float q = Math.fma(c2, B6, B4);
        q = Math.fma(c2, q, B2);
        q = Math.fma(c2, q, B0);
        return c * p / q;
    }

    /** Rounds {@code n} up to a multiple of {@link #lanes()}. */
    final int pad(int n) {
        int l = lanes();
        return (n + l - 1) / l * l;
    }
}
