package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class TransformerConfigProperties {

    @Provide
    Arbitrary<TransformerConfig> configs() {
        Arbitrary<int[]> shape = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 8),
                Arbitraries.integers().between(1, 4)).as((kvHeads, groups, headDim) -> new int[] {kvHeads, groups, headDim});
        Arbitrary<TransformerConfig.Architecture> arch = Arbitraries.of(TransformerConfig.Architecture.class);
        Arbitrary<String> spec = Arbitraries.of("padding", "causal & padding", "full", "padding & !token(ids=[7, 9])",
                "causal & sliding_window(left=3) | global(positions=[0])");
        return Combinators.combine(shape, arch, Arbitraries.integers().between(1, 3), Arbitraries.integers().between(4, 50),
                Arbitraries.doubles().between(0, 0.9), spec, Arbitraries.longs(), Arbitraries.of(true, false))
                .as((s, a, layers, vocab, dropout, maskSpec, seed, flag) -> {
                    TransformerConfigBuilder b = TransformerConfig.tiny(vocab).toBuilder()
                            .dModel(s[0] * s[1] * s[2]).heads(s[0] * s[1]).kvHeads(s[0]).layers(layers).dropout(dropout)
                            .seed(seed).normPlacement(flag ? TransformerConfig.NormPlacement.PRE : TransformerConfig.NormPlacement.POST)
                            .activation(flag ? TransformerConfig.Activation.GELU : TransformerConfig.Activation.RELU)
                            .tieWeights(flag)
                            .masks(MaskPlan.defaults().with(AttentionSite.ENCODER_SELF, maskSpec)
                                    .withLayers(AttentionSite.DECODER_SELF, maskSpec, layers - 1));
                    TransformerConfig c = b.build();
                    return switch (a) {
                        case ENCODER_DECODER -> c;
                        case DECODER_ONLY -> c.decoderOnly();
                        case ENCODER_ONLY -> c.encoderOnly();
                    };
                });
    }

    @Property
    void jsonRoundTripIsTheIdentity(@ForAll("configs") TransformerConfig config) {
        String json = config.toJson();
        TransformerConfig back = TransformerConfig.fromJson(json);
        assertEquals(config, back);
        assertEquals(json, back.toJson());
    }

    @Property
    void headsThatDoNotDivideDModelAreAlwaysRejectedNamingBoth(@ForAll @IntRange(min = 1, max = 64) int dModel,
                                                               @ForAll @IntRange(min = 1, max = 16) int heads) {
        if (dModel % heads == 0) {
            assertEquals(dModel / heads, TransformerConfig.tiny(8).toBuilder().dModel(dModel).heads(heads).build().headDim());
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TransformerConfig.tiny(8).toBuilder().dModel(dModel).heads(heads).build());
            assertTrue(e.getMessage().startsWith("d_model=" + dModel + " is not divisible by heads=" + heads), e.getMessage());
        }
    }
}
