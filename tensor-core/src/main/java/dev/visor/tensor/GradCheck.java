package dev.visor.tensor;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Checks an op's analytic gradients against central finite differences.
 *
 * <p>The function's output is projected onto a fixed random direction {@code r} to get a scalar
 * {@code L(x) = Σ f(x)·r}, accumulated in double precision. Its analytic gradient comes from
 * {@link Tensor#backward(Tensor)} seeded with {@code r}; each input element is then perturbed by
 * {@code ±eps} and {@code (L(x+eps) − L(x−eps)) / 2eps} is compared with it. Used by the test suites
 * of every op, and available to anyone writing their own op with {@link Tensor#fromOp}.
 *
 * <pre>{@code
 * GradCheck.Result r = GradCheck.check(xs -> xs[0].tanh(), Tensor.randn(rng, 3, 4));
 * r.assertWithin(1e-2, 1e-3);
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** The worst disagreement found, with where it was. */
    public record Result(double maxAbsError, double maxRelError, int input, int element, double analytic, double numeric) {
        /**
         * Fails unless every element satisfies {@code |analytic − numeric| ≤ atol + rtol·|numeric|}.
         *
         * @param rtol the relative tolerance
         * @param atol the absolute tolerance
         */
        public void assertWithin(double rtol, double atol) {
            if (!passes(rtol, atol)) {
                throw new AssertionError(String.format(
                        "gradient mismatch at input %d, element %d: analytic %.6g vs numeric %.6g (rtol %.1g, atol %.1g)",
                        input, element, analytic, numeric, rtol, atol));
            }
        }

        /**
         * Whether this element satisfies {@code |analytic − numeric| ≤ atol + rtol·|numeric|}, the test
         * {@link #assertWithin} makes without throwing.
         *
         * @param rtol the relative tolerance, at least 0
         * @param atol the absolute tolerance, at least 0
         * @return true when the analytic gradient is within tolerance of the finite difference
         */
        public boolean passes(double rtol, double atol) {
            return Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric);
        }
    }

    /**
     * Checks with {@code eps = 1e-2} and a direction drawn from seed 0.
     *
     * @param f the function
     * @param inputs the mask inputs of the call
     * @return the largest errors found and where
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, 1e-2, new Rng(0), inputs);
    }

    /**
     * Checks {@code f}'s gradients with respect to every input that requires grad (inputs that do
     * not are treated as constants; if none does, all are checked).
     *
     * @param f the function
     * @param eps the epsilon added for numerical stability
     * @param rng the random source
     * @param inputs the mask inputs of the call
     * @return the largest errors found and where
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, Rng rng, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        boolean any = Arrays.stream(inputs).anyMatch(Tensor::requiresGrad);
        boolean[] check = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            check[i] = !any || inputs[i].requiresGrad();
            xs[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(check[i]);
        }
        Tensor out = f.apply(xs);
        Tensor r = Tensor.randn(rng, out.shape());
        out.backward(r);

        double worstScore = -1;
        Result worst = new Result(0, 0, -1, -1, 0, 0);
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < xs.length; i++) {
            if (!check[i]) {
                continue;
            }
            Tensor gi = xs[i].grad();
            float[] analytic = gi == null ? new float[xs[i].numel()] : gi.toArray();
            float[] base = xs[i].toArray();
            for (int e = 0; e < base.length; e++) {
                double numeric = (project(f, xs, i, base, e, (float) (base[e] + eps), r)
                        - project(f, xs, i, base, e, (float) (base[e] - eps), r)) / (2 * eps);
                double err = Math.abs(analytic[e] - numeric);
                double rel = err / Math.max(1e-6, Math.abs(numeric));
                maxAbs = Math.max(maxAbs, err);
                maxRel = Math.max(maxRel, rel);
                double score = err / (1e-3 + Math.abs(numeric));
                if (score > worstScore) {
                    worstScore = score;
                    worst = new Result(0, 0, i, e, analytic[e], numeric);
                }
            }
        }
        return new Result(maxAbs, maxRel, worst.input(), worst.element(), worst.analytic(), worst.numeric());
    }

    private static double project(Function<Tensor[], Tensor> f, Tensor[] xs, int which, float[] base, int element,
                                  float value, Tensor r) {
        float[] perturbed = base.clone();
        perturbed[element] = value;
        Tensor[] args = xs.clone();
        args[which] = Tensor.of(perturbed, xs[which].shape());
        float[] y;
        try (GradMode.Scope ignored = GradMode.disable()) {
            y = f.apply(args).toArray();
        }
        float[] w = r.toArray();
        double s = 0;
        for (int k = 0; k < y.length; k++) {
            s += (double) y[k] * w[k];
        }
        return s;
    }
}
