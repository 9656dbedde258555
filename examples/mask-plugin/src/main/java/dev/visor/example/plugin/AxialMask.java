package dev.visor.example.plugin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.BlockRanges;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.List;

/**
 * {@code axial(width)}: axial attention over a 2-D grid flattened row by row (Ho et al. 2019, "Axial
 * Attention in Multidimensional Transformers"; the row/column pattern of Child et al. 2019's strided
 * attention). Position {@code p} is cell {@code (p / width, p % width)}; a query attends a key iff
 * both lie in the same row or in the same column.
 *
 * <p>Classification is exact and O(1), from the SPI's {@link BlockRanges}: rows are chunks of
 * {@code width} positions ({@link BlockRanges#sameChunk}) and columns residues modulo {@code width}
 * ({@link BlockRanges#sameResidue}), so a block is EMPTY iff its queries and keys share no row and no
 * column. It is FULL iff
 * {@code width == 1}, or queries and keys all lie in one row, or one side is a single position
 * {@code p} and every position on the other side outside {@code p}'s row lies in {@code p}'s column
 * (at most one on each side of that row, since neighbours differ in column). With at least two
 * positions on each side and more than one row involved it cannot be FULL: two row boundaries force
 * pairs in different rows and columns.
 *
 * <pre>{@code
 * Mask image = registry.create("axial(width=32)", ctx);          // a 32×32 image, 1024 tokens
 * Mask causalImage = registry.create("axial(width=32) & causal", ctx);
 * }</pre>
 *
 * @param width the grid width, at least 1
 */
public record AxialMask(int width) implements Mask {

    /**
     * Checks the width.
     *
     * @param width the grid width in positions, at least 1 (1 makes every position one column: all attend)
     * @throws IllegalArgumentException naming the width when it is below 1
     */
    public AxialMask {
        if (width < 1) throw new IllegalArgumentException("axial width must be at least 1 but was " + width);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        return query / width == key / width || query % width == key % width;
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        BlockClass row = BlockRanges.sameChunk(width, queryFrom, queryTo, keyFrom, keyTo);
        BlockClass column = BlockRanges.sameResidue(width, queryFrom, queryTo, keyFrom, keyTo);
        if (row == BlockClass.EMPTY && column == BlockClass.EMPTY) return BlockClass.EMPTY;
        if (row == BlockClass.FULL || column == BlockClass.FULL) return BlockClass.FULL; // one row, or width 1
        if (queryTo - queryFrom == 1) return singleSeesAll(queryFrom, keyFrom, keyTo) ? BlockClass.FULL : BlockClass.PARTIAL;
        if (keyTo - keyFrom == 1) return singleSeesAll(keyFrom, queryFrom, queryTo) ? BlockClass.FULL : BlockClass.PARTIAL;
        return BlockClass.PARTIAL;
    }

    /** Whether position {@code p} shares a row or column with every position of {@code [from, to)}. */
    private boolean singleSeesAll(int p, int from, int to) {
        int rowStart = p / width * width;
        int rowEnd = rowStart + width;
        int column = p % width;
        if (to <= rowStart || from >= rowEnd) return to - from == 1 && from % width == column;
        int before = Math.max(0, rowStart - from); // only position rowStart - 1 (column width - 1) may be
        int after = Math.max(0, to - rowEnd);      // only position rowEnd (column 0) may be
        return before <= 1 && after <= 1 && (before == 0 || column == width - 1) && (after == 0 || column == 0);
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
        return MaskSpec.call(Strategy.NAME, "width", width).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code axial} strategy, found by {@link java.util.ServiceLoader}. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "axial";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "row and column attention over a 2-D grid of the given width, flattened row by row";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("width", ParameterType.INT, "grid width in positions"));
        }

        @Override
        public void validate(MaskArguments args) {
            create(args, null);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new AxialMask(args.getInt("width"));
        }
    }
}
