package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Parameter groups: with a zero gradient, AdamW's and SGD's only change to a parameter is the weight
 * decay, so each parameter must shrink by exactly its group's factor — and the vectors of
 * {@link ParamGroups#decayMatricesOnly} not at all.
 */
class ParamGroupsTest {
    private static Map<String, Tensor> params() {
        Rng rng = new Rng(3);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("linear.weight", Tensor.randn(rng, 3, 4).requiresGrad(true));
        m.put("linear.bias", Tensor.randn(rng, 4).requiresGrad(true));
        m.put("norm.weight", Tensor.randn(rng, 4).requiresGrad(true));
        return m;
    }

    private static void zeroGradients(Map<String, Tensor> ps) {
        ps.values().forEach(p -> p.setGrad(Tensor.zeros(p.shape())));
    }

    private static void assertShrunk(Tensor before, Tensor after, double factor, String name) {
        float[] b = before.toArray();
        float[] a = after.toArray();
        for (int i = 0; i < b.length; i++) {
            assertEquals(b[i] * factor, a[i], 1e-6, name + "[" + i + "]");
        }
    }

    private static void check(Function<ParamGroups, Optimizer> make, double lr, double lambda) {
        Map<String, Tensor> ps = params();
        Map<String, Tensor> before = new LinkedHashMap<>();
        ps.forEach((k, v) -> before.put(k, Tensor.of(v.toArray(), v.shape())));
        Optimizer opt = make.apply(ParamGroups.decayMatricesOnly(ps));
        zeroGradients(ps);
        opt.step();
        assertShrunk(before.get("linear.weight"), ps.get("linear.weight"), 1 - lr * lambda, "linear.weight");
        assertArrayEquals(before.get("linear.bias").toArray(), ps.get("linear.bias").toArray(), "biases do not decay");
        assertArrayEquals(before.get("norm.weight").toArray(), ps.get("norm.weight").toArray(), "norm gains do not decay");
    }

    @Test
    void adamWDecaysOnlyMatrices() {
        check(g -> new AdamW(g, AdamW.options(0.1).withWeightDecay(0.5)), 0.1, 0.5);
    }

    @Test
    void sgdDecaysOnlyMatrices() {
        check(g -> new SGD(g, SGD.options(0.1).withWeightDecay(0.5)), 0.1, 0.5);
    }

    @Test
    void withoutGroupsEveryParameterDecays() {
        Map<String, Tensor> ps = params();
        float[] bias = ps.get("linear.bias").toArray();
        AdamW opt = new AdamW(ps, AdamW.options(0.1).withWeightDecay(0.5));
        zeroGradients(ps);
        opt.step();
        assertShrunk(Tensor.of(bias, 4), ps.get("linear.bias"), 1 - 0.05, "linear.bias");
        assertEquals(List.of("all"), opt.paramGroups().groups().stream().map(ParamGroups.Group::name).toList());
    }

    @Test
    void aGroupMaySetItsOwnDecay() {
        Map<String, Tensor> ps = params();
        Map<String, Tensor> head = new LinkedHashMap<>(Map.of("linear.weight", ps.get("linear.weight")));
        Map<String, Tensor> rest = new LinkedHashMap<>(ps);
        rest.remove("linear.weight");
        float[] w = ps.get("linear.weight").toArray();
        float[] b = ps.get("linear.bias").toArray();
        ParamGroups groups = ParamGroups.of(List.of(ParamGroups.Group.withWeightDecay("head", head, 0.2),
                ParamGroups.Group.inheriting("rest", rest)));
        AdamW opt = new AdamW(groups, AdamW.options(0.1).withWeightDecay(0.5));
        zeroGradients(ps);
        opt.step();
        assertShrunk(Tensor.of(w, 3, 4), ps.get("linear.weight"), 1 - 0.1 * 0.2, "head");
        assertShrunk(Tensor.of(b, 4), ps.get("linear.bias"), 1 - 0.1 * 0.5, "rest inherits");
        assertEquals("head", groups.groupOf("linear.weight"));
        assertEquals(List.of("linear.weight", "linear.bias", "norm.weight"), List.copyOf(opt.paramNames()));
    }

    @Test
    void aParameterInTwoGroupsIsRejected() {
        Map<String, Tensor> ps = params();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParamGroups.of(List.of(
                ParamGroups.Group.inheriting("a", ps), ParamGroups.Group.inheriting("b", Map.of("linear.bias", ps.get("linear.bias"))))));
        assertTrue(e.getMessage().contains("'linear.bias' is in two groups, 'a' and 'b'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamGroups.Group.withWeightDecay("x", ps, -1));
    }
}
