package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskShape;
import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PyTorch float {@code attn_mask}s with soft biases import as a mask plus an {@link AdditiveBias}
 * modifier, and attention under both equals {@code softmax(QKᵀ/√d + attn_mask) V} from PyTorch 1.13 for
 * 2-, 3- and 4-D masks (goldens from {@code src/test/python/gen_additive_mask_golden.py}).
 */
class AdditiveMaskGoldenTest {

    @Test
    void attentionUnderTheImportedMaskAndBiasEqualsTorch() {
        List<TorchGolden.Case> cases = TorchGolden.load("additive-mask-golden.txt");
        assertEquals(3, cases.size());
        for (TorchGolden.Case c : cases) {
            Tensor q = Tensor.wrap(c.floats("q"), c.shape("q"));
            Tensor k = Tensor.wrap(c.floats("k"), c.shape("k"));
            Tensor v = Tensor.wrap(c.floats("v"), c.shape("v"));
            TorchMasks.Additive a = TorchMasks.additiveAttnMask(c.floats("attn_mask"), c.shape("attn_mask"), c.integer("heads"));
            Tensor out = Attention.modified(q, k, v, sparsity(a.mask(), q, k), AttentionConfig.defaults(q.size(3)), a.bias(), null, 0);
            Fixtures.assertClose(c.name(), c.floats("out"), out.toArray(), 1e-5, 0);
        }
    }

    private static BlockSparsity sparsity(TensorMask mask, Tensor q, Tensor k) {
        MaskShape shape = new MaskShape(q.size(0), q.size(1), q.size(2), k.size(2), 0);
        return BlockSparsity.of(MaskCompiler.load().compile(mask, shape));
    }

    @Test
    void blockedEntriesBecomeTheMaskAndFiniteOnesTheBias() {
        float inf = Float.NEGATIVE_INFINITY;
        TorchMasks.Additive a = TorchMasks.additiveAttnMask(new float[] {0.5f, inf, -2f, 0f}, new int[] {2, 2}, 1);
        assertTrue(a.mask().attends(0, 0, 0, 0));
        assertFalse(a.mask().attends(0, 0, 0, 1));
        assertEquals(1.5f, a.bias().apply(1f, 0, 3, 0, 0, null, 0));     // heads broadcast
        assertEquals(1f, a.bias().apply(1f, 1, 0, 0, 1, null, 0));       // blocked: no bias (the mask excludes it)
        assertEquals(-1f, a.bias().apply(1f, 0, 0, 1, 0, null, 0));
        assertArrayEquals(new int[] {1, 1, 2, 2}, a.bias().shape());
        assertEquals(a.bias(), TorchMasks.additiveAttnMask(new float[] {0.5f, inf, -2f, 0f}, new int[] {2, 2}, 1).bias());
        assertTrue(a.bias().spec().startsWith("additive_bias(batch=1, heads=1, queries=2, keys=2, content="), a.bias().spec());
        assertEquals("attn_mask element 1 is Infinity; an additive mask holds finite biases and -inf (blocked)",
                assertThrows(IllegalArgumentException.class, () -> TorchMasks.additiveAttnMask(
                        new float[] {0, Float.POSITIVE_INFINITY}, new int[] {1, 2}, 1)).getMessage());
        assertEquals("the additive bias covers queries 0..1 and keys 0..1 but query 2, key 0 was asked for",
                assertThrows(IllegalArgumentException.class, () -> a.bias().apply(0, 0, 0, 2, 0, null, 0)).getMessage());
    }

    @Test
    void gradientsFlowThroughTheBiasedScores() {
        Rng rng = new Rng(3);
        Tensor bias = Tensor.randn(rng, 4, 6);
        TorchMasks.Additive a = TorchMasks.additiveAttnMask(bias.toArray(), new int[] {4, 6}, 2);
        Tensor k = Tensor.randn(rng, 1, 2, 6, 4);
        Tensor v = Tensor.randn(rng, 1, 2, 6, 4);
        GradCheck.check(xs -> Attention.modified(xs[0], k, v, sparsity(a.mask(), xs[0], k), AttentionConfig.defaults(4),
                a.bias(), null, 0), Tensor.randn(rng, 1, 2, 4, 4)).assertWithin(2e-2, 2e-3);
    }
}
