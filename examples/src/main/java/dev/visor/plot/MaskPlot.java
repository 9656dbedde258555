package dev.visor.plot;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of attention masks: attending elements in dark blue, masked elements in light grey, and
 * masked elements that the kernel still computes (inside PARTIAL blocks) in light orange, with the
 * block grid drawn over them. A downsampled cell blends the three colours by its element counts, so
 * a large mask keeps its shape.
 *
 * <pre>{@code
 * CompiledMask cm = CompiledMask.compile(mask, ctx.shape(), 16, 16);
 * MaskPlot.figure(cm, 0, 0).writePng(Path.of("mask.png"));
 * }</pre>
 */
public final class MaskPlot {
    /** Colour of an attending element. */
    public static final int ATTENDS = 0x1f4e8c;
    /** Colour of a masked element inside a PARTIAL block. */
    public static final int COMPUTED = 0xf6c28b;
    /** Colour of a masked element inside an EMPTY block. */
    public static final int SKIPPED = 0xeeeeee;

    private MaskPlot() {}

    /**
     * The picture of one (sequence, head) of a compiled mask, titled with its spec and statistics.
     *
     * @param cm the compiled mask
     * @param batch the sequence to draw
     * @param head the head to draw
     * @return the figure
     */
    public static Figure figure(CompiledMask cm, int batch, int head) {
        MaskShape s = cm.shape();
        int max = Figure.maxCellsPerAxis(1);
        int rowGroup = Axis.groupFor(s.queryLength(), max);
        int colGroup = Axis.groupFor(s.keyLength(), max);
        MaskCells cells = MaskCells.of(cm, batch, head, rowGroup, colGroup);
        int[] rgb = new int[cells.rows() * cells.cols()];
        for (int r = 0; r < cells.rows(); r++) {
            for (int c = 0; c < cells.cols(); c++) {
                rgb[r * cells.cols() + c] = ColorScale.blend(
                        new double[] {cells.attending(r, c), cells.maskedComputed(r, c), cells.maskedSkipped(r, c)},
                        new int[] {ATTENDS, COMPUTED, SKIPPED});
            }
        }
        Axis x = Axis.of("key position", s.keyLength()).grouped(colGroup).grid(cm.blockK());
        Axis y = Axis.of("query position", s.queryLength()).startingAt(s.queryOffset()).grouped(rowGroup).grid(cm.blockQ());
        String where = s.batch() * s.heads() > 1 ? "sequence " + batch + ", head " + head : "";
        Panel panel = new Panel(where, x, y, rgb);
        List<String> subtitle = List.of(
                s.queryLength() + " queries × " + s.keyLength() + " keys"
                        + (s.queryOffset() > 0 ? " (queries start at " + s.queryOffset() + ")" : "")
                        + ", " + cm.blockQ() + "×" + cm.blockK() + " blocks",
                String.format(Locale.ROOT, "%.1f %% of scores attend; the kernel computes %.1f %% (EMPTY %d, FULL %d, PARTIAL %d blocks)",
                        100 * cm.elementDensity(), 100 * cm.density(), cm.count(BlockClass.EMPTY),
                        cm.count(BlockClass.FULL), cm.count(BlockClass.PARTIAL)));
        Legend legend = Legend.swatches(
                new Legend.Swatch("attends", ATTENDS),
                new Legend.Swatch("masked, computed (PARTIAL block)", COMPUTED),
                new Legend.Swatch("masked, skipped (EMPTY block)", SKIPPED));
        return new Figure("mask: " + MaskSpec.print(cm.mask()), subtitle, List.of(panel), 1, legend);
    }
}
