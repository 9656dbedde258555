package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.util.Modules;
import dev.visor.attention.MaskCompiler;
import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.CompiledMaskCache;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Dropout;
import dev.visor.transformer.inject.MaskModule;
import dev.visor.transformer.inject.TransformerModule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InjectionTest {
    static final TransformerConfig TINY = TransformerConfig.tiny(20);
    static final TokenBatch SRC = TokenBatch.of(new int[][] {{5, 6, 7, 8, 9, 2}, {10, 11, 2}}, 0);
    static final TokenBatch TGT = TokenBatch.of(new int[][] {{1, 9, 8, 7, 6, 5, 2}, {1, 11, 10}}, 0);

    @Test
    void oneLinerBuildsTheConfiguredArchitecture() {
        assertInstanceOf(EncoderDecoderTransformer.class, Transformers.create(TINY));
        assertInstanceOf(DecoderOnlyTransformer.class, Transformers.create(TINY.decoderOnly()));
        assertInstanceOf(EncoderOnlyTransformer.class, Transformers.create(TINY.encoderOnly()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Transformers.decoderOnly(TINY));
        assertEquals("the config describes a encoder_decoder model, not a decoder_only", e.getMessage());
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        EncoderDecoderTransformer a = Transformers.encoderDecoder(TINY);
        EncoderDecoderTransformer b = Transformers.encoderDecoder(TINY);
        EncoderDecoderTransformer c = Transformers.encoderDecoder(TINY.toBuilder().seed(1).build());
        assertArrayEquals(a.forward(SRC, TGT).toArray(), b.forward(SRC, TGT).toArray());
        assertFalse(java.util.Arrays.equals(a.forward(SRC, TGT).toArray(), c.forward(SRC, TGT).toArray()));
    }

    @Test
    void overridingTheAttentionKernelWithAnOptionalBinding() {
        AtomicInteger calls = new AtomicInteger();
        AttentionKernel counting = (mha, q, kv, mask) -> {
            calls.incrementAndGet();
            return AttentionKernel.FLASH.attend(mha, q, kv, mask);
        };
        EncoderDecoderTransformer model = Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(TINY),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(counting);
                    }
                });
        Tensor out = model.forward(SRC, TGT);
        assertEquals(TINY.encoderLayers() + 2 * TINY.decoderLayers(), calls.get(), "every attention call ran on the bound kernel");
        assertArrayEquals(Transformers.encoderDecoder(TINY).forward(SRC, TGT).toArray(), out.toArray());
    }

    @Test
    void referenceKernelThroughModulesOverrideAgreesWithFlashAndRecordsWeights() {
        List<MultiHeadAttention.Weighted> maps = new ArrayList<>();
        Injector injector = Guice.createInjector(Modules.override(new TransformerModule(TINY)).with(new AbstractModule() {
            @Override
            protected void configure() {
                bind(AttentionKernel.class).toInstance(AttentionKernel.recording(maps::add));
            }
        }));
        EncoderDecoderTransformer reference = injector.getInstance(EncoderDecoderTransformer.class);
        float[] viaReference = reference.forward(SRC, TGT).toArray();
        float[] viaFlash = Transformers.encoderDecoder(TINY).forward(SRC, TGT).toArray();
        for (int i = 0; i < viaFlash.length; i++) {
            assertEquals(viaFlash[i], viaReference[i], 1e-5);
        }
        assertEquals(6, maps.size());
        // decoder self-attention of layer 0 (the third call): causal, so row 1 of sequence 1 puts no weight past key 1
        Tensor w = maps.get(2).weights();                       // (batch, heads, Lt, Lt)
        assertEquals(0f, w.get(1, 0, 1, 2));
        assertEquals(1f, w.get(1, 0, 1, 0) + w.get(1, 0, 1, 1), 1e-6);
    }

    @Test
    void overridingTheNormPlacementGivesThePreNormModel() {
        Injector injector = Guice.createInjector(Modules.override(new TransformerModule(TINY)).with(new AbstractModule() {
            @Override
            protected void configure() {
                bind(Residual.class).toInstance(Residual.PRE_NORM);
            }
        }));
        EncoderDecoderTransformer overridden = injector.getInstance(EncoderDecoderTransformer.class);
        EncoderDecoderTransformer pre = Transformers.encoderDecoder(
                TINY.toBuilder().normPlacement(TransformerConfig.NormPlacement.PRE).build());
        EncoderDecoderTransformer post = Transformers.encoderDecoder(TINY);
        assertArrayEquals(pre.forward(SRC, TGT).toArray(), overridden.forward(SRC, TGT).toArray());
        assertFalse(java.util.Arrays.equals(post.forward(SRC, TGT).toArray(), overridden.forward(SRC, TGT).toArray()));
    }

    @Test
    void overridingTheNormFactoryWithRmsNorm() {
        EncoderDecoderTransformer model = Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(TINY),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        OptionalBinder.newOptionalBinder(binder(), NormFactory.class).setBinding().toInstance(Norm::rms);
                    }
                });
        assertTrue(model.stateDict().containsKey("encoder.layers.0.norm1.weight"));
        assertFalse(model.stateDict().containsKey("encoder.layers.0.norm1.bias"), "RMSNorm has no bias");
        assertEquals(3, model.forward(SRC, TGT).dim());
    }

    @Test
    void overridingASitesMaskChangesWhatTheDecoderSees() {
        String window = "causal & padding & sliding_window(left=1)";
        EncoderDecoderTransformer windowed = Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(TINY),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        OptionalBinder.newOptionalBinder(binder(), MaskModule.siteKey(AttentionSite.DECODER_SELF))
                                .setBinding().toInstance(window);
                    }
                });
        assertEquals(List.of(window.replace("left=1)", "left=1, right=0)"), window.replace("left=1)", "left=1, right=0)")),
                windowed.decoder().selfSpecs()); // resolved: every parameter printed
        EncoderDecoderTransformer full = Transformers.encoderDecoder(TINY);
        // two layers of a window of 1 back: position 5 sees positions 3..5 only
        TokenBatch changed = TokenBatch.of(new int[][] {{1, 4, 8, 7, 6, 5, 2}, {1, 11, 10}}, 0);
        assertEquals(row(windowed.forward(SRC, TGT), 0, 5), row(windowed.forward(SRC, changed), 0, 5));
        assertFalse(row(full.forward(SRC, TGT), 0, 5).equals(row(full.forward(SRC, changed), 0, 5)));
    }

    @Test
    void aMaskPluginOnTheClassPathIsUsableByNameFromTheConfig() {
        // axial(width) comes from the examples/mask-plugin jar, found by ServiceLoader; no code here refers to it
        TransformerConfig cfg = TransformerConfig.fromJson(TINY.toJson().replace("\"decoder_self\": \"causal & padding\"",
                "\"decoder_self\": \"causal & padding & axial(width=4)\""));
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        assertTrue(MaskRegistry.load().names().contains("axial"));
        // on a 4-wide grid, position 4 (row 1, column 0) sees only positions 0 and 4, and position 0 only itself,
        // so no depth of layers carries token 2 to position 4
        TokenBatch changed = TokenBatch.of(new int[][] {{1, 9, 4, 7, 6, 5, 2}, {1, 11, 10}}, 0);
        assertEquals(row(model.forward(SRC, TGT), 0, 4), row(model.forward(SRC, changed), 0, 4));
        assertFalse(row(model.forward(SRC, TGT), 0, 3).equals(row(model.forward(SRC, changed), 0, 3)));
        EncoderDecoderTransformer plain = Transformers.encoderDecoder(TINY);
        assertFalse(row(plain.forward(SRC, TGT), 0, 4).equals(row(plain.forward(SRC, changed), 0, 4)));
    }

    @Test
    void anUnknownMaskNameFailsAtBuildTimeNamingSiteAndLayer() {
        TransformerConfig cfg = TINY.toBuilder()
                .masks(MaskPlan.defaults().withLayers(AttentionSite.DECODER_SELF, "casual & padding", 1)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transformers.create(cfg));
        assertTrue(e.getMessage().startsWith("the decoder_self mask of layer 1, 'casual & padding', is invalid: unknown mask"
                + " 'casual' at column 1; did you mean 'causal'?"), e.getMessage());
    }

    @Test
    void everyPartCanBeBuiltByHand() {
        Rng rng = new Rng(1);
        MaskCompiler compiler = new MaskCompiler(MaskRegistry.load(), new CompiledMaskCache(8));
        AttentionLayer attn = new MultiHeadAttentionLayer(MultiHeadAttention.builder(8, 2).build(rng), AttentionKernel.FLASH);
        EncoderLayer layer = new EncoderLayer(attn, new PositionwiseFeedForward(8, 16, TransformerConfig.Activation.RELU, 0, rng),
                Norm.layerNorm(8, 1e-5), Norm.layerNorm(8, 1e-5), new Dropout(0, rng.split()), new Dropout(0, rng.split()),
                Residual.POST_NORM);
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"), List.copyOf(layer.stateDict().keySet()));
        Tensor x = Tensor.randn(new Rng(2), 2, 5, 8);
        MaskContext ctx = MaskInputs.none().withValidLengths(5, 3).context(2, 2, 5, 5, 0);
        Tensor y = layer.forward(x, compiler.compile(compiler.resolve("padding"), ctx));
        assertArrayEquals(new int[] {2, 5, 8}, y.shape());
        Encoder encoder = new Encoder(List.of(layer), Norm.layerNorm(8, 1e-5), SiteMasks.of(compiler, List.of("full")));
        assertArrayEquals(new int[] {2, 5, 8}, encoder.forward(x, dev.visor.attention.MaskInputs.none()).shape());
    }

    @Test
    void eachSiteCompilesOncePerForwardAndLayersShareTheObject() {
        assertEquals(2, TINY.decoderLayers());
        CompiledMaskCache cache = new CompiledMaskCache(16);
        List<CompiledMask> seen = new ArrayList<>();
        AttentionKernel recording = (mha, q, kv, mask) -> {
            seen.add(mask);
            return AttentionKernel.FLASH.attend(mha, q, kv, mask);
        };
        EncoderDecoderTransformer model = Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(TINY),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        OptionalBinder.newOptionalBinder(binder(), CompiledMaskCache.class).setBinding().toInstance(cache);
                        OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(recording);
                    }
                });
        model.forward(SRC, TGT);
        // encoder self ×2 layers, then per decoder layer self and cross
        assertEquals(6, seen.size());
        assertTrue(seen.get(0) == seen.get(1), "both encoder layers get the same compiled mask");
        assertTrue(seen.get(2) == seen.get(4) && seen.get(3) == seen.get(5), "both decoder layers share self and cross masks");
        assertEquals(3, cache.misses(), "one compile per site");
        assertEquals(0, cache.hits());
        model.forward(SRC, TGT);
        assertEquals(3, cache.misses(), "the same batch again is served by content");
        assertEquals(3, cache.hits());
        assertTrue(seen.get(6) == seen.get(0));
        // a second injector has a cache of its own: nothing is shared behind the user's back
        Injector other = Guice.createInjector(new TransformerModule(TINY));
        assertFalse(other.getInstance(CompiledMaskCache.class) == cache);
        assertTrue(other.getInstance(MaskCompiler.class) == other.getInstance(MaskCompiler.class));
        assertTrue(other.getInstance(MaskCompiler.class).cache() == other.getInstance(CompiledMaskCache.class));
    }

    static List<Float> row(Tensor logits, int b, int position) {
        Tensor r = logits.select(0, b).select(0, position);
        List<Float> out = new ArrayList<>();
        for (float f : r.toArray()) {
            out.add(f);
        }
        return out;
    }
}
