package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.BlockRanges;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.List;

/**
 * {@code chunked(size)}: positions are cut into chunks {@code [c·size, (c+1)·size)} and a query attends
 * the keys of its own chunk: {@code q / size == k / size} (block-diagonal; with {@code causal} this is
 * Llama 4's chunked local attention).
 *
 * <p>Classification: {@link BlockRanges#sameChunk} (a contiguous range covers every chunk between its
 * first and last, so a block is EMPTY iff the chunk intervals of its queries and keys are disjoint,
 * FULL iff both are the same single chunk).
 *
 * <pre>{@code
 * Mask m = new ChunkedMask(512).and(CausalMask.INSTANCE); // "chunked(size=512) & causal"
 * }</pre>
 *
 * @param size chunk length, at least 1
 */
public record ChunkedMask(int size) implements Mask {

    /**
     * Checks the size.
     *
     * @param size chunk length, at least 1
     */
    public ChunkedMask {
        if (size < 1) throw new IllegalArgumentException("chunked size must be at least 1 but was " + size);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return query / size == key / size;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        return BlockRanges.sameChunk(size, queryFrom, queryTo, keyFrom, keyTo);
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
        return MaskSpec.call(Strategy.NAME, "size", size).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code chunked} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "chunked";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "query attends the keys of its own chunk of size positions";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("size", ParameterType.INT, "chunk length in positions"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new ChunkedMask(args.getInt("size"));
        }
    }
}
