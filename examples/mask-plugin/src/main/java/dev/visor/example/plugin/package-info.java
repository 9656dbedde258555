/**
 * A third-party plugin: the mask {@link dev.visor.example.plugin.AxialMask} ({@code axial(width)}) and
 * the score modifier {@link dev.visor.example.plugin.HeadTemperatureModifier} ({@code temperature(init)}), shipped
 * as its own jar that depends only on masks-spi and registers with both {@code META-INF/services} and
 * {@code provides}.
 *
 * <pre>{@code
 * Mask m = MaskRegistry.load().create("axial(width=16) & causal", ctx); // found on the class or module path
 * ScoreModifier t = ScoreModifierRegistry.load().create("temperature", new ScoreContext(8));
 * }</pre>
 */
package dev.visor.example.plugin;
