/**
 * Training: {@link dev.visor.transformer.train.Trainer} trains any
 * {@link dev.visor.transformer.TransformerModel} through its {@code loss} (cross-entropy by default)
 * with an optimizer from an {@link dev.visor.transformer.train.OptimizerFactory} (AdamW by default)
 * over parameter groups, warm-up schedules, clipping and accumulation, and skips non-finite steps.
 * Callbacks are lambdas ({@link dev.visor.transformer.train.TrainingListener} over
 * {@link dev.visor.transformer.train.TrainingEvent}s); a {@link dev.visor.transformer.train.StopCondition}
 * or {@code requestStop()} ends a run; {@link dev.visor.transformer.train.PeriodicCheckpoints} and
 * {@link dev.visor.transformer.train.BestCheckpoint} keep checkpoints. Also batches, synthetic tasks
 * and evaluators.
 */
package dev.visor.transformer.train;
