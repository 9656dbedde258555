package dev.visor.bench;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.MatVec;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.decode.DecodingSession;
import java.util.ArrayList;
import java.util.List;
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
 * runs both in one go and prints the ratio (the bar: at most 1.25). {@link #matvec} runs a token's
 * matrix–vector products alone — one {@link MatVec} call per weight matrix of {@link #tokenMatrices},
 * on copies of the model's weights — so the report splits a token's time into the products (and
 * the bandwidth they stream at) and everything else.
 *
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar DecodeBench -p threads=2
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeReport
 * </pre>
 * Run alone, JMH forks without huge pages; add {@code -jvmArgsAppend -XX:+UseTransparentHugePages}
 * to match {@link DecodeReport}, which uses them on Linux.
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
    private float[][] weights;      // the storage of the token's weight matrices, row-major (n × k) from weightOffsets
    private int[] weightOffsets;    // where each matrix starts in its storage: the model's own layout (an alignment lead or 0)
    private int[][] weightShapes;   // (n, k) of each
    private float[] x;
    private float[] y;
    private float[] a;
    private float[] b;
    private float[] c;

    /** The base-size decoder-only model in evaluation mode, and the triad's arrays. */
    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        model = model();
        List<Tensor> mats = tokenMatrices(model);
        weights = new float[mats.size()][];
        weightOffsets = new int[mats.size()];
        weightShapes = new int[mats.size()][];
        int widest = 0;
        int longest = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = mats.get(i).storage();   // read where the model keeps them, not a copy at offset 0
            weightOffsets[i] = mats.get(i).offset();
            weightShapes[i] = mats.get(i).shape();
            longest = Math.max(longest, weightShapes[i][0]);
            widest = Math.max(widest, weightShapes[i][1]);
        }
        x = new float[widest];
        java.util.Arrays.fill(x, 0.5f);
        y = new float[longest];
        untilMatVecWarm(this::matvec);
        a = new float[TRIAD_N];
        b = new float[TRIAD_N];
        c = new float[TRIAD_N];
        java.util.Arrays.fill(b, 1f);
        java.util.Arrays.fill(c, 2f);
    }

    /** The model {@link #setUp} built (null before). */
    DecoderOnlyTransformer decoding() {
        return model;
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

    /**
     * The weight matrices one token multiplies a vector by, each read once: every 2-D parameter but
     * the input embedding table (the generator's weight when the two are tied). For the base model:
     * per layer the fused Q/K/V projection, the output projection and the two feed-forward weights,
     * then the generator.
     */
    static List<Tensor> tokenMatrices(DecoderOnlyTransformer m) {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            if (p.dim() == 2 && (!e.getKey().equals("embed.weight") || p == m.generator().weight())) {
                out.add(p);
            }
        }
        Tensor generator = m.generator().weight();
        if (out.stream().noneMatch(t -> t == generator)) {
            out.add(generator);
        }
        return out;
    }

    /** Bytes of {@code matrices}: what {@link #matvec} streams per token. */
    static long matrixBytes(List<Tensor> matrices) {
        long floats = 0;
        for (Tensor t : matrices) {
            floats += t.numel();
        }
        return floats * Float.BYTES;
    }

    /**
     * Runs {@code products} until C2 has compiled {@link MatVec}'s vector kernel, for at most 60 s:
     * until then the products run its scalar twin, ~100× slower, and a warm-up of a few seconds on a
     * loaded machine can end before that. Every harness that times {@code MatVec} waits here first.
     *
     * @param products a call of {@code MatVec} products
     */
    static void untilMatVecWarm(Runnable products) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!MatVec.warmedUp() && System.nanoTime() < deadline) {
            products.run();
        }
    }

    /**
     * Bytes of those of {@code matrices} stored after a lead ({@code offset() != 0}): for the model's
     * weights, what {@code Tensor.alignedZeros} put on a cache line in this JVM.
     */
    static long leadBytes(List<Tensor> matrices) {
        long floats = 0;
        for (Tensor t : matrices) {
            floats += t.offset() != 0 ? t.numel() : 0;
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

    /**
     * A token's matrix–vector products alone: {@code y = x Wᵀ} for every matrix of
     * {@link #tokenMatrices}, in model order, read in place from the model's storage (so at the
     * same addresses, and the same cache-line alignment, as the token reads them), on the kernel
     * threads inside {@link Parallel#hot()} as a decoding step runs them; the score is per token.
     * (Until decode8 they ran without the hot scope, so one late split made the kernel threads park
     * between splits for 100 ms and every product then paid a wake-up, 6–8 µs on average in one
     * JVM, against 0.3–0.6 µs inside a token: the products alone read slower than inside a token.)
     */
    @Benchmark
    public float[] matvec() {
        try (Parallel.Hot hot = Parallel.hot()) {    // as a decoding step runs them (CachedSession)
            for (int i = 0; i < weights.length; i++) {
                product(i);
            }
        }
        return y;
    }

    /** The number of weight matrices {@link #matvec} multiplies by. */
    int products() {
        return weights.length;
    }

    /** The {@code i}-th product of {@link #matvec} alone. */
    void product(int i) {
        int n = weightShapes[i][0];
        int k = weightShapes[i][1];
        MatVec.multiply(1, n, k, 1f, x, 0, k, weights[i], weightOffsets[i], k, 0f, y, 0, n);
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
