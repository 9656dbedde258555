package dev.visor.bench;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.MatVec;
import dev.visor.tensor.kernel.Parallel;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How much the decode products' speed depends on where the rows of W sit in memory: a token's
 * matrix–vector products of the decoder-only base model ({@link DecodeBench#tokenMatrices}: per layer
 * 1536×512, 512×512, 2048×512 and 512×2048, six layers, then the 8000×512 generator: 92 MB, from
 * DRAM), their shapes taken from the model and random values laid back to back in one
 * array, run from each of the 16 start offsets of a 64-byte cache line ({@code W} at float index
 * {@code off}, every row then at the same offset within its lines), one thread, per-thread CPU
 * time, rounds alternating over the offsets. Prints each offset's median GB/s and the best against
 * the worst. Nothing about the kernel changes between offsets: only the addresses.
 *
 * <p>On HotSpot a float array's data begins 16 bytes after the object's start and an array of a
 * megabyte or more starts at a G1 region boundary, so offset 12 (48 bytes) is where rows start on a
 * cache line; at any other offset every 64-byte vector load of the 512-bit kernel straddles two
 * lines. See benchmarks/JOURNAL.md, "Decoding's rest of the token and the rows' alignment".
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -cp benchmarks/target/benchmarks.jar dev.visor.bench.MatVecAlignCpu [ROUNDS]
 * </pre>
 */
public final class MatVecAlignCpu {
    /** Start offsets tried, in floats: one 64-byte cache line. */
    static final int OFFSETS = 16;

    private MatVecAlignCpu() {}

    /** Runs the rounds (default 7) and prints one line per offset and a summary line. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        String loadBefore = ReportSupport.loadAverage();
        Parallel.setThreads(1);
        int[][] shapes = shapes(DecodeBench.tokenMatrices(DecodeBench.model()));   // what DecodeBench streams per token
        long floats = 0;
        for (int[] s : shapes) {
            floats += (long) s[0] * s[1];
        }
        float[] w = new float[Math.toIntExact(floats + OFFSETS)];
        Random rng = new Random(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        float[] x = new float[2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] y = new float[DecodeBench.VOCAB];
        Runnable[] ops = new Runnable[OFFSETS];
        for (int o = 0; o < OFFSETS; o++) {
            int off = o;
            ops[o] = () -> products(shapes, w, off, x, y);
        }
        DecodeBench.untilMatVecWarm(ops[0]);
        int[] calls = new int[OFFSETS];
        java.util.Arrays.fill(calls, 2);
        double[][] micros = DecodeCpu.measure(ops, calls, rounds);
        double[] med = new double[OFFSETS];
        for (int o = 0; o < OFFSETS; o++) {
            med[o] = DecodeCpu.median(micros[o]);
        }
        System.out.print(table(med, floats * Float.BYTES));
        System.out.println("load " + loadBefore + " → " + ReportSupport.loadAverage());
    }

    /** The (rows, columns) of each matrix, in order. */
    static int[][] shapes(List<Tensor> matrices) {
        int[][] s = new int[matrices.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = new int[] {matrices.get(i).size(0), matrices.get(i).size(1)};
        }
        return s;
    }

    /** {@code y = x Wᵀ} for each matrix of {@code shapes}, the first at {@code w[off]}, the rest back to back. */
    static void products(int[][] shapes, float[] w, int off, float[] x, float[] y) {
        int at = off;
        for (int[] s : shapes) {
            MatVec.multiply(1, s[0], s[1], 1f, x, 0, s[1], w, at, s[1], 0f, y, 0, s[0]);
            at += s[0] * s[1];
        }
    }

    /** One line per offset (µs per pass and GB/s), then the fastest and slowest offsets and their ratio. */
    static String table(double[] micros, long bytes) {
        StringBuilder out = new StringBuilder();
        int best = 0;
        int worst = 0;
        for (int o = 0; o < micros.length; o++) {
            out.append(String.format(Locale.ROOT, "offset %2d floats (%2d bytes): %7.0f us %5.1f GB/s%n", o, 4 * o, micros[o],
                    bytes / micros[o] / 1e3));
            best = micros[o] < micros[best] ? o : best;
            worst = micros[o] > micros[worst] ? o : worst;
        }
        out.append(String.format(Locale.ROOT, "fastest offset %d (%.1f GB/s), slowest %d (%.1f GB/s): %.2f×%n", best,
                bytes / micros[best] / 1e3, worst, bytes / micros[worst] / 1e3, micros[worst] / micros[best]));
        return out.toString();
    }
}
