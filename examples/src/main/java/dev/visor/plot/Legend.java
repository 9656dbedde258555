package dev.visor.plot;

import java.util.List;
import java.util.Objects;

/**
 * The key of a {@link Figure}: an optional colour bar for continuous values and a list of colour
 * swatches for categories (e.g. "masked").
 *
 * <pre>{@code
 * Legend.bar(ColorScale.viridis(), 0, 1, "attention weight").with(new Legend.Swatch("masked", 0xd9d9d9));
 * }</pre>
 *
 * @param bar the colour bar, or null
 * @param swatches the categories, possibly empty
 */
public record Legend(ColorBar bar, List<Swatch> swatches) {

    /** Copies the swatches. */
    public Legend {
        swatches = List.copyOf(swatches);
    }

    /**
     * A continuous scale from {@code min} (bottom) to {@code max} (top).
     *
     * @param scale the colours
     * @param min the value at the bottom
     * @param max the value at the top, greater than {@code min}
     * @param label the quantity, e.g. "attention weight"
     */
    public record ColorBar(ColorScale scale, double min, double max, String label) {
        /** Checks the range. */
        public ColorBar {
            Objects.requireNonNull(scale, "scale");
            Objects.requireNonNull(label, "label");
            if (!(max > min) || !Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("colour bar range must be finite with max > min but is [" + min + ", " + max + "]");
            }
        }
    }

    /**
     * One category.
     *
     * @param label what it means
     * @param rgb its colour, {@code 0xRRGGBB}
     */
    public record Swatch(String label, int rgb) {
        /** Checks the label. */
        public Swatch {
            Objects.requireNonNull(label, "label");
        }
    }

    /**
     * A legend with only a colour bar.
     *
     * @param scale the colours
     * @param min the bottom value
     * @param max the top value
     * @param label the quantity
     * @return the legend
     */
    public static Legend bar(ColorScale scale, double min, double max, String label) {
        return new Legend(new ColorBar(scale, min, max, label), List.of());
    }

    /**
     * A legend with only categories.
     *
     * @param swatches the categories
     * @return the legend
     */
    public static Legend swatches(Swatch... swatches) {
        return new Legend(null, List.of(swatches));
    }

    /**
     * This legend plus more categories.
     *
     * @param more the categories
     * @return a new legend
     */
    public Legend with(Swatch... more) {
        List<Swatch> all = new java.util.ArrayList<>(swatches);
        all.addAll(List.of(more));
        return new Legend(bar, all);
    }
}
