package dev.visor.mask.testkit;

import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for mask tests: small contexts holding every optional field, in-bounds blocks,
 * and built-in masks to compose with.
 *
 * <pre>{@code
 * @Property
 * void myMaskIsSymmetric(@ForAll("contexts") MaskContext ctx) { ... }
 *
 * @Provide
 * Arbitrary<MaskContext> contexts() { return MaskArbitraries.contexts(); }
 * }</pre>
 */
public final class MaskArbitraries {
    private MaskArbitraries() {}

    /** System property: largest query and key length of {@link #contexts()} (default 24). */
    public static final String MAX_LENGTH = "visor.testkit.maxLength";
    /** System property: largest batch and head count of {@link #contexts()} and {@link #kernelContexts()} (default 3). */
    public static final String MAX_BATCH = "visor.testkit.maxBatch";
    /** System property: largest query and key length of {@link #kernelContexts()} (default 320). */
    public static final String KERNEL_LENGTH = "visor.testkit.kernelLength";

    /**
     * Contexts of up to 3 sequences, 3 heads, 24 queries at offsets up to 16 and 24 keys, with every
     * optional field present: valid ranges (ends sometimes full, sometimes zero; a third of the sequences
     * left-padded), token ids in [0, 8) and
     * segment ids (usually non-decreasing, as packed documents are; sometimes in any order). Half are
     * self-attention shaped (queries inside the keys) where the lengths allow. The system properties
     * {@value #MAX_LENGTH} and {@value #MAX_BATCH} raise the sizes (e.g. {@code -Dvisor.testkit.maxLength=64}),
     * {@code -Djqwik.tries.default=N} the number of tries.
     *
     * @return the arbitrary
     */
    public static Arbitrary<MaskContext> contexts() {
        int length = positive(MAX_LENGTH, 24);
        int batch = positive(MAX_BATCH, 3);
        return contexts(batch, batch, length, Math.max(16, length * 2 / 3));
    }

    /**
     * Contexts as long as an attention kernel's inputs, for the block-soundness property: 1–2
     * sequences and heads, query and key lengths from 64 to {@value #KERNEL_LENGTH} (default 320, so
     * several 64-blocks and positions past 256), query offsets up to 64, every optional field present.
     *
     * @return the arbitrary
     */
    public static Arbitrary<MaskContext> kernelContexts() {
        int length = Math.max(64, positive(KERNEL_LENGTH, 320));
        int batch = Math.min(2, positive(MAX_BATCH, 3));
        return Combinators.combine(Arbitraries.integers().between(1, batch), Arbitraries.integers().between(1, batch),
                        Arbitraries.integers().between(64, length), Arbitraries.integers().between(64, length),
                        Arbitraries.integers().between(0, 64), Arbitraries.longs(), Arbitraries.of(true, false))
                .as(MaskArbitraries::context);
    }

