/**
 * Neural-network building blocks on {@link dev.visor.tensor.Tensor}: {@link dev.visor.tensor.nn.Functional}
 * (fused softmax, layer norm, activations, embedding, dropout, masked fill, cross-entropy, linear,
 * each with a hand-written backward pass), the {@link dev.visor.tensor.nn.Module} base with
 * PyTorch-compatible dotted parameter names and state dicts, and the standard layers
 * ({@link dev.visor.tensor.nn.Linear}, {@link dev.visor.tensor.nn.Embedding},
 * {@link dev.visor.tensor.nn.LayerNorm}, {@link dev.visor.tensor.nn.Dropout},
 * {@link dev.visor.tensor.nn.Sequential}, {@link dev.visor.tensor.nn.ModuleList}).
 */
package dev.visor.tensor.nn;
