package dev.visor.plot;

import java.util.Arrays;

/**
 * A continuous colour scale: maps {@code t ∈ [0, 1]} to an sRGB colour by linear interpolation
 * between evenly spaced anchor colours. {@link #viridis()} is perceptually uniform, readable in grey
 * and by colour-blind readers (van der Walt &amp; Smith's matplotlib default); {@link #of} builds others.
 *
 * <pre>{@code
 * int rgb = ColorScale.viridis().rgb(0.5);   // 0x21918c, a teal
 * }</pre>
 */
public final class ColorScale {
    private final int[] anchors;

    private ColorScale(int... anchors) {
        if (anchors.length < 2) throw new IllegalArgumentException("a colour scale needs at least 2 anchors but got " + anchors.length);
        this.anchors = anchors.clone();
    }

    /**
     * A scale through the given colours, evenly spaced.
     *
     * @param anchors {@code 0xRRGGBB} colours, at least two
     * @return the scale
     */
    public static ColorScale of(int... anchors) {
        return new ColorScale(anchors);
    }

    /** @return viridis: dark purple (0) through teal to yellow (1) */
    public static ColorScale viridis() {
        return new ColorScale(0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725);
    }

    /**
     * The colour at a point of the scale.
     *
     * @param t the position; values outside [0, 1] are clamped, NaN gives the low end
     * @return {@code 0xRRGGBB}
     */
    public int rgb(double t) {
        double x = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t)) * (anchors.length - 1);
        int i = Math.min((int) x, anchors.length - 2);
        return mix(anchors[i], anchors[i + 1], x - i);
    }

    /**
     * Linear interpolation between two colours, channel by channel.
     *
     * @param a the colour at {@code t = 0}
     * @param b the colour at {@code t = 1}
     * @param t the weight of {@code b}, in [0, 1]
     * @return {@code 0xRRGGBB}
     */
    public static int mix(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - t) + ((b >> 16) & 0xff) * t);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - t) + ((b >> 8) & 0xff) * t);
        int bl = (int) Math.round((a & 0xff) * (1 - t) + (b & 0xff) * t);
        return (r << 16) | (g << 8) | bl;
    }

    /**
     * The weighted average of several colours.
     *
     * @param weights non-negative weights, not all zero
     * @param colours {@code 0xRRGGBB} colours, one per weight
     * @return {@code 0xRRGGBB}
     */
    public static int blend(double[] weights, int[] colours) {
        if (weights.length != colours.length) {
            throw new IllegalArgumentException(weights.length + " weights but " + colours.length + " colours");
        }
        double total = Arrays.stream(weights).sum();
        if (!(total > 0)) throw new IllegalArgumentException("weights must have a positive sum: " + Arrays.toString(weights));
        double r = 0, g = 0, b = 0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i] / total;
            r += w * ((colours[i] >> 16) & 0xff);
            g += w * ((colours[i] >> 8) & 0xff);
            b += w * (colours[i] & 0xff);
        }
        return ((int) Math.round(r) << 16) | ((int) Math.round(g) << 8) | (int) Math.round(b);
    }
}
