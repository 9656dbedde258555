package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Module;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.decode.Sampler;
import dev.visor.transformer.decode.SamplingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many threads decode one shared model that is in training mode, with dropout, as
 * {@code Transformers.create} and {@code Checkpoint.model()} leave it: every result must equal the
 * serial one and the model must still be in training mode afterwards. Decoding used to switch the
 * shared model to evaluation mode and back, so concurrent decodes raced on that flag.
 * {@code -Dvisor.decode.threads=8 -Dvisor.decode.perThread=200} runs the bar (default 4 × 12).
 */
class ConcurrentDecodingTest {
    private static final int THREADS = Integer.getInteger("visor.decode.threads", 4);
    private static final int PER_THREAD = Integer.getInteger("visor.decode.perThread", 12);
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int SOURCES = 16;

    private final EncoderDecoderTransformer model = Transformers.encoderDecoder(
            TransformerConfig.tiny(24).toBuilder().seed(11).dropout(0.3).build());
    private final List<TokenBatch> sources = sources();

    private static List<TokenBatch> sources() {
        Random random = new Random(5);
        List<TokenBatch> out = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            int[] row = new int[2 + random.nextInt(7)];
            for (int j = 0; j < row.length - 1; j++) row[j] = 3 + random.nextInt(21);
            row[row.length - 1] = EOS;
            out.add(TokenBatch.of(new int[][] {row}, 0));
        }
        return out;
    }

    /** Decode job {@code job}: cached greedy, uncached greedy or seeded sampling of one source. */
    private Hypothesis decode(int job) {
        TokenBatch src = sources.get(job % SOURCES);
        return switch (job % 3) {
            case 0 -> Greedy.decode(model.startDecoding(src), BOS, EOS, 10).get(0);
            case 1 -> Greedy.decode(model.startDecodingUncached(src), BOS, EOS, 10).get(0);
            default -> Sampler.decode(model.startDecoding(src), BOS, EOS, 10, SamplingOptions.of(job)).get(0);
        };
    }

    @Test
    void concurrentDecodesOfATrainingModeModelEqualTheSerialOnesAndLeaveTheModeAlone() throws Exception {
        assertTrue(model.isTraining());
        int jobs = 3 * SOURCES;
        List<Hypothesis> serial = new ArrayList<>();
        for (int j = 0; j < jobs; j++) serial.add(decode(j));

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        int job = (thread * 7 + i) % jobs;
                        Hypothesis h = decode(job);
                        Hypothesis expected = serial.get(job);
                        if (!java.util.Arrays.equals(expected.tokens(), h.tokens()) || expected.logProb() != h.logProb()) {
                            wrong.add("job " + job + " on thread " + thread);
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> f : results) wrong.addAll(f.get());
            assertEquals(List.of(), wrong, "decodes that differ from the serial result");
        } finally {
            pool.shutdownNow();
        }
        for (Module m : model.namedModules().values()) assertTrue(m.isTraining(), "a module left training mode");
        assertTrue(model.isTraining());
    }

    @Test
    void decodingBehavesAsEvaluationModeWhateverTheModelsMode() {
        List<Hypothesis> training = new ArrayList<>();
        for (int j = 0; j < 6; j++) training.add(decode(j));
        model.eval();
        for (int j = 0; j < 6; j++) {
            assertArrayEquals(decode(j).tokens(), training.get(j).tokens(), "job " + j);
            assertEquals(decode(j).logProb(), training.get(j).logProb(), "job " + j);
        }
        assertTrue(!model.isTraining(), "decoding left evaluation mode alone too");
    }

    @Test
    void evaluatingScopesSwitchOffDropoutOnThisThreadOnly() {
        TokenBatch src = sources.get(0);
        TokenBatch tgt = TokenBatch.of(new int[][] {{BOS, 5, 6}}, 0);
        try (GradMode.Scope g = GradMode.disable()) {
            Tensor a = model.forward(src, tgt);
            Tensor b = model.forward(src, tgt);
            assertNotEquals(java.util.Arrays.toString(a.toArray()), java.util.Arrays.toString(b.toArray()),
                    "dropout is active in training mode (else this test proves nothing)");
            try (GradMode.Scope e = Module.evaluating()) {
                assertTrue(model.isTraining(), "the mode itself is unchanged");
                assertTrue(!model.behavesAsTraining());
                assertArrayEquals(model.forward(src, tgt).toArray(), model.forward(src, tgt).toArray());
            }
            assertTrue(model.behavesAsTraining(), "closing the scope restores training behaviour");
        }
    }
}
