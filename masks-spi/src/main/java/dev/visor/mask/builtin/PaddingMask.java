package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextField;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.Arrays;
import java.util.Set;

/**
 * {@code padding}: key {@code k} of sequence {@code b} may be attended iff {@code k < keyValid[b]}
 * (the key-side padding mask of "Attention Is All You Need"; PyTorch's {@code key_padding_mask} with
 * the polarity flipped). Needs {@link ContextField#KEY_VALID_LENGTHS}; defined the same way for self-
 * and cross-attention because it only looks at keys.
 *
 * <pre>{@code
 * MaskContext ctx = MaskContext.builder(2, 8, 64, 64).validLengths(64, 40).build();
 * Mask m = registry.create("padding", ctx);   // sequence 1 ignores keys 40..63
 * }</pre>
 */
public final class PaddingMask implements Mask {
    private final int[] keyValid; // (batch)

    /**
     * A padding mask for explicit lengths.
     *
     * @param keyValidLengths one per sequence, each at least 0
     */
    public PaddingMask(int... keyValidLengths) {
        this.keyValid = keyValidLengths.clone();
        for (int b = 0; b < keyValid.length; b++) {
            if (keyValid[b] < 0) {
                throw new IllegalArgumentException("keyValidLengths[" + b + "] = " + keyValid[b] + " is negative");
            }
        }
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return key < keyValid[batch];
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int valid = keyValid[batch];
        if (keyTo <= valid) return BlockClass.FULL;
        if (keyFrom >= valid) return BlockClass.EMPTY;
        return BlockClass.PARTIAL;
    }

    @Override
    public boolean dependsOnBatch() {
        return true;
    }

    @Override
    public boolean dependsOnHead() {
        return false;
    }

    @Override
    public void checkShape(MaskShape shape) {
        if (shape.batch() != keyValid.length) {
            throw new IllegalArgumentException("padding mask holds valid lengths for " + keyValid.length
                    + " sequences but the shape has batch " + shape.batch());
        }
    }

    @Override
    public String spec() {
        return Strategy.NAME;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaddingMask p && Arrays.equals(keyValid, p.keyValid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(keyValid);
    }

    @Override
    public String toString() {
        return spec() + Arrays.toString(keyValid);
    }

    /** The {@code padding} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "padding";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "keys at or past their sequence's valid length are never attended";
        }

        @Override
        public Set<ContextField> needs() {
            return Set.of(ContextField.KEY_VALID_LENGTHS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new PaddingMask(context.keyValidLengths());
        }
    }
}
