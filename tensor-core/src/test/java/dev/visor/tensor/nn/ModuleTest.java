package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A miniature of torch.nn.TransformerEncoderLayer's naming. */
    static final class Attention extends Module {
        final Tensor inProjWeight;
        final Tensor inProjBias;
        final Linear outProj;

        Attention(int d, Rng rng) {
            inProjWeight = registerParameter("in_proj_weight", Tensor.randn(rng, 3 * d, d));
            inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * d));
            outProj = registerModule("out_proj", new Linear(d, d, rng));
        }
    }

    static final class EncoderLayer extends Module {
        EncoderLayer(int d, Rng rng) {
            registerModule("self_attn", new Attention(d, rng));
            registerModule("linear1", new Linear(d, 2 * d, rng));
            registerModule("dropout", new Dropout(0.1, rng));
            registerModule("linear2", new Linear(2 * d, d, rng));
            registerModule("norm1", new LayerNorm(d));
        }
    }

    static final class Encoder extends Module {
        final ModuleList<EncoderLayer> layers;
        final Tensor positions;

        Encoder(int n, int d, Rng rng) {
            layers = registerModule("layers", new ModuleList<>());
            for (int i = 0; i < n; i++) {
                layers.add(new EncoderLayer(d, rng));
            }
            registerModule("norm", new LayerNorm(d));
            registerBuffer("step", Tensor.zeros(1), true);
            positions = registerBuffer("positions", Tensor.zeros(5, d), false);
        }
    }

    static final class Model extends Module {
        Model(Rng rng) {
            registerModule("encoder", new Encoder(2, 4, rng));
        }
    }

    @Test
    void namesAreDottedPathsInRegistrationOrderLikeTorch() {
        Model m = new Model(new Rng(1));
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertEquals(List.of(
                "encoder.layers.0.self_attn.in_proj_weight",
                "encoder.layers.0.self_attn.in_proj_bias",
                "encoder.layers.0.self_attn.out_proj.weight",
                "encoder.layers.0.self_attn.out_proj.bias",
                "encoder.layers.0.linear1.weight",
                "encoder.layers.0.linear1.bias",
                "encoder.layers.0.linear2.weight",
                "encoder.layers.0.linear2.bias",
                "encoder.layers.0.norm1.weight",
                "encoder.layers.0.norm1.bias"), names.subList(0, 10));
        assertEquals("encoder.layers.1.self_attn.in_proj_weight", names.get(10));
        assertEquals(List.of("encoder.norm.weight", "encoder.norm.bias"), names.subList(20, 22));
        assertEquals(22, names.size());
        assertEquals(List.copyOf(m.namedParameters().values()), m.parameters());
        assertTrue(m.parameters().stream().allMatch(Tensor::requiresGrad));
    }

    @Test
    void stateDictHasEachModulesParametersAndPersistentBuffersBeforeItsChildrenAndSharesStorage() {
        Model m = new Model(new Rng(1));
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(23, sd.size());
        assertTrue(sd.containsKey("encoder.step"));
        assertFalse(sd.containsKey("encoder.positions"), "transient buffers are not saved");
        // a module's own parameters and buffers come before its children's, as in PyTorch
        assertEquals("encoder.step", List.copyOf(sd.keySet()).get(0));
        assertEquals(List.of("encoder.norm.weight", "encoder.norm.bias"), List.copyOf(sd.keySet()).subList(21, 23));
        Tensor w = sd.get("encoder.layers.0.linear1.weight");
        assertFalse(w.requiresGrad());
        assertSame(m.namedParameters().get("encoder.layers.0.linear1.weight").storage(), w.storage());
        assertEquals(Map.of("encoder.step", 1, "encoder.positions", 20),
                Map.of("encoder.step", m.namedBuffers().get("encoder.step").numel(),
                        "encoder.positions", m.namedBuffers().get("encoder.positions").numel()));
    }

    @Test
    void loadStateDictCopiesValuesInPlace() {
        Model a = new Model(new Rng(1));
        Model b = new Model(new Rng(2));
        Tensor target = b.namedParameters().get("encoder.layers.1.linear2.weight");
        float[] storage = target.storage();
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertTrue(r.isExact());
        assertSame(storage, target.storage(), "same tensor, new values");
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), b.stateDict().get(k).toArray(), k));
    }

    @Test
    void loadStateDictReportsEveryMismatchAtOnceAndChangesNothing() {
        Model m = new Model(new Rng(1));
        Map<String, Tensor> sd = new LinkedHashMap<>(new Model(new Rng(2)).stateDict());
        sd.remove("encoder.norm.bias");
        sd.remove("encoder.step");
        sd.put("encoder.extra", Tensor.zeros(2));
        sd.put("encoder.layers.0.linear1.weight", Tensor.zeros(7, 4));
        sd.put("encoder.norm.weight", Tensor.zeros(3));
        float[] before = m.namedParameters().get("encoder.layers.1.linear1.weight").toArray();
        var e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, true));
        assertEquals("error(s) loading the state dict of Model:\n"
                + "  missing keys (2): [encoder.step, encoder.norm.bias]\n"
                + "  unexpected keys (1): [encoder.extra]\n"
                + "  shape mismatches (2):\n"
                + "    encoder.layers.0.linear1.weight: state dict has [7, 4], module has [8, 4]\n"
                + "    encoder.norm.weight: state dict has [3], module has [4]", e.getMessage());
        assertArrayEquals(before, m.namedParameters().get("encoder.layers.1.linear1.weight").toArray(), "unchanged");
    }

    @Test
    void nonStrictLoadingReturnsMissingAndUnexpectedKeysButStillRejectsShapes() {
        Model m = new Model(new Rng(1));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("encoder.norm.weight", Tensor.full(2f, 4));
        sd.put("decoder.norm.weight", Tensor.zeros(4));
        Module.LoadResult r = m.loadStateDict(sd, false);
        assertEquals(List.of("decoder.norm.weight"), r.unexpectedKeys());
        assertEquals(22, r.missingKeys().size());
        assertArrayEquals(new float[] {2, 2, 2, 2}, m.namedParameters().get("encoder.norm.weight").toArray());
        sd.put("encoder.norm.bias", Tensor.zeros(5));
        var e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, false));
        assertTrue(e.getMessage().contains("encoder.norm.bias: state dict has [5], module has [4]"), e.getMessage());
    }

    @Test
    void trainAndEvalPropagateToEveryDescendant() {
        Model m = new Model(new Rng(1));
        assertTrue(m.isTraining());
        m.eval();
        assertTrue(m.namedModules().values().stream().noneMatch(Module::isTraining));
        m.train();
        assertTrue(m.namedModules().values().stream().allMatch(Module::isTraining));
        assertEquals("", m.namedModules().keySet().iterator().next());
        assertTrue(m.namedModules().containsKey("encoder.layers.1.self_attn.out_proj"));
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Model m = new Model(new Rng(1));
        for (Tensor p : m.parameters()) {
            p.setGrad(Tensor.onesLike(p));
        }
        m.zeroGrad();
        for (Tensor p : m.parameters()) {
            assertNull(p.grad());
        }
    }

    @Test
    void tiedWeightsAppearOnceAsParametersButUnderEveryNameInTheStateDict() {
        Rng rng = new Rng(3);
        Embedding emb = new Embedding(10, 4, rng);
        Module tied = new Module() {
            {
                registerModule("embed", emb);
                registerModule("generator", new Linear(emb.weight(), null));
            }
        };
        assertEquals(List.of("embed.weight"), List.copyOf(tied.namedParameters().keySet()));
        assertEquals(40, tied.parameterCount());
        assertEquals(List.of("embed.weight", "generator.weight"), List.copyOf(tied.stateDict().keySet()));
    }

    @Test
    void registrationRejectsBadNamesDuplicatesNonLeavesViewsAndCycles() {
        Module m = new Module() {};
        Tensor t = Tensor.zeros(2);
        var e = assertThrows(IllegalArgumentException.class, () -> m.registerParameter("a.b", t));
        assertEquals("a parameter, buffer or module name must be non-empty and contain no '.' but got 'a.b'", e.getMessage());
        m.registerParameter("a", t);
        e = assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("a", Tensor.zeros(1), true));
        assertTrue(e.getMessage().startsWith("'a' is already registered in "), e.getMessage());
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor op = Functional.relu(x);
        e = assertThrows(IllegalArgumentException.class, () -> m.registerParameter("op", op));
        assertEquals("parameter 'op' must be a leaf tensor but was produced by relu; detach() it or create it directly", e.getMessage());
        Tensor base = Tensor.zeros(2, 2);
        Tensor view = Tensor.viewOf(base, "t", new int[] {2, 2}, new int[] {1, 2}, 0, g -> null);
        e = assertThrows(IllegalArgumentException.class, () -> m.registerParameter("v", view));
        assertTrue(e.getMessage().startsWith("parameter 'v' of shape [2, 2] must own dense row-major storage"), e.getMessage());
        Sequential outer = new Sequential();
        Sequential inner = new Sequential();
        outer.add(inner);
        e = assertThrows(IllegalArgumentException.class, () -> inner.add(outer));
        assertEquals("registering Sequential as '0' would make a cycle: it contains this module", e.getMessage());
        assertNotNull(m.toString());
    }

    @Test
    void toStringShowsTheTree() {
        Sequential s = new Sequential(new Linear(4, 3, new Rng(0)), Activation.relu());
        assertEquals("Sequential(\n  (0): Linear(in=4, out=3, bias=true)\n  (1): ReLU()\n)", s.toString());
    }

    @Test
    void inlinedPartsKeepFlatNamesAndStayInTheTree() {
        final class Ffn extends Module {
            final Linear linear1 = registerModule("linear1", new Linear(2, 3, new Rng(1)));
            final Tensor scale = registerParameter("scale", Tensor.ones(3));
        }
        final class Layer extends Module {
            final Ffn ffn = inline("feed_forward", new Ffn());
        }
        Layer layer = new Layer();
        assertEquals(List.of("scale", "linear1.weight", "linear1.bias"), List.copyOf(layer.stateDict().keySet()));
        assertEquals(List.of("", "linear1", "feed_forward"), List.copyOf(layer.namedModules().keySet()),
                "the part is listed under its name, its children once, under their flat names");
        assertSame(layer.ffn, layer.namedModules().get("feed_forward"));
        layer.eval();
        assertFalse(layer.ffn.isTraining(), "eval() reaches the inlined part");
        assertEquals(3, layer.parameters().size(), "parameters are enumerated once");

        final class Clash extends Module {
            Clash() {
                registerParameter("scale", Tensor.zeros(1));
                inline("feed_forward", new Ffn());
            }
        }
        assertEquals("'scale' is already registered in Clash",
                assertThrows(IllegalArgumentException.class, Clash::new).getMessage());
    }
}
