/**
 * Training: {@link dev.visor.transformer.train.Trainer} (label-smoothed cross-entropy, AdamW with warm-up,
 * clipping, accumulation, evaluation callbacks, non-finite steps skipped), batches and synthetic tasks,
 * and evaluators.
 */
package dev.visor.transformer.train;
