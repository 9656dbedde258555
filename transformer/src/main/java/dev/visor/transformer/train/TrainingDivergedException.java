package dev.visor.transformer.train;

import java.util.List;

/**
 * Training stopped because too many consecutive steps had a non-finite loss or gradient. Nothing is
 * written after such steps, so every checkpoint saved before is intact.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient List<TrainingEvent.Skipped> skipped;

    TrainingDivergedException(String message, List<TrainingEvent.Skipped> skipped) {
        super(message);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * The skipped steps that stopped the run, in order.
     *
     * @return the {@code maxConsecutiveSkips} skipped-step events, oldest first, each naming its non-finite parameters
     */
    public List<TrainingEvent.Skipped> skipped() {
        return skipped;
    }
}
