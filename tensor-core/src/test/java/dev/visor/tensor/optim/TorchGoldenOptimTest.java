package dev.visor.tensor.optim;

import static dev.visor.tensor.nn.Close.assertClose;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.TorchGolden;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Six optimizer steps against PyTorch 1.13 (see {@code src/test/python/make_torch_golden.py}). */
class TorchGoldenOptimTest {

    @ParameterizedTest
    @ValueSource(strings = {"sgd_plain", "sgd_momentum_damp_wd", "sgd_nesterov", "adam_default", "adam_wd_betas",
            "adam_amsgrad", "adamw_default", "adamw_wd", "adamw_amsgrad"})
    void stepsMatchTorch(String name) {
        TorchGolden.Case c = TorchGolden.get("optim_" + name);
        Tensor p = Tensor.of(c.floats("p0"), c.shape("p0")).requiresGrad(true);
        Optimizer opt = make(name, c, p);
        for (int i = 0; i < 6; i++) {
            p.setGrad(Tensor.of(c.floats("grad" + i), c.shape("grad" + i)));
            opt.step();
            // float32 arithmetic in the same operation order; PyTorch's vectorised kernels may fuse
            // multiply-adds, so allow a few ulps of the parameter
            assertClose(c.floats("p" + (i + 1)), p.toArray(), 2e-6, 1e-7, name + " after step " + (i + 1));
        }
    }

    private static Optimizer make(String name, TorchGolden.Case c, Tensor p) {
        double lr = c.number("lr");
        double wd = c.number("weight_decay");
        if (name.startsWith("sgd")) {
            SGD.Options o = SGD.options(lr).withMomentum(c.number("momentum")).withDampening(c.number("dampening"))
                    .withNesterov(c.word("nesterov").equals("true")).withWeightDecay(wd);
            return new SGD(List.of(p), o);
        }
        double[] betas = c.doubles("betas");
        Adam.Options o = Adam.options(lr).withBetas(betas[0], betas[1]).withEps(c.number("eps")).withWeightDecay(wd)
                .withAmsgrad(c.word("amsgrad").equals("true"));
        return name.startsWith("adamw") ? new AdamW(List.of(p), o) : new Adam(List.of(p), o);
    }

    @Test
    void clipGradNormMatchesTorch() {
        TorchGolden.Case c = TorchGolden.get("clip_grad_norm");
        Tensor a = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor b = Tensor.zeros(4).requiresGrad(true);
        a.setGrad(Tensor.of(c.floats("grad_a"), 2, 3));
        b.setGrad(Tensor.of(c.floats("grad_c"), 4));
        double norm = Gradients.clipGradNorm(List.of(a, b), c.number("max_norm"));
        assertClose(c.floats("norm")[0], norm, 1e-6, 0, "norm");
        assertClose(c.floats("clipped_a"), a.grad().toArray(), 1e-6, 1e-7, "clipped a");
        assertClose(c.floats("clipped_c"), b.grad().toArray(), 1e-6, 1e-7, "clipped c");
    }
}
