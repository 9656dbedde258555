package dev.visor.transformer.train;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A listener that saves a resumable checkpoint (model and optimizer state) every {@code every}
 * completed steps through {@link Trainer#saveCheckpoint}, so a crash or an interrupt loses at most
 * that many steps. Each save replaces the previous one atomically.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, config);
 * trainer.train(source, evaluator, new PeriodicCheckpoints(trainer, 500, Path.of("runs/reverse")));
 * }</pre>
 */
public final class PeriodicCheckpoints implements TrainingListener {
    private final Trainer trainer;
    private final long every;
    private final CheckpointWriter writer;
    private final String location;

    /**
     * Saves with {@code writer}.
     *
     * @param trainer  the trainer whose model and optimizer are saved
     * @param every    steps between saves, ≥ 1
     * @param writer   what writes the checkpoint
     * @param location where it goes, for the {@link TrainingEvent.CheckpointSaved} event
     */
    public PeriodicCheckpoints(Trainer trainer, long every, CheckpointWriter writer, String location) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
        if (every < 1) {
            throw new IllegalArgumentException("checkpoints every " + every + " steps: expected at least 1");
        }
        this.every = every;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.location = Objects.requireNonNull(location, "location");
    }

    /**
     * Saves a {@link dev.visor.transformer.checkpoint.Checkpoint} folder at {@code dir}.
     *
     * @param trainer the trainer whose model and optimizer state are saved
     * @param every the period in steps, at least 1
     * @param dir the checkpoint folder, replaced atomically at each save
     */
    public PeriodicCheckpoints(Trainer trainer, long every, Path dir) {
        this(trainer, every, CheckpointWriter.to(dir), dir.toString());
    }

    @Override
    public void on(TrainingEvent event) {
        if (event instanceof TrainingEvent.Step s && s.step() % every == 0) {
            trainer.saveCheckpoint(writer, location);
        }
    }
}
