package dev.visor.transformer.decode;

/** Log-softmax of one logits row in double, the shared first step of every decoder. */
final class LogSoftmax {
    private LogSoftmax() {}

    /** {@code z_i − max − log Σ exp(z_j − max)} over a row, scaled first by {@code 1/temperature}. */
    static double[] of(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float z : logits) {
            if (Float.isNaN(z)) {
                throw new IllegalStateException("the model produced a NaN logit; cannot decode");
            }
            max = Math.max(max, z / temperature);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every logit is -inf; no token can be decoded");
        }
        double sum = 0;
        for (float z : logits) {
            sum += Math.exp(z / temperature - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] / temperature - log;
        }
        return out;
    }

    /** The index of the largest value; ties go to the lowest index. */
    static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
