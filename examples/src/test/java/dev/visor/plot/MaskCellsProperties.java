package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The cell counts against the element predicate and the compiled block classes, element by element. */
class MaskCellsProperties {
    private static final MaskRegistry REGISTRY = MaskRegistry.load();
    private static final String[] SPECS = {
        "causal", "full", "causal & sliding_window(left=3)", "sliding_window(left=2, right=5) | global(positions=[1])",
        "chunked(size=5) & !causal", "dilated(left=9, dilation=3)", "causal & padding", "prefix_lm(prefix=6)",
    };

    @Property
    void countsMatchTheElements(@ForAll @IntRange(min = 0, max = 7) int which,
                                @ForAll @IntRange(min = 1, max = 40) int queries,
                                @ForAll @IntRange(min = 0, max = 20) int offset,
                                @ForAll @IntRange(min = 1, max = 40) int extraKeys,
                                @ForAll @IntRange(min = 1, max = 9) int blockQ,
                                @ForAll @IntRange(min = 1, max = 9) int blockK,
                                @ForAll @IntRange(min = 1, max = 7) int rowGroup,
                                @ForAll @IntRange(min = 1, max = 7) int colGroup) {
        int keys = offset + queries + extraKeys - 1;
        MaskContext ctx = MaskContext.builder(1, 1, queries, keys).queryOffset(offset)
                .validLengths(Math.max(0, keys - extraKeys / 2)).build();
        Mask mask = REGISTRY.create(SPECS[which], ctx);
        CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), blockQ, blockK);
        MaskCells cells = MaskCells.of(cm, 0, 0, rowGroup, colGroup);
        assertEquals(rowGroup, cells.rowGroup());
        assertEquals(colGroup, cells.colGroup());
        assertEquals((queries + rowGroup - 1) / rowGroup, cells.rows());
        long[] attend = new long[cells.rows() * cells.cols()];
        long[] computed = new long[attend.length];
        long[] skipped = new long[attend.length];
        for (int i = 0; i < queries; i++) {
            for (int k = 0; k < keys; k++) {
                int cell = (i / rowGroup) * cells.cols() + k / colGroup;
                BlockClass c = cm.blockClass(0, i / blockQ, k / blockK);
                if (mask.attends(0, 0, offset + i, k)) attend[cell]++;
                else if (c == BlockClass.EMPTY) skipped[cell]++;
                else computed[cell]++;
            }
        }
        for (int r = 0; r < cells.rows(); r++) {
            for (int c = 0; c < cells.cols(); c++) {
                int i = r * cells.cols() + c;
                String where = SPECS[which] + " cell " + r + "," + c;
                assertEquals(attend[i], cells.attending(r, c), where);
                assertEquals(computed[i], cells.maskedComputed(r, c), where);
                assertEquals(skipped[i], cells.maskedSkipped(r, c), where);
                assertEquals(attend[i] + computed[i] + skipped[i], cells.area(r, c), where);
            }
        }
    }
}
