package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DecodeRestTest {

    @Test
    void theRestAndTheRatioComeFromEachRoundsOwnFigures() {
        // round by round: token − products = 100, 300, 200 µs; the bounds of 100 MB at 50, 100, 50 GB/s
        // are 2000, 1000, 2000 µs, so the ratios 1.1, 1.5, 1.05
        double[] token = {2200, 1500, 2100};
        double[] products = {2100, 1200, 1900};
        double[] triad = {50, 100, 50};
        String line = DecodeRest.line("X", 2, token, new double[] {2000, 1400, 2050}, products, triad, 100_000_000L);
        assertTrue(line.startsWith("X | 2 thread(s) | token 2100 (1500) µs | products 1900 (1200) µs"), line);
        assertTrue(line.contains("| rest 200 (100) µs |"), line);
        assertTrue(line.contains("decoding thread CPU 2000 µs per token"), line);
        assertTrue(line.contains("triad 50.0 (100.0) GB/s"), line);
        // the median of per-round ratios (1.10), not the median token over the best triad's bound (2.10)
        assertTrue(line.endsWith("token ÷ its round's bound 1.10 (1.05)"), line);
    }

    @Test
    void theReportKeepsDecodeRestsResultLinesOnly() {
        String out = "WARNING: Using incubator modules\n | 1 thread(s) | token 2074 (1974) µs\n"
                + " | steal 0.0 % of one vCPU over 20 s | load 1\n";
        assertEquals("- 1 thread(s) | token 2074 (1974) µs\n- steal 0.0 % of one vCPU over 20 s | load 1\n",
                DecodeReport.pairedLines(out));
    }

    @Test
    void theSerialPieceIsDeterministicWork() {
        float[] a = new float[512];
        float[] b = new float[512];
        Arrays.fill(a, 0.5f);
        Arrays.fill(b, 0.5f);
        assertTrue(DecodeRest.serialPiece(a) == DecodeRest.serialPiece(b));
        assertArrayEquals(a, b);
    }

    @Test
    void theStreamChecksTriadsComputeTheTriadOnEveryThreadCount() {
        int n = (1 << 18) * 3 + 5;   // chunks of 1 MB and a ragged tail
        float[] b = new float[n];
        float[] c = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = i % 7;
            c[i] = i % 5 - 2;
        }
        float[] want = new float[n];
        for (int i = 0; i < n; i++) {
            want[i] = b[i] + 3f * c[i];
        }
        int before = Parallel.threads();
        try {
            for (int t : new int[] {1, 2}) {
                Parallel.setThreads(t);
                float[] halves = new float[n];
                StreamCheck.timedTriad(halves, b, c, 3f, new long[2], new long[2]);
                assertArrayEquals(want, halves, t + " thread(s), halves");
                float[] chunked = new float[n];
                StreamCheck.triadChunked(chunked, b, c, 3f);
                assertArrayEquals(want, chunked, t + " thread(s), chunked");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
