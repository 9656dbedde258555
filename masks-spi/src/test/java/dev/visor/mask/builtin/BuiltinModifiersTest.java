package dev.visor.mask.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in score modifiers' formulas at hand-computed points; PyTorch goldens live in the attention module. */
class BuiltinModifiersTest {
    private static final float[] NONE = new float[0];

    @Test
    void alibiAddsSlopeTimesKeyMinusQuery() {
        AlibiModifier m = AlibiModifier.standard(8);
        assertArrayEquals(new float[] {0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.015625f, 0.0078125f, 0.00390625f},
                m.slopes());
        assertEquals(1f - 0.25f * 3, m.apply(1f, 0, 1, 10, 7, NONE, 0));        // k - q = -3
        assertEquals(1f + 0.5f * 2, m.apply(1f, 5, 0, 3, 5, NONE, 0));          // later keys: mirrored
        assertEquals(1f, m.derivative(-4f, 0, 7, 9, 1, NONE, 0));
        // 6 heads: the 4 slopes of H=4 (1/4 .. 1/256), then indices 0 and 2 of H=8's (1/2, 1/8)
        assertArrayEquals(new double[] {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125}, AlibiModifier.standardSlopes(6));
        assertEquals("alibi(slopes=[])", m.spec());
        assertEquals("alibi(slopes=[0.5, -1.0])", AlibiModifier.of(0.5, -1).spec());
        assertNotEquals(AlibiModifier.standard(4), AlibiModifier.standard(8));
        AlibiModifier same = AlibiModifier.of(0.25, 0.0625, 0.015625, 0.00390625);
        assertArrayEquals(same.slopes(), AlibiModifier.standard(4).slopes());
        assertNotEquals(same, AlibiModifier.standard(4));                        // equal slopes, different specs
        assertThrows(IllegalArgumentException.class, () -> AlibiModifier.of());
        assertThrows(IllegalArgumentException.class, () -> m.slope(8));
    }

    @Test
    void softcapIsCapTimesTanh() {
        SoftcapModifier m = new SoftcapModifier(30);
        assertEquals((float) (30 * Math.tanh(50.0 / 30)), m.apply(50f, 0, 0, 0, 0, NONE, 0));
        assertEquals((float) (1 - Math.pow(Math.tanh(50.0 / 30), 2)), m.derivative(50f, 0, 0, 0, 0, NONE, 0));
        assertEquals(1f, m.derivative(0f, 0, 0, 0, 0, NONE, 0));
        assertEquals("softcap(cap=30.0)", m.spec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SoftcapModifier(-1));
        assertEquals("softcap cap must be a finite number greater than 0 but was -1.0", e.getMessage());
    }

    @Test
    void relativeBiasReadsAndTrainsOneTableEntryPerHeadAndBucket() {
        RelativeBiasModifier m = new RelativeBiasModifier(8, 20, true, 2);
        assertArrayEquals(new int[] {2, 8}, m.parameterShape());
        assertEquals(16, m.parameterCount());
        float[] theta = new float[20];
        for (int i = 0; i < theta.length; i++) theta[i] = i;
        // bidirectional, 8 buckets: 4 per side, 2 exact; k - q = +1 is bucket 4 + 1 = 5; head 1 at offset 3
        assertEquals(5, RelativeBiasModifier.bucket(1, true, 8, 20));
        assertEquals(0.5f + theta[3 + 8 + 5], m.apply(0.5f, 0, 1, 4, 5, theta, 3));
        float[] grad = new float[20];
        m.accumulateGradient(2f, 0.5f, 0, 1, 4, 5, theta, 3, grad);
        m.accumulateGradient(1f, 0.1f, 1, 1, 9, 10, theta, 3, grad);
        assertEquals(3f, grad[3 + 8 + 5]);
        assertEquals(3f, sum(grad));
        // far offsets share the last bucket of their side
        assertEquals(3, RelativeBiasModifier.bucket(-1000, true, 8, 20));
        assertEquals(7, RelativeBiasModifier.bucket(1000, true, 8, 20));
        assertEquals(0, RelativeBiasModifier.bucket(1000, false, 8, 20));   // decoders: later keys are bucket 0
        assertEquals("relative_bias(buckets=8, max_distance=20, bidirectional=true)", m.spec());
        assertThrows(IllegalArgumentException.class, () -> new RelativeBiasModifier(3, 20, true, 2));
    }

    @Test
    void chainsApplyInOrderAndOffsetTheirParameters() {
        ScoreModifier bias = new RelativeBiasModifier(4, 10, false, 1);
        ScoreModifier cap = new SoftcapModifier(2);
        ScoreModifier chain = ScoreModifierChain.of(List.of(cap, bias, cap.then(bias)));
        assertEquals(4, ((ScoreModifierChain) chain).stages().size());                    // flattened
        assertEquals(8, chain.parameterCount());
        assertEquals(4, ((ScoreModifierChain) chain).offset(3));
        float[] theta = {0, 0, 0, 1, 0, 0, 0, 0.5f};                                     // bucket 3 of each table
        float expected = bias.apply(cap.apply(bias.apply(cap.apply(3f, 0, 0, 9, 0, theta, 0), 0, 0, 9, 0, theta, 0),
                0, 0, 9, 0, theta, 4), 0, 0, 9, 0, theta, 4);
        assertEquals(expected, chain.apply(3f, 0, 0, 9, 0, theta, 0));
        assertEquals("softcap(cap=2.0) >> relative_bias(buckets=4, max_distance=10, bidirectional=false) >> "
                + "softcap(cap=2.0) >> relative_bias(buckets=4, max_distance=10, bidirectional=false)", chain.spec());
        assertThrows(IllegalArgumentException.class, () -> ScoreModifierChain.of(List.of()));
    }

    @Test
    void numberListArgumentsWidenIntsAndRefuseOtherTypes() {
        AlibiModifier.Strategy s = new AlibiModifier.Strategy();
        assertArrayEquals(new double[] {1, 0.5}, MaskArguments.of(s, Map.of("slopes", List.of(1, 0.5))).getNumberList("slopes"));
        assertEquals(AlibiModifier.of(1, 0.5), s.create(MaskArguments.of(s, Map.of("slopes", new double[] {1, 0.5})),
                new ScoreContext(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskArguments.of(s, Map.of("slopes", List.of("a"))));
        assertEquals("parameter 'slopes' of score modifier 'alibi' expects a number list but got a list [a]", e.getMessage());
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) s += v;
        return s;
    }
}
