package dev.visor.examples;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import dev.visor.mask.PositionOrder;
import java.util.List;

/**
 * {@code strided(stride)}: the strided pattern of the Sparse Transformer (Child et al., 2019, §4.2):
 * query {@code q} attends key {@code k ≤ q} when {@code q − k < stride} (the local window) or
 * {@code (q − k) mod stride = 0} (every stride-th earlier position). With {@code stride ≈ √n} each
 * query sees about {@code 2√n} keys, and two layers connect every position to every earlier one.
 *
 * <p>An example of a mask a researcher writes for their own work: registered explicitly (no jar, no
 * service file), used by name in specs, and checked by the plugin test kit plus properties of its own
 * ({@code StridedMaskProperties} in the tests).
 *
 * <pre>{@code
 * MaskRegistry registry = MaskRegistry.load().with(new StridedStrategy());
 * Mask m = registry.create("strided(stride=4) & padding", ctx);
 * }</pre>
 */
public final class StridedStrategy implements MaskStrategy {
    @Override
    public String name() {
        return "strided";
    }

    @Override
    public String description() {
        return "Sparse Transformer strided attention: the last stride keys and every stride-th earlier key";
    }

    @Override
    public List<MaskParameter> parameters() {
        return List.of(MaskParameter.required("stride", ParameterType.INT, "the window and the step, at least 1"));
    }

    @Override
    public void validate(MaskArguments args) {
        int s = args.getInt("stride");
        if (s < 1) throw new IllegalArgumentException("stride must be at least 1 but is " + s);
    }

    @Override
    public Mask create(MaskArguments args, MaskContext context) {
        validate(args);
        return new Strided(args.getInt("stride"));
    }

    /**
     * The mask.
     *
     * @param stride the window and the step
     */
    public record Strided(int stride) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            int d = query - key;
            return d >= 0 && (d < stride || d % stride == 0);
        }

        /**
         * Exact in O(1): the differences {@code q − k} over a block form the contiguous range
         * {@code [dmin, dmax]}, so the block is EMPTY iff that range (clipped at 0) holds no value
         * below the stride and no multiple of it, and FULL iff every pair is causal and every
         * difference in the range is attended.
         */
        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            int dmax = (queryTo - 1) - keyFrom;
            if (dmax < 0) return BlockClass.EMPTY;
            int lowest = queryFrom - (keyTo - 1);          // may be negative: some keys after some queries
            int dmin = Math.max(0, lowest);
            boolean any = dmin < stride || (dmax / stride) * stride >= dmin;
            if (!any) return BlockClass.EMPTY;
            boolean allCausal = lowest >= 0;
            boolean allAttended = stride == 1 || dmax <= stride || (dmin == dmax && dmin % stride == 0);
            return allCausal && allAttended ? BlockClass.FULL : BlockClass.PARTIAL;
        }

        /**
         * Positions grouped by residue mod the stride: the strided keys then form dense causal blocks
         * and the local window a thin band, so the kernel may run on mostly FULL and EMPTY blocks.
         */
        @Override
        public PositionOrder kernelOrder() {
            return PositionOrder.byResidue(stride);
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
            return "strided(stride=" + stride + ")";
        }
    }
}
