package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;

/** Inverted dropout with a seeded mask kept as a bit set for the backward pass. */
final class DropoutOp {
    private DropoutOp() {}

    static Tensor forward(Tensor x, double p, boolean training, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1] but got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        if (rng == null) {
            throw new IllegalArgumentException("dropout in training mode with p=" + p + " needs an Rng but got null");
        }
        float[] in = Dense.of(x);
        int n = in.length;
        long[] keep = new long[(n + 63) >>> 6];
        float scale = p == 1 ? 0f : (float) (1.0 / (1.0 - p));
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() >= p) {
                keep[i >>> 6] |= 1L << i;
                out[i] = in[i] * scale;
            }
        }
        return Tensor.fromOp("dropout", out, x.shape(), g -> {
            float[] gv = Dense.of(g);
            float[] dx = new float[n];
            for (int i = 0; i < n; i++) {
                if ((keep[i >>> 6] & (1L << i)) != 0) {
                    dx[i] = gv[i] * scale;
                }
            }
            return new Tensor[] {Tensor.wrap(dx, x.shape())};
        }, x);
    }
}
