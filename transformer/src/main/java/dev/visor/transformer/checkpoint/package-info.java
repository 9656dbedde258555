/**
 * Checkpoints: a directory of {@code config.json}, {@code model.safetensors} and optionally
 * {@code optimizer.safetensors}, written atomically ({@link dev.visor.transformer.checkpoint.Checkpoint}).
 */
package dev.visor.transformer.checkpoint;
