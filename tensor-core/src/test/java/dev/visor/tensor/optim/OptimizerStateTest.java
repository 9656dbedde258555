package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimizerStateTest {

    private static Map<String, Tensor> params(long seed) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layer.weight", Tensor.randn(rng, 3, 4).requiresGrad(true));
        m.put("layer.bias", Tensor.randn(rng, 4).requiresGrad(true));
        return m;
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> ps) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        ps.forEach((k, v) -> m.put(k, Tensor.of(v.toArray(), v.shape()).requiresGrad(true)));
        return m;
    }

    private static Optimizer make(String kind, Map<String, Tensor> ps) {
        return switch (kind) {
            case "SGD" -> new SGD(ps, SGD.options(0.1).withMomentum(0.9).withNesterov(true));
            case "Adam" -> new Adam(ps, Adam.options(1e-2).withAmsgrad(true).withWeightDecay(0.01));
            case "AdamW" -> new AdamW(ps, AdamW.options(1e-2));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Deterministic gradients for step s; the bias gets none on every third step. */
    private static void grads(Map<String, Tensor> ps, int s) {
        Rng rng = new Rng(1000 + s);
        ps.get("layer.weight").setGrad(Tensor.randn(rng, 3, 4));
        ps.get("layer.bias").setGrad(s % 3 == 2 ? null : Tensor.randn(rng, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SGD", "Adam", "AdamW"})
    void resumingFromAStateDictContinuesBitForBit(String kind) {
        Map<String, Tensor> a = params(1);
        Optimizer optA = make(kind, a);
        optA.setSchedule(LrSchedule.cosine(optA.lr(), 2, 20, 0.0));
        for (int s = 0; s < 5; s++) {
            grads(a, s);
            optA.step();
        }
        // checkpoint: parameters and optimizer state, through the metadata form a file would hold
        Map<String, Tensor> b = copy(a);
        OptimizerState saved = optA.stateDict();
        OptimizerState reread = OptimizerState.fromMetadata(saved.metadata(), saved.buffers());
        Optimizer optB = make(kind, b);
        optB.setSchedule(LrSchedule.cosine(optB.lr(), 2, 20, 0.0));
        optB.loadStateDict(reread);
        assertEquals(5, optB.steps());
        for (int s = 5; s < 10; s++) {
            grads(a, s);
            grads(b, s);
            optA.step();
            optB.step();
        }
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), kind + " " + k);
        }
        assertEquals(optA.lr(), optB.lr());
    }

    @Test
    void theStateDictNamesBuffersByParameterAndCountsUpdatesPerParameter() {
        Map<String, Tensor> ps = params(1);
        Adam opt = new Adam(ps, Adam.options(1e-3));
        for (int s = 0; s < 3; s++) {
            grads(ps, s);
            opt.step();
        }
        OptimizerState st = opt.stateDict();
        assertEquals("Adam", st.type());
        assertEquals(3, st.steps());
        assertEquals(Map.of("layer.weight", 3L, "layer.bias", 2L), st.paramSteps());
        assertEquals(List.of("layer.weight.exp_avg", "layer.weight.exp_avg_sq", "layer.bias.exp_avg", "layer.bias.exp_avg_sq"),
                List.copyOf(st.buffers().keySet()));
        float[] before = st.buffers().get("layer.weight.exp_avg").toArray();
        grads(ps, 3);
        opt.step();
        assertArrayEquals(before, st.buffers().get("layer.weight.exp_avg").toArray(), "a snapshot does not move");
        assertEquals("3", st.metadata().get("optimizer.steps"));
        assertEquals("2", st.metadata().get("optimizer.step.layer.bias"));
    }

    @Test
    void loadingReportsEveryProblemAndChangesNothing() {
        Map<String, Tensor> ps = params(1);
        Adam opt = new Adam(ps, Adam.options(1e-3));
        grads(ps, 0);
        opt.step();
        OptimizerState good = opt.stateDict();
        Map<String, Tensor> bufs = new LinkedHashMap<>(good.buffers());
        bufs.put("layer.weight.exp_avg", Tensor.zeros(4, 3));
        bufs.put("layer.bias.momentum_buffer", Tensor.zeros(4));
        bufs.put("other.weight.exp_avg", Tensor.zeros(1));
        OptimizerState bad = new OptimizerState("SGD", 1, 0.1, Map.of("ghost", 1L), bufs);
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(bad));
        assertEquals("cannot load optimizer state (5 problem(s)):\n"
                + "  state is for SGD but this optimizer is Adam\n"
                + "  buffer 'layer.weight.exp_avg' has shape [4, 3] but the parameter has [3, 4]\n"
                + "  buffer 'layer.bias.momentum_buffer': Adam keeps no buffer 'momentum_buffer' (known: "
                + opt.bufferNames() + ")\n"
                + "  buffer 'other.weight.exp_avg' names no parameter of this optimizer\n"
                + "  step count for 'ghost' names no parameter of this optimizer", e.getMessage());
        assertEquals(1, opt.steps());
        assertEquals(1e-3, opt.lr());
    }

    @Test
    void metadataErrorsNameTheEntry() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerState.fromMetadata(Map.of("optimizer", "Adam", "optimizer.steps", "x"), Map.of()));
        assertEquals("optimizer metadata 'optimizer.steps' is not an integer: 'x'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerState.fromMetadata(Map.of("steps", "1"), Map.of()));
        assertEquals("optimizer metadata lacks 'optimizer'; keys present: [steps]", e.getMessage());
    }

    @Test
    void parametersWithoutGradientsAreSkippedAndZeroGradClearsAll() {
        Map<String, Tensor> ps = params(2);
        float[] bias = ps.get("layer.bias").toArray();
        SGD opt = new SGD(ps, SGD.options(0.5));
        ps.get("layer.weight").setGrad(Tensor.ones(3, 4));
        opt.step();
        assertArrayEquals(bias, ps.get("layer.bias").toArray());
        opt.zeroGrad();
        assertNull(ps.get("layer.weight").grad());
        assertEquals(List.of("layer.weight", "layer.bias"), opt.paramNames());
    }

    @Test
    void aScheduleSetsTheLearningRateOfEachStepCountedFromOne() {
        Tensor p = Tensor.zeros(1).requiresGrad(true);
        SGD opt = new SGD(List.of(p), SGD.options(123));
        opt.setSchedule(step -> 0.1 * step);
        float expected = 0;
        for (int s = 1; s <= 4; s++) {
            p.setGrad(Tensor.ones(1));
            opt.step();
            expected -= (float) (0.1 * s);
            assertEquals(0.1 * s, opt.lr(), 1e-15);
        }
        assertEquals(expected, p.item(), 1e-6);
    }

    @Test
    void constructorsRejectDuplicatesViewsAndBadHyperParameters() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p, p), SGD.options(0.1)));
        assertTrue(e.getMessage().startsWith("the same tensor is given twice, as '0' and '1'"), e.getMessage());
        Tensor view = Tensor.viewOf(Tensor.zeros(4), "narrow", new int[] {2}, new int[] {1}, 1, g -> null);
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(view), SGD.options(0.1)));
        assertEquals("parameter '0' of shape [2] must own dense storage so it can be updated in place, but has offset 1"
                + " in a storage of 4 with strides [1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), SGD.options(0.1)));
        assertEquals("SGD got an empty parameter list", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), SGD.options(0.1).withNesterov(true)));
        assertEquals("Nesterov momentum needs momentum > 0 and dampening = 0 but got momentum=0.0, dampening=0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.options(1e-3).withBetas(0.9, 1.0));
        assertEquals("Adam beta2 must be in [0, 1) but got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SGD.options(-1));
        assertEquals("SGD learning rate must be finite and >= 0 but got -1.0", e.getMessage());
        SGD opt = new SGD(List.of(p), SGD.options(0.1));
        opt.setSchedule(step -> Double.NaN);
        p.setGrad(Tensor.ones(2));
        e = assertThrows(IllegalArgumentException.class, opt::step);
        assertEquals("learning rate must be finite and >= 0 but got NaN", e.getMessage());
        assertArrayEquals(new float[2], p.toArray(), "a rejected step changes nothing");
    }
}
