/**
 * Data for the examples: algorithmic sequence-to-sequence tasks with exact answers
 * ({@link dev.visor.tasks.SyntheticTask}), their vocabularies ({@link dev.visor.tasks.Vocabulary}),
 * and held-out splits ({@link dev.visor.tasks.Split}).
 */
package dev.visor.tasks;
