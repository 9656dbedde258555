package dev.visor.bench;

import dev.visor.attention.MaskCompiler;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.CompiledMaskCache;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.SiteInputs;
import dev.visor.transformer.SiteMasks;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What masks cost a decoder forward: a 6-layer decoder-only model (d_model 256, 4 heads, FFN 1024) on
 * 8 sequences of 256 tokens (valid lengths 256, 240, ..., 144; {@code causal & padding}) next to the
 * mask work the decoder does for that forward — building the context, creating the mask and taking
 * its compiled block layout once for all six layers ({@link SiteMasks#compile}):
 * <ul>
 *   <li>{@link #decoderForward}: the whole forward in evaluation mode without autograd;</li>
 *   <li>{@link #maskLookup}: the mask path with the compiled mask cached (the same batch again);</li>
 *   <li>{@link #maskCompile}: the mask path compiling from scratch (every batch of a training run has
 *       other valid lengths, so other mask content: this is the per-step cost).</li>
 * </ul>
 * The bar: {@code maskCompile / decoderForward ≤ 1 %}.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MaskOverheadBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class MaskOverheadBench {
    static final int BATCH = 8;
    static final int LENGTH = 256;
    static final int LAYERS = 6;
    static final int HEADS = 4;
    static final String SPEC = "causal & padding";

    /** The model, the batch and the decoder's mask path. */
    @State(Scope.Benchmark)
    public static class Decoder {
        DecoderOnlyTransformer model;
        TokenBatch tokens;
        CompiledMaskCache cache;
        SiteMasks masks;

        @Setup(Level.Trial)
        public void setUp() {
            TransformerConfig cfg = TransformerConfig.small(512).toBuilder().dModel(256).heads(HEADS).dFF(1024).dropout(0)
                    .maxLength(LENGTH).build().decoderOnly().toBuilder().decoderLayers(LAYERS).build();
            model = Transformers.decoderOnly(cfg);
            model.eval();
            Rng rng = new Rng(3);
            int[][] rows = new int[BATCH][];
            for (int b = 0; b < BATCH; b++) {
                rows[b] = new int[LENGTH - 16 * b];
                for (int i = 0; i < rows[b].length; i++) rows[b][i] = 3 + rng.nextInt(509);
            }
            tokens = TokenBatch.of(rows, 0);
            cache = new CompiledMaskCache(64);
            masks = SiteMasks.of(new MaskCompiler(MaskRegistry.load(), cache), Collections.nCopies(LAYERS, SPEC));
        }
    }

    /** The whole forward. */
    @Benchmark
    public Tensor decoderForward(Decoder d) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return d.model.forward(d.tokens);
        }
    }

    /** The decoder's mask path, served from the cache. */
    @Benchmark
    public CompiledMask[] maskLookup(Decoder d) {
        MaskContext ctx = SiteInputs.self(d.tokens).context(BATCH, HEADS, LENGTH, LENGTH, 0);
        return d.masks.compile(ctx);
    }

    /** The decoder's mask path, compiling (the cache emptied first). */
    @Benchmark
    public CompiledMask[] maskCompile(Decoder d) {
        d.cache.clear();
        MaskContext ctx = SiteInputs.self(d.tokens).context(BATCH, HEADS, LENGTH, LENGTH, 0);
        return d.masks.compile(ctx);
    }
}
