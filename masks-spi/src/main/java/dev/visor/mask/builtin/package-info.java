/**
 * The built-in mask strategies, each a mask value with an O(1) closed-form {@code classify} and a
 * nested {@code Strategy} provider: {@code full}, {@code causal}, {@code padding},
 * {@code query_padding}, {@code sliding_window}, {@code prefix_lm}, {@code document}, {@code chunked},
 * {@code dilated}, {@code global}, {@code random} and {@code token}. On the module path this package is
 * exported to Visor's attention module only: plugins and applications reach the built-ins by name,
 * through {@link dev.visor.mask.MaskRegistry#builtins()} or {@link dev.visor.mask.MaskRegistry#load()}.
 *
 * <pre>{@code
 * Mask m = new SlidingWindowMask(128, 0).and(CausalMask.INSTANCE);
 * }</pre>
 */
package dev.visor.mask.builtin;
