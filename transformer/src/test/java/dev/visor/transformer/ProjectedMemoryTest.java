package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.attention.KvCache;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.decode.BeamOptions;
import dev.visor.transformer.decode.BeamSearch;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.inject.TransformerModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cached decoding projects the encoder memory once per source: counted on every source attention. */
class ProjectedMemoryTest {
    static final TransformerConfig CFG = CachedDecodingTest.config("causal & padding", "padding");

    /** Counts what a source attention does: projections of the memory, and calls that take the raw memory. */
    static final class Counting extends AttentionLayer {
        final MultiHeadAttentionLayer inner;
        int projections;
        int rawMemoryCalls;
        int projectedCalls;

        Counting(MultiHeadAttentionLayer inner) {
            this.inner = inline("inner", inner);
        }

        @Override
        public Tensor forward(Tensor query, Tensor keyValue, CompiledMask mask) {
            rawMemoryCalls++;
            return inner.forward(query, keyValue, mask);
        }

        @Override
        public Tensor forward(Tensor x, KvCache cache, CompiledMask mask) {
            return inner.forward(x, cache, mask);
        }

        @Override
        public MultiHeadAttention.KeysValues projectMemory(Tensor memory) {
            projections++;
            return inner.projectMemory(memory);
        }

        @Override
        public Tensor forward(Tensor query, MultiHeadAttention.KeysValues memory, CompiledMask mask) {
            projectedCalls++;
            return inner.forward(query, memory, mask);
        }

        @Override
        public KvCache newCache(int batch) {
            return inner.newCache(batch);
        }

        @Override
        public int heads() {
            return inner.heads();
        }
    }

    private static EncoderDecoderTransformer countingModel(List<Counting> sources) {
        AttentionFactory plain = AttentionFactory.multiHead(AttentionKernel.FLASH);
        AttentionFactory counting = (cfg, site, layer, rng) -> {
            MultiHeadAttentionLayer mha = (MultiHeadAttentionLayer) plain.create(cfg, site, layer, rng);
            if (site != AttentionSite.CROSS) {
                return mha;
            }
            Counting c = new Counting(mha);
            sources.add(c);
            return c;
        };
        return Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(CFG), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), AttentionFactory.class).setBinding().toInstance(counting);
            }
        });
    }

    @Test
    void greedyAndBeamProjectTheMemoryOncePerSourceAndLayer() {
        List<Counting> sources = new java.util.ArrayList<>();
        EncoderDecoderTransformer model = countingModel(sources);
        assertEquals(CFG.decoderLayers(), sources.size());
        var greedy = Greedy.decode(model.startDecoding(CachedDecodingTest.SRC), CachedDecodingTest.BOS, CachedDecodingTest.EOS, 12);
        int steps = sources.get(0).projectedCalls;
        assertEquals(true, steps >= 2, "greedy took " + steps + " steps");
        for (Counting c : sources) {
            assertEquals(1, c.projections, "one projection per source");
            assertEquals(0, c.rawMemoryCalls, "no step re-projects the memory");
            assertEquals(steps, c.projectedCalls, "every layer's every step reads the projected memory");
        }
        // beam search reorders rows at every step: the projected memory follows, never re-projected
        BeamSearch.decodeNBest(model.startDecoding(CachedDecodingTest.SRC), CachedDecodingTest.BOS, CachedDecodingTest.EOS,
                BeamOptions.of(3, 10));
        for (Counting c : sources) {
            assertEquals(2, c.projections, "one more projection for the second source batch");
            assertEquals(0, c.rawMemoryCalls);
        }
        // the same weights without the counters give the same tokens, cached or not
        CachedDecodingTest.assertSameTokens(greedy,
                Greedy.decode(model.startDecodingUncached(CachedDecodingTest.SRC), CachedDecodingTest.BOS, CachedDecodingTest.EOS, 12));
    }
}
