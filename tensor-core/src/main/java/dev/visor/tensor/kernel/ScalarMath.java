package dev.visor.tensor.kernel;

/**
 * The scalar paths of {@link VecMath}, used when the Vector API is absent and for the tails of the
 * vector loops. {@link #exp1} is the same sequence of roundings as the vector exp, lane for lane,
 * so both paths give bitwise equal exponentials; element-wise ops use the same single-rounding
 * operations ({@link Math#fma} for axpy); reductions differ from the vector path only in summation
 * order. Plain indexed loops here are auto-vectorised by C2 where it can (element-wise ops).
 */
final class ScalarMath {
    private ScalarMath() {}

    // exp(x) = 2^n · e^r, n = round(x / ln 2), |r| ≤ ln 2 / 2; e^r = 1 + r + r² · P(r) with P a
    // degree-4 near-minimax fit (relative error 3e-9 before float rounding), fitted for Visor.
    static final float EXP_LO = -104f;    // exp(-104) < Float.MIN_VALUE / 2: rounds to 0
    static final float EXP_HI = 89f;      // exp(89) > Float.MAX_VALUE: overflows to +inf
    static final float LOG2E = 1.44269504f;
    static final float LN2_HI = 0.693147182f; // float nearest ln 2
    static final float LN2_LO = -1.90465432e-9f; // ln 2 - LN2_HI
    static final float ROUND = 12582912f; // 1.5 · 2^23: adding it rounds to an integer in the low bits
    static final int ROUND_BITS = 0x4B400000;
    static final float P0 = 0x1.fffffcp-2f;
    static final float P1 = 0x1.555492p-3f;
    static final float P2 = 0x1.5558f2p-5f;
    static final float P3 = 0x1.123a2p-7f;
    static final float P4 = 0x1.6a23cep-10f;

    /** e^x to within 1-2 ulp; −∞ → 0, overflow → +∞, NaN → NaN, tiny results round into subnormals. */
    static float exp1(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, ROUND);
        float nf = t - ROUND;
        float r = Math.fma(nf, -LN2_HI, xc);
        r = Math.fma(nf, -LN2_LO, r);
        float p = Math.fma(r, P4, P3);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P0);
        float e = Math.fma(p, r * r, r) + 1f;
        // 2^n as two factors 2^n1 · 2^n2, each a normal float for n in [-150, 129]
        int n = Float.floatToRawIntBits(t) - ROUND_BITS;
        int n1 = n >> 1;
        int n2 = n - n1;
        return e * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = exp1(x[xOff + i]);
        }
    }

    static float expShiftSum(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        float s0 = 0f;
        float s1 = 0f;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            float e0 = exp1(x[xOff + i] - shift);
            float e1 = exp1(x[xOff + i + 1] - shift);
            y[yOff + i] = e0;
            y[yOff + i + 1] = e1;
            s0 += e0;
            s1 += e1;
        }
        for (; i < n; i++) {
            float e = exp1(x[xOff + i] - shift);
            y[yOff + i] = e;
            s0 += e;
        }
        return s0 + s1;
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
            s1 = Math.fma(a[aOff + i + 1], b[bOff + i + 1], s1);
            s2 = Math.fma(a[aOff + i + 2], b[bOff + i + 2], s2);
            s3 = Math.fma(a[aOff + i + 3], b[bOff + i + 3], s3);
        }
        for (; i < n; i++) {
            s0 = Math.fma(a[aOff + i], b[bOff + i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float sum(float[] x, int off, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    static void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = alpha * x[xOff + i];
        }
    }

    static void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);   // a branch mispredicts on half the signs; max does not
        }
    }
}
