package dev.visor.cli;

import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionLayer;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderLayer;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.EncoderLayer;
import dev.visor.transformer.EncoderOnlyTransformer;
import dev.visor.transformer.MultiHeadAttentionLayer;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.TransformerModel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An attention kernel that runs the reference kernel and keeps every call's weights
 * {@code (batch, heads, Lq, Lk)}, labelled with the attention site and layer it came from (found by
 * the identity of the layer's attention module). Build a model with it, {@link #index} the model,
 * run a forward pass, then read {@link #recorded()}.
 *
 * <pre>{@code
 * AttentionRecorder rec = new AttentionRecorder();
 * TransformerModel m = RunCheckpoint.build(config, registry, scores, rec);
 * rec.index(m);
 * m.forward(src, tgt);
 * rec.recorded();   // encoder_self 0, encoder_self 1, decoder_self 0, cross 0, ...
 * }</pre>
 */
final class AttentionRecorder implements AttentionKernel {
    private final Map<MultiHeadAttention, Where> where = new IdentityHashMap<>();
    private final List<Recorded> recorded = new ArrayList<>();

    /** A site and layer. */
    record Where(AttentionSite site, int layer) {}

    /**
     * The weights of one call.
     *
     * @param site the attention site
     * @param layer the layer, from 0
     * @param spec the mask spec the call ran under
     * @param weights {@code (batch, heads, Lq, Lk)}, exactly 0 at masked keys
     * @param mask the mask the call ran under (queries at positions 0..Lq−1)
     */
    record Recorded(AttentionSite site, int layer, String spec, Tensor weights, Mask mask) {}

    /**
     * Learns which attention module belongs to which site and layer.
     *
     * @param model a model built with this kernel
     */
    void index(TransformerModel model) {
        where.clear();
        if (model instanceof EncoderDecoderTransformer m) {
            List<EncoderLayer> enc = m.encoder().layers();
            for (int i = 0; i < enc.size(); i++) put(enc.get(i).selfAttn(), AttentionSite.ENCODER_SELF, i);
            List<DecoderLayer> dec = m.decoder().layers();
            for (int i = 0; i < dec.size(); i++) {
                put(dec.get(i).selfAttn(), AttentionSite.DECODER_SELF, i);
                put(dec.get(i).srcAttn(), AttentionSite.CROSS, i);
            }
        } else if (model instanceof DecoderOnlyTransformer m) {
            List<DecoderLayer> dec = m.decoder().layers();
            for (int i = 0; i < dec.size(); i++) put(dec.get(i).selfAttn(), AttentionSite.DECODER_SELF, i);
        } else if (model instanceof EncoderOnlyTransformer m) {
            List<EncoderLayer> enc = m.encoder().layers();
            for (int i = 0; i < enc.size(); i++) put(enc.get(i).selfAttn(), AttentionSite.ENCODER_SELF, i);
        }
    }

    private void put(AttentionLayer layer, AttentionSite site, int index) {
        if (layer instanceof MultiHeadAttentionLayer mha) where.put(mha.attention(), new Where(site, index));
    }

    /** @return the calls recorded so far, in the order they ran */
    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    @Override
    public Tensor attend(MultiHeadAttention attention, Tensor query, Tensor keyValue, CompiledMask mask) {
        MultiHeadAttention.Weighted w = attention.forwardWithWeights(query, keyValue, keyValue, mask);
        Where at = where.get(attention);
        if (at != null) recorded.add(new Recorded(at.site(), at.layer(), mask.mask().spec(), w.weights().detach(), mask.mask()));
        return w.output();
    }
}
