package dev.visor.transformer.train;

import java.util.List;

/**
 * Training stopped because too many consecutive steps had a non-finite loss or gradient. Nothing is
 * written after such steps, so every checkpoint saved before is intact.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient List<TrainingListener.SkippedStep> skipped;

    TrainingDivergedException(String message, List<TrainingListener.SkippedStep> skipped) {
        super(message);
        this.skipped = List.copyOf(skipped);
    }

    /** The skipped steps that stopped the run, in order. */
    public List<TrainingListener.SkippedStep> skipped() {
        return skipped;
    }
}
