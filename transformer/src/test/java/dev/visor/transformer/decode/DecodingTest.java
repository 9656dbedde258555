package dev.visor.transformer.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodingTest {
    static final int BOS = 1;
    static final int EOS = 2;

    /** Logits that are a fixed pseudo-random function of (source, prefix): a toy language model. */
    static float[] logits(int source, int[] prefix, int vocab, double eosBias) {
        long h = 1469598103934665603L ^ source;
        for (int t : prefix) {
            h = (h ^ t) * 1099511628211L;
        }
        float[] z = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            long x = (h ^ (i * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
            x ^= x >>> 31;
            z[i] = (float) ((x >>> 11) * 0x1.0p-53 * 4.0);
        }
        z[EOS] += (float) (eosBias * prefix.length);
        return z;
    }

    static final class CountingModel implements UncachedSession.PrefixModel {
        final int vocab;
        final double eosBias;
        final List<Integer> rowsPerStep = new ArrayList<>();

        CountingModel(int vocab, double eosBias) {
            this.vocab = vocab;
            this.eosBias = eosBias;
        }

        @Override
        public float[][] lastLogits(int[] sources, int[][] prefixes) {
            rowsPerStep.add(sources.length);
            float[][] out = new float[sources.length][];
            for (int r = 0; r < sources.length; r++) {
                assertEquals(BOS, prefixes[r][0], "every prefix starts with BOS");
                out[r] = logits(sources[r], prefixes[r], vocab, eosBias);
            }
            return out;
        }
    }

    static double[] logSoftmax(float[] z) {
        return LogSoftmax.of(z, 1.0);
    }

    @Test
    void greedyFollowsTheArgmaxChainAndDropsFinishedRows() {
        CountingModel model = new CountingModel(6, 0.6);
        List<Hypothesis> out = Greedy.decode(new UncachedSession(3, 6, model), BOS, EOS, 10);
        for (int s = 0; s < 3; s++) {
            List<Integer> prefix = new ArrayList<>(List.of(BOS));
            List<Integer> expected = new ArrayList<>();
            double logp = 0;
            for (int t = 0; t < 10; t++) {
                float[] z = logits(s, prefix.stream().mapToInt(Integer::intValue).toArray(), 6, 0.6);
                int best = LogSoftmax.argmax(z);
                logp += logSoftmax(z)[best];
                expected.add(best);
                prefix.add(best);
                if (best == EOS) {
                    break;
                }
            }
            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), out.get(s).tokens(), "row " + s);
            assertEquals(logp, out.get(s).logProb(), 1e-12);
        }
        for (int i = 1; i < model.rowsPerStep.size(); i++) {
            assertTrue(model.rowsPerStep.get(i) <= model.rowsPerStep.get(i - 1), "rows only shrink: " + model.rowsPerStep);
        }
    }

    /** The best-scoring complete sequence by exhaustive enumeration. */
    static Hypothesis exhaustive(int source, int vocab, double eosBias, int maxLength, BeamOptions opts) {
        Hypothesis[] best = new Hypothesis[1];
        enumerate(source, vocab, eosBias, maxLength, opts, new int[] {BOS}, 0.0, best);
        return best[0];
    }

    private static void enumerate(int source, int vocab, double eosBias, int maxLength, BeamOptions opts, int[] prefix,
                                  double logp, Hypothesis[] best) {
        double[] lp = logSoftmax(logits(source, prefix, vocab, eosBias));
        for (int tok = 0; tok < vocab; tok++) {
            int[] seq = Arrays.copyOf(prefix, prefix.length + 1);
            seq[prefix.length] = tok;
            double l = logp + lp[tok];
            int n = seq.length - 1;
            if (tok == EOS || n == maxLength) {
                Hypothesis h = new Hypothesis(Arrays.copyOfRange(seq, 1, seq.length), l, l / opts.penalty(n));
                if (best[0] == null || h.score() > best[0].score()) {
                    best[0] = h;
                }
            } else {
                enumerate(source, vocab, eosBias, maxLength, opts, seq, l, best);
            }
        }
    }

    @Test
    void wideBeamFindsTheExhaustiveOptimum() {
        for (double alpha : new double[] {0.0, 0.6, 2.0, -0.5}) {
            BeamOptions opts = BeamOptions.of(256, 4).withLengthPenalty(alpha).withEarlyStopping(false);
            List<Hypothesis> beam = BeamSearch.decode(new UncachedSession(3, 4, new CountingModel(4, 0.3)), BOS, EOS, opts);
            for (int s = 0; s < 3; s++) {
                Hypothesis expected = exhaustive(s, 4, 0.3, 4, opts);
                assertArrayEquals(expected.tokens(), beam.get(s).tokens(), "alpha " + alpha + ", row " + s);
                assertEquals(expected.score(), beam.get(s).score(), 1e-9);
            }
        }
    }

    @Test
    void narrowBeamWithoutEarlyStoppingNeverScoresBelowGreedy() {
        BeamOptions opts = BeamOptions.of(3, 8).withEarlyStopping(false);
        List<Hypothesis> beam = BeamSearch.decode(new UncachedSession(5, 7, new CountingModel(7, 0.2)), BOS, EOS, opts);
        List<Hypothesis> greedy = Greedy.decode(new UncachedSession(5, 7, new CountingModel(7, 0.2)), BOS, EOS, 8);
        for (int s = 0; s < 5; s++) {
            assertTrue(beam.get(s).score() >= greedy.get(s).score() - 1e-12, "row " + s);
        }
    }

    @Test
    void beamOfWidthOneIsGreedy() {
        List<Hypothesis> beam = BeamSearch.decode(new UncachedSession(4, 6, new CountingModel(6, 0.5)), BOS, EOS,
                BeamOptions.of(1, 12));
        List<Hypothesis> greedy = Greedy.decode(new UncachedSession(4, 6, new CountingModel(6, 0.5)), BOS, EOS, 12);
        for (int s = 0; s < 4; s++) {
            assertArrayEquals(greedy.get(s).tokens(), beam.get(s).tokens(), "row " + s);
            assertEquals(greedy.get(s).logProb(), beam.get(s).logProb(), 1e-12);
        }
    }

    @Test
    void nBestIsSortedAndFinishedHypothesesEndWithEos() {
        List<List<Hypothesis>> nbest = BeamSearch.decodeNBest(new UncachedSession(2, 5, new CountingModel(5, 0.8)), BOS, EOS,
                BeamOptions.of(3, 20));
        for (List<Hypothesis> row : nbest) {
            assertEquals(3, row.size());
            for (int i = 1; i < row.size(); i++) {
                assertTrue(row.get(i - 1).score() >= row.get(i).score());
            }
            for (Hypothesis h : row) {
                assertEquals(EOS, h.tokens()[h.length() - 1], h.toString());
            }
        }
    }

    @Test
    void beamsStopAtTheLengthLimitWithLiveBeams() {
        List<List<Hypothesis>> nbest = BeamSearch.decodeNBest(new UncachedSession(1, 5, new CountingModel(5, -50)), BOS, EOS,
                BeamOptions.of(2, 3));
        assertEquals(2, nbest.get(0).size());
        for (Hypothesis h : nbest.get(0)) {
            assertEquals(3, h.length(), "EOS is never chosen, so every hypothesis is cut at 3 tokens");
        }
    }

    @Test
    void topKAndTopPRestrictTheDistribution() {
        float[] z = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        assertArrayEquals(new double[] {0.5, 0.3, 0.15, 0.05}, Sampler.distribution(z, SamplingOptions.of(0)), 1e-6);
        assertArrayEquals(new double[] {0.625, 0.375, 0, 0}, Sampler.distribution(z, SamplingOptions.of(0).withTopK(2)), 1e-6);
        // nucleus: 0.5 < 0.7, 0.5 + 0.3 >= 0.7 → keep two tokens
        assertArrayEquals(new double[] {0.625, 0.375, 0, 0}, Sampler.distribution(z, SamplingOptions.of(0).withTopP(0.7)), 1e-6);
        assertArrayEquals(new double[] {1, 0, 0, 0}, Sampler.distribution(z, SamplingOptions.of(0).withTopP(0.5)), 1e-6);
        double[] hot = Sampler.distribution(z, SamplingOptions.of(0).withTemperature(2.0));
        double norm = Math.sqrt(0.5) + Math.sqrt(0.3) + Math.sqrt(0.15) + Math.sqrt(0.05);
        assertEquals(Math.sqrt(0.5) / norm, hot[0], 1e-6);
        double[] cold = Sampler.distribution(z, SamplingOptions.of(0).withTemperature(0.01));
        assertEquals(1.0, cold[0], 1e-9);
    }

    @Test
    void samplingFrequenciesFollowTheDistributionAndSeedsReproduce() {
        int vocab = 4;
        int rows = 4000;
        UncachedSession.PrefixModel model = (sources, prefixes) -> {
            float[][] out = new float[sources.length][];
            for (int r = 0; r < sources.length; r++) {
                out[r] = new float[] {(float) Math.log(0.1), (float) Math.log(0.2), (float) Math.log(0.3), (float) Math.log(0.4)};
            }
            return out;
        };
        List<Hypothesis> a = Sampler.decode(new UncachedSession(rows, vocab, model), BOS, EOS, 1, SamplingOptions.of(11));
        int[] counts = new int[vocab];
        for (Hypothesis h : a) {
            counts[h.tokens()[0]]++;
        }
        double[] p = {0.1, 0.2, 0.3, 0.4};
        for (int i = 0; i < vocab; i++) {
            double sd = Math.sqrt(rows * p[i] * (1 - p[i]));
            assertEquals(rows * p[i], counts[i], 5 * sd, "token " + i + " counts " + Arrays.toString(counts));
        }
        List<Hypothesis> b = Sampler.decode(new UncachedSession(rows, vocab, model), BOS, EOS, 1, SamplingOptions.of(11));
        assertEquals(a, b);
        List<Hypothesis> c = Sampler.decode(new UncachedSession(rows, vocab, model), BOS, EOS, 1, SamplingOptions.of(12));
        assertTrue(!a.equals(c));
        List<Hypothesis> k1 = Sampler.decode(new UncachedSession(50, vocab, model), BOS, EOS, 3, SamplingOptions.of(1).withTopK(1));
        for (Hypothesis h : k1) {
            assertArrayEquals(new int[] {3, 3, 3}, h.tokens(), "top-1 sampling is greedy");
        }
    }

    @Test
    void decodingContinuesAPrimedSession() {
        // priming with BOS then continuing from token 4 equals decoding the prefix [BOS, 4]
        UncachedSession primed = new UncachedSession(2, 6, new CountingModel(6, 0.4));
        primed.step(new int[] {BOS, BOS});
        List<Hypothesis> continued = Greedy.decode(primed, new int[] {4, 5}, EOS, 6);
        for (int s = 0; s < 2; s++) {
            List<Integer> prefix = new ArrayList<>(List.of(BOS, 4 + s));
            List<Integer> expected = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int best = LogSoftmax.argmax(logits(s, prefix.stream().mapToInt(Integer::intValue).toArray(), 6, 0.4));
                expected.add(best);
                prefix.add(best);
                if (best == EOS) {
                    break;
                }
            }
            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), continued.get(s).tokens());
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertEquals("temperature must be finite and > 0 but got 0.0",
                assertThrows(IllegalArgumentException.class, () -> SamplingOptions.of(0).withTemperature(0)).getMessage());
        assertEquals("topP must be in (0, 1] (1 disables it) but got 1.5",
                assertThrows(IllegalArgumentException.class, () -> SamplingOptions.of(0).withTopP(1.5)).getMessage());
        assertEquals("beam width must be >= 1 but got 0",
                assertThrows(IllegalArgumentException.class, () -> BeamOptions.of(0, 5)).getMessage());
        UncachedSession s = new UncachedSession(2, 5, new CountingModel(5, 0));
        assertEquals("1 first tokens given for 2 rows",
                assertThrows(IllegalArgumentException.class, () -> Greedy.decode(s, new int[] {BOS}, EOS, 3)).getMessage());
        s.step(new int[] {BOS, BOS});
        assertEquals("step got 1 tokens for 2 rows",
                assertThrows(IllegalArgumentException.class, () -> s.step(new int[] {1})).getMessage());
        assertEquals("select index 2 at 1 is outside the 2 rows",
                assertThrows(IllegalArgumentException.class, () -> s.select(new int[] {0, 2})).getMessage());
        assertEquals("eos=9 is outside the vocabulary [0, 5)", assertThrows(IllegalArgumentException.class,
                () -> Greedy.decode(new UncachedSession(1, 5, new CountingModel(5, 0)), BOS, 9, 3)).getMessage());
    }
}
