package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskStrategy;

/**
 * {@code causal}: query {@code q} attends key {@code k} iff {@code k <= q}, in absolute positions, so
 * a query block at offset {@code o} of a KV cache sees exactly its past ("Attention Is All You Need",
 * §3.2.3, decoder self-attention).
 *
 * <p>Classification: over a block, {@code d = q - k} takes every value in
 * {@code [qFrom - (kTo-1), (qTo-1) - kFrom]}; the block is FULL iff the smallest d is at least 0 and
 * EMPTY iff the largest is negative.
 *
 * <pre>{@code
 * Mask decoder = registry.create("causal & padding", ctx);
 * }</pre>
 */
public record CausalMask() implements Mask {
    /** The only value. */
    public static final CausalMask INSTANCE = new CausalMask();

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return key <= query;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        if (queryTo - 1 < keyFrom) return BlockClass.EMPTY;
        if (queryFrom >= keyTo - 1) return BlockClass.FULL;
        return BlockClass.PARTIAL;
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public boolean dependsOnHead() {
        return false;
    }

    @Override
    public String spec() {
        return Strategy.NAME;
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code causal} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "causal";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "key <= query (absolute positions)";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return INSTANCE;
        }
    }
}
