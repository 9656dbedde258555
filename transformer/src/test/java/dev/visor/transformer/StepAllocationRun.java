package dev.visor.transformer;

import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.decode.DecodingSession;
import java.lang.management.ManagementFactory;

/**
 * A child JVM of {@link StepBuffersDecodingTest}: greedy cached decoding of a small decoder-only model
 * on one thread; prints the fewest bytes the decoding thread allocated per step over three rounds of
 * 8 steady steps (past the KV cache's growth to 64 positions), then the activation bytes a step makes.
 */
public final class StepAllocationRun {
    private StepAllocationRun() {}

    /** Two layers whose FFN (d_ff 4096) makes 32 KB of activations each. */
    static TransformerConfig config() {
        return TransformerConfig.tiny(64).decoderOnly().toBuilder().dModel(128).heads(4).decoderLayers(2).dFF(4096)
                .dropout(0).seed(5).build();
    }

    public static void main(String[] args) {
        Parallel.setThreads(1);   // the products' splits allocate on whichever thread runs them: the caller alone
        DecoderOnlyTransformer lm = Transformers.decoderOnly(config());
        lm.eval();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        DecodingSession s = lm.startDecoding(1);
        int next = 1;
        for (int t = 0; t < 40; t++) {
            next = argmax(s.step(new int[] {next})[0]);
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = mx.getThreadAllocatedBytes(id);
            for (int t = 0; t < 8; t++) {
                next = argmax(s.step(new int[] {next})[0]);
            }
            best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / 8);
        }
        System.out.println(best);
        System.out.println(2L * (2 * 4096 + 9 * 128) * Float.BYTES);   // per layer: the FFN hidden twice, ~9 d_model-wide results
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
