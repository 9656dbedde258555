package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parity with {@code torch.nn.MultiheadAttention} (PyTorch 1.13): PyTorch's state dict loads
 * as is, and outputs, head-averaged weights and every gradient match to 1e-5 under key padding and
 * causal masks, for self- and cross-attention, other key/value dims and no biases.
 */
class MultiHeadAttentionTorchTest {
    static final double TOL = 1e-5;

    static Stream<TorchGolden.Case> cases() {
        return TorchGolden.load("/dev/visor/attention/mha-golden.txt").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(TorchGolden.Case c) {
        int embed = c.integer("embed");
        MultiHeadAttention mha = MultiHeadAttention.builder(embed, c.integer("heads")).keyDim(c.integer("kdim"))
                .valueDim(c.integer("vdim")).bias(c.flag("bias")).build(new Rng(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : c.tensorsUnder("param.")) {
            state.put(name, c.tensor("param." + name));
        }
        assertEquals(List.copyOf(state.keySet()), List.copyOf(mha.stateDict().keySet()), "parameter names and order");
        assertTrue(mha.loadStateDict(state, true).isExact());

        Tensor query = c.tensor("query").requiresGrad(true);
        Tensor key = query;
        Tensor value = query;
        if (!c.flag("self")) {
            key = c.tensor("key").requiresGrad(true);
            value = c.flag("same_kv") ? key : c.tensor("value").requiresGrad(true);
        }
        String spec = c.flag("causal") ? "causal" : "full";
        MaskInputs inputs = MaskInputs.none();
        if (c.has("key_lengths")) {
            spec += " & padding";
            inputs = inputs.withKeyValidLengths(c.ints("key_lengths"));
        }
        Tensor out = mha.forward(query, key, value, spec, inputs);
        Fixtures.assertClose("output", c.floats("output"), out.toArray(), TOL, TOL);

        out.backward(c.tensor("r"));
        Fixtures.assertClose("grad query", c.floats("grad.query"), query.grad().toArray(), TOL, TOL);
        if (!c.flag("self")) {
            Fixtures.assertClose("grad key", c.floats("grad.key"), key.grad().toArray(), TOL, TOL);
            if (!c.flag("same_kv")) {
                Fixtures.assertClose("grad value", c.floats("grad.value"), value.grad().toArray(), TOL, TOL);
            }
        }
        Map<String, Tensor> params = mha.namedParameters();
        for (String name : c.tensorsUnder("grad.param.")) {
            Fixtures.assertClose("grad " + name, c.floats("grad.param." + name), params.get(name).grad().toArray(), TOL, TOL);
        }

        // the reference path returns per-head weights; PyTorch averages them over heads
        Tensor weights = mha.forwardWithWeights(query.detach(), key.detach(), value.detach(), spec, inputs).weights();
        int[] s = weights.shape();   // (batch, heads, Lq, Lk)
        float[] w = weights.toArray();
        float[] averaged = new float[s[0] * s[2] * s[3]];
        for (int b = 0; b < s[0]; b++) {
            for (int h = 0; h < s[1]; h++) {
                for (int i = 0; i < s[2] * s[3]; i++) {
                    averaged[b * s[2] * s[3] + i] += w[(b * s[1] + h) * s[2] * s[3] + i] / s[1];
                }
            }
        }
        Fixtures.assertClose("weights", c.floats("weights"), averaged, TOL, TOL);
    }
}
