package dev.visor.attention;

/**
 * {@code 2^x} for the softmax, by range reduction and a degree-6 polynomial (relative error below
 * 1.2e-7 on the normal range), written so that the scalar and the vector version
 * ({@link VectorTileOps}) round identically.
 *
 * <p>{@code x = n + f} with {@code n = round(x)} (by the 1.5·2²³ trick) and {@code |f| ≤ ½};
 * {@code 2^f} is a minimax polynomial and {@code 2^n} is built in the exponent bits. Inputs below
 * −127 — including −∞, the score of a masked key — give exactly 0. Inputs must be ≤ 127.
 */
final class Exp2 {
    static final float MAGIC = 12582912f;               // 1.5 · 2^23
    static final int MAGIC_BITS = 0x4B400000;           // bits of MAGIC
    static final float LOW = -127f;
    static final float C0 = 1.0f;
    static final float C1 = 0.6931471824645996f;
    static final float C2 = 0.24022647738456726f;
    static final float C3 = 0.05550329014658928f;
    static final float C4 = 0.009618373587727547f;
    static final float C5 = 0.0013399848248809576f;
    static final float C6 = 0.0001537070784252137f;

    private Exp2() {}

    static float exp2(float x) {
        x = Math.max(x, LOW);
        float t = x + MAGIC;
        float n = t - MAGIC;
        float f = x - n;
        float p = Math.fma(C6, f, C5);
        p = Math.fma(p, f, C4);
        p = Math.fma(p, f, C3);
        p = Math.fma(p, f, C2);
        p = Math.fma(p, f, C1);
        p = Math.fma(p, f, C0);
        int e = (Float.floatToRawIntBits(t) - (MAGIC_BITS - 127)) << 23;
        return p * Float.intBitsToFloat(e);
    }
}
