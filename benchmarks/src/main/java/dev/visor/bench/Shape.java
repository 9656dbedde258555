package dev.visor.bench;

/**
 * A matmul shape named in a benchmark parameter: {@code sq1024} is 1024×1024·1024×1024, and
 * {@code name_[batch×]m×n×k_XY} is {@code batch} products {@code (m×k)·(k×n)} with X/Y = N or T
 * telling whether A and B are stored transposed, e.g. {@code ffnUp_1024x2048x512_NT} or
 * {@code scores_64x128x128x64_NT}.
 */
record Shape(String name, int batch, int m, int n, int k, boolean transA, boolean transB) {

    static Shape parse(String spec) {
        if (spec.startsWith("sq")) {
            int s = Integer.parseInt(spec.substring(2));
            return new Shape(spec, 1, s, s, s, false, false);
        }
        String[] parts = spec.split("_");
        if (parts.length != 3 || parts[2].length() != 2) {
            throw new IllegalArgumentException("shape '" + spec + "' is not sqN or name_[batch x]m x n x k_XY");
        }
        String[] d = parts[1].split("x");
        int i = d.length == 4 ? 1 : 0;
        int batch = d.length == 4 ? Integer.parseInt(d[0]) : 1;
        return new Shape(parts[0], batch, Integer.parseInt(d[i]), Integer.parseInt(d[i + 1]),
                Integer.parseInt(d[i + 2]), parts[2].charAt(0) == 'T', parts[2].charAt(1) == 'T');
    }

    /** Floating-point operations of the whole batch (2 per multiply-add). */
    double flop() {
        return 2.0 * batch * m * n * k;
    }

    /** e.g. {@code 64 × (128×64 · 64×128ᵀ)}. */
    String describe() {
        String a = m + "×" + k;
        String b = transB ? "(" + n + "×" + k + ")ᵀ" : k + "×" + n;
        String one = (transA ? "(" + k + "×" + m + ")ᵀ" : a) + " · " + b;
        return batch > 1 ? batch + " × (" + one + ")" : one;
    }
}
