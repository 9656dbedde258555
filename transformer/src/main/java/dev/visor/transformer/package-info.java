/**
 * Transformers assembled from replaceable parts: {@link dev.visor.transformer.TransformerConfig} (a
 * validated record with presets), the models {@link dev.visor.transformer.EncoderDecoderTransformer},
 * {@link dev.visor.transformer.DecoderOnlyTransformer} and {@link dev.visor.transformer.EncoderOnlyTransformer}
 * with {@code torch.nn.Transformer}'s parameter names, their layers and parts, and the one-line entry
 * point {@link dev.visor.transformer.Transformers}. Sub-packages: {@code inject} (Guice modules),
 * {@code train}, {@code decode}, {@code checkpoint}.
 *
 * <pre>{@code
 * EncoderDecoderTransformer model = Transformers.encoderDecoder(TransformerConfig.tiny(16));
 * Tensor logits = model.forward(src, tgt);                       // (batch, Lt, 16)
 * }</pre>
 */
package dev.visor.transformer;
