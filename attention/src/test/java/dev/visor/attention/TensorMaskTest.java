package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskVerification;
import dev.visor.mask.builtin.CausalMask;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A boolean mask held as data: exact O(1) block classes from one scan, broadcasting, and the kernels. */
class TensorMaskTest {

    /** A (b, h, lq, lk) pattern with whole empty and full regions as well as noise, so every block class occurs. */
    static boolean[] pattern(int b, int h, int lq, int lk, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] a = new boolean[b * h * lq * lk];
        for (int s = 0; s < b * h; s++) {
            for (int q = 0; q < lq; q++) {
                for (int k = 0; k < lk; k++) {
                    int region = (q / 40 + k / 40 + s) % 3;
                    a[(s * lq + q) * lk + k] = region == 0 || (region == 1 && r.nextInt(3) == 0);
                }
            }
        }
        return a;
    }

    static BlockClass enumerate(TensorMask m, int b, int h, int q0, int q1, int k0, int k1) {
        boolean any = false;
        boolean all = true;
        for (int q = q0; q < q1; q++) {
            for (int k = k0; k < k1; k++) {
                boolean a = m.attends(b, h, q, k);
                any |= a;
                all &= a;
            }
        }
        return BlockClass.of(any, all);
    }

    @Test
    void classifyIsExactOnEveryBlockItIsAsked() {
        TensorMask m = TensorMask.of(2, 3, 90, 70, pattern(2, 3, 90, 70, 1)).atOffset(5);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 3000; i++) {
            int b = r.nextInt(2);
            int h = r.nextInt(3);
            int q0 = 5 + r.nextInt(90);
            int q1 = q0 + 1 + r.nextInt(95 - q0);
            int k0 = r.nextInt(70);
            int k1 = k0 + 1 + r.nextInt(70 - k0);
            assertEquals(enumerate(m, b, h, q0, q1, k0, k1), m.classify(b, h, q0, q1, k0, k1),
                    "block " + b + "," + h + " [" + q0 + "," + q1 + ")×[" + k0 + "," + k1 + ")");
        }
    }

    @Test
    void compilesToTheExactBlockClassesAndPassesFullVerification() {
        TensorMask m = TensorMask.of(2, 2, 150, 130, pattern(2, 2, 150, 130, 3));
        CompiledMask cm = CompiledMask.compile(m, new MaskShape(2, 2, 150, 130, 0), 32, 32, MaskVerification.FULL);
        long[] seen = new long[3];
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 2; h++) {
                for (int qb = 0; qb < cm.queryBlocks(); qb++) {
                    for (int kb = 0; kb < cm.keyBlocks(); kb++) {
                        BlockClass c = cm.blockClass(cm.slice(b, h), qb, kb);
                        assertEquals(enumerate(m, b, h, cm.queryFrom(qb), cm.queryTo(qb), cm.keyFrom(kb), cm.keyTo(kb)), c);
                        seen[c.ordinal()]++;
                    }
                }
            }
        }
        assertTrue(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "every class occurs");
    }

    @Test
    void theFlashKernelAgreesWithTheReferenceUnderAnyPattern() {
        int batch = 2;
        int n = 150;
        Rng rng = new Rng(5);
        MultiHeadAttention mha = MultiHeadAttention.builder(16, 2).build(rng);
        Tensor x = Tensor.randn(rng, batch, n, 16);
        TensorMask m = TensorMask.of(batch, 2, n, n, pattern(batch, 2, n, n, 7));
        float[] flash = mha.forward(x, x, x, m).toArray();
        MaskCompiler compiler = new MaskCompiler(dev.visor.mask.MaskRegistry.of(), new dev.visor.mask.CompiledMaskCache(2));
        float[] reference = mha.forwardWithWeights(x, x, x, compiler.compile(m, new MaskShape(batch, 2, n, n, 0))).output().toArray();
        Fixtures.assertClose("flash vs reference", reference, flash, 1e-4, 1e-4);
        // a composite with a closed-form mask works like any mask
        float[] both = mha.forward(x, x, x, CausalMask.INSTANCE.and(m)).toArray();
        float[] bothRef = mha.forwardWithWeights(x, x, x, compiler.compile(CausalMask.INSTANCE.and(m), new MaskShape(batch, 2, n, n, 0)))
                .output().toArray();
        Fixtures.assertClose("causal & tensor", bothRef, both, 1e-4, 1e-4);
    }

    @Test
    void broadcastsOverBatchAndHeads() {
        boolean[][] twoD = {{true, false, true}, {false, true, true}};
        TensorMask shared = TensorMask.of(twoD);
        assertFalse(shared.dependsOnBatch() || shared.dependsOnHead());
        assertTrue(shared.attends(7, 3, 1, 2));
        shared.checkShape(new MaskShape(4, 8, 2, 3, 0));
        TensorMask perBatch = TensorMask.of(new boolean[][][] {twoD, {{false, false, true}, {true, true, true}}});
        assertTrue(perBatch.dependsOnBatch() && !perBatch.dependsOnHead());
        TensorMask both = shared.and(perBatch);
        assertEquals(java.util.List.of(2, 1, 2, 3), java.util.Arrays.stream(both.shape()).boxed().toList());
        assertFalse(both.attends(1, 0, 0, 0));
        assertTrue(both.attends(1, 0, 0, 2));
        assertEquals(TensorMask.of(twoD), shared);
        assertEquals(TensorMask.of(twoD).hashCode(), shared.hashCode());
        assertNotEquals(shared, shared.atOffset(1));
        assertEquals(shared, TensorMask.of(Tensor.of(new float[] {1, 0, 1, 0, 1, 1}, 2, 3)));
    }

    @Test
    void badShapesAreClearErrors() {
        TensorMask perBatch = TensorMask.of(2, 1, 2, 3, new boolean[12]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> perBatch.checkShape(new MaskShape(3, 1, 2, 3, 0)));
        assertEquals("a (2, 1, 2, 3) tensor mask cannot serve " + new MaskShape(3, 1, 2, 3, 0), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorMask.of(2, 1, 2, 3, new boolean[11]));
        assertEquals("a (2, 1, 2, 3) mask needs 12 values but got 11", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TensorMask.of(new boolean[][] {{true, true}, {true}}));
        assertEquals("ragged mask: keys of sequence 0, head 0, query 1 has 1 entries but 2 were expected", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TorchMasks.attnMask(new float[] {0, -1e9f}, new int[] {1, 2}, 1));
        assertEquals("attn_mask element 1 is -1.0E9: an additive bias, not a mask; only 0 (attend) and -inf (blocked) convert",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TorchMasks.attnMask(new boolean[6], new int[] {3, 1, 2}, 2, TorchMasks.Api.MULTIHEAD_ATTENTION));
        assertEquals("a 3-D attn_mask is (batch·heads, L, S) but its first dimension 3 is not a multiple of heads=2", e.getMessage());
    }

    @Test
    void offsetCausalAndSlidingWindowPatternsImportThatTheOldConverterRefused() {
        // torch.triu(ones(3, 5), diagonal=3): three queries at absolute positions 2..4 over five keys
        boolean[][] blocked = new boolean[3][5];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) blocked[i][j] = j > i + 2;
        assertThrows(IllegalArgumentException.class, () -> TorchMasks.spec(blocked));
        TensorMask m = TorchMasks.attnMask(blocked);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) assertEquals(j <= i + 2, m.attends(0, 0, i, j));
    }
}
