package dev.visor.transformer.train;

/**
 * Which rows each piece of a {@link GradientStep} trains on when its batch may be cut to each piece's
 * longest row ({@link GradientStep#lengthGrouped}): the data-parallel shards' plan ({@link #shardPlan}),
 * and the length groups a micro-batch that is not split across threads runs as one after the other
 * ({@link #plan}, {@value GradientStep#GROUPS_PROPERTY}). Decided from the rows' lengths alone, so a step's
 * pieces depend on its batch and the thread count, never on thread timing. The arithmetic of a piece's
 * work and of the cuts is {@link ShardPlan}'s; this class chooses how many pieces and which cut.
 */
final class LengthGroups {
    private LengthGroups() {}

    /** How many length groups a batch not split across threads runs as: the 2-thread step's shard count. */
    static final int MICRO_SHARDS = 2;

    /** The least share of the whole batch's work, in percent, that {@code auto} length groups must save. */
    static final int MIN_SAVING_PERCENT = 10;

    /** The most length groups {@code auto} runs a wider model's batch as ({@link #plan}). */
    static final int MAX_GROUPS = 4;

    /** The least further share of the whole batch's work, in percent, one more group of a wider model must save. */
    static final int MORE_GROUP_PERCENT = 2;

    /** {@link #grouping}'s value for {@code auto}. */
    static final int AUTO_GROUPS = 0;

    /** {@link #grouping}'s value for {@code on}: groups whatever they save, as many as {@code auto} would take. */
    static final int ON_GROUPS = -1;

    /**
     * Reads {@value GradientStep#GROUPS_PROPERTY}.
     *
     * @param value the property's value, or null for {@code auto}
     * @return {@link #AUTO_GROUPS}, {@link #ON_GROUPS}, or a forced group count ({@code off} is 1)
     * @throws IllegalArgumentException for any other value, naming it and the accepted ones
     */
    static int grouping(String value) {
        String v = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "auto":
                return AUTO_GROUPS;
            case "on":
                return ON_GROUPS;
            case "off":
                return 1;
            default:
                if (v.matches("[0-9]{1,3}") && Integer.parseInt(v) >= 1) {
                    return Integer.parseInt(v);
                }
                throw new IllegalArgumentException(GradientStep.GROUPS_PROPERTY + "='" + value
                        + "': expected auto, on, off or a group count of at least 1");
        }
    }

    /**
     * The length groups of a micro-batch of an eligible model ({@link GradientStep#lengthGrouped}) that is
     * not split across threads, or {@code null} for the whole batch at once (also for a single row).
     *
     * @param b the micro-batch
     * @param width the model's d_model
     * @param grouping {@link #grouping}'s reading of {@value GradientStep#GROUPS_PROPERTY}
     * @param pad the pad id
     * @return the rows of each group, or null
     */
    static int[][] of(Batch b, int width, int grouping, int pad) {
        if (grouping == 1 || b.input().batch() < 2) {
            return null;
        }
        return plan(width, grouping, sourceLengths(b), b.inputSpans(pad), b.source() == null ? 0 : b.source().length(),
                b.input().length());
    }

    /**
     * The length groups of a batch, from the rows' lengths alone, or {@code null} for the whole batch.
     *
     * <ul>
     *   <li>A small model ({@code d_model ≤} {@value GradientStep#SMALL_WIDTH}, whose 2-thread step runs
     *       data-parallel shards, {@link #twinsShards}) takes {@value #MICRO_SHARDS} groups of
     *       {@link ShardPlan#assign} (the plan of the 2-thread shards, so both steps give the same bits) when
     *       they save at least {@value #MIN_SAVING_PERCENT} % of the whole batch's work at its padded lengths
     *       ({@link ShardPlan#cost}).
     *   <li>A wider model takes the groups of {@link ShardPlan#sequential} (the least summed work): 2 groups,
     *       then one more as long as it saves at least {@value #MORE_GROUP_PERCENT} % of the whole batch's work
     *       over one group fewer, up to {@value #MAX_GROUPS}; taken when they save at least
     *       {@value #MIN_SAVING_PERCENT} % in all.
     * </ul>
     *
     * {@value GradientStep#GROUPS_PROPERTY}{@code =on} takes the groups of any eligible model whatever they
     * save, {@code =off} never, and a count {@code n} takes {@code n} groups of the plan above ({@code 1}: none).
     *
     * @param width the model's d_model
     * @param grouping {@link #grouping}'s reading of {@value GradientStep#GROUPS_PROPERTY}, not 1 ({@code off})
     * @param sources each row's source length (all 0 without a source)
     * @param spans each row's input span
     * @param sourceLength the batch's padded source length (0 without a source)
     * @param inputLength the batch's padded input length
     * @return the rows of each group, or null for the whole batch
     */
    static int[][] plan(int width, int grouping, int[] sources, int[] spans, int sourceLength, int inputLength) {
        int rows = spans.length;
        boolean twins = twinsShards(width);
        if (grouping > 1) {
            return twins ? ShardPlan.assign(sources, spans, grouping, width) : ShardPlan.sequential(sources, spans, grouping, width);
        }
        long whole = ShardPlan.cost(rows, sourceLength, inputLength, width);
        int[][] plan = twins ? ShardPlan.assign(sources, spans, MICRO_SHARDS, width) : ShardPlan.sequential(sources, spans, 2, width);
        long cost = ShardPlan.total(sources, spans, plan, width);
        for (int k = 3; !twins && k <= Math.min(MAX_GROUPS, rows); k++) {
            int[][] more = ShardPlan.sequential(sources, spans, k, width);
            long c = ShardPlan.total(sources, spans, more, width);
            if ((cost - c) * 100 < whole * MORE_GROUP_PERCENT) {
                break;
            }
            plan = more;
            cost = c;
        }
        return grouping == ON_GROUPS || cost * 100 <= whole * (100L - MIN_SAVING_PERCENT) ? plan : null;
    }

    /**
     * Whether this model's length groups must give the bits of its 2-thread data-parallel shards: a model
     * that {@link StepParallelism#AUTO} splits across two threads ({@code d_model ≤}
     * {@value GradientStep#SMALL_WIDTH}). Its groups then take the shards' plan ({@link ShardPlan#assign})
     * and add their gradients through captures summed group by group, as the shards do; a wider model's
     * groups add theirs straight into the parameters' gradients ({@code GradientStep.inSequence}).
     * {@link #plan} asks the same of a width.
     *
     * @param width the model's d_model
     */
    static boolean twinsShards(int width) {
        return width <= GradientStep.SMALL_WIDTH;
    }

    /** The rows of each of {@code k} data-parallel shards grouped by length ({@link ShardPlan#assign}). */
    static int[][] shardPlan(Batch b, int k, int width, int pad) {
        return ShardPlan.assign(sourceLengths(b), b.inputSpans(pad), k, width);
    }

    /** Each row's source length, all 0 for a model without a source. */
    private static int[] sourceLengths(Batch b) {
        return b.source() == null ? new int[b.input().batch()] : b.source().validLengths();
    }
}
