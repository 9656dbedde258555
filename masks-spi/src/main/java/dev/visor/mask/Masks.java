package dev.visor.mask;

import java.util.Objects;

/**
 * Creating masks from strategies with the checks the SPI promises, and composing them.
 *
 * <pre>{@code
 * Mask window = Masks.create(new SlidingWindowMask.Strategy(),
 *         MaskArguments.of(new SlidingWindowMask.Strategy(), Map.of("left", 64)), ctx);
 * Mask m = Masks.and(CausalMask.INSTANCE, window);
 * }</pre>
 */
public final class Masks {
    private Masks() {}

    /**
     * Creates a mask: checks that the context holds every field the strategy {@link MaskStrategy#needs()} keys,
     * calls {@link MaskStrategy#create}, and checks the result against the context's shape.
     *
     * @param strategy the strategy
     * @param args arguments checked for this strategy ({@link MaskArguments#of})
     * @param context the context
     * @return the mask
     * @throws IllegalArgumentException if a needed field is missing (naming the strategy and the field),
     *     the arguments belong to another strategy, or the strategy rejects them
     * @throws IllegalStateException if the strategy returns null
     */
    public static Mask create(MaskStrategy strategy, MaskArguments args, MaskContext context) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(context, "context");
        if (!args.strategyName().equals(strategy.name())) {
            throw new IllegalArgumentException("arguments " + args + " were checked for mask '" + args.strategyName()
                    + "', not for '" + strategy.name() + "'");
        }
        for (ContextKey<?> key : strategy.needs()) context.require(strategy.name(), key);
        Mask mask = strategy.create(args, context);
        if (mask == null) {
            throw new IllegalStateException("mask strategy '" + strategy.name() + "' (" + strategy.getClass().getName()
                    + ") returned null");
        }
        mask.checkShape(context.shape());
        return mask;
    }

    /**
     * {@code a & b & ...} as one flat {@link ChainMask}, or {@code first} alone.
     *
     * @param first the first mask
     * @param rest further masks
     * @return the conjunction
     */
    public static Mask and(Mask first, Mask... rest) {
        return ChainMask.of(Connective.AND, first, rest);
    }

    /**
     * {@code a | b | ...} as one flat {@link ChainMask}, or {@code first} alone.
     *
     * @param first the first mask
     * @param rest further masks
     * @return the disjunction
     */
    public static Mask or(Mask first, Mask... rest) {
        return ChainMask.of(Connective.OR, first, rest);
    }

    /**
     * {@code !mask}.
     *
     * @param mask the mask
     * @return the negation
     */
    public static Mask not(Mask mask) {
        return new NotMask(mask);
    }
}
