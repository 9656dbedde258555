package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeBenchTest {

    /** A small decoder-only model of the base model's layout: 2 layers, d_model 32, FFN 64, vocabulary 50. */
    private static DecoderOnlyTransformer small(boolean tied) {
        TransformerConfig cfg = TransformerConfig.base(50, 50).decoderOnly().toBuilder()
                .dModel(32).heads(4).decoderLayers(2).dFF(64).dropout(0).tieWeights(tied).build();
        return Transformers.decoderOnly(cfg);
    }

    @Test
    void aTokensMatricesAreEachLayersFourProductsAndTheGenerator() {
        DecoderOnlyTransformer m = small(false);
        List<Tensor> mats = DecodeBench.tokenMatrices(m);
        int[][] shapes = mats.stream().map(Tensor::shape).toArray(int[][]::new);
        assertArrayEquals(new int[][] {{96, 32}, {32, 32}, {64, 32}, {32, 64}, {96, 32}, {32, 32}, {64, 32}, {32, 64}, {50, 32}},
                shapes);
        assertTrue(mats.get(mats.size() - 1) == m.generator().weight());
        // the products stream every weight a token reads but the biases and norms
        long rest = DecodeBench.weightBytes(m) - DecodeBench.matrixBytes(mats);
        assertTrue(rest > 0 && rest < DecodeBench.weightBytes(m) / 10, "bytes outside the matrices: " + rest);
    }

    @Test
    void leadBytesCountOnlyTheMatricesStoredAfterALead() {
        Tensor atZero = Tensor.zeros(4, 8);
        Tensor afterLead = Tensor.zeros(3, 8).narrow(0, 1, 2);   // offset 8
        assertEquals(0, DecodeBench.leadBytes(List.of(atZero)));
        assertEquals(2 * 8 * Float.BYTES, DecodeBench.leadBytes(List.of(atZero, afterLead)));
    }

    @Test
    void aTiedGeneratorIsCountedOnce() {
        DecoderOnlyTransformer m = small(true);
        List<Tensor> mats = DecodeBench.tokenMatrices(m);
        assertEquals(9, mats.size());
        assertEquals(1, mats.stream().filter(t -> t == m.generator().weight()).count());
    }

    @Test
    void theForksRunOnHugePagesOnLinuxOnlyAndAlwaysWithTheVectorModule() {
        assertEquals(List.of("--add-modules=jdk.incubator.vector", DecodeReport.HUGE_PAGES), DecodeReport.forkArguments(true, "Linux"));
        assertEquals(List.of("--add-modules=jdk.incubator.vector"), DecodeReport.forkArguments(false, "Linux"));
        assertEquals(List.of("--add-modules=jdk.incubator.vector"), DecodeReport.forkArguments(true, "Mac OS X"));
    }

    @Test
    void extraForkArgumentsFollowInOrderSplitAtWhitespace() {
        assertEquals(List.of("--add-modules=jdk.incubator.vector", DecodeReport.HUGE_PAGES, "-Dvisor.spinYieldEvery=1000000",
                "-Xmx2g"), DecodeReport.forkArguments(true, "Linux", "  -Dvisor.spinYieldEvery=1000000 \t -Xmx2g "));
        assertEquals(List.of("--add-modules=jdk.incubator.vector"), DecodeReport.forkArguments(false, "Linux", "   "));
    }

    @Test
    void aPreTouchedHeapComesAfterHugePagesAndBeforeTheExtraArguments() {
        List<String> expected = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", DecodeReport.HUGE_PAGES));
        expected.addAll(DecodeReport.PRE_TOUCH);
        expected.add("-Xmx2g");
        assertEquals(expected, DecodeReport.forkArguments(true, true, "Linux", "-Xmx2g"));
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"),
                DecodeReport.forkArguments(false, true, "Linux", ""));
    }

    @Test
    void onOffOptionsAreOnByDefaultAndRejectOtherValuesByName() {
        assertTrue(DecodeReport.flag(Map.of(), "pre-touch"));
        assertFalse(DecodeReport.flag(Map.of("pre-touch", "false"), "pre-touch"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DecodeReport.flag(Map.of("pre-touch", "no"), "pre-touch"));
        assertEquals("--pre-touch must be true or false but got 'no'", e.getMessage());
    }

    @Test
    void theHugePageModeIsTheBracketedChoice() {
        assertEquals("madvise", ReportSupport.hugePageMode("always [madvise] never\n"));
        assertEquals("always", ReportSupport.hugePageMode("[always] madvise never"));
        assertEquals("unknown", ReportSupport.hugePageMode("always madvise never"));
    }
}
