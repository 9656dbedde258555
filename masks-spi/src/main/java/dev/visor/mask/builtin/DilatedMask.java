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
 * {@code dilated(left, dilation)}: a causal window with gaps (Longformer's dilated sliding window,
 * Beltagy et al. 2020): query {@code q} attends key {@code k} iff {@code d = q - k} satisfies
 * {@code 0 <= d <= left} and {@code d % dilation == 0}, i.e. keys {@code q, q-dilation, q-2·dilation, ...}
 * down to {@code q-left}: at most {@code left / dilation + 1} keys.
 *
 * <p>Classification: {@code d} takes every value in {@code [dMin, dMax]} over a block; EMPTY iff no
 * multiple of {@code dilation} lies in {@code [max(dMin, 0), min(dMax, left)]}; FULL iff every d
 * qualifies, which for {@code dilation > 1} needs a single diagonal ({@code dMin == dMax}).
 *
 * <pre>{@code
 * Mask m = new DilatedMask(64, 4);    // "dilated(left=64, dilation=4)"
 * }</pre>
 *
 * @param left largest distance to the past, inclusive, at least 0
 * @param dilation step between attended keys, at least 1
 */
public record DilatedMask(int left, int dilation) implements Mask {

    /**
     * Checks both parameters.
     *
     * @param left largest distance to the past, inclusive, at least 0
     * @param dilation step between attended keys, at least 1
     */
    public DilatedMask {
        if (left < 0) throw new IllegalArgumentException("dilated left must be at least 0 but was " + left);
        if (dilation < 1) throw new IllegalArgumentException("dilated dilation must be at least 1 but was " + dilation);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        int d = query - key;
        return d >= 0 && d <= left && d % dilation == 0;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        long dMin = (long) queryFrom - (keyTo - 1);
        long dMax = (long) (queryTo - 1) - keyFrom;
        long lo = Math.max(dMin, 0);
        long hi = Math.min(dMax, left);
        if (lo > hi) return BlockClass.EMPTY;
        long firstMultiple = (lo + dilation - 1) / dilation * dilation;
        if (firstMultiple > hi) return BlockClass.EMPTY;
        if (dMin >= 0 && dMax <= left && (dilation == 1 || dMin == dMax)) return BlockClass.FULL;
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
        return MaskSpec.call(Strategy.NAME, "left", left, "dilation", dilation).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code dilated} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "dilated";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "query q attends keys q, q-dilation, q-2·dilation, ... down to q-left";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("left", ParameterType.INT, "largest distance to the past, inclusive"),
                    MaskParameter.required("dilation", ParameterType.INT, "step between attended keys"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new DilatedMask(args.getInt("left"), args.getInt("dilation"));
        }
    }
}
