package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Activation;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.LayerNorm;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Reduction;
import dev.visor.tensor.nn.Sequential;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end: layers + losses + optimizers actually learn small problems. */
class ConvergenceTest {

    private static Optimizer optimizer(String kind, Linear model) {
        return switch (kind) {
            case "sgd" -> new SGD(model.namedParameters(), SGD.options(0.05).withMomentum(0.9));
            case "nesterov" -> new SGD(model.namedParameters(), SGD.options(0.05).withMomentum(0.9).withNesterov(true));
            case "adam" -> new Adam(model.namedParameters(), Adam.options(0.05));
            case "adamw" -> new AdamW(model.namedParameters(), AdamW.options(0.05).withWeightDecay(1e-4));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "nesterov", "adam", "adamw"})
    void linearRegressionRecoversTheTrueWeights(String kind) {
        Rng rng = new Rng(42);
        float[] trueW = {2f, -3f, 0.5f};
        float trueB = 1.5f;
        Tensor x = Tensor.randn(rng, 64, 3);
        float[] xv = x.toArray();
        float[] yv = new float[64];
        for (int i = 0; i < 64; i++) {
            yv[i] = trueB + trueW[0] * xv[3 * i] + trueW[1] * xv[3 * i + 1] + trueW[2] * xv[3 * i + 2];
        }
        Tensor y = Tensor.of(yv, 64, 1);
        Linear model = new Linear(3, 1, rng);
        Optimizer opt = optimizer(kind, model);
        if (kind.startsWith("adam")) {
            opt.setSchedule(LrSchedule.cosine(0.05, 20, 400, 0.0));
        }
        float loss = Float.NaN;
        for (int step = 0; step < 400; step++) {
            opt.zeroGrad();
            Tensor l = Functional.mseLoss(model.forward(x), y);
            loss = l.item();
            l.backward();
            opt.step();
        }
        assertTrue(loss < 1e-4, kind + " final loss " + loss);
        float[] w = model.weight().toArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(trueW[j], w[j], 1e-2, kind + " w" + j);
        }
        assertEquals(trueB, model.bias().item(), 1e-2, kind + " bias");
    }

    @Test
    void aSmallMlpLearnsXorWithCrossEntropy() {
        Rng rng = new Rng(7);
        Sequential mlp = new Sequential(new Linear(2, 16, rng), new LayerNorm(16), Activation.gelu(), new Linear(16, 2, rng));
        float[] xs = {0, 0, 0, 1, 1, 0, 1, 1};
        int[] labels = {0, 1, 1, 0};
        Tensor x = Tensor.of(xs, 4, 2);
        AdamW opt = new AdamW(mlp.namedParameters(), AdamW.options(0.05));
        Function<Tensor, Tensor> loss = logits -> Functional.crossEntropy(logits, labels, -100, 0.0, Reduction.MEAN);
        float last = Float.NaN;
        for (int step = 0; step < 300; step++) {
            opt.zeroGrad();
            Tensor l = loss.apply(mlp.forward(x));
            last = l.item();
            l.backward();
            assertTrue(Gradients.allFinite(mlp.parameters()));
            Gradients.clipGradNorm(mlp.parameters(), 5.0);
            opt.step();
        }
        assertTrue(last < 0.05, "final loss " + last);
        float[] logits = mlp.forward(x).toArray();
        for (int i = 0; i < 4; i++) {
            int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
            assertEquals(labels[i], predicted, "sample " + i);
        }
    }
}
