package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Module;
import dev.visor.transformer.inject.TransformerModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module tree lists every part, PyTorch's parameter names stay, and custom parts keep their initialisation. */
class ModuleTreeTest {
    @Test
    void namedModulesListsTheInlinedAttentionAndFeedForward() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TransformerConfig.tiny(20));
        Map<String, Module> modules = model.namedModules();
        assertInstanceOf(PositionwiseFeedForward.class, modules.get("encoder.layers.0.feed_forward"));
        assertInstanceOf(PositionwiseFeedForward.class, modules.get("decoder.layers.1.feed_forward"));
        assertInstanceOf(MultiHeadAttention.class, modules.get("encoder.layers.1.self_attn.attention"));
        assertInstanceOf(MultiHeadAttention.class, modules.get("decoder.layers.0.multihead_attn.attention"));
        assertInstanceOf(Embeddings.class, modules.get("src_embed.embeddings"));
        // the feed-forward's own linears are listed once, under PyTorch's names
        PositionwiseFeedForward ff = (PositionwiseFeedForward) modules.get("encoder.layers.0.feed_forward");
        assertSame(ff.linear1(), modules.get("encoder.layers.0.linear1"));
        assertFalse(modules.containsKey("encoder.layers.0.feed_forward.linear1"));
        // eval() reaches them through the tree
        model.eval();
        assertTrue(modules.values().stream().noneMatch(Module::isTraining));
        model.train();
        assertTrue(modules.values().stream().allMatch(Module::isTraining));
    }

    @Test
    void stateDictKeysAndInitialWeightsAreThoseOfVisor01() throws IOException {
        // keys and a hash of every initial weight, printed by commit 186fc03 for tiny(20) and its decoder-only form
        List<String> golden = lines("state-dict-0.1.txt");
        List<String> now = new ArrayList<>();
        for (TransformerConfig c : List.of(TransformerConfig.tiny(20), TransformerConfig.tiny(20).decoderOnly())) {
            int h = 1;
            for (Map.Entry<String, Tensor> e : Transformers.create(c).stateDict().entrySet()) {
                now.add(e.getKey());
                h = 31 * h + Arrays.hashCode(e.getValue().contiguous().toArray());
            }
            now.add("# hash " + h);
        }
        assertEquals(golden, now);
    }

    /** A feed-forward network whose weights start at a constant, as a custom part might want. */
    static class ConstantFeedForward extends FeedForward {
        final Linear linear;

        ConstantFeedForward(int dModel, Rng rng) {
            linear = registerModule("proj", new Linear(dModel, dModel, rng));
            Arrays.fill(linear.weight().storage(), 0.25f);
        }

        @Override
        public Tensor forward(Tensor x) {
            return linear.forward(x);
        }
    }

    static final class SelfInitialisingFeedForward extends ConstantFeedForward implements SelfInitialising {
        SelfInitialisingFeedForward(int dModel, Rng rng) {
            super(dModel, rng);
        }
    }

    @Test
    void aSelfInitialisingPartKeepsItsWeightsAndOthersAreReinitialised() {
        TransformerConfig cfg = TransformerConfig.tiny(20);
        EncoderDecoderTransformer kept = withFeedForward(cfg, (c, rng) -> new SelfInitialisingFeedForward(c.dModel(), rng));
        for (Map.Entry<String, Tensor> e : kept.namedParameters().entrySet()) {
            if (e.getKey().endsWith("proj.weight") && !e.getKey().contains("out_proj")) {
                for (float v : e.getValue().toArray()) {
                    assertEquals(0.25f, v, e.getKey());
                }
            }
        }
        EncoderDecoderTransformer reinitialised = withFeedForward(cfg, (c, rng) -> new ConstantFeedForward(c.dModel(), rng));
        float[] w = reinitialised.namedParameters().get("encoder.layers.0.proj.weight").toArray();
        assertNotEquals(0.25f, w[0], "a part that did not opt out gets the default Xavier initialisation");
    }

    private static EncoderDecoderTransformer withFeedForward(TransformerConfig cfg, FeedForwardFactory ff) {
        return Transformers.build(EncoderDecoderTransformer.class, new TransformerModule(cfg), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), FeedForwardFactory.class).setBinding().toInstance(ff);
            }
        });
    }

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = ModuleTreeTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
