package dev.visor.cli;

import dev.visor.tensor.Rng;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerModel;
import java.util.Locale;

/**
 * The second half of {@code visor audit}: runs the same inputs through the model with the block-sparse
 * flash kernel and with the reference kernel (materialised scores, the element predicate on every
 * pair) and compares the logits on sampled rows. A block the mask wrongly calls EMPTY only removes
 * inputs a query should see, which perturbing hidden inputs cannot reveal; this comparison does. The
 * inputs should span several kernel blocks (the CLI uses the model's whole context, at least 256
 * positions when the model allows).
 */
final class KernelAudit {
    /** Largest difference of a logit between the kernels that still counts as rounding, relative to its size. */
    static final double TOLERANCE = 1e-3;

    private KernelAudit() {}

    /**
     * The outcome.
     *
     * @param rows output rows compared
     * @param maxDelta the largest relative difference of a logit
     * @param firstMismatch a description of the first row beyond the tolerance, or null
     */
    record Report(int rows, double maxDelta, String firstMismatch) {
        /** @return whether every compared logit agreed within the tolerance */
        boolean passed() {
            return firstMismatch == null;
        }
    }

    /**
     * Compares the two kernels.
     *
     * @param flash the model running the flash kernel
     * @param reference the same weights running the reference kernel
     * @param src sources (encoder-decoder) or null (decoder-only)
     * @param tgt decoder inputs
     * @param rowsPerSequence output positions compared per sequence (the last valid one always among them)
     * @param rng picks the rows
     * @return the report
     */
    static Report compare(TransformerModel flash, TransformerModel reference, TokenBatch src, TokenBatch tgt,
                          int rowsPerSequence, Rng rng) {
        float[] a = MaskAudit.logits(flash, src, tgt);
        float[] b = MaskAudit.logits(reference, src, tgt);
        int batch = tgt.batch();
        int length = tgt.length();
        int vocab = a.length / (batch * length);
        int rows = 0;
        double max = 0;
        String first = null;
        for (int s = 0; s < batch; s++) {
            int valid = tgt.validLengths()[s];
            for (int r = 0; r < Math.min(rowsPerSequence, valid); r++) {
                int q = r == 0 ? valid - 1 : rng.nextInt(valid);
                double delta = 0;
                for (int v = 0, at = (s * length + q) * vocab; v < vocab; v++, at++) {
                    delta = Math.max(delta, Math.abs(a[at] - b[at]) / Math.max(1.0, Math.abs(b[at])));
                }
                rows++;
                max = Math.max(max, delta);
                if (delta > TOLERANCE && first == null) {
                    first = String.format(Locale.ROOT, "sequence %d, output position %d of %d: the flash kernel's logits differ from "
                            + "the reference kernel's by %.3g", s, q, valid, delta);
                }
            }
        }
        return new Report(rows, max, first);
    }
}
