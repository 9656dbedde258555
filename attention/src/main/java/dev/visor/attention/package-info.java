/**
 * The attention engine: exact scaled-dot-product attention whose cost falls with the density of
 * the mask.
 *
 * <ul>
 *   <li>{@link dev.visor.attention.FlashAttention} — the block-sparse, online-softmax kernel on raw
 *       arrays (forward, and backward by recomputation from the log-sum-exp), visiting only the FULL
 *       and PARTIAL blocks of a {@link dev.visor.attention.BlockSparsity};</li>
 *   <li>{@link dev.visor.attention.ReferenceAttention} — the materialised oracle that also returns
 *       the weights;</li>
 *   <li>{@link dev.visor.attention.Attention} — both as differentiable tensor ops;</li>
 *   <li>{@link dev.visor.attention.MultiHeadAttention} — the layer, with PyTorch's parameter layout,
 *       grouped key/value heads, per-call mask specs ({@link dev.visor.attention.MaskInputs}) and a
 *       {@link dev.visor.attention.KvCache} for incremental decoding;</li>
 *   <li>{@link dev.visor.attention.TorchMasks} — PyTorch mask conventions converted at import.</li>
 * </ul>
 *
 * <p>One polarity everywhere: a mask says which keys a query <em>may</em> attend; masked keys are
 * excluded from the softmax (weight exactly 0), and a query that may attend nothing gets output 0,
 * log-sum-exp −∞ and gradient 0 — never NaN.
 */
package dev.visor.attention;
