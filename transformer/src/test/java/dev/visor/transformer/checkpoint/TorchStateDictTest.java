package dev.visor.transformer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loading the state dicts of {@code torch.nn} modules, taken from the PyTorch golden files: the
 * encoder and decoder of the golden encoder-decoder are an {@code nn.Transformer}'s, and the stack of
 * the single-stream goldens is an {@code nn.TransformerEncoder}'s.
 */
class TorchStateDictTest {
    static Path golden(String file) throws Exception {
        return Path.of(TorchStateDictTest.class.getResource("/dev/visor/transformer/golden/" + file).toURI());
    }

    /** The entries of {@code state} under {@code prefix}, with the prefix cut off when {@code strip}. */
    static Map<String, Tensor> under(Map<String, Tensor> state, String prefix, boolean strip) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) out.put(strip ? k.substring(prefix.length()) : k, v);
        });
        return out;
    }

    @Test
    void anNnTransformerStateDictLoadsCompletelyAndKeepsTheEmbeddingsAndGenerator() throws Exception {
        TransformerConfig config = TransformerConfig.load(golden("post_relu.config.json"));
        Map<String, Tensor> all = SafeTensors.read(golden("post_relu.weights.safetensors")).tensors();
        Map<String, Tensor> torch = new LinkedHashMap<>(under(all, "encoder.", false));
        torch.putAll(under(all, "decoder.", false));   // exactly nn.Transformer(...).state_dict()
        TransformerModel model = Transformers.create(config);
        Map<String, float[]> before = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> before.put(k, v.toArray()));

        IllegalArgumentException strict = assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(torch, true));
        assertTrue(strict.getMessage().contains("missing keys"), "the plain strict load cannot take it: " + strict.getMessage());

        TorchStateDict.Loaded r = TorchStateDict.loadTransformer(model, torch);
        assertEquals(List.of("src_embed.weight", "tgt_embed.weight", "generator.weight", "generator.bias"), r.kept());
        assertEquals(torch.size(), r.loaded().size());
        for (String k : r.loaded()) {
            assertArrayEquals(torch.get(k).toArray(), model.stateDict().get(k).toArray(), k);
        }
        for (String k : r.kept()) {
            assertArrayEquals(before.get(k), model.stateDict().get(k).toArray(), k + " is left as it was");
        }
    }

    @Test
    void anIncompleteOrForeignDictIsRejectedNamingEveryKey() throws Exception {
        TransformerConfig config = TransformerConfig.load(golden("post_relu.config.json"));
        Map<String, Tensor> all = SafeTensors.read(golden("post_relu.weights.safetensors")).tensors();
        Map<String, Tensor> torch = new LinkedHashMap<>(under(all, "encoder.", false));
        torch.putAll(under(all, "decoder.", false));
        torch.remove("decoder.norm.bias");
        torch.put("decoder.layers.9.linear1.weight", Tensor.zeros(2, 2));
        TransformerModel model = Transformers.create(config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.loadTransformer(model, torch));
        assertEquals("not a complete nn.Transformer state dict for this encoder_decoder model:\n  missing (1): [decoder.norm.bias]"
                + "\n  unexpected (1): [decoder.layers.9.linear1.weight]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TorchStateDict.loadTransformerEncoder(model, torch));
    }

    @Test
    void anNnTransformerEncoderStateDictLoadsIntoEitherSingleStreamStack() throws Exception {
        for (String[] c : new String[][] {{"decoder_only_pre_learned", "decoder."}, {"encoder_only_post", "encoder."}}) {
            TransformerConfig config = TransformerConfig.load(golden(c[0] + ".config.json"));
            Map<String, Tensor> all = SafeTensors.read(golden(c[0] + ".weights.safetensors")).tensors();
            Map<String, Tensor> encoder = under(all, c[1], true);   // nn.TransformerEncoder(...).state_dict(): layers.N.*, norm.*
            assertTrue(encoder.keySet().stream().allMatch(k -> k.startsWith("layers.") || k.startsWith("norm.")), encoder.keySet()::toString);
            TransformerModel model = Transformers.create(config);
            TorchStateDict.Loaded r = TorchStateDict.loadTransformerEncoder(model, encoder);
            assertTrue(r.kept().contains("embed.weight") && r.kept().contains("generator.weight"), r.kept()::toString);
            for (Map.Entry<String, Tensor> e : encoder.entrySet()) {
                assertArrayEquals(e.getValue().toArray(), model.stateDict().get(c[1] + e.getKey()).toArray(), e.getKey());
            }
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> TorchStateDict.loadTransformer(model, encoder));
            assertTrue(wrong.getMessage().startsWith("an nn.Transformer state dict loads into an encoder_decoder model"), wrong.getMessage());
        }
    }
}
