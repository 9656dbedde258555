/**
 * A third-party mask plugin: {@link dev.visor.example.plugin.AxialMask} ({@code axial(width)}), shipped
 * as its own jar that depends only on masks-spi and registers with both {@code META-INF/services} and
 * {@code provides}.
 *
 * <pre>{@code
 * Mask m = MaskRegistry.load().create("axial(width=16) & causal", ctx); // found on the class or module path
 * }</pre>
 */
package dev.visor.example.plugin;
