/**
 * The mask SPI: {@link dev.visor.mask.Mask} (element predicate and block classification),
 * {@link dev.visor.mask.MaskStrategy} (the {@link java.util.ServiceLoader} service),
 * {@link dev.visor.mask.MaskContext}, {@link dev.visor.mask.MaskRegistry}, spec strings
 * ({@link dev.visor.mask.MaskSpec}) and compiled block masks ({@link dev.visor.mask.CompiledMask}).
 * No dependencies. This is the one package exported to plugins; the built-in strategies' classes are
 * not (see the masks-spi README, "What a plugin sees").
 *
 * <pre>{@code
 * MaskContext ctx = MaskContext.builder(2, 8, 512, 512).validLengths(512, 300).build();
 * Mask mask = MaskRegistry.load().create("causal & sliding_window(left=128) & padding", ctx);
 * CompiledMask blocks = new CompiledMaskCache(64).get(mask, ctx.shape(), 64, 64);
 * }</pre>
 */
package dev.visor.mask;
