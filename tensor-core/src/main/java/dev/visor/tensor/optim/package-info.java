/**
 * Optimizers with PyTorch's update equations ({@link dev.visor.tensor.optim.SGD},
 * {@link dev.visor.tensor.optim.Adam}, {@link dev.visor.tensor.optim.AdamW}), resumable through
 * {@link dev.visor.tensor.optim.OptimizerState}; learning-rate schedules
 * ({@link dev.visor.tensor.optim.LrSchedule}); and gradient clipping and finiteness checks
 * ({@link dev.visor.tensor.optim.Gradients}).
 */
package dev.visor.tensor.optim;
