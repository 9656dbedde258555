package dev.visor.transformer.checkpoint;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Loads PyTorch state dicts of the parts {@code torch.nn} has — {@code nn.Transformer} and
 * {@code nn.TransformerEncoder} — into a Visor model, mapping every name. Those modules have no
 * embeddings and no output layer, so a strict {@code loadStateDict(dict, true)} reports Visor's
 * embedding and generator as missing; this mode is strict about everything {@code torch.nn} does have
 * (every one of its tensors must land, every parameter of the stacks must be given, shapes must
 * agree) and leaves the embeddings and the generator as they are, listing them.
 *
 * <pre>{@code
 * // state = nn.Transformer(...).state_dict(), saved with safetensors.torch.save_file
 * TorchStateDict.Loaded r = TorchStateDict.loadTransformer(model, SafeTensors.read(file).tensors());
 * r.kept();     // [src_embed.weight, tgt_embed.weight, generator.weight, generator.bias]: train or load these
 * }</pre>
 */
public final class TorchStateDict {
    private TorchStateDict() {}

    /**
     * What a load did.
     *
     * @param loaded the model's tensors that were loaded (all of the encoder and decoder stacks)
     * @param kept   the model's tensors {@code torch.nn} has no counterpart for, left as they were
     */
    public record Loaded(List<String> loaded, List<String> kept) {
        /**
         * Copies both lists.
         *
         * @param loaded copied; not null
         * @param kept copied; not null
         */
        public Loaded {
            loaded = List.copyOf(loaded);
            kept = List.copyOf(kept);
        }
    }

    /**
     * Loads {@code nn.Transformer(...).state_dict()} (keys {@code encoder.*} and {@code decoder.*})
     * into an encoder-decoder model; the names are Visor's own.
     *
     * @param model an encoder-decoder model of the dict's shape
     * @param state tensor by {@code nn.Transformer} parameter name
     * @return which of the model's tensors were loaded and which kept
     * @throws IllegalArgumentException when the model is not an encoder-decoder, or the dict is not a
     *                                  complete {@code nn.Transformer} of the model's shape (listing every
     *                                  missing, unexpected and mis-shaped tensor)
     */
    public static Loaded loadTransformer(TransformerModel model, Map<String, Tensor> state) {
        Objects.requireNonNull(model, "model");
        if (model.config().architecture() != TransformerConfig.Architecture.ENCODER_DECODER) {
            throw new IllegalArgumentException("an nn.Transformer state dict loads into an encoder_decoder model, not a "
                    + model.config().architecture().key() + " one; use loadTransformerEncoder");
        }
        return load(model, state, UnaryOperator.identity(), "nn.Transformer", List.of("encoder.", "decoder."));
    }

    /**
     * Loads {@code nn.TransformerEncoder(...).state_dict()} (keys {@code layers.N.*} and {@code norm.*})
     * into the stack of a single-stream model: {@code encoder.*} of an encoder-only model, and
     * {@code decoder.*} of a decoder-only one (a GPT block is an encoder layer under a causal mask).
     *
     * @param model an encoder-only or decoder-only model of the dict's shape
     * @param state tensor by {@code nn.TransformerEncoder} parameter name
     * @return which of the model's tensors were loaded and which kept
     * @throws IllegalArgumentException when the model is an encoder-decoder, or the dict is not a complete
     *                                  {@code nn.TransformerEncoder} of the model's shape
     */
    public static Loaded loadTransformerEncoder(TransformerModel model, Map<String, Tensor> state) {
        Objects.requireNonNull(model, "model");
        String stack = switch (model.config().architecture()) {
            case DECODER_ONLY -> "decoder.";
            case ENCODER_ONLY -> "encoder.";
            case ENCODER_DECODER -> throw new IllegalArgumentException(
                    "an nn.TransformerEncoder state dict loads into a decoder_only or encoder_only model; "
                            + "for an encoder_decoder model use loadTransformer with an nn.Transformer state dict");
        };
        return load(model, state, key -> stack + key, "nn.TransformerEncoder", List.of(stack));
    }

    private static Loaded load(TransformerModel model, Map<String, Tensor> state, UnaryOperator<String> rename, String what,
                               List<String> stacks) {
        Objects.requireNonNull(state, "state");
        Set<String> own = model.stateDict().keySet();
        List<String> part = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String k : own) {
            (stacks.stream().anyMatch(k::startsWith) ? part : kept).add(k);
        }
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String name = rename.apply(e.getKey());
            if (part.contains(name)) {
                renamed.put(name, e.getValue());
            } else {
                unexpected.add(e.getKey());
            }
        }
        List<String> missing = part.stream().filter(k -> !renamed.containsKey(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder("not a complete " + what + " state dict for this "
                    + model.config().architecture().key() + " model:");
            if (!missing.isEmpty()) {
                sb.append("\n  missing (").append(missing.size()).append("): ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                sb.append("\n  unexpected (").append(unexpected.size()).append("): ").append(unexpected);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        model.loadStateDict(renamed, false);   // checks every shape before copying anything
        return new Loaded(part, kept);
    }
}
