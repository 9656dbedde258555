package dev.visor.cli;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.VectorSupport;
import java.util.Arrays;

/**
 * The {@code visor} command line. For now: {@code visor demo}, a small autograd tour that fits a
 * linear regression and a two-layer tanh MLP with plain gradient descent, built only from tensor ops.
 */
public final class VisorMain {
    private VisorMain() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "demo" : args[0];
        if (!command.equals("demo")) {
            System.err.println("visor: unknown command '" + command + "'; available: [demo]");
            System.exit(2);
        }
        System.out.println("Visor demo — vector kernels: " + (VectorSupport.available() ? "on" : "off (scalar fallback)"));
        Rng rng = new Rng(42);

        System.out.println("\n1) Linear regression: y = x·[2, -3, 0.5] + 1 + noise, 256 samples");
        Tensor x = Tensor.randn(rng, 256, 3);                                    // (n, 3)
        Tensor y = x.matmul(Tensor.of(new float[] {2, -3, 0.5f}, 3, 1)).add(1f)
                .add(Tensor.randn(rng, 256, 1).mul(0.1f));                       // (n, 1)
        Tensor[] lin = {Tensor.zeros(3, 1).requiresGrad(true), Tensor.zeros(1).requiresGrad(true)};
        for (int step = 0; step <= 60; step++) {
            Tensor loss = x.matmul(lin[0]).add(lin[1]).sub(y).pow(2f).mean();   // mean squared error
            loss.backward();
            if (step % 10 == 0) {
                System.out.printf("   step %3d  loss %.5f%n", step, loss.item());
            }
            lin = sgd(lin, 0.05f);
        }
        System.out.println("   learned w = " + Arrays.toString(lin[0].toArray()) + ", b = " + lin[1].item());

        System.out.println("\n2) Two-layer MLP 1 -> 16 -> 1 (tanh) fitting y = x^2 on [-2, 2]");
        Tensor xs = Tensor.arange(-2f, 2.01f, 0.125f).unsqueeze(1);              // (33, 1)
        Tensor ys = xs.pow(2f);                                                   // (33, 1)
        Tensor[] mlp = {
            Tensor.randn(rng, 1, 16).requiresGrad(true), Tensor.zeros(16).requiresGrad(true),
            Tensor.randn(rng, 16, 1).mul(0.25f).requiresGrad(true), Tensor.zeros(1).requiresGrad(true)};
        for (int step = 0; step <= 2000; step++) {
            Tensor loss = mlp(mlp, xs).sub(ys).pow(2f).mean();
            loss.backward();
            if (step % 400 == 0) {
                System.out.printf("   step %4d  loss %.5f%n", step, loss.item());
            }
            mlp = sgd(mlp, 0.05f);
        }
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor probe = Tensor.of(new float[] {-1.5f, -0.5f, 0f, 1f, 1.75f}, 5, 1);
            float[] pred = mlp(mlp, probe).toArray();
            for (int i = 0; i < pred.length; i++) {
                float v = probe.get(i, 0);
                System.out.printf("   f(%5.2f) = %6.3f   (x^2 = %6.3f)%n", v, pred[i], v * v);
            }
        }
    }

    /** tanh(x·W1 + b1)·W2 + b2. */
    private static Tensor mlp(Tensor[] p, Tensor x) {
        return x.matmul(p[0]).add(p[1]).tanh().matmul(p[2]).add(p[3]);
    }

    /** One plain gradient-descent step, p ← p − lr·∂loss/∂p, outside the graph. */
    private static Tensor[] sgd(Tensor[] params, float lr) {
        Tensor[] next = new Tensor[params.length];
        try (GradMode.Scope ignored = GradMode.disable()) {
            for (int i = 0; i < params.length; i++) {
                next[i] = params[i].sub(params[i].grad().mul(lr)).requiresGrad(true);
            }
        }
        return next;
    }
}
