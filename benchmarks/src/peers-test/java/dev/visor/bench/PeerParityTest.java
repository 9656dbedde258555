package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The peer benchmarks compare like with like: on the benchmarks' own set-up code, every library
 * computes the same result from the same inputs and runs on the thread count asked for.
 */
class PeerParityTest {

    @ParameterizedTest
    @CsvSource({"a_37x29x23_NN, 1", "b_37x29x23_NT, 2", "c_37x29x23_TN, 1", "d_37x29x23_TT, 2", "e_3x19x17x13_NT, 2",
        "f_3x19x17x13_TN, 1", "sq128, 2"})
    void everyLibraryComputesTheSameProduct(String shape, int threads) {
        for (PeerParity.Library library : PeerParity.Library.values()) {
            double error = PeerParity.matmul(shape, threads, library);
            assertTrue(error < 1e-5, library + " " + shape + ": relative error " + error);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "causal", "sliding_window(left=127)", "sliding_window(left=40)"})
    void visorAndDjlAttendTheSamePairs(String mask) {
        double diff = PeerParity.attention(mask, 320, 2);
        assertTrue(diff < 1e-4, mask + ": Visor and DJL differ by " + diff);
    }

    @Test
    void theDjlEncoderLayerComputesVisorsLayerFromTheSameWeights() {
        double diff = PeerParity.layer(2, true);
        assertTrue(diff < 1e-3, "Visor and DJL encoder layers differ by " + diff);
    }

    @Test
    void theAdditiveMaskIsZeroWhereTheMaskAttendsAndMinusInfinityElsewhere() {
        var mask = AttentionBench.compile("sliding_window(left=2)", 64).mask();
        try (NDManager m = Peers.djl(1)) {
            float[] bias = DjlAttention.additiveMask(m, mask, 6, 6).toFloatArray();
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    boolean attends = j <= i && j >= i - 2;
                    assertEquals(attends ? 0f : Float.NEGATIVE_INFINITY, bias[i * 6 + j], "(" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void aBatchDependentMaskIsRefusedWithAClearMessage() {
        MaskContext ctx = MaskContext.builder(2, 1, 4, 4).validLengths(4, 2).build();
        var padding = MaskRegistry.load().create("padding", ctx);
        try (NDManager m = Peers.djl(1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> DjlAttention.additiveMask(m, padding, 4, 4));
            assertTrue(e.getMessage().contains("depends on the batch or head"), e.getMessage());
        }
    }

    @Test
    void aMissingVisorParameterIsNamed() {
        try (NDManager m = Peers.djl(1)) {
            DjlEncoderLayer block = new DjlEncoderLayer(8, 2, 16);
            block.initialize(m, DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3, 8));
            Map<String, Tensor> none = new HashMap<>();
            var e = assertThrows(IllegalArgumentException.class, () -> block.copyFrom(none));
            assertTrue(e.getMessage().contains("self_attn.in_proj_weight"), e.getMessage());
        }
    }

    @Test
    void threadCountsAreAppliedAndChecked() {
        try (NDManager ignored = Peers.djl(1)) {
            assertEquals(1, JniUtils.getNumThreads());
        }
        try (NDManager ignored = Peers.djl(2)) {
            assertEquals(2, JniUtils.getNumThreads());
        }
        int before = Parallel.threads();
        Peers.visorThreads(1);
        assertEquals(1, Parallel.threads());
        Peers.visorThreads(before);
    }
}
