package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskStrategy;

/**
 * {@code full}: every query attends every key (bidirectional, unmasked attention).
 *
 * <pre>{@code
 * Mask encoder = registry.create("full & padding", ctx);
 * }</pre>
 */
public record FullMask() implements Mask {
    /** The only value. */
    public static final FullMask INSTANCE = new FullMask();

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return true;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        return BlockClass.FULL;
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

    /** The {@code full} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "full";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "every query attends every key";
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return INSTANCE;
        }
    }
}
