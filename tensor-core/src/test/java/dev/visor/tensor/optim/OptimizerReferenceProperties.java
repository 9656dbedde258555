package dev.visor.tensor.optim;

import static dev.visor.tensor.nn.Close.assertClose;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * SGD, Adam and AdamW against the double-precision {@link ReferenceOptimizers} over several steps,
 * with random hyper-parameters, shapes and gradients (two parameters, one of which sometimes has
 * no gradient, so per-parameter step counts diverge).
 */
class OptimizerReferenceProperties {
    private static final int STEPS = 8;

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Property
    void sgdMatchesTheReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int n,
                                @ForAll @Scale(12) @DoubleRange(min = 0.001, max = 0.5) double lr,
                                @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.99) double momentum,
                                @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.5) double dampening,
                                @ForAll boolean nesterov, @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.1) double wd) {
        double damp = nesterov ? 0 : dampening;
        double mu = nesterov ? Math.max(momentum, 0.1) : momentum;
        Rng rng = new Rng(seed);
        Tensor a = Tensor.randn(rng, n).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 2, 3).requiresGrad(true);
        SGD opt = new SGD(List.of(a, b), SGD.options(lr).withMomentum(mu).withDampening(damp).withNesterov(nesterov).withWeightDecay(wd));
        ReferenceOptimizers.Sgd refA = new ReferenceOptimizers.Sgd(lr, mu, damp, nesterov, wd);
        ReferenceOptimizers.Sgd refB = new ReferenceOptimizers.Sgd(lr, mu, damp, nesterov, wd);
        run(rng, opt, a, b, (p, g, which) -> (which == 0 ? refA : refB).step(p, g));
    }

    @Property
    void adamAndAdamWMatchTheReference(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int n,
                                       @ForAll @Scale(12) @DoubleRange(min = 1e-4, max = 0.1) double lr,
                                       @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.95) double beta1,
                                       @ForAll @Scale(12) @DoubleRange(min = 0.5, max = 0.9999) double beta2,
                                       @ForAll @Scale(12) @DoubleRange(min = 1e-8, max = 1e-3) double eps,
                                       @ForAll @Scale(12) @DoubleRange(min = 0, max = 0.3) double wd,
                                       @ForAll boolean amsgrad, @ForAll boolean decoupled) {
        Rng rng = new Rng(seed);
        Tensor a = Tensor.randn(rng, n).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 2, 3).requiresGrad(true);
        Adam.Options o = Adam.options(lr).withBetas(beta1, beta2).withEps(eps).withWeightDecay(wd).withAmsgrad(amsgrad);
        Adam opt = decoupled ? new AdamW(List.of(a, b), o) : new Adam(List.of(a, b), o);
        ReferenceOptimizers.AdamRef refA = new ReferenceOptimizers.AdamRef(lr, beta1, beta2, eps, wd, amsgrad, decoupled);
        ReferenceOptimizers.AdamRef refB = new ReferenceOptimizers.AdamRef(lr, beta1, beta2, eps, wd, amsgrad, decoupled);
        run(rng, opt, a, b, (p, g, which) -> (which == 0 ? refA : refB).step(p, g, lr));
    }

    interface RefStep {
        void step(double[] p, double[] g, int which);
    }

    private static void run(Rng rng, Optimizer opt, Tensor a, Tensor b, RefStep ref) {
        double[] pa = toDouble(a.toArray());
        double[] pb = toDouble(b.toArray());
        for (int s = 0; s < STEPS; s++) {
            Tensor ga = Tensor.randn(rng, a.shape());
            a.setGrad(ga);
            ref.step(pa, toDouble(ga.toArray()), 0);
            boolean bHasGrad = rng.nextInt(3) != 0;
            if (bHasGrad) {
                Tensor gb = Tensor.randn(rng, b.shape());
                b.setGrad(gb);
                ref.step(pb, toDouble(gb.toArray()), 1);
            } else {
                b.setGrad(null);
            }
            opt.step();
            assertClose(toFloat(pa), a.toArray(), 1e-5, 2e-6, "a after step " + (s + 1));
            assertClose(toFloat(pb), b.toArray(), 1e-5, 2e-6, "b after step " + (s + 1));
        }
    }
}
