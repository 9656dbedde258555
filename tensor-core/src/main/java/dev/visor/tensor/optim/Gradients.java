package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.WeightedSplit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
     * {@code sqrt(Σ g²)} over every element of every gradient, accumulated in double: each gradient's
     * sum of squares in four interleaved partial sums ({@link #sumOfSquares}), the gradients' sums then
     * added in order. The gradients are shared out among the kernel threads ({@link WeightedSplit}), and
     * the result has the same bits on every thread count.
     *
     * @param params the parameters
     * @return {@code sqrt(Σ g²)} over every element of every gradient, accumulated in double
     */
    public static double totalNorm(Iterable<Tensor> params) {
        Objects.requireNonNull(params, "params");
        Tensor[] grads = gradients(params);
        double[] partial = new double[grads.length];
        WeightedSplit.forEach(sizes(grads), GRAIN, i -> partial[i] = sumOfSquares(values(grads[i])));
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return Math.sqrt(s);
    }

    /**
     * {@code Σ v[i]²} in double, in four partial sums over the elements {@code i ≡ 0, 1, 2, 3 (mod 4)} added as
     * {@code (s0 + s1) + (s2 + s3)}, then the last {@code length mod 4} elements in order: four independent
     * additions in flight instead of one chain, each waiting for the last (about 4× faster on one thread).
     *
     * @param v the values
     * @return their sum of squares
     */
    static double sumOfSquares(float[] v) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < v.length; i += 4) {
            double x0 = v[i];
            double x1 = v[i + 1];
            double x2 = v[i + 2];
            double x3 = v[i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; i < v.length; i++) {
            double x = v[i];
            s += x * x;
        }
        return s;
    }

    /**
     * Scales all gradients together so their global L2 norm is at most {@code maxNorm}: when
     * {@code maxNorm / (norm + 1e-6) < 1} every gradient is multiplied by that factor, in place
     * (PyTorch's rule). The norm is {@link #totalNorm}'s, computed in double, where PyTorch uses float32;
     * the norm and the scaling are both shared out among the kernel threads.
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
            List<Tensor> owners = new ArrayList<>();
            Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Tensor p : params) {
                if (p.grad() != null && seen.add(p)) {   // a parameter listed twice is scaled once (not twice at once)
                    owners.add(p);
                }
            }
            Tensor[] grads = gradients(owners);
            WeightedSplit.forEach(sizes(grads), GRAIN, i -> {
                Tensor g = grads[i];
                boolean inPlace = dense(g);
                float[] v = inPlace ? g.storage() : g.toArray();
                for (int k = 0; k < v.length; k++) {
                    v[k] *= c;
                }
                if (!inPlace) {
                    owners.get(i).setGrad(Tensor.wrap(v, g.shape()));
                }
            });
        }
        return norm;
    }

    /** Elements per thread hand-off at the least in the whole-model passes (a few microseconds of work). */
    private static final long GRAIN = 1 << 14;

    /** The gradients of {@code params} that have one, in order. */
    private static Tensor[] gradients(Iterable<Tensor> params) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) {
                out.add(g);
            }
        }
        return out.toArray(new Tensor[0]);
    }

    private static long[] sizes(Tensor[] tensors) {
        long[] out = new long[tensors.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = tensors[i].numel();
        }
        return out;
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