    private static int positive(String property, int fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + property + " is '" + value + "' but must be a positive integer");
    }

    /**
     * Contexts with chosen size limits (see {@link #contexts()}).
     *
     * @param maxBatch largest batch, at least 1
     * @param maxHeads largest head count, at least 1
     * @param maxLength largest query and key length, at least 1
     * @param maxOffset largest query offset, at least 0
     * @return the arbitrary
     */
    public static Arbitrary<MaskContext> contexts(int maxBatch, int maxHeads, int maxLength, int maxOffset) {
        return Combinators.combine(Arbitraries.integers().between(1, maxBatch),
                        Arbitraries.integers().between(1, maxHeads), Arbitraries.integers().between(1, maxLength),
                        Arbitraries.integers().between(1, maxLength), Arbitraries.integers().between(0, maxOffset),
                        Arbitraries.longs(), Arbitraries.of(true, false))
                .as(MaskArbitraries::context);
    }

    /**
     * A context from explicit sizes and a seed for its per-position data.
     *
     * @param batch sequences
     * @param heads heads
     * @param queryLength queries
     * @param keyLength keys
     * @param queryOffset position of the first query
     * @param seed seed for lengths, token ids and segment ids
     * @param self self-attention shaped when {@code queryOffset + queryLength <= keyLength}
     * @return a context with every optional field
     */
    public static MaskContext context(int batch, int heads, int queryLength, int keyLength, int queryOffset, long seed,
                                      boolean self) {
        SplittableRandom r = new SplittableRandom(seed);
        int queryEnd = queryOffset + queryLength;
        int[] queryValid = new int[batch];
        int[] keyValid = new int[batch];
        int[][] tokens = new int[batch][keyLength];
        int[][] querySegments = new int[batch][queryLength];
        int[][] keySegments = new int[batch][keyLength];
        boolean sorted = r.nextInt(4) != 0;
        for (int b = 0; b < batch; b++) {
            queryValid[b] = edge(r, queryEnd);
            keyValid[b] = edge(r, keyLength);
            for (int k = 0; k < keyLength; k++) tokens[b][k] = r.nextInt(8);
            segments(r, querySegments[b], sorted);
            segments(r, keySegments[b], sorted);
        }
        MaskContext.Builder builder = MaskContext.builder(batch, heads, queryLength, keyLength).queryOffset(queryOffset)
                .tokenIds(tokens);
        int[] queryStart = starts(r, queryValid);
        int[] keyStart = starts(r, keyValid);
        if (self && queryEnd <= keyLength) {
            builder.validRanges(keyStart, keyValid).segmentIds(keySegments);
        } else {
            builder.queryValidRanges(queryStart, queryValid).keyValidRanges(keyStart, keyValid).segmentIds(querySegments, keySegments);
        }
        return builder.build();
    }

    /** Left padding in a third of the sequences: a start within the valid length. */
    private static int[] starts(SplittableRandom r, int[] ends) {
        int[] out = new int[ends.length];
        for (int b = 0; b < ends.length; b++) out[b] = r.nextInt(3) == 0 ? r.nextInt(ends[b] + 1) : 0;
        return out;
    }

    private static int edge(SplittableRandom r, int max) {
        return switch (r.nextInt(5)) {
            case 0 -> max;
            case 1 -> 0;
            default -> r.nextInt(max + 1);
        };
    }

    private static void segments(SplittableRandom r, int[] out, boolean sorted) {
        int id = r.nextInt(3);
        for (int i = 0; i < out.length; i++) {
            if (sorted) {
                if (r.nextInt(4) == 0) id += 1 + r.nextInt(2);
                out[i] = id;
            } else {
                out[i] = r.nextInt(4);
            }
        }
    }

    /**
     * Cases of a strategy: arguments and contexts from the given arbitraries, and a random in-bounds
     * block (often a single row, column or element, sometimes the whole context).
     *
     * @param strategy the strategy
     * @param arguments its arguments
     * @param contexts the contexts
     * @return the arbitrary
     */
    public static Arbitrary<MaskCase> cases(MaskStrategy strategy, Arbitrary<MaskArguments> arguments,
                                            Arbitrary<MaskContext> contexts) {
        Arbitrary<int[]> picks = Arbitraries.integers().between(0, 1 << 20).array(int[].class).ofSize(6);
        Arbitrary<Integer> style = Arbitraries.integers().between(0, 9);
        return Combinators.combine(arguments, contexts, picks, style).as((args, ctx, p, s) -> {
            MaskShape shape = ctx.shape();
            int q0 = shape.queryOffset() + p[2] % shape.queryLength();
            int q1 = q0 + 1 + p[3] % (shape.queryEnd() - q0);
            int k0 = p[4] % shape.keyLength();
            int k1 = k0 + 1 + p[5] % (shape.keyLength() - k0);
            if (s == 0) { // the whole context
                q0 = shape.queryOffset();
                q1 = shape.queryEnd();
                k0 = 0;
                k1 = shape.keyLength();
            } else if (s == 1) { // one element
                q1 = q0 + 1;
                k1 = k0 + 1;
            }
            return MaskCase.of(strategy, args, ctx, p[0] % shape.batch(), p[1] % shape.heads(), q0, q1, k0, k1);
        });
    }

    /**
     * Spec strings of built-in masks (and small expressions of them) to compose a subject with.
     *
     * @return the arbitrary
     */
    public static Arbitrary<String> builtinSpecs() {
        Arbitrary<String> leaf = Arbitraries.oneOf(
                Arbitraries.of("full", "causal", "padding", "query_padding", "document"),
                Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 4))
                        .as((l, r) -> "sliding_window(left=" + l + ", right=" + r + ")"),
                Arbitraries.integers().between(0, 10).map(p -> "prefix_lm(prefix=" + p + ")"),
                Arbitraries.integers().between(1, 7).map(s -> "chunked(size=" + s + ")"),
                Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(1, 3))
                        .as((l, d) -> "dilated(left=" + l + ", dilation=" + d + ")"),
                Arbitraries.integers().between(0, 20).map(p -> "global(positions=[" + p + "])"),
                Combinators.combine(Arbitraries.of("0.3", "0.5", "0.8"), Arbitraries.integers().between(0, 9),
                        Arbitraries.integers().between(1, 4))
                        .as((d, s, b) -> "random(density=" + d + ", seed=" + s + ", block=" + b + ", per_head=true)"),
                Arbitraries.integers().between(0, 7).map(t -> "token(ids=[" + t + "])"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, leaf),
                net.jqwik.api.Tuple.of(1, Combinators.combine(leaf, leaf).as((a, b) -> a + " & " + b)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(leaf, leaf).as((a, b) -> "!" + a + " | " + b)));
    }

    /**
     * A built-in mask for a context, from one of {@link #builtinSpecs()}.
     *
     * @param spec the spec
     * @return a function creating it for a context
     */
    public static Function<MaskContext, Mask> builtin(String spec) {
        return ctx -> MaskRegistry.builtins().create(spec, ctx);
    }
}
