/**
 * The Visor mask SPI. Plugins {@code requires dev.visor.mask} and
 * {@code provides dev.visor.mask.MaskStrategy with ...} (masks) or
 * {@code provides dev.visor.mask.ScoreModifierStrategy with ...} (score modifiers); the built-ins are
 * provided the same way.
 */
module dev.visor.mask {
    exports dev.visor.mask;
    exports dev.visor.mask.builtin;

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
