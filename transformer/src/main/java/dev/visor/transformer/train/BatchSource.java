package dev.visor.transformer.train;

import dev.visor.tensor.Rng;

/**
 * Where training batches come from. The trainer passes its own seeded {@link Rng}, so a source that
 * draws only from it makes a run reproducible.
 *
 * <pre>{@code
 * BatchSource reverse = SyntheticTasks.reverse(16, 3, 8).batches(32, BOS, EOS, PAD);
 * }</pre>
 */
@FunctionalInterface
public interface BatchSource {
    /**
     * The next batch, drawing any randomness from {@code rng}.
     *
     * @param rng the trainer's random source, seeded from {@link TrainerConfig#seed()} and the step, so runs repeat
     * @return a batch; the trainer calls this once per micro-batch
     */
    Batch next(Rng rng);
}
