package dev.visor.cli;

import dev.visor.mask.CompiledMask;
import dev.visor.plot.Axis;
import dev.visor.plot.MaskCells;

/**
 * The element view of one (sequence, head) of a compiled mask as text: one line per query, one
 * character per key, {@code #} attends and {@code .} masked, with key positions above and query
 * positions on the left. A mask larger than the given width or height is shown in groups, where
 * {@code +} marks a group in which some but not all elements attend.
 *
 * <pre>{@code
 *  q\k 0         10
 *    0 #...............
 *    1 ##..............
 * }</pre>
 */
final class MaskTextView {
    private MaskTextView() {}

    /**
     * Renders the element view.
     *
     * @param cm the compiled mask
     * @param batch the sequence
     * @param head the head
     * @param maxRows the most lines of the grid
     * @param maxCols the most characters per line of the grid
     * @return the text, ending with a newline; its first line says what a character covers
     */
    static String render(CompiledMask cm, int batch, int head, int maxRows, int maxCols) {
        int lq = cm.shape().queryLength();
        int lk = cm.shape().keyLength();
        int offset = cm.shape().queryOffset();
        int rowGroup = Axis.groupFor(lq, maxRows);
        int colGroup = Axis.groupFor(lk, maxCols);
        MaskCells cells = MaskCells.of(cm, batch, head, rowGroup, colGroup);
        int labelW = Math.max(3, Integer.toString(offset + lq - 1).length());
        StringBuilder out = new StringBuilder();
        out.append("'#' attends, '.' masked");
        if (rowGroup > 1 || colGroup > 1) {
            out.append(", '+' partly; each character covers ").append(rowGroup).append(rowGroup == 1 ? " query" : " queries")
                    .append(" × ").append(colGroup).append(colGroup == 1 ? " key" : " keys");
        }
        out.append('\n');
        // key positions every 10 characters, each label starting at its column
        StringBuilder keys = new StringBuilder(" ".repeat(Math.max(0, labelW - 3))).append("q\\k ");
        int base = keys.length();
        for (int c = 0; c < cells.cols(); c += 10) {
            String label = Integer.toString(c * colGroup);
            while (keys.length() < base + c) keys.append(' ');
            if (keys.length() > base + c) continue;
            keys.append(label);
        }
        out.append(keys.toString().stripTrailing()).append('\n');
        for (int r = 0; r < cells.rows(); r++) {
            String label = Integer.toString(offset + r * rowGroup);
            out.append(" ".repeat(labelW - label.length())).append(label).append(' ');
            for (int c = 0; c < cells.cols(); c++) {
                long attend = cells.attending(r, c);
                out.append(attend == 0 ? '.' : attend == cells.area(r, c) ? '#' : '+');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
