package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cached decoding step reuses its activation arrays (CachedSession's StepBuffers): the logits are
 * those of fresh arrays, bit for bit, whatever the reused arrays held before; what a step returns is
 * never overwritten by a later one; and a steady step allocates a small fraction of its activations.
 */
class StepBuffersDecodingTest {

    @Test
    void poisonedBuffersGiveTheSameLogitsAndReturnedLogitsStay() {
        DecoderOnlyTransformer lm = Transformers.decoderOnly(TransformerConfig.tiny(40).decoderOnly().toBuilder().seed(11).build());
        lm.eval();
        CachedSession clean = (CachedSession) lm.startDecoding(new int[][] {{1, 7, 9}, {1, 4, 4}});
        CachedSession poisoned = (CachedSession) lm.startDecoding(new int[][] {{1, 7, 9}, {1, 4, 4}});
        List<float[][]> kept = new ArrayList<>();
        List<float[][]> copies = new ArrayList<>();
        int[] next = {3, 5};
        for (int t = 0; t < 12; t++) {
            poisoned.buffers().fill(Float.NaN);       // an op reading a reused array's old contents would show
            float[][] a = clean.step(next);
            float[][] b = poisoned.step(next);       // interleaved on one thread: each session its own buffers
            for (int r = 0; r < a.length; r++) {
                assertArrayEquals(a[r], b[r], "step " + t + ", row " + r);
                for (float v : b[r]) {
                    assertFalse(Float.isNaN(v), "step " + t + ", row " + r);
                }
            }
            kept.add(a);
            copies.add(new float[][] {a[0].clone(), a[1].clone()});
            next = new int[] {argmax(a[0]), argmax(a[1])};
        }
        assertTrue(clean.buffers().size() > 0, "the steps used the buffers");
        for (int t = 0; t < kept.size(); t++) {
            assertArrayEquals(copies.get(t)[0], kept.get(t)[0], "step " + t + "'s logits, after later steps");
            assertArrayEquals(copies.get(t)[1], kept.get(t)[1], "step " + t + "'s logits, after later steps");
        }
    }

    @Test
    void encoderDecoderStepsOnPoisonedBuffersGiveTheSameLogits() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(CachedDecodingTest.config("causal & padding", "padding"));
        model.eval();
        CachedSession clean = (CachedSession) model.startDecoding(CachedDecodingTest.SRC);
        CachedSession poisoned = (CachedSession) model.startDecoding(CachedDecodingTest.SRC);
        int[] next = {1, 1, 1};
        for (int t = 0; t < 8; t++) {
            poisoned.buffers().fill(Float.NaN);
            float[][] a = clean.step(next);
            float[][] b = poisoned.step(next);
            for (int r = 0; r < a.length; r++) {
                assertArrayEquals(a[r], b[r], "step " + t + ", row " + r);
            }
            next = new int[] {argmax(a[0]), argmax(a[1]), argmax(a[2])};
        }
    }

    @Test
    void aSteadyStepAllocatesAFractionOfItsActivations() throws Exception {
        // child JVMs on the scalar kernels: interpreted Vector API code boxes its vectors, and the short
        // warm-up a test can afford leaves some of it interpreted
        long[] reuse = run(true);
        long[] fresh = run(false);
        assertTrue(reuse[0] < reuse[1] / 2, "a steady step allocated " + reuse[0] + " bytes; its activations alone are ~"
                + reuse[1] + " bytes");
        assertTrue(fresh[0] > reuse[1], "without the reuse (the control) a step allocated " + fresh[0]
                + " bytes, no more than its ~" + reuse[1] + " bytes of activations: the measure cannot tell");
    }

    private static long[] run(boolean reuse) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Dvisor.vector=false", "-Dvisor.stepBuffers=" + reuse,
                "-cp", System.getProperty("java.class.path"), StepAllocationRun.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, p.exitValue(), () -> "child (stepBuffers=" + reuse + ") failed:\n" + out);
        String[] lines = out.strip().split("\n");
        return new long[] {Long.parseLong(lines[lines.length - 2].strip()), Long.parseLong(lines[lines.length - 1].strip())};
    }

    private static int argmax(float[] x) {
        return StepAllocationRun.argmax(x);
    }
}
