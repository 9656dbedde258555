package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.Arrays;
import java.util.List;

/**
 * {@code global(positions)}: Longformer's global attention (Beltagy et al. 2020): the listed absolute
 * positions attend every key and are attended by every query, {@code q ∈ P || k ∈ P}. Usually OR-ed
 * with a local mask: {@code sliding_window(left=64, right=64) | global(positions=[0])}.
 *
 * <p>Classification: with {@code cq}, {@code ck} the numbers of global positions among the block's
 * queries and keys (two binary searches), FULL iff all queries or all keys are global, EMPTY iff none
 * of either is. Cost O(log |P|) per block.
 *
 * <pre>{@code
 * Mask m = new GlobalMask(0, 5);  // "global(positions=[0, 5])"
 * }</pre>
 */
public final class GlobalMask implements Mask {
    private final int[] positions; // sorted, distinct

    /**
     * A global mask; duplicates are dropped and the positions sorted.
     *
     * @param positions absolute positions, each at least 0
     */
    public GlobalMask(int... positions) {
        int[] p = positions.clone();
        for (int i = 0; i < p.length; i++) {
            if (p[i] < 0) throw new IllegalArgumentException("global positions[" + i + "] = " + p[i] + " is negative");
        }
        this.positions = Arrays.stream(p).sorted().distinct().toArray();
    }

    private boolean isGlobal(int position) {
        return Arrays.binarySearch(positions, position) >= 0;
    }

    /** The number of global positions in {@code [from, to)}. */
    private int count(int from, int to) {
        return lowerBound(to) - lowerBound(from);
    }

    private int lowerBound(int value) {
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (positions[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return isGlobal(query) || isGlobal(key);
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int cq = count(queryFrom, queryTo);
        int ck = count(keyFrom, keyTo);
        if (cq == queryTo - queryFrom || ck == keyTo - keyFrom) return BlockClass.FULL;
        if (cq == 0 && ck == 0) return BlockClass.EMPTY;
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
        return MaskSpec.call(Strategy.NAME, "positions", positions).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalMask g && Arrays.equals(positions, g.positions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(positions) * 31 + 11;
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code global} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "global";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "the given positions attend, and are attended by, every position";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("positions", ParameterType.INT_LIST,
                    "absolute positions with global attention"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new GlobalMask(args.getIntList("positions"));
        }
    }
}
