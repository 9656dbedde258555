package dev.visor.mask.builtin;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;

/**
 * The built-in strategies. {@link MaskRegistry#load()} finds them through {@link java.util.ServiceLoader}
 * like any plugin; use {@link #registry()} where service loading is unwanted.
 *
 * <pre>{@code
 * MaskRegistry registry = Builtins.registry().with(new MyStrategy());
 * }</pre>
 */
public final class Builtins {
    private Builtins() {}

    /** @return a new instance of every built-in strategy, sorted by name */
    public static List<MaskStrategy> strategies() {
        return List.of(new CausalMask.Strategy(), new ChunkedMask.Strategy(), new DilatedMask.Strategy(),
                new DocumentMask.Strategy(), new FullMask.Strategy(), new GlobalMask.Strategy(),
                new PaddingMask.Strategy(), new PrefixLmMask.Strategy(), new PaddingMask.QueryStrategy(),
                new RandomMask.Strategy(), new SlidingWindowMask.Strategy(), new TokenMask.Strategy());
    }

    /** @return a registry of exactly the built-ins, without service loading */
    public static MaskRegistry registry() {
        return MaskRegistry.of(strategies());
    }

    /**
     * @return a new instance of every built-in score-modifier strategy, sorted by name
     * @since 0.2
     */
    public static List<ScoreModifierStrategy> scoreModifiers() {
        return List.of(new AlibiModifier.Strategy(), new RelativeBiasModifier.Strategy(), new SoftcapModifier.Strategy());
    }

    /**
     * @return a registry of exactly the built-in score modifiers, without service loading
     * @since 0.2
     */
    public static ScoreModifierRegistry scoreRegistry() {
        return ScoreModifierRegistry.of(scoreModifiers().toArray(new ScoreModifierStrategy[0]));
    }
}
