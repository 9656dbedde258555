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
 * {@code prefix_lm(prefix)}: the first {@code prefix} positions attend each other bidirectionally and
 * every later query attends causally (T5's prefix LM, Raffel et al. 2020): {@code k < prefix || k <= q}.
 *
 * <p>Classification: the predicate only gets truer as {@code q} grows and {@code k} shrinks, so a
 * block is FULL iff its corner {@code (qFrom, kTo-1)} attends and EMPTY iff its corner
 * {@code (qTo-1, kFrom)} does not.
 *
 * <pre>{@code
 * Mask m = new PrefixLmMask(16);     // "prefix_lm(prefix=16)"
 * }</pre>
 *
 * @param prefix length of the bidirectional prefix, at least 0
 */
public record PrefixLmMask(int prefix) implements Mask {

    /**
     * Checks the prefix.
     *
     * @param prefix length of the bidirectional prefix, at least 0
     */
    public PrefixLmMask {
        if (prefix < 0) throw new IllegalArgumentException("prefix_lm prefix must be at least 0 but was " + prefix);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return key < prefix || key <= query;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        if (attends(batch, head, queryFrom, keyTo - 1)) return BlockClass.FULL;
        if (!attends(batch, head, queryTo - 1, keyFrom)) return BlockClass.EMPTY;
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
        return MaskSpec.call(Strategy.NAME, "prefix", prefix).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code prefix_lm} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "prefix_lm";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "bidirectional over the first prefix positions, causal after";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("prefix", ParameterType.INT, "length of the bidirectional prefix"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new PrefixLmMask(args.getInt("prefix"));
        }
    }
}
