package dev.visor.transformer.train;

/**
 * What an {@link Evaluator} measured; a value it did not measure is NaN.
 *
 * @param loss             mean cross-entropy per target token (without label smoothing)
 * @param tokenAccuracy    fraction of target tokens predicted right
 * @param sequenceAccuracy fraction of sequences predicted entirely right
 */
public record Evaluation(double loss, double tokenAccuracy, double sequenceAccuracy) {
    /** The measured values, e.g. {@code "token accuracy 97.10%, sequence accuracy 85.00%"} (unmeasured ones left out). */
    @Override
    public String toString() {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (!Double.isNaN(loss)) {
            parts.add(String.format(java.util.Locale.ROOT, "loss %.4f", loss));
        }
        if (!Double.isNaN(tokenAccuracy)) {
            parts.add(String.format(java.util.Locale.ROOT, "token accuracy %.2f%%", 100 * tokenAccuracy));
        }
        if (!Double.isNaN(sequenceAccuracy)) {
            parts.add(String.format(java.util.Locale.ROOT, "sequence accuracy %.2f%%", 100 * sequenceAccuracy));
        }
        return parts.isEmpty() ? "nothing measured" : String.join(", ", parts);
    }
}
