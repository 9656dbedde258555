package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.List;

/**
 * {@code sliding_window(left, right)}: query {@code q} attends keys {@code q-left .. q+right}, both
 * ends inclusive (local attention as in Longformer, Beltagy et al. 2020, and Mistral). So
 * {@code sliding_window(left=3)} sees the query itself and the 3 keys before it: at most
 * {@code left + right + 1} keys.
 *
 * <p>Classification: with {@code d = q - k} ranging over {@code [dMin, dMax]} in a block, FULL iff
 * {@code -right <= dMin && dMax <= left}, EMPTY iff the two intervals do not meet.
 *
 * <pre>{@code
 * Mask local = new SlidingWindowMask(128, 0);          // "sliding_window(left=128, right=0)"
 * }</pre>
 *
 * @param left keys before the query, inclusive, at least 0
 * @param right keys after the query, inclusive, at least 0
 */
public record SlidingWindowMask(int left, int right) implements Mask {

    /**
     * Checks both offsets.
     *
     * @param left keys before the query, inclusive, at least 0
     * @param right keys after the query, inclusive, at least 0
     */
    public SlidingWindowMask {
        if (left < 0) throw new IllegalArgumentException("sliding_window left must be at least 0 but was " + left);
        if (right < 0) throw new IllegalArgumentException("sliding_window right must be at least 0 but was " + right);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        int d = query - key;
        return d <= left && d >= -right;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int dMin = queryFrom - (keyTo - 1);
        int dMax = (queryTo - 1) - keyFrom;
        if (dMax < -right || dMin > left) return BlockClass.EMPTY;
        if (dMin >= -right && dMax <= left) return BlockClass.FULL;
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
        return MaskSpec.call(Strategy.NAME, "left", left, "right", right).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code sliding_window} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "sliding_window";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "query q attends keys q-left .. q+right (inclusive)";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("left", ParameterType.INT, "keys before the query, inclusive"),
                    MaskParameter.optional("right", ParameterType.INT, 0, "keys after the query, inclusive"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new SlidingWindowMask(args.getInt("left"), args.getInt("right"));
        }
    }
}
