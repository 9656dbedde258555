package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link Functional} against values PyTorch 1.13 computed (see {@code src/test/python/make_torch_golden.py}). */
class TorchGoldenTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    private static Tensor tensor(TorchGolden.Case c, String key) {
        return Tensor.of(c.floats(key), c.shape(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_plain", "ce_smooth_ignore", "ce_3d_pad0", "ce_large_logits"})
    void crossEntropyMatchesTorch(String name) {
        for (String red : new String[] {"mean", "sum", "none"}) {
            TorchGolden.Case c = TorchGolden.get(name + "_" + red);
            Tensor logits = tensor(c, "logits").requiresGrad(true);
            Reduction reduction = Reduction.valueOf(c.word("reduction").toUpperCase());
            Tensor loss = Functional.crossEntropy(logits, c.ints("targets"), (int) c.number("ignore"), c.number("smoothing"), reduction);
            assertArrayEquals(c.shape("loss"), loss.shape(), name + " " + red + " loss shape");
            assertClose(c.floats("loss"), loss.toArray(), RTOL, ATOL, name + " " + red + " loss");
            loss.backward(tensor(c, "r"));
            assertClose(c.floats("grad"), logits.grad().toArray(), RTOL, ATOL, name + " " + red + " grad");
        }
    }

    @Test
    void crossEntropyMeanOverNothingIsNaNAsInTorch() {
        TorchGolden.Case c = TorchGolden.get("ce_all_ignored_mean");
        Tensor logits = tensor(c, "logits").requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, new int[] {-100, -100}, -100, 0.1, Reduction.MEAN);
        assertTrue(Float.isNaN(c.floats("loss")[0]));
        assertTrue(Float.isNaN(loss.item()));
        loss.backward();
        assertArrayEquals(new float[6], logits.grad().toArray(), "no target counts, so no gradient");
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax_last", "softmax_mid", "softmax_first"})
    void softmaxAndLogSoftmaxMatchTorch(String name) {
        for (String fn : new String[] {"softmax", "log_softmax"}) {
            TorchGolden.Case c = TorchGolden.get(fn + "_" + name);
            Tensor x = tensor(c, "x").requiresGrad(true);
            int dim = (int) c.number("dim");
            Tensor y = fn.equals("softmax") ? Functional.softmax(x, dim) : Functional.logSoftmax(x, dim);
            assertClose(c.floats("y"), y.toArray(), RTOL, ATOL, fn + " " + name);
            y.backward(tensor(c, "r"));
            assertClose(c.floats("grad"), x.grad().toArray(), RTOL, ATOL, fn + " " + name + " grad");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ln_row", "ln_2d", "ln_eps"})
    void layerNormMatchesTorch(String name) {
        TorchGolden.Case c = TorchGolden.get(name);
        Tensor x = tensor(c, "x").requiresGrad(true);
        Tensor w = tensor(c, "weight").requiresGrad(true);
        Tensor b = tensor(c, "bias").requiresGrad(true);
        Tensor y = Functional.layerNorm(x, c.ints("normalized"), w, b, c.number("eps"));
        assertClose(c.floats("y"), y.toArray(), RTOL, ATOL, name);
        y.backward(tensor(c, "r"));
        assertClose(c.floats("grad_x"), x.grad().toArray(), 1e-4, 1e-5, name + " grad x");
        assertClose(c.floats("grad_weight"), w.grad().toArray(), RTOL, ATOL, name + " grad weight");
        assertClose(c.floats("grad_bias"), b.grad().toArray(), RTOL, ATOL, name + " grad bias");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "tanh"})
    void geluMatchesTorch(String approximate) {
        TorchGolden.Case c = TorchGolden.get("gelu_" + approximate);
        Tensor x = tensor(c, "x").requiresGrad(true);
        Tensor y = approximate.equals("none") ? Functional.gelu(x) : Functional.geluTanh(x);
        // absolute tolerance: PyTorch's 1 + erf(x/√2) cancels in float for x below about -4
        assertClose(c.floats("y"), y.toArray(), RTOL, ATOL, "gelu " + approximate);
        y.backward(Tensor.onesLike(y));
        assertClose(c.floats("grad"), x.grad().toArray(), RTOL, ATOL, "gelu " + approximate + " grad");
    }

    @Test
    void linearMatchesTorch() {
        TorchGolden.Case c = TorchGolden.get("linear");
        Tensor x = tensor(c, "x").requiresGrad(true);
        Tensor w = tensor(c, "weight").requiresGrad(true);
        Tensor b = tensor(c, "bias").requiresGrad(true);
        Tensor y = Functional.linear(x, w, b);
        assertArrayEquals(c.shape("y"), y.shape());
        assertClose(c.floats("y"), y.toArray(), RTOL, ATOL, "linear");
        y.backward(tensor(c, "r"));
        assertClose(c.floats("grad_x"), x.grad().toArray(), RTOL, ATOL, "linear grad x");
        assertClose(c.floats("grad_weight"), w.grad().toArray(), RTOL, ATOL, "linear grad weight");
        assertClose(c.floats("grad_bias"), b.grad().toArray(), RTOL, ATOL, "linear grad bias");
    }

    @Test
    void embeddingWithPaddingMatchesTorch() {
        TorchGolden.Case c = TorchGolden.get("embedding_pad4");
        Tensor w = tensor(c, "weight").requiresGrad(true);
        Tensor y = Functional.embedding(c.ints("ids"), c.shape("ids"), w, 4);
        assertArrayEquals(c.shape("y"), y.shape());
        assertClose(c.floats("y"), y.toArray(), 0, 0, "embedding");
        y.backward(tensor(c, "r"));
        assertClose(c.floats("grad_weight"), w.grad().toArray(), RTOL, ATOL, "embedding grad");
    }
}
