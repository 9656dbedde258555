package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.nn.Reduction;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with PyTorch 1.13: models built from the same config and loaded with PyTorch's state dict
 * (exported to safetensors by {@code src/test/python/gen_transformer_golden.py}) give the same
 * forward outputs to 1e-4 and the same gradients of a scalar loss with respect to every parameter to
 * 1e-3 relative (in the max norm of each gradient). The cases cover post-norm/ReLU and
 * pre-norm/GELU (tied) encoder-decoders with source and target padding and the causal mask, a
 * pre-norm decoder-only model with learned positions, and a post-norm encoder-only model.
 */
class TorchParityTest {
    static final double FORWARD_TOL = 1e-4;
    static final double GRAD_REL_TOL = 1e-3;

    @ParameterizedTest
    @ValueSource(strings = {"post_relu", "pre_gelu", "decoder_only_pre_learned", "encoder_only_post"})
    void matchesPyTorch(String name) throws Exception {
        TransformerConfig config = TransformerConfig.load(golden(name + ".config.json"));
        TransformerModel model = Transformers.create(config);
        Map<String, Tensor> weights = SafeTensors.read(golden(name + ".weights.safetensors")).tensors();
        Module.LoadResult load = model.loadStateDict(weights, true);
        assertTrue(load.isExact(), "PyTorch's names are Visor's names");
        Map<String, Tensor> io = SafeTensors.read(golden(name + ".io.safetensors")).tensors();

        Tensor logits;
        int[] targets;
        switch (config.architecture()) {
            case ENCODER_DECODER -> {
                EncoderDecoderTransformer m = (EncoderDecoderTransformer) model;
                TokenBatch src = batch(io.get("src"), config.padId());
                TokenBatch tgt = batch(io.get("tgt_in"), config.padId());
                Tensor memory = m.encode(src);
                assertClose(io.get("memory"), memory, "memory");
                logits = m.generator().forward(m.decode(memory, src, tgt));
                targets = ints(io.get("tgt_out"));
            }
            case DECODER_ONLY -> {
                DecoderOnlyTransformer m = (DecoderOnlyTransformer) model;
                TokenBatch ids = batch(io.get("ids"), config.padId());
                Tensor hidden = m.hidden(ids);
                assertClose(io.get("hidden"), hidden, "hidden");
                logits = m.generator().forward(hidden);
                targets = ints(io.get("targets"));
            }
            default -> {
                EncoderOnlyTransformer m = (EncoderOnlyTransformer) model;
                TokenBatch ids = batch(io.get("ids"), config.padId());
                Tensor hidden = m.hidden(ids);
                assertClose(io.get("hidden"), hidden, "hidden");
                logits = m.generator().forward(hidden);
                targets = ints(io.get("targets"));
            }
        }
        assertClose(io.get("logits"), logits, "logits");

        Tensor loss = Functional.crossEntropy(logits, targets, config.padId(), 0.1, Reduction.MEAN)
                .add(logits.mul(io.get("loss_weights")).mean());
        assertEquals(io.get("loss").item(), loss.item(), FORWARD_TOL, "loss");
        loss.backward();

        Map<String, Tensor> params = model.namedParameters();
        TreeSet<String> expected = new TreeSet<>();
        io.keySet().stream().filter(k -> k.startsWith("grad.")).forEach(k -> expected.add(k.substring(5)));
        assertEquals(expected, new TreeSet<>(params.keySet()), "the same parameters receive gradients");
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            float[] want = io.get("grad." + e.getKey()).toArray();
            float[] got = e.getValue().grad().toArray();
            double max = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                max = Math.max(max, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - got[i]));
            }
            assertTrue(err <= GRAD_REL_TOL * max + 1e-7, name + ": gradient of " + e.getKey() + " differs by " + err
                    + " with max |grad| " + max);
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
        float[] e = expected.toArray();
        float[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            double tol = FORWARD_TOL * (1 + Math.abs(e[i]));
            if (!(Math.abs(e[i] - a[i]) <= tol)) {
                throw new AssertionError(what + "[" + i + "]: PyTorch " + e[i] + ", Visor " + a[i]);
            }
        }
    }

    static TokenBatch batch(Tensor ids, int pad) {
        return TokenBatch.padded(ints(ids), ids.size(0), ids.size(1), pad);
    }

    static int[] ints(Tensor t) {
        float[] f = t.toArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Math.round(f[i]);
        }
        return out;
    }

    static Path golden(String file) throws IOException {
        try {
            return Path.of(TorchParityTest.class.getResource("golden/" + file).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("missing golden file " + file + "; run src/test/python/gen_transformer_golden.py", e);
        }
    }
}
