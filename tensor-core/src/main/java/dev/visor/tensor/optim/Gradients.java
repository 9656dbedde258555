package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whole-model gradient utilities for the training loop: the global L2 norm, norm clipping
 * (Pascanu et al., 2013; {@code torch.nn.utils.clip_grad_norm_}) and a non-finite check so a trainer
 * can skip a step whose gradients overflowed.
 *
 * <pre>{@code
 * loss.backward();
 * if (!Gradients.allFinite(params)) { opt.zeroGrad(); continue; }   // skip this step
 * double norm = Gradients.clipGradNorm(params, 1.0);
 * opt.step();
 * }</pre>
 *
 * Parameters without a gradient are ignored throughout.
 */
public final class Gradients {
    private Gradients() {}

    /**
     * {@code sqrt(Σ g²)} over every element of every gradient, accumulated in double.
     *
     * @param params the parameters
     * @return {@code sqrt(Σ g²)} over every element of every gradient, accumulated in double
     */
    public static double totalNorm(Iterable<Tensor> params) {
        Objects.requireNonNull(params, "params");
        double s = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            float[] v = values(g);
            for (int i = 0; i < v.length; i++) {
                double x = v[i];
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Scales all gradients together so their global L2 norm is at most {@code maxNorm}: when
     * {@code maxNorm / (norm + 1e-6) < 1} every gradient is multiplied by that factor, in place
     * (PyTorch's rule). The norm is computed in double, where PyTorch uses float32.
     *
     * <p>If the norm is NaN or infinite, nothing is scaled and the non-finite norm is returned, so
     * the caller can see it and skip the step. (PyTorch 1.13 scales by the non-finite factor,
     * turning every gradient into NaN.)
     *
     * @param params the parameters
     * @param maxNorm the largest norm allowed
     * @return the global norm before clipping
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0 but got " + maxNorm);
        }
        double norm = totalNorm(params);
        if (!Double.isFinite(norm)) {
            return norm;
        }
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                if (dense(g)) {
                    float[] v = g.storage();
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= c;
                    }
                } else {
                    float[] v = g.toArray();
                    for (int i = 0; i < v.length; i++) {
                        v[i] *= c;
                    }
                    p.setGrad(Tensor.wrap(v, g.shape()));
                }
            }
        }
        return norm;
    }

    /**
     * True when every gradient element is finite (no NaN, no ±inf).
     *
     * @param params the parameters
     * @return true when every gradient element is finite (no NaN, no ±inf)
     */
    public static boolean allFinite(Iterable<Tensor> params) {
        Objects.requireNonNull(params, "params");
        for (Tensor p : params) {
            if (!finite(p.grad())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The names of the parameters whose gradient holds a NaN or infinity, in order (for a diagnostic).
     *
     * @param namedParams the parameters by name
     * @return the names of the parameters whose gradient holds a NaN or infinity, in order (for a diagnostic)
     */
    public static List<String> nonFinite(Map<String, Tensor> namedParams) {
        Objects.requireNonNull(namedParams, "namedParams");
        List<String> bad = new ArrayList<>();
        namedParams.forEach((name, p) -> {
            if (!finite(p.grad())) {
                bad.add(name);
            }
        });
        return bad;
    }

    private static boolean finite(Tensor g) {
        if (g == null) {
            return true;
        }
        for (float x : values(g)) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    private static boolean dense(Tensor t) {
        return t.offset() == 0 && t.isContiguous() && t.storage().length == t.numel();
    }

    private static float[] values(Tensor t) {
        return dense(t) ? t.storage() : t.toArray();
    }
}
