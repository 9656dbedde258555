package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PyTorch mask form imports to the mask PyTorch applies, element for element: boolean and
 * additive {@code attn_mask} of 2, 3 and 4 dimensions, {@code key_padding_mask} padded right, left or
 * anywhere (boolean and additive), and both together. PyTorch 1.13's per-head attention weights are
 * exactly 0 at blocked keys, so "attends" must equal "weight > 0"; and {@code MultiHeadAttention}
 * under the imported mask gives PyTorch's output, except that a row PyTorch blocks completely is NaN
 * there and zero attention (the output projection's bias) here. Goldens from
 * {@code src/test/python/gen_torch_masks_golden.py}.
 */
class TorchMasksGoldenTest {
    static final double TOL = 1e-5;

    static Stream<TorchGolden.Case> cases() {
        return TorchGolden.load("/dev/visor/attention/torch-masks-golden.txt").stream();
    }

    /** The imported mask of a case, as the importer's user would write it. */
    static TensorMask imported(TorchGolden.Case c, int batch, int lq, int lk, TorchMasks.Api api) {
        int heads = c.integer("heads");
        boolean additive = c.word("kind").equals("additive");
        TensorMask mask = null;
        if (c.has("attn_mask")) {
            float[] raw = c.floats("attn_mask");
            int[] shape = c.shape("attn_mask");
            if (additive) {
                mask = TorchMasks.attnMask(raw, shape, heads);
            } else {
                boolean[] bits = new boolean[raw.length];
                for (int i = 0; i < raw.length; i++) bits[i] = (raw[i] != 0) == (api == TorchMasks.Api.MULTIHEAD_ATTENTION);
                mask = TorchMasks.attnMask(bits, shape, heads, api);   // SDPA gets the negated mask, its polarity
            }
        }
        if (c.has("key_padding_mask")) {
            float[] raw = c.floats("key_padding_mask");
            TensorMask pad;
            if (additive) {
                pad = TorchMasks.keyPaddingMask(raw, batch, lk, lq);
            } else {
                boolean[] bits = new boolean[raw.length];
                for (int i = 0; i < raw.length; i++) bits[i] = raw[i] != 0;
                pad = TorchMasks.keyPaddingMask(bits, batch, lk, lq);
            }
            mask = mask == null ? pad : mask.and(pad);
        }
        return mask;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void importsTheMaskPyTorchApplies(TorchGolden.Case c) {
        int[] w = c.shape("weights");   // (batch, heads, L, S)
        float[] weights = c.floats("weights");
        for (TorchMasks.Api api : TorchMasks.Api.values()) {
            TensorMask mask = imported(c, w[0], w[2], w[3], api);
            for (int b = 0; b < w[0]; b++) {
                for (int h = 0; h < w[1]; h++) {
                    for (int q = 0; q < w[2]; q++) {
                        int row = ((b * w[1] + h) * w[2] + q) * w[3];
                        boolean blockedRow = Float.isNaN(weights[row]);
                        for (int k = 0; k < w[3]; k++) {
                            boolean torchAttends = !blockedRow && weights[row + k] > 0;
                            assertEquals(torchAttends, mask.attends(b, h, q, k), c.name() + " (" + api + "): batch " + b + ", head "
                                    + h + ", query " + q + ", key " + k);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void multiHeadAttentionUnderTheImportedMaskMatchesPyTorch(TorchGolden.Case c) {
        int heads = c.integer("heads");
        Tensor query = c.tensor("query");
        Tensor key = c.tensor("key");
        MultiHeadAttention mha = MultiHeadAttention.builder(query.size(2), heads).build(new Rng(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : c.tensorsUnder("param.")) state.put(name, c.tensor("param." + name));
        assertTrue(mha.loadStateDict(state, true).isExact());
        int[] w = c.shape("weights");
        TensorMask mask = imported(c, w[0], w[2], w[3], TorchMasks.Api.MULTIHEAD_ATTENTION);
        float[] out = mha.forward(query, key, key, mask).toArray();
        float[] expected = c.floats("output");
        float[] bias = state.get("out_proj.bias").toArray();
        int e = query.size(2);
        for (int r = 0; r < expected.length / e; r++) {
            if (Float.isNaN(expected[r * e])) {   // PyTorch blocked the whole row: Visor attends nothing, keeps the bias
                for (int i = 0; i < e; i++) expected[r * e + i] = bias[i];
            }
        }
        Fixtures.assertClose(c.name() + " output", expected, out, TOL, TOL);
        // the flash kernel (the forward above) and the reference kernel agree under the imported mask
        float[] reference = mha.forwardWithWeights(query, key, key,
                new MaskCompiler(dev.visor.mask.MaskRegistry.of(), new dev.visor.mask.CompiledMaskCache(4))
                        .compile(mask, new dev.visor.mask.MaskShape(w[0], heads, w[2], w[3], 0))).output().toArray();
        Fixtures.assertClose(c.name() + " reference", expected, reference, TOL, TOL);
    }

    @org.junit.jupiter.api.Test
    void everyFormOfTheIssueIsCovered() {
        assertEquals(16, cases().count());
        assertTrue(cases().anyMatch(c -> c.name().startsWith("bool4d")));
        assertTrue(cases().anyMatch(c -> c.name().equals("padding_left")));
        assertTrue(cases().anyMatch(c -> c.name().equals("bool2d_empty_row")));
    }
}
