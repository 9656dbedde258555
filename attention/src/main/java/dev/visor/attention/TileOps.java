package dev.visor.attention;

import dev.visor.tensor.kernel.VecMath;
import dev.visor.tensor.kernel.VectorSupport;
import java.util.Arrays;

/**
 * The few tile primitives the flash kernels are built from, in a scalar and a Vector API version
 * that give the same results up to float summation order.
 *
 * <p>Tiles are row-major float arrays. Column counts passed to these methods are multiples of
 * {@link #lanes()}; callers pad tiles to that width. Exponentials come from the tensor core's
 * {@link VecMath} (vectorised, at most 1 ulp from {@code Math.exp}, {@code e^−∞ = 0} exactly), so a
 * masked score of −∞ gets a weight of exactly 0.
 */
abstract class TileOps {

    /** The vectorised primitives when the Vector API is usable, else the scalar ones. */
    static TileOps best() {
        return VectorSupport.available() ? VectorTileOps.create() : ScalarTileOps.INSTANCE;
    }

    /** Column counts must be multiples of this. */
    abstract int lanes();

    /**
     * {@code C (+)= A·B} for a {@code rows × cols} C with row stride {@code ldc}; A's element
     * {@code (r, t)} is {@code a[aOff + r·ars + t·ats]} (so A may be read transposed); B is a
     * row-major {@code depth × cols} panel with row stride {@code ldb}. Overwrites C unless
     * {@code accumulate}.
     */
    abstract void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int ats,
                       float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * One online-softmax step over a tile of scores {@code S} (rows × cols, masked entries −∞): with
     * {@code m' = max(m, max_j S_rj)}, writes {@code P_rj = e^(S_rj − m')} over S, sets
     * {@code alpha_r = e^(m − m')} and {@code l_r = alpha_r·l_r + Σ_j P_rj}, {@code m_r = m'}. A row
     * with nothing attended so far keeps {@code m = −∞}, {@code l = 0} and gets P = 0.
     * {@code scratch} holds at least {@code rows} floats.
     */
    final void softmaxStep(float[] s, int lds, int rows, int cols, float[] m, float[] l, float[] alpha,
                           float[] scratch) {
        // 1) new running maxima and the exponents of the rescaling factors
        for (int r = 0; r < rows; r++) {
            float mOld = m[r];
            float mNew = Math.max(mOld, rowMax(s, r * lds, cols));
            scratch[r] = mNew == Float.NEGATIVE_INFINITY ? 0f : mOld - mNew;   // e^(−∞) = 0 when mOld = −∞
            m[r] = mNew;
        }
        VecMath.exp(scratch, 0, alpha, 0, rows);
        // 2) P = e^(S − m'), the whole tile in one call (a row still at m' = −∞ is all −∞: P = 0)
        subtractRowShift(s, lds, rows, cols, m);
        expTile(s, lds, rows, cols);
        // 3) running sums
        for (int r = 0; r < rows; r++) {
            l[r] = l[r] * alpha[r] + rowSum(s, r * lds, cols);
        }
    }

    private static void expTile(float[] s, int lds, int rows, int cols) {
        if (lds == cols) {
            VecMath.exp(s, 0, s, 0, rows * cols);
        } else {
            for (int r = 0; r < rows; r++) {
                VecMath.exp(s, r * lds, s, r * lds, cols);
            }
        }
    }

    /** {@code s_rj −= shift_r}, except that a shift of −∞ leaves the row alone. */
    abstract void subtractRowShift(float[] s, int lds, int rows, int cols, float[] shift);

    /** {@code Σ_j s[off + j]} for {@code j < cols}. */
    abstract float rowSum(float[] s, int off, int cols);

    /** {@code max_j s[off + j]} for {@code j < cols} (−∞ when all are). */
    abstract float rowMax(float[] s, int off, int cols);

    /**
     * Recomputes probabilities {@code P_rj = e^(S_rj − lse_r)} over S; rows with {@code lse = −∞}
     * (empty rows) get 0.
     */
    final void probabilities(float[] s, int lds, int rows, int cols, float[] lse) {
        subtractRowShift(s, lds, rows, cols, lse);
        expTile(s, lds, rows, cols);
        for (int r = 0; r < rows; r++) {
            if (lse[r] == Float.NEGATIVE_INFINITY) {   // an empty row: zero whatever the scores were
                Arrays.fill(s, r * lds, r * lds + cols, 0f);
            }
        }
    }

    /** {@code dp_rj := p_rj · (dp_rj − d_r)}: the softmax backward with the D = rowsum(dO∘O) trick. */
    abstract void softmaxGrad(float[] p, float[] dp, int ld, int rows, int cols, float[] d);

    /** {@code s_rj := −∞} wherever {@code allowed[r·ldm + j]} is false: masked keys leave the softmax. */
    abstract void applyMask(float[] s, int lds, int rows, int cols, boolean[] allowed, int ldm);

    /** {@code x_rc *= f_r}. */
    abstract void scaleRows(float[] x, int ld, int rows, int cols, float[] f);

    /** Rounds {@code n} up to a multiple of {@link #lanes()}. */
    final int pad(int n) {
        int l = lanes();
        return (n + l - 1) / l * l;
    }
}
