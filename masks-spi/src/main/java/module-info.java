/**
 * The Visor mask SPI. Plugins {@code requires dev.visor.mask} and
 * {@code provides dev.visor.mask.MaskStrategy with ...} (masks) or
 * {@code provides dev.visor.mask.ScoreModifierStrategy with ...} (score modifiers); the built-ins are
 * provided the same way.
 *
 * <p>Only {@code dev.visor.mask} is exported to everyone: the types a strategy author implements and
 * calls, and the compiled form the engine reads. The built-in strategies' classes
 * ({@code dev.visor.mask.builtin}) are exported only to Visor's attention module and the test kit;
 * a plugin reaches a built-in by name through {@link dev.visor.mask.MaskRegistry}. The module names
 * the test kit by its {@code Automatic-Module-Name}, which is not visible when this module compiles.
 */
@SuppressWarnings("module")
module dev.visor.mask {
    exports dev.visor.mask;
    exports dev.visor.mask.builtin to dev.visor.attention;

    uses dev.visor.mask.MaskStrategy;
    uses dev.visor.mask.ScoreModifierStrategy;

    provides dev.visor.mask.MaskStrategy with
            dev.visor.mask.builtin.CausalMask.Strategy,
            dev.visor.mask.builtin.ChunkedMask.Strategy,
            dev.visor.mask.builtin.DilatedMask.Strategy,
            dev.visor.mask.builtin.DocumentMask.Strategy,
            dev.visor.mask.builtin.FullMask.Strategy,
            dev.visor.mask.builtin.GlobalMask.Strategy,
            dev.visor.mask.builtin.PaddingMask.Strategy,
            dev.visor.mask.builtin.PrefixLmMask.Strategy,
            dev.visor.mask.builtin.PaddingMask.QueryStrategy,
            dev.visor.mask.builtin.RandomMask.Strategy,
            dev.visor.mask.builtin.SlidingWindowMask.Strategy,
            dev.visor.mask.builtin.TokenMask.Strategy;

    provides dev.visor.mask.ScoreModifierStrategy with
            dev.visor.mask.builtin.AlibiModifier.Strategy,
            dev.visor.mask.builtin.RelativeBiasModifier.Strategy,
            dev.visor.mask.builtin.SoftcapModifier.Strategy;
}
