package dev.visor.attention;

/** The scalar tile primitives: the fallback when the Vector API is absent, and the tests' second opinion. */
final class ScalarTileOps extends TileOps {
    static final ScalarTileOps INSTANCE = new ScalarTileOps();

    private ScalarTileOps() {}

    @Override
    int lanes() {
        return 1;
    }

    @Override
    void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int ci = cOff + r * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + cols, 0f);
            }
            int ai = aOff + r * ars;
            for (int t = 0; t < depth; t++) {
                float x = a[ai + t * ats];
                int bi = bOff + t * ldb;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = Math.fma(x, b[bi + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    void softmaxStep(float[] s, int sOff, int lds, int rows, int cols, float[] m, float[] l, float[] alpha,
                     int r0, float[] scratch) {
        newMaxima(s, sOff, lds, rows, cols, m, alpha, r0, scratch);
        float[] shift = scratch;
        for (int r = 0; r < rows; r++) {
            float x = shift[r];
            float sum = 0f;
            for (int j = 0, o = sOff + r * lds; j < cols; j++, o++) {
                float e = softmaxExp1(s[o] - x);
                s[o] = e;
                sum += e;
            }
            l[r0 + r] = l[r0 + r] * alpha[r0 + r] + sum;
        }
    }

    @Override
    float rowTotal(float[] l, int r) {
        return l[r];
    }

    @Override
    float rowSum(float[] s, int off, int cols) {
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            sum += s[off + j];
        }
        return sum;
    }

    @Override
    float rowMax(float[] s, int off, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, s[off + j]);
        }
        return max;
    }

    @Override
    void softmaxGrad(float[] p, float[] dp, int ld, int rows, int cols, float[] d) {
        for (int r = 0; r < rows; r++) {
            int base = r * ld;
            float dr = d[r];
            for (int j = 0; j < cols; j++) {
                dp[base + j] = p[base + j] * (dp[base + j] - dr);
            }
        }
    }

    @Override
    void applyMask(float[] s, int sOff, int lds, int rows, int cols, boolean[] allowed, int mOff, int ldm) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                if (!allowed[mOff + r * ldm + j]) {
                    s[sOff + r * lds + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }


    @Override
    void tanh(float[] x, int off, int n, float inv, float mul, float[] y, int yOff) {
        for (int j = 0; j < n; j++) {
            y[yOff + j] = mul * tanh1(x[off + j] * inv);
        }
    }

    @Override
    void addRamp(float[] s, int off, int n, float slope, int start) {
        for (int j = 0; j < n; j++) {
            s[off + j] += slope * (float) (start + j);
        }
    }

    @Override
    void addConstant(float[] s, int off, int n, float c) {
        for (int j = 0; j < n; j++) {
            s[off + j] += c;
        }
    }
}
