package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link NormRows}; loaded only when {@link VectorSupport#available()}. Each
 * loop runs whole vectors and finishes the tail with scalar float code performing the same roundings
 * ({@link Math#fma} where the lanes fuse).
 */
final class VectorNormRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorNormRows() {}

    static void forward(float[] x, int base, int n, float[] w, float[] b, float eps, float[] y, float[] stats, int sOff) {
        int bound = S.loopBound(n);
        // 1) the mean
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            acc = acc.add(FloatVector.fromArray(S, x, base + j));
        }
        float tail = 0f;
        for (; j < n; j++) {
            tail += x[base + j];
        }
        float mu = (VectorLanes.sumFixedOrder(acc) + tail) / n;
        // 2) the residual of that mean and the centred second moment: x − μ is exact near μ, so
        //    μ + lo carries the mean to about twice float's precision (a large mean over a small
        //    spread would otherwise lose the centring to μ's rounding)
        FloatVector acc2 = FloatVector.zero(S);
        acc = FloatVector.zero(S);
        j = 0;
        for (; j < bound; j += L) {
            FloatVector c = FloatVector.fromArray(S, x, base + j).sub(mu);
            acc = acc.add(c);
            acc2 = c.fma(c, acc2);
        }
        tail = 0f;
        float tail2 = 0f;
        for (; j < n; j++) {
            float c = x[base + j] - mu;
            tail += c;
            tail2 = Math.fma(c, c, tail2);
        }
        float lo = (VectorLanes.sumFixedOrder(acc) + tail) / n;
        float var = Math.max(0f, (VectorLanes.sumFixedOrder(acc2) + tail2) / n - lo * lo);
        float rs = (float) (1.0 / Math.sqrt((double) var + eps));
        // 3) y = (x − μ − lo)·r·w + b
        j = 0;
        for (; j < bound; j += L) {
            FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(mu).sub(lo).mul(rs);
            xh.fma(FloatVector.fromArray(S, w, j), FloatVector.fromArray(S, b, j)).intoArray(y, base + j);
        }
        for (; j < n; j++) {
            y[base + j] = Math.fma((x[base + j] - mu - lo) * rs, w[j], b[j]);
        }
        stats[sOff] = mu;
        stats[sOff + 1] = lo;
        stats[sOff + 2] = rs;
    }

    static void backward(float[] g, float[] x, int base, int n, float[] w, float mu, float lo, float rs,
                         float[] dw, float[] db, float[] dx) {
        int bound = S.loopBound(n);
        // 1) Σ ĝ and Σ ĝ·x̂, and the block's dw and db
        FloatVector sg = FloatVector.zero(S);
        FloatVector sgx = FloatVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector gv = FloatVector.fromArray(S, g, base + j);
            FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(mu).sub(lo).mul(rs);
            FloatVector gh = gv.mul(FloatVector.fromArray(S, w, j));
            sg = sg.add(gh);
            sgx = gh.fma(xh, sgx);
            gv.fma(xh, FloatVector.fromArray(S, dw, j)).intoArray(dw, j);
            gv.add(FloatVector.fromArray(S, db, j)).intoArray(db, j);
        }
        float tg = 0f;
        float tgx = 0f;
        for (; j < n; j++) {
            float gj = g[base + j];
            float xh = (x[base + j] - mu - lo) * rs;
            float gh = gj * w[j];
            tg += gh;
            tgx = Math.fma(gh, xh, tgx);
            dw[j] = Math.fma(gj, xh, dw[j]);
            db[j] += gj;
        }
        if (dx == null) {
            return;
        }
        float a = (VectorLanes.sumFixedOrder(sg) + tg) / n;
        float negC = -(VectorLanes.sumFixedOrder(sgx) + tgx) / n;
        // 2) dx = r·(ĝ − a − x̂·c)
        j = 0;
        for (; j < bound; j += L) {
            FloatVector xh = FloatVector.fromArray(S, x, base + j).sub(mu).sub(lo).mul(rs);
            FloatVector gh = FloatVector.fromArray(S, g, base + j).mul(FloatVector.fromArray(S, w, j));
            xh.fma(FloatVector.broadcast(S, negC), gh.sub(a)).mul(rs).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            float xh = (x[base + j] - mu - lo) * rs;
            float gh = g[base + j] * w[j];
            dx[base + j] = Math.fma(xh, negC, gh - a) * rs;
        }
    }
}
