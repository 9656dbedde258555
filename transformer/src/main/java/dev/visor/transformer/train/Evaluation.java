package dev.visor.transformer.train;

/**
 * What an {@link Evaluator} measured; a value it did not measure is NaN.
 *
 * @param loss             mean cross-entropy per target token (without label smoothing)
 * @param tokenAccuracy    fraction of target tokens predicted right
 * @param sequenceAccuracy fraction of sequences predicted entirely right
 */
public record Evaluation(double loss, double tokenAccuracy, double sequenceAccuracy) {
    @Override
    public String toString() {
        return String.format("loss %.4f, token accuracy %.2f%%, sequence accuracy %.2f%%", loss, 100 * tokenAccuracy,
                100 * sequenceAccuracy);
    }
}
