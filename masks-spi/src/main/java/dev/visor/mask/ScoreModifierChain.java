package dev.visor.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Modifiers applied in sequence, {@code a >> b >> c}: {@code s' = c(b(a(s)))}. The stages'
 * learnable parameters are concatenated in stage order (stage {@code i}'s start at
 * {@code at + offset(i)}), and the chain's derivative and parameter gradients follow the chain rule:
 * <pre>
 *   s_0 = s,  s_{i+1} = f_i(s_i)
 *   ds'/ds        = Π_i f_i'(s_i)
 *   ∂L/∂theta_i  += G · Π_{j>i} f_j'(s_j) · ∂f_i/∂theta_i
 * </pre>
 * Nested chains flatten, so {@code (a >> b) >> c} equals {@code a >> (b >> c)}.
 *
 * @since 0.2
 */
public final class ScoreModifierChain implements ScoreModifier {
    private final List<ScoreModifier> stages;
    private final int[] offsets;
    private final int count;
    private final boolean batch;

    private ScoreModifierChain(List<ScoreModifier> stages) {
        this.stages = stages;
        this.offsets = new int[stages.size()];
        int n = 0;
        boolean dependsOnBatch = false;
        for (int i = 0; i < stages.size(); i++) {
            offsets[i] = n;
            n = Math.addExact(n, stages.get(i).parameterCount());
            dependsOnBatch |= stages.get(i).dependsOnBatch();
        }
        this.count = n;
        this.batch = dependsOnBatch;
    }

    /**
     * The sequential composition of modifiers; one stage is returned as it is.
     *
     * @param stages the modifiers, applied first to last (at least one)
     * @return the chain, flattened
     */
    public static ScoreModifier of(List<? extends ScoreModifier> stages) {
        Objects.requireNonNull(stages, "stages");
        List<ScoreModifier> flat = new ArrayList<>();
        for (ScoreModifier m : stages) {
            Objects.requireNonNull(m, "stage");
            if (m instanceof ScoreModifierChain c) flat.addAll(c.stages);
            else flat.add(m);
        }
        if (flat.isEmpty()) throw new IllegalArgumentException("a score modifier chain needs at least one stage");
        return flat.size() == 1 ? flat.get(0) : new ScoreModifierChain(List.copyOf(flat));
    }

    /** @return the stages, first applied first */
    public List<ScoreModifier> stages() {
        return stages;
    }

    /**
     * Where a stage's parameters start, relative to the chain's.
     *
     * @param stage the stage index
     * @return its offset
     */
    public int offset(int stage) {
        return offsets[stage];
    }

    @Override
    public float apply(float score, int b, int h, int q, int k, float[] theta, int at) {
        float s = score;
        for (int i = 0; i < offsets.length; i++) s = stages.get(i).apply(s, b, h, q, k, theta, at + offsets[i]);
        return s;
    }

    @Override
    public float derivative(float score, int b, int h, int q, int k, float[] theta, int at) {
        float s = score;
        float d = 1f;
        for (int i = 0; i < offsets.length; i++) {
            ScoreModifier m = stages.get(i);
            d *= m.derivative(s, b, h, q, k, theta, at + offsets[i]);
            s = m.apply(s, b, h, q, k, theta, at + offsets[i]);
        }
        return d;
    }

    @Override
    public int[] parameterShape() {
        return count == 0 ? new int[0] : new int[] {count};
    }

    @Override
    public int parameterCount() {
        return count;
    }

    @Override
    public void accumulateGradient(float gradient, float score, int b, int h, int q, int k, float[] theta, int at,
                                   float[] thetaGradient) {
        if (count == 0) return;
        int n = offsets.length;
        float[] inputs = new float[n];   // s_i, the input of stage i
        float s = score;
        for (int i = 0; i < n; i++) {
            inputs[i] = s;
            s = stages.get(i).apply(s, b, h, q, k, theta, at + offsets[i]);
        }
        float g = gradient;               // ∂L/∂s_{i+1} walking back
        for (int i = n - 1; i >= 0; i--) {
            ScoreModifier m = stages.get(i);
            m.accumulateGradient(g, inputs[i], b, h, q, k, theta, at + offsets[i], thetaGradient);
            g *= m.derivative(inputs[i], b, h, q, k, theta, at + offsets[i]);
        }
    }

    @Override
    public void initialise(float[] theta, int at) {
        for (int i = 0; i < offsets.length; i++) stages.get(i).initialise(theta, at + offsets[i]);
    }

    @Override
    public boolean dependsOnBatch() {
        return batch;
    }

    @Override
    public String spec() {
        StringBuilder b = new StringBuilder();
        for (ScoreModifier m : stages) {
            if (b.length() > 0) b.append(" >> ");
            b.append(m.spec());
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreModifierChain c && stages.equals(c.stages);
    }

    @Override
    public int hashCode() {
        return stages.hashCode();
    }

    @Override
    public String toString() {
        return spec();
    }
}
