package dev.visor.bench;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.decode.DecodingSession;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-token decoding against the memory bound: greedy decoding with the KV cache on the
 * decoder-only base model (d_model 512, 8 heads, 6 layers, FFN 2048, vocabulary 8000), batch 1
 * ({@link #token}: microseconds per token), and a STREAM-style triad {@code a = b + s·c} over
 * arrays far larger than the caches ({@link #triad}: microseconds per pass, {@link #TRIAD_BYTES}
 * bytes moved as STREAM counts them). One token reads every weight once — {@link #weightBytes}
 * of them (all parameters but the input embedding table, of which one row is read) — so
 * {@code weightBytes / triad bandwidth} is the time a token cannot beat; {@link DecodeReport}
 * runs both in one go and prints the ratio (the bar: at most 1.25).
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar DecodeBench -p threads=2
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DecodeBench {
    /** Tokens decoded per invocation of {@link #token} (after the start token). */
    static final int TOKENS = 32;
    /** Floats per triad array: 3 × 64 MB, beyond any last-level cache the project's machines have. */
    static final int TRIAD_N = 1 << 24;
    /** Bytes a triad pass moves, as STREAM counts them: read b and c, write a. */
    static final long TRIAD_BYTES = 3L * Float.BYTES * TRIAD_N;
    static final int VOCAB = 8000;

    /** Kernel threads for both benchmarks. */
    @Param({"2"})
    public int threads;

    private DecoderOnlyTransformer model;
    private float[] a;
    private float[] b;
    private float[] c;

    /** The base-size decoder-only model in evaluation mode, and the triad's arrays. */
    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        model = model();
        a = new float[TRIAD_N];
        b = new float[TRIAD_N];
        c = new float[TRIAD_N];
        java.util.Arrays.fill(b, 1f);
        java.util.Arrays.fill(c, 2f);
    }

    /** The decoder-only base model: d_model 512, 8 heads, 6 layers, FFN 2048, no dropout, vocabulary {@value #VOCAB}. */
    static DecoderOnlyTransformer model() {
        TransformerConfig cfg = TransformerConfig.base(VOCAB, VOCAB).decoderOnly().toBuilder().dropout(0).build();
        DecoderOnlyTransformer m = Transformers.decoderOnly(cfg);
        m.eval();
        return m;
    }

    /** Bytes of the weights one token reads: every parameter but the input embedding table (one row of it). */
    static long weightBytes(DecoderOnlyTransformer m) {
        long floats = 0;
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            floats += e.getKey().equals("embed.weight") && p != m.generator().weight() ? p.size(1) : p.numel();
        }
        return floats * Float.BYTES;
    }

    /** Greedy decoding of {@value #TOKENS} tokens on the cache; the score is per token. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public int token() {
        DecodingSession s = model.startDecoding(1);
        int next = 1;
        for (int t = 0; t < TOKENS; t++) {
            next = argmax(s.step(new int[] {next})[0]);
        }
        return next;
    }

    /** One STREAM triad pass {@code a = b + 3·c}, split across the kernel threads. */
    @Benchmark
    public float[] triad() {
        triad(a, b, c, 3f);
        return a;
    }

    static void triad(float[] a, float[] b, float[] c, float s) {
        Parallel.forRange(a.length, 1 << 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                a[i] = b[i] + s * c[i];
            }
        });
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
