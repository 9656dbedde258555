package dev.visor.mask.testkit;

import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.DocumentMask;
import net.jqwik.api.Arbitrary;

/** The contract against {@link DocumentMask} on packed (non-decreasing) segment ids, where classify is exact. */
class DocumentSortedContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new DocumentMask.Strategy();
    }

    @Override
    public Arbitrary<MaskContext> contexts() {
        return MaskArbitraries.contexts().filter(DocumentSortedContractProperties::sorted);
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }

    private static boolean sorted(MaskContext ctx) {
        for (int[][] ids : new int[][][] {ctx.querySegmentIds(), ctx.keySegmentIds()}) {
            for (int[] row : ids) {
                for (int i = 1; i < row.length; i++) if (row[i] < row[i - 1]) return false;
            }
        }
        return true;
    }
}
