package dev.visor.mask;

/**
 * What a score modifier is created for: the attention site's shape. Per-head modifiers
 * ({@code alibi}'s default slopes, {@code relative_bias}'s table) size themselves from it.
 *
 * <pre>{@code
 * ScoreModifier m = ScoreModifierRegistry.load().create("alibi", new ScoreContext(8));
 * }</pre>
 *
 * @param heads the number of query heads, at least 1
 * @since 0.2
 */
public record ScoreContext(int heads) {
    /**
     * Checks the head count.
     *
     * @param heads the number of query heads, at least 1
     */
    public ScoreContext {
        if (heads < 1) throw new IllegalArgumentException("a score context needs at least 1 head but got " + heads);
    }
}
