package dev.visor.plot;

import java.util.Objects;

/**
 * One heat map of a {@link Figure}: a grid of coloured cells (rows top to bottom, columns left to
 * right) with a title and two axes. The colours are final; {@link MaskPlot} and
 * {@link AttentionPlot} compute them from a mask or from attention weights.
 *
 * @param title shown above the panel, may be empty
 * @param x the horizontal axis (columns)
 * @param y the vertical axis (rows, position 0 at the top)
 * @param rgb {@code y.cells() · x.cells()} colours {@code 0xRRGGBB}, row-major
 */
public record Panel(String title, Axis x, Axis y, int[] rgb) {

    /** Checks that there is one colour per cell. */
    public Panel {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (rgb.length != (long) x.cells() * y.cells()) {
            throw new IllegalArgumentException("panel '" + title + "' has " + y.cells() + " × " + x.cells()
                    + " cells but " + rgb.length + " colours");
        }
    }

    /** @return the number of cell rows */
    public int rows() {
        return y.cells();
    }

    /** @return the number of cell columns */
    public int cols() {
        return x.cells();
    }
}
