package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One generated case of {@link ScoreModifierContract}: a modifier created from arguments and a
 * context, random values of its learnable parameters, and one element (score, sequence, head,
 * query and key position) to evaluate it at.
 *
 * @param strategy the strategy
 * @param arguments its arguments
 * @param context the site
 * @param modifier the created modifier
 * @param theta random parameter values, {@code modifier.parameterCount()} floats
 * @param score the scaled score
 * @param batch the sequence
 * @param head the head, below {@code context.heads()}
 * @param query the absolute query position
 * @param key the absolute key position
 * @since 0.2
 */
public record ScoreModifierCase(ScoreModifierStrategy strategy, MaskArguments arguments, ScoreContext context,
                                ScoreModifier modifier, float[] theta, float score, int batch, int head, int query,
                                int key) {

    /**
     * Creates the modifier and draws the parameters and the element from a seed.
     *
     * @param strategy the strategy
     * @param arguments its arguments
     * @param heads the site's heads
     * @param seed the seed of the parameters and the element
     * @param maxPosition the largest query or key position
     * @return the case
     */
    public static ScoreModifierCase of(ScoreModifierStrategy strategy, MaskArguments arguments, int heads, long seed,
                                       int maxPosition) {
        ScoreContext ctx = new ScoreContext(heads);
        ScoreModifier m = ScoreModifierRegistry.create(strategy, arguments, ctx);
        SplittableRandom r = new SplittableRandom(seed);
        float[] theta = new float[m.parameterCount()];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) (r.nextDouble(-2, 2));
        float score = (float) (r.nextBoolean() ? r.nextDouble(-3, 3) : r.nextDouble(-40, 40));
        return new ScoreModifierCase(strategy, arguments, ctx, m, theta, score, r.nextInt(3), r.nextInt(heads),
                r.nextInt(maxPosition + 1), r.nextInt(maxPosition + 1));
    }

    /** @return {@code modifier.apply} at this element with {@link #theta()} */
    public float apply() {
        return modifier.apply(score, batch, head, query, key, theta, 0);
    }

    @Override
    public String toString() {
        return modifier.spec() + " with " + context.heads() + " heads at score " + score + ", sequence " + batch
                + ", head " + head + ", query " + query + ", key " + key
                + (theta.length == 0 ? "" : ", theta " + (theta.length > 8
                        ? Arrays.toString(Arrays.copyOf(theta, 8)) + "..." : Arrays.toString(theta)));
    }
}
