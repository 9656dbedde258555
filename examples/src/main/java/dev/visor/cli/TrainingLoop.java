package dev.visor.cli;

import dev.visor.transformer.train.BatchSource;
import dev.visor.transformer.train.CheckpointWriter;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.PeriodicCheckpoints;
import dev.visor.transformer.train.StopCondition;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainingDivergedException;
import dev.visor.transformer.train.TrainingListener;
import dev.visor.transformer.train.TrainingResult;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The part of every training command that is the same: a progress line, periodic resumable
 * checkpoints ({@code --save-every}), Ctrl-C handling and divergence reporting around
 * {@link Trainer#train}. On Ctrl-C the step in progress finishes, a resumable checkpoint is saved in the
 * run's folder, and the command ends with exit code 130 and a line saying how to continue.
 *
 * <pre>{@code
 * TrainingLoop.Outcome o = new TrainingLoop(session, "train lm", options, out, info::at).run(trainer, source, evaluator, listener, stop);
 * }</pre>
 */
final class TrainingLoop {
    private final Session session;
    private final String command;
    private final TrainingOptions options;
    private final Path out;
    private final LongFunction<RunInfo> infoAt;
    private Progress progress;

    /**
     * The outcome of a run that was not interrupted.
     *
     * @param result the trainer's result
     * @param steps steps taken in this invocation
     * @param seconds wall time
     */
    record Outcome(TrainingResult result, long steps, double seconds) {}

    /**
     * Prepares a loop.
     *
     * @param session the session (output, Ctrl-C release)
     * @param command the command that resumes, e.g. "train lm"
     * @param options the optimisation options (--save-every, --lr for messages)
     * @param out the run's folder
     * @param infoAt the run info to save with a checkpoint of a given step
     */
    TrainingLoop(Session session, String command, TrainingOptions options, Path out, LongFunction<RunInfo> infoAt) {
        this.session = session;
        this.command = command;
        this.options = options;
        this.out = out;
        this.infoAt = infoAt;
    }

    /**
     * Prints a line without breaking the progress line.
     *
     * @param message the line
     */
    void note(String message) {
        if (progress != null) {
            progress.note(message);
        } else {
            session.out().println(message);
            session.out().flush();
        }
    }

    /** @return what writes the run's checkpoint folder (the framework checkpoint plus visor.json) */
    CheckpointWriter writer() {
        return (model, optimizer, step) -> RunCheckpoint.save(out, model, optimizer, step, infoAt.apply(step));
    }

    /**
     * Trains with a progress line.
     *
     * @param trainer the trainer (possibly resumed)
     * @param source the batches
     * @param evaluator the held-out evaluation
     * @param listener the command's own callbacks (evaluation notes, best weights)
     * @param stop the command's own stop condition (e.g. a target accuracy)
     * @param progressEvery steps between progress lines when not on a terminal
     * @return the outcome
     * @throws CliException on divergence (failure) or Ctrl-C (interrupted, after saving)
     */
    Outcome run(Trainer trainer, BatchSource source, Evaluator evaluator, TrainingListener listener, StopCondition stop, int progressEvery) {
        long start = trainer.step();
        long planned = trainer.config().steps() - start;
        progress = new Progress(session.out(), session.interactive(), (int) Math.max(1, planned), progressEvery, System::nanoTime);
        long[] lastSaved = {-1};
        TrainingListener all = TrainingListener.onStep(s -> progress.update((int) (s.step() - start), s.loss(), s.tokenAccuracy(), s.tokens()))
                .andThen(TrainingListener.onSkipped(s -> progress.note("  step " + s.step() + " skipped: " + s.describe())))
                .andThen(listener)
                .andThen(TrainingListener.onCheckpoint(c -> lastSaved[0] = c.step()));
        if (options.saveEvery > 0) all = all.andThen(new PeriodicCheckpoints(trainer, options.saveEvery, writer(), out.toString()));
        TrainingResult result;
        try (InterruptGuard guard = InterruptGuard.install(session, trainer::requestStop)) {
            try {
                result = trainer.train(source, evaluator, all, stop);
            } catch (TrainingDivergedException e) {
                progress.finish();
                String kept = lastSaved[0] >= 0 ? "the checkpoint of step " + lastSaved[0] + " in " + out + " is intact" : "nothing was saved";
                throw CliException.failure(Errors.oneLine(e).replace("; checkpoints saved before are intact", "") + "; lower --lr (now "
                        + options.lr + "); " + kept, e);
            }
            progress.finish();
            if (guard.triggered()) {
                try {
                    trainer.saveCheckpoint(writer(), out.toString());
                } catch (UncheckedIOException e) {
                    throw CliException.failure("interrupted at step " + trainer.step() + ", and the checkpoint could not be saved to "
                            + out + ": " + Errors.oneLine(e), e);
                }
                throw CliException.interrupted(String.format(Locale.ROOT,
                        "interrupted at step %d of %d; saved a resumable checkpoint to %s; continue with: visor %s --resume %s",
                        trainer.step(), trainer.config().steps(), out, command, out));
            }
        }
        return new Outcome(result, trainer.step() - start, progress.elapsedSeconds());
    }
}
