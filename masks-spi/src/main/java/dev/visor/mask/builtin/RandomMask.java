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
 * {@code random(density, seed, block, per_head)}: BigBird's random attention (Zaheer et al. 2020),
 * block-granular. Positions are grouped into <em>cells</em> of {@code block × block} (query cell
 * {@code q / block}, key cell {@code k / block}); each cell is kept with probability {@code density}
 * by a SplitMix64 hash of (seed, cell, and the head if {@code per_head}), so the mask is a pure
 * function of its parameters: the same on every run, thread and JVM, and needs no stored table.
 *
 * <p>Why the granularity is a parameter: classifying a compiled block must be exact and O(1). A
 * compiled block of {@code bq × bk} touches at most {@code (bq/block + 1)·(bk/block + 1)} cells, a
 * constant that does not grow with the sequence, so classify enumerates those cells exactly (one
 * cell, O(1), when {@code block} equals the kernel's block size, the recommended setting). A block
 * that would touch more than 4096 cells is answered PARTIAL, which the contract allows.
 *
 * <pre>{@code
 * Mask bigBird = registry.create(
 *     "sliding_window(left=64, right=64) | global(positions=[0]) | random(density=0.1, seed=7)", ctx);
 * }</pre>
 *
 * @param density the probability that a cell is kept, in [0, 1]
 * @param seed the hash seed
 * @param block the cell size in positions, at least 1
 * @param perHead whether each head draws its own cells
 */
public record RandomMask(double density, int seed, int block, boolean perHead) implements Mask {
    /** Blocks spanning more cells than this are classified PARTIAL without enumeration. */
    public static final int MAX_CELLS = 4096;

    /**
     * Checks the parameters; {@code -0.0} becomes {@code 0.0}.
     *
     * @param density the probability that a cell is kept, in [0, 1]
     * @param seed the hash seed
     * @param block the cell size in positions, at least 1
     * @param perHead whether each head draws its own cells
     */
    public RandomMask {
        if (!(density >= 0 && density <= 1)) {
            throw new IllegalArgumentException("random density must be in [0, 1] but was " + density);
        }
        if (block < 1) throw new IllegalArgumentException("random block must be at least 1 but was " + block);
        density = density + 0.0;
    }

    private long threshold() {
        return (long) (density * (1L << 53));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private boolean cell(int head, int queryCell, int keyCell) {
        long z = mix(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        z = mix(z ^ (((long) queryCell << 32) | (keyCell & 0xFFFFFFFFL)));
        if (perHead) z = mix(z + head);
        return (z >>> 11) < threshold();
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return cell(head, query / block, key / block);
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        if (density == 0) return BlockClass.EMPTY;
        if (density == 1) return BlockClass.FULL;
        int q0 = queryFrom / block;
        int q1 = (queryTo - 1) / block;
        int k0 = keyFrom / block;
        int k1 = (keyTo - 1) / block;
        if ((long) (q1 - q0 + 1) * (k1 - k0 + 1) > MAX_CELLS) return BlockClass.PARTIAL;
        boolean any = false;
        boolean all = true;
        for (int qc = q0; qc <= q1; qc++) {
            for (int kc = k0; kc <= k1; kc++) {
                if (cell(head, qc, kc)) any = true;
                else all = false;
                if (any && !all) return BlockClass.PARTIAL;
            }
        }
        return BlockClass.of(any, all);
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public boolean dependsOnHead() {
        return perHead;
    }

    @Override
    public String spec() {
        return MaskSpec.call(Strategy.NAME, "density", density, "seed", seed, "block", block, "per_head", perHead)
                .toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code random} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "random";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "BigBird random attention: each block×block cell kept with probability density";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("density", ParameterType.NUMBER, "probability a cell is kept, in [0, 1]"),
                    MaskParameter.optional("seed", ParameterType.INT, 0, "hash seed"),
                    MaskParameter.optional("block", ParameterType.INT, 64,
                            "cell size in positions; use the attention kernel's block size"),
                    MaskParameter.optional("per_head", ParameterType.BOOLEAN, false, "draw different cells per head"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new RandomMask(args.getNumber("density"), args.getInt("seed"), args.getInt("block"),
                    args.getBoolean("per_head"));
        }
    }
}
