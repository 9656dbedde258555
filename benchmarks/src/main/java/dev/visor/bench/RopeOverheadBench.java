package dev.visor.bench;

import dev.visor.attention.MaskCompiler;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderLayer;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What rotary embeddings add to a decoder layer's forward (issue 13's bar: at most 5 %): one pre-norm
 * decoder layer (d_model 512, 8 heads × 64, FFN 2048) over {@code batch} sequences of {@code length}
 * tokens under {@code causal}, eval mode, no autograd, with the score spec {@code none} (plain
 * attention) or {@code rope} (q and k rotated once per call before the flash kernel). Both run in one
 * JMH invocation, so their ratio is measured under the same load.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar RopeOverheadBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class RopeOverheadBench {
    static final int D_MODEL = 512;
    static final int HEADS = 8;

    /** The layer, its input and its mask. */
    @State(Scope.Benchmark)
    public static class Layer {
        /** The decoder self-attention's score spec. */
        @Param({"none", "rope"})
        public String scores;

        /** Sequences per call. */
        @Param("2")
        public int batch;

        /** Tokens per sequence. */
        @Param("512")
        public int length;

        DecoderLayer layer;
        Tensor x;
        CompiledMask mask;

        /** Builds the layer from a one-layer decoder-only model. */
        @Setup(Level.Trial)
        public void setUp() {
            TransformerConfig cfg = TransformerConfig.small(64).toBuilder().dModel(D_MODEL).heads(HEADS).kvHeads(HEADS)
                    .dFF(4 * D_MODEL).dropout(0).attentionDropout(0).maxLength(length)
                    .normPlacement(TransformerConfig.NormPlacement.PRE).build()
                    .decoderOnly().toBuilder().decoderLayers(1).positional(TransformerConfig.Positional.NONE)
                    .score(AttentionSite.DECODER_SELF, scores).build();
            DecoderOnlyTransformer model = Transformers.decoderOnly(cfg);
            model.eval();
            layer = model.decoder().layers().get(0);
            x = Tensor.randn(new Rng(5), batch, length, D_MODEL);
            MaskContext ctx = MaskContext.builder(batch, HEADS, length, length).build();
            MaskCompiler masks = MaskCompiler.load();
            mask = masks.compile(masks.registry().create("causal", ctx), ctx);
        }
    }

    /** One decoder layer forward. */
    @Benchmark
    public Tensor decoderLayerForward(Layer l) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return l.layer.forward(l.x, null, l.mask, null);
        }
    }
}
