package dev.visor.tensor.kernel;

/**
 * Layer normalisation of one row at a time, forward and backward, in float lanes: the kernels behind
 * {@code LayerNormOp} when the Vector API is present. With {@code x̂ = (x − μ)·r},
 * {@code r = 1/√(σ² + ε)} (biased variance), the forward writes {@code y = x̂·w + b}; the backward,
 * with {@code ĝ = g·w}, writes {@code dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} and adds {@code g·x̂} and
 * {@code g} to a block's {@code dw} and {@code db} partial sums.
 *
 * <p>Sums are made in float over vector lanes (added in a fixed order, {@link VectorLanes}), the
 * statistics centred in two passes; the mean is kept as two floats {@code μ + lo} (the second the
 * mean of {@code x − μ}, which is exact near {@code μ}), so a large mean over a small spread keeps
 * its centring. Thus the bits depend on neither the thread count nor whether the
 * caller is compiled, but they differ from the double-precision scalar path of {@code LayerNormOp}
 * by float rounding. {@link #forward} and {@link #backward} check nothing: the caller has.
 *
 * <pre>{@code
 * float[] stats = new float[3 * rows];
 * NormRows.forward(x, r * n, n, w, b, 1e-5f, y, stats, 3 * r);   // stats of row r = {μ, lo, r}
 * NormRows.backward(g, x, r * n, n, w, stats[3 * r], stats[3 * r + 1], stats[3 * r + 2], dwBlock, dbBlock, dx);
 * }</pre>
 */
public final class NormRows {
    private NormRows() {}

    /**
     * Whether the lane kernels run on this JVM (otherwise the caller keeps its scalar path).
     *
     * @return whether {@link #forward} and {@link #backward} may be called
     */
    public static boolean available() {
        return VectorSupport.available();
    }

    /**
     * Normalises {@code x[base, base + n)} into {@code y} at the same offset and stores the mean as
     * {@code μ + lo} and {@code r} in {@code stats[sOff .. sOff + 2]}.
     *
     * @param x the input rows
     * @param base the row's first index in {@code x} and {@code y}
     * @param n the row length, at least 1
     * @param w the per-feature weight, {@code n} values
     * @param b the per-feature bias, {@code n} values
     * @param eps added to the variance
     * @param y receives the row
     * @param stats receives {@code μ, lo, r}
     * @param sOff where in {@code stats}
     */
    public static void forward(float[] x, int base, int n, float[] w, float[] b, float eps, float[] y, float[] stats,
                               int sOff) {
        VectorNormRows.forward(x, base, n, w, b, eps, y, stats, sOff);
    }

    /**
     * One row of the backward pass; {@code dw} and {@code db} ({@code n} values each, indexed from 0)
     * accumulate, {@code dx} (at {@code base}) is overwritten unless null.
     *
     * @param g the output gradient rows
     * @param x the input rows
     * @param base the row's first index in {@code g}, {@code x} and {@code dx}
     * @param n the row length, at least 1
     * @param w the per-feature weight ({@code n} ones for none)
     * @param mu the row's mean from {@link #forward}
     * @param lo the mean's second part from {@link #forward}
     * @param rs the row's {@code r} from {@link #forward}
     * @param dw accumulates {@code g·x̂}
     * @param db accumulates {@code g}
     * @param dx receives the input gradient, or null when none is wanted
     */
    public static void backward(float[] g, float[] x, int base, int n, float[] w, float mu, float lo, float rs,
                                float[] dw, float[] db, float[] dx) {
        VectorNormRows.backward(g, x, base, n, w, mu, lo, rs, dw, db, dx);
    }
}
