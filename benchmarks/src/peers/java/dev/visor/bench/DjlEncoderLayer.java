package dev.visor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.visor.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * A post-norm Transformer encoder layer built from DJL's own blocks the way a DJL user assembles one —
 * {@link ScaledDotProductAttentionBlock}, {@link LayerNorm}, two {@link Linear}s and ReLU — computing
 * what {@code torch.nn.TransformerEncoderLayer} and Visor's {@code EncoderLayer} compute:
 * {@code x = LayerNorm(x + SelfAttention(x)); x = LayerNorm(x + Linear2(ReLU(Linear1(x))))}.
 * Dropout is the identity in evaluation, the only mode benchmarked, so it is left out.
 *
 * <p>DJL's ready-made {@code TransformerEncoderBlock} is not used: it normalises with
 * {@code BatchNorm} and its second residual adds the layer's input instead of the first sub-layer's
 * output, so it computes another function (one that no Visor or PyTorch layer could be checked
 * against). {@link #copyFrom} loads a Visor layer's weights, so both can be compared output for
 * output.
 */
final class DjlEncoderLayer extends AbstractBlock {
    private final int dModel;
    private final int dFF;
    private final ScaledDotProductAttentionBlock selfAttention;
    private final LayerNorm norm1;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm2;

    DjlEncoderLayer(int dModel, int heads, int dFF) {
        this.dModel = dModel;
        this.dFF = dFF;
        this.selfAttention = addChildBlock("selfAttention", ScaledDotProductAttentionBlock.builder()
                .setEmbeddingSize(dModel).setHeadCount(heads).optAttentionProbsDropoutProb(0f).build());
        this.norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).optEpsilon(1e-5f).build());
        this.linear1 = addChildBlock("linear1", Linear.builder().setUnits(dFF).build());
        this.linear2 = addChildBlock("linear2", Linear.builder().setUnits(dModel).build());
        this.norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).optEpsilon(1e-5f).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDArray attended = selfAttention.forward(ps, new NDList(x), training).head();
        x = norm1.forward(ps, new NDList(x.add(attended)), training).head();
        NDArray hidden = Activation.relu(linear1.forward(ps, new NDList(x), training).head());
        NDArray ff = linear2.forward(ps, new NDList(hidden), training).head();
        return norm2.forward(ps, new NDList(x.add(ff)), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        selfAttention.initialize(manager, dataType, in);
        norm1.initialize(manager, dataType, in);
        linear1.initialize(manager, dataType, in);
        linear2.initialize(manager, dataType, new Shape(in.get(0), in.get(1), dFF));
        norm2.initialize(manager, dataType, in);
    }

    /**
     * Copies the weights of a Visor encoder layer, given by its PyTorch-style parameter names
     * ({@code self_attn.in_proj_weight} with the query, key and value rows stacked,
     * {@code self_attn.out_proj.*}, {@code linear1.*}, {@code linear2.*}, {@code norm1.*},
     * {@code norm2.*}); call after {@link #initialize}.
     *
     * @throws IllegalArgumentException if a parameter is missing or has another size
     */
    void copyFrom(Map<String, Tensor> visor) {
        float[] inW = get(visor, "self_attn.in_proj_weight", 3 * dModel * dModel);
        float[] inB = get(visor, "self_attn.in_proj_bias", 3 * dModel);
        Linear[] qkv = {selfAttention.getQueryProjection(), selfAttention.getKeyProjection(),
            selfAttention.getValueProjection()};
        for (int i = 0; i < 3; i++) {
            set(qkv[i], "weight", Arrays.copyOfRange(inW, i * dModel * dModel, (i + 1) * dModel * dModel));
            set(qkv[i], "bias", Arrays.copyOfRange(inB, i * dModel, (i + 1) * dModel));
        }
        set(selfAttention.getResultProjection(), "weight", get(visor, "self_attn.out_proj.weight", dModel * dModel));
        set(selfAttention.getResultProjection(), "bias", get(visor, "self_attn.out_proj.bias", dModel));
        set(linear1, "weight", get(visor, "linear1.weight", dFF * dModel));
        set(linear1, "bias", get(visor, "linear1.bias", dFF));
        set(linear2, "weight", get(visor, "linear2.weight", dModel * dFF));
        set(linear2, "bias", get(visor, "linear2.bias", dModel));
        set(norm1, "gamma", get(visor, "norm1.weight", dModel));
        set(norm1, "beta", get(visor, "norm1.bias", dModel));
        set(norm2, "gamma", get(visor, "norm2.weight", dModel));
        set(norm2, "beta", get(visor, "norm2.bias", dModel));
    }

    private static float[] get(Map<String, Tensor> params, String name, int size) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException("the Visor layer has no parameter '" + name + "'; it has " + params.keySet());
        }
        if (t.numel() != size) {
            throw new IllegalArgumentException("parameter '" + name + "' has " + t.numel() + " elements but " + size
                    + " were expected");
        }
        return t.toArray();
    }

    private static void set(AbstractBlock block, String name, float[] values) {
        Parameter p = block.getParameters().get(name);
        if (p == null || p.getArray().size() != values.length) {
            throw new IllegalArgumentException("DJL block " + block.getClass().getSimpleName() + " has no parameter '"
                    + name + "' of " + values.length + " elements; it has " + block.getParameters().keys());
        }
        p.getArray().set(values);
    }
}
