/**
 * Guice modules that bind every part of a Transformer as an {@code OptionalBinder} default:
 * {@link dev.visor.transformer.inject.TransformerModule} installs {@link dev.visor.transformer.inject.MaskModule}
 * (registry and per-site masks), {@link dev.visor.transformer.inject.AttentionModule} (kernel and attention)
 * and {@link dev.visor.transformer.inject.PartsModule} (feed-forward, norm, norm placement, positions);
 * {@link dev.visor.transformer.inject.ModelAssembler} builds the models from the bound parts.
 */
package dev.visor.transformer.inject;
