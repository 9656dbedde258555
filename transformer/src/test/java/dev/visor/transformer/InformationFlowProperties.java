package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.visor.tensor.Tensor;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * What the masks hide cannot reach the outputs, through every layer of a whole model: under the
 * decoder's causal mask an output does not depend on later tokens, under the padding mask the
 * outputs at real positions do not depend on what the padded positions hold, and under the document
 * mask (segment ids from the batch) packed documents do not see each other. Bit for bit.
 */
class InformationFlowProperties {
    static final DecoderOnlyTransformer LM = Transformers.decoderOnly(TransformerConfig.tiny(20).decoderOnly().toBuilder()
            .normPlacement(TransformerConfig.NormPlacement.PRE).seed(11).build());
    static final EncoderOnlyTransformer ENCODER = Transformers.encoderOnly(TransformerConfig.tiny(20).encoderOnly().toBuilder()
            .seed(12).build());

    @Property(tries = 40)
    void causalOutputsIgnoreLaterTokens(@ForAll @IntRange(min = 2, max = 24) int length, @ForAll @IntRange(min = 0, max = 23) int cut,
                                        @ForAll long seed) {
        int c = cut % (length - 1);
        int[] a = tokens(length, seed);
        int[] b = a.clone();
        for (int i = c + 1; i < length; i++) {
            b[i] = 3 + (b[i] + 5) % 17;
        }
        Tensor ya = LM.forward(new TokenBatch(a, 1, length, new int[] {length}, null)).narrow(1, 0, c + 1);
        Tensor yb = LM.forward(new TokenBatch(b, 1, length, new int[] {length}, null)).narrow(1, 0, c + 1);
        assertArrayEquals(ya.toArray(), yb.toArray());
    }

    @Property(tries = 40)
    void realPositionsIgnoreWhatThePaddingHolds(@ForAll @IntRange(min = 2, max = 24) int length,
                                                @ForAll @IntRange(min = 1, max = 23) int valid, @ForAll long seed) {
        int v = Math.min(valid, length - 1);
        int[] a = tokens(length, seed);
        int[] b = a.clone();
        for (int i = v; i < length; i++) {
            a[i] = 0;
            b[i] = 3 + (int) Math.floorMod(seed + i, 17L);
        }
        Tensor ya = ENCODER.forward(new TokenBatch(a, 1, length, new int[] {v}, null)).narrow(1, 0, v);
        Tensor yb = ENCODER.forward(new TokenBatch(b, 1, length, new int[] {v}, null)).narrow(1, 0, v);
        assertArrayEquals(ya.toArray(), yb.toArray());
    }

    @Property(tries = 30)
    void packedDocumentsDoNotSeeEachOther(@ForAll @IntRange(min = 1, max = 15) int split, @ForAll long seed) {
        // two documents packed in one row of 16: [0, split) and [split, 16); the encoder attends within each only
        EncoderOnlyTransformer packed = Transformers.encoderOnly(TransformerConfig.tiny(20).encoderOnly().toBuilder()
                .seed(13).mask(AttentionSite.ENCODER_SELF, "padding & document").build());
        int[][] segments = new int[1][16];
        for (int i = split; i < 16; i++) {
            segments[0][i] = 1;
        }
        int[] a = tokens(16, seed);
        int[] b = a.clone();
        for (int i = split; i < 16; i++) {
            b[i] = 3 + (b[i] + 7) % 17;
        }
        Tensor ya = packed.forward(new TokenBatch(a, 1, 16, new int[] {16}, segments)).narrow(1, 0, split);
        Tensor yb = packed.forward(new TokenBatch(b, 1, 16, new int[] {16}, segments)).narrow(1, 0, split);
        assertArrayEquals(ya.toArray(), yb.toArray());
    }

    static int[] tokens(int length, long seed) {
        int[] t = new int[length];
        long x = seed;
        for (int i = 0; i < length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            t[i] = 3 + (int) Math.floorMod(x >>> 33, 17L);
        }
        return Arrays.copyOf(t, length);
    }
}
