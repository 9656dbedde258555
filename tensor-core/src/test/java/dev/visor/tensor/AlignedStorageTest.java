package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.io.SafeTensors;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Init;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Optimizer;
import dev.visor.tensor.optim.SGD;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights stored after the alignment lead ({@link Tensor#alignedZeros}): every consumer of
 * {@code storage()} a parameter meets must start at {@code offset()}. Each case runs the same values
 * once at offset 0 and once after a lead filled with NaN, and wants the same bits and an untouched
 * lead: a consumer that read from 0 would meet the NaNs, one that wrote from 0 would change them.
 */
class AlignedStorageTest {
    private static final int LEAD = StorageLayout.LEAD;

    /** {@code values} after a lead of NaN: a tensor that owns its storage at offset {@link #LEAD}. */
    private static Tensor leaded(float[] values, int... shape) {
        float[] s = new float[LEAD + values.length];
        Arrays.fill(s, 0, LEAD, Float.NaN);
        System.arraycopy(values, 0, s, LEAD, values.length);
        return new Tensor(s, shape.clone(), Shape.contiguousStrides(shape), LEAD, null);
    }

    private static void assertLeadUntouched(Tensor t) {
        for (int i = 0; i < t.offset(); i++) {
            assertTrue(Float.isNaN(t.storage()[i]), "the lead's element " + i + " was written: " + t.storage()[i]);
        }
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + "[" + i + "]: " + want[i] + " vs " + got[i]);
        }
    }

    private static float[] random(int n, long seed) {
        return Tensor.randn(new Rng(seed), n).toArray();
    }

    /** A module holding one parameter {@code w}. */
    private static final class Holder extends Module {
        final Tensor w;

        Holder(Tensor w) {
            this.w = registerParameter("w", w);
        }
    }

    @Test
    void theLeadPutsARegionAlignedArraysFirstElementOnACacheLine() {
        assertEquals(12, StorageLayout.lead(16));   // compressed class pointers, JDK 17–25
        assertEquals(13, StorageLayout.lead(12));   // compact object headers
        assertEquals(10, StorageLayout.lead(24));   // no compressed class pointers
        assertEquals(0, StorageLayout.lead(64));
        assertEquals(0, (StorageLayout.BASE + Float.BYTES * LEAD) % StorageLayout.LINE);
        assertTrue(LEAD > 0, "HotSpot's float[] base offset is a multiple of 4 below 64: " + StorageLayout.BASE);
    }

    @Test
    void alignedZerosOwnsItsStorageAtTheLeadItsSizeCalls() {
        for (int[] shape : new int[][] {{3}, {64, 64}, {1024, 1024}}) {
            Tensor t = Tensor.alignedZeros(shape);
            int n = Shape.numel(shape);
            assertEquals(StorageLayout.leadFor(n), t.offset(), Arrays.toString(shape));
            assertEquals(t.offset() + n, t.storage().length);
            assertTrue(t.ownsStorage());
            assertArrayEquals(new float[n], t.toArray());
        }
        Tensor big = Tensor.alignedZeros(1024, 1024);
        assertTrue(big.offset() == 0 || big.offset() == LEAD);
    }

    @Test
    void viewsAndTensorsAtOtherOffsetsDoNotOwnTheirStorage() {
        Tensor m = Tensor.zeros(4, 8);
        assertTrue(m.ownsStorage());
        assertFalse(m.narrow(0, 1, 3).ownsStorage());        // offset 8, a view of a larger storage
        assertFalse(m.narrow(0, 0, 2).ownsStorage());        // offset 0 but not all of the storage
        assertFalse(m.transpose(0, 1).ownsStorage());
        assertTrue(leaded(new float[6], 2, 3).ownsStorage());
        var e = assertThrows(IllegalArgumentException.class, () -> new Holder(m.narrow(0, 1, 3).detach()));
        assertTrue(e.getMessage().contains("has offset 8 in a storage of 32"), e.getMessage());
    }

    @Test
    void linearForwardAndBackwardReadTheWeightFromItsOffset() {
        int out = 40;
        int in = 48;
        float[] w = random(out * in, 1);
        float[] b = random(out, 2);
        for (int rows : new int[] {1, 5}) {   // the decode product and the GEMM
            float[] xv = random(rows * in, 3 + rows);
            Tensor[] plain = {Tensor.of(w, out, in).requiresGrad(true), Tensor.of(xv, rows, in).requiresGrad(true)};
            Tensor[] lead = {leaded(w, out, in).requiresGrad(true), Tensor.of(xv, rows, in).requiresGrad(true)};
            Tensor yPlain = Functional.linear(plain[1], plain[0], Tensor.of(b, out));
            Tensor yLead = Functional.linear(lead[1], lead[0], Tensor.of(b, out));
            assertBits(yPlain.toArray(), yLead.toArray(), "y, rows " + rows);
            yPlain.sum().backward();
            yLead.sum().backward();
            assertBits(plain[0].grad().toArray(), lead[0].grad().toArray(), "dW, rows " + rows);
            assertBits(plain[1].grad().toArray(), lead[1].grad().toArray(), "dx, rows " + rows);
            assertLeadUntouched(lead[0]);
        }
    }

    @Test
    void embeddingLooksUpAndScattersFromTheTablesOffset() {
        float[] table = random(10 * 16, 4);
        int[] ids = {3, 0, 9, 3, 5};
        Tensor plain = Tensor.of(table, 10, 16).requiresGrad(true);
        Tensor lead = leaded(table, 10, 16).requiresGrad(true);
        Tensor a = Functional.embedding(ids, new int[] {5}, plain, 5);
        Tensor c = Functional.embedding(ids, new int[] {5}, lead, 5);
        assertBits(a.toArray(), c.toArray(), "rows");
        a.mul(Tensor.of(random(80, 5), 5, 16)).sum().backward();
        c.mul(Tensor.of(random(80, 5), 5, 16)).sum().backward();
        assertBits(plain.grad().toArray(), lead.grad().toArray(), "dTable");
        assertLeadUntouched(lead);
    }

    @Test
    void optimizersUpdateFromTheParametersOffset() {
        float[] w = random(300, 6);
        float[] g = random(300, 7);
        List<java.util.function.Function<List<Tensor>, Optimizer>> makers = List.of(
                ps -> new AdamW(ps, AdamW.options(1e-2).withWeightDecay(0.1)),
                ps -> new SGD(ps, SGD.options(0.1).withMomentum(0.9).withWeightDecay(0.01)),
                ps -> new SGD(ps, SGD.options(0.1)));
        for (var make : makers) {
            Tensor plain = Tensor.of(w, 20, 15).requiresGrad(true);
            Tensor lead = leaded(w, 20, 15).requiresGrad(true);
            Optimizer a = make.apply(List.of(plain));
            Optimizer c = make.apply(List.of(lead));
            for (int step = 0; step < 3; step++) {
                plain.setGrad(Tensor.of(g, 20, 15));
                lead.setGrad(Tensor.of(g, 20, 15));
                a.step();
                c.step();
            }
            assertBits(plain.toArray(), lead.toArray(), a.getClass().getSimpleName());
            assertLeadUntouched(lead);
        }
    }

    @Test
    void initialisersDrawTheSameValuesIntoTheElementsAfterTheLead() {
        Tensor plain = Tensor.zeros(12, 10);
        Tensor lead = leaded(new float[120], 12, 10);
        Init.xavierUniform(plain, 1.0, new Rng(8));
        Init.xavierUniform(lead, 1.0, new Rng(8));
        assertBits(plain.toArray(), lead.toArray(), "xavier");
        Init.normal(plain, 0.5, 2.0, new Rng(9));
        Init.normal(lead, 0.5, 2.0, new Rng(9));
        assertBits(plain.toArray(), lead.toArray(), "normal");
        Init.constant(lead, 3f);
        assertBits(Tensor.full(3f, 12, 10).toArray(), lead.toArray(), "constant");
        assertLeadUntouched(lead);
    }

    @Test
    void aCheckpointRoundTripLoadsIntoTheElementsAfterTheLead(@TempDir Path dir) throws Exception {
        float[] w = random(7 * 9, 10);
        Holder saved = new Holder(leaded(w, 7, 9));
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, saved.stateDict());
        Map<String, Tensor> read = SafeTensors.read(file).tensors();
        assertBits(w, read.get("w").toArray(), "written");
        Holder loaded = new Holder(leaded(new float[7 * 9], 7, 9));
        assertTrue(loaded.loadStateDict(read, true).isExact());
        assertBits(w, loaded.w.toArray(), "loaded");
        assertLeadUntouched(loaded.w);
    }
}
