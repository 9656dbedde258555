package dev.visor.transformer.train;

import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a checkpoint of a model being trained: what {@link PeriodicCheckpoints},
 * {@link BestCheckpoint} and {@link Trainer#saveCheckpoint} call. {@link #to} writes a
 * {@link Checkpoint} folder; an application adds its own files by writing them too.
 *
 * <pre>{@code
 * CheckpointWriter plain = CheckpointWriter.to(Path.of("runs/reverse"));
 * CheckpointWriter mine = (model, optimizer, step) -> { Checkpoint.save(dir, model, optimizer, step); writeVocabulary(dir); };
 * }</pre>
 */
@FunctionalInterface
public interface CheckpointWriter {
    /**
     * Writes the checkpoint.
     *
     * @param model     the model
     * @param optimizer its optimizer state, or {@code null} (not resumable)
     * @param step      the step the model is at
     * @throws IOException when the checkpoint cannot be written
     */
    void write(TransformerModel model, OptimizerState optimizer, long step) throws IOException;

    /**
     * {@link Checkpoint#save} to {@code dir} (replaced atomically).
     *
     * @param dir the checkpoint folder; created or replaced as a whole
     * @return a writer that saves weights, config and (when given) optimizer state there
     */
    static CheckpointWriter to(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return (model, optimizer, step) -> Checkpoint.save(dir, model, optimizer, step);
    }
}
