package dev.visor.mask.builtin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;

/**
 * {@code relative_bias(buckets, max_distance, bidirectional)}: T5's learned relative position bias
 * (Raffel et al. 2020), {@code s' = s + table[h, bucket(k − q)]}, with one learnable table of
 * {@code heads × buckets} floats per attention site (shape {@code {heads, buckets}}, initialised to
 * zeros so a fresh site starts unbiased). Its gradient is {@code ∂L/∂table[h, bucket(k − q)] += ∂L/∂s'}.
 *
 * <p>{@link #bucket} is Hugging Face's {@code T5Attention._relative_position_bucket}, reproduced with
 * its float32 arithmetic so every bucket agrees: with {@code n = buckets} (halved when bidirectional,
 * where positive offsets take the upper half), offsets below {@code n/2} get a bucket each, and larger
 * ones share logarithmically wider buckets up to {@code max_distance}, beyond which all fall in the last.
 *
 * <pre>{@code
 * ScoreModifier m = new RelativeBiasModifier(32, 128, true, 8);   // 8 × 32 table
 * RelativeBiasModifier.bucket(-5, true, 32, 128);                 // 5
 * }</pre>
 *
 * @param buckets the number of buckets, at least 2 (4 when bidirectional)
 * @param maxDistance the distance from which offsets share the last bucket, greater than half the
 *     (per-direction) bucket count
 * @param bidirectional whether later keys ({@code k > q}) get buckets of their own
 * @param heads the number of heads, the table's rows
 * @since 0.2
 */
public record RelativeBiasModifier(int buckets, int maxDistance, boolean bidirectional, int heads)
        implements ScoreModifier {

    /**
     * Checks the sizes.
     *
     * @param buckets the number of buckets, at least 2 (4 when bidirectional)
     * @param maxDistance the distance from which offsets share the last bucket, greater than half the
     *     (per-direction) bucket count
     * @param bidirectional whether later keys ({@code k > q}) get buckets of their own
     * @param heads the number of heads (the table's rows), at least 1
     */
    public RelativeBiasModifier {
        check(buckets, maxDistance, bidirectional);
        if (heads < 1) throw new IllegalArgumentException("relative_bias needs at least 1 head but got " + heads);
    }

    private static void check(int buckets, int maxDistance, boolean bidirectional) {
        int perSide = bidirectional ? buckets / 2 : buckets;
        if (perSide < 2) {
            throw new IllegalArgumentException("relative_bias needs buckets >= " + (bidirectional ? 4 : 2)
                    + (bidirectional ? " when bidirectional" : "") + " but got " + buckets);
        }
        if (maxDistance <= perSide / 2) {
            throw new IllegalArgumentException("relative_bias max_distance must be greater than " + perSide / 2
                    + " (half the buckets per direction) but was " + maxDistance);
        }
    }

    /**
     * T5's bucket of a relative position, exactly as {@code _relative_position_bucket} of Hugging Face
     * transformers (float32 logarithm, truncation toward zero).
     *
     * @param relative {@code key − query}
     * @param bidirectional whether positive offsets have buckets of their own
     * @param buckets the number of buckets
     * @param maxDistance the distance from which offsets share the last bucket
     * @return the bucket in {@code [0, buckets)}
     */
    public static int bucket(int relative, boolean bidirectional, int buckets, int maxDistance) {
        int result = 0;
        int n = buckets;
        long position = relative;
        if (bidirectional) {
            n /= 2;
            if (position > 0) result += n;
            position = Math.abs(position);
        } else {
            position = -Math.min(position, 0);
        }
        int maxExact = n / 2;
        if (position < maxExact) return result + (int) position;
        // 1) float32 as torch: log(p / maxExact) / log(maxDistance / maxExact) * (n - maxExact), truncated
        float ratio = (float) position / (float) maxExact;
        float scaled = (float) Math.log(ratio) / (float) Math.log((double) maxDistance / maxExact) * (float) (n - maxExact);
        long large = maxExact + (long) scaled;
        return result + (int) Math.min(large, n - 1);
    }

    private int index(int head, int query, int key) {
        return head * buckets + bucket(key - query, bidirectional, buckets, maxDistance);
    }

    @Override
    public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return score + theta[at + index(head, query, key)];
    }

    /**
     * The row in three runs: keys at least {@code max_distance} before the query share one bucket,
     * keys at least {@code max_distance} after it share another, and the keys between look their
     * bucket up in a table of the {@code 2·max_distance + 1} offsets (built once per bucket layout).
     */
    @Override
    public void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                         float[] theta, int at) {
        int base = at + head * buckets;
        int rel0 = firstKey - query;
        int lowEnd = runEnd(-maxDistance - (long) rel0 + 1, count);   // j with rel0 + j <= -maxDistance
        int highStart = Math.max(lowEnd, runEnd(maxDistance - (long) rel0, count));   // rel0 + j >= maxDistance
        if (lowEnd > 0) {
            float bias = theta[base + bucket(-maxDistance, bidirectional, buckets, maxDistance)];
            for (int j = 0; j < lowEnd; j++) scores[off + j] += bias;
        }
        int[] table = bucketTable();
        for (int j = lowEnd; j < highStart; j++) scores[off + j] += theta[base + table[rel0 + j + maxDistance]];
        if (highStart < count) {
            float bias = theta[base + bucket(maxDistance, bidirectional, buckets, maxDistance)];
            for (int j = highStart; j < count; j++) scores[off + j] += bias;
        }
    }

    /** The same three runs, each shared bucket receiving its run's sum once; the gradients pass unchanged. */
    @Override
    public void backwardRow(float[] scores, float[] gradients, int off, int count, int batch, int head, int query,
                            int firstKey, float[] theta, int at, float[] thetaGradient) {
        int base = at + head * buckets;
        int rel0 = firstKey - query;
        int lowEnd = runEnd(-maxDistance - (long) rel0 + 1, count);
        int highStart = Math.max(lowEnd, runEnd(maxDistance - (long) rel0, count));
        if (lowEnd > 0) {
            float sum = 0f;
            for (int j = 0; j < lowEnd; j++) sum += gradients[off + j];
            thetaGradient[base + bucket(-maxDistance, bidirectional, buckets, maxDistance)] += sum;
        }
        int[] table = bucketTable();
        for (int j = lowEnd; j < highStart; j++) thetaGradient[base + table[rel0 + j + maxDistance]] += gradients[off + j];
        if (highStart < count) {
            float sum = 0f;
            for (int j = highStart; j < count; j++) sum += gradients[off + j];
            thetaGradient[base + bucket(maxDistance, bidirectional, buckets, maxDistance)] += sum;
        }
    }

    /** {@code end} clamped to {@code [0, count]}. */
    private static int runEnd(long end, int count) {
        return (int) Math.max(0, Math.min(end, count));
    }

    /** The bucket of every offset in {@code [−max_distance, max_distance]}, index {@code offset + max_distance}. */
    private int[] bucketTable() {
        BucketTable t = BucketTable.last;
        if (t == null || t.buckets != buckets || t.maxDistance != maxDistance || t.bidirectional != bidirectional) {
            int[] table = new int[2 * maxDistance + 1];
            for (int r = -maxDistance; r <= maxDistance; r++) {
                table[r + maxDistance] = bucket(r, bidirectional, buckets, maxDistance);
            }
            t = new BucketTable(buckets, maxDistance, bidirectional, table);
            BucketTable.last = t;
        }
        return t.table;
    }

    /** The bucket table of the layout used last (one layout per model is the common case). */
    private record BucketTable(int buckets, int maxDistance, boolean bidirectional, int[] table) {
        static volatile BucketTable last;
    }

    @Override
    public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return 1f;
    }

    @Override
    public int[] parameterShape() {
        return new int[] {heads, buckets};
    }

    @Override
    public void accumulateGradient(float gradient, float score, int batch, int head, int query, int key,
                                   float[] theta, int at, float[] thetaGradient) {
        thetaGradient[at + index(head, query, key)] += gradient;
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public String spec() {
        return MaskSpec.call("relative_bias", "buckets", buckets, "max_distance", maxDistance,
                "bidirectional", bidirectional).toString();
    }

    /** The strategy of {@code relative_bias}. */
    public static final class Strategy implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "relative_bias";
        }

        @Override
        public String description() {
            return "learned bias per head and bucket of k − q (T5); a heads × buckets table";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(
                    MaskParameter.optional("buckets", ParameterType.INT, 32, "number of buckets"),
                    MaskParameter.optional("max_distance", ParameterType.INT, 128,
                            "offsets from here share the last bucket"),
                    MaskParameter.optional("bidirectional", ParameterType.BOOLEAN, true,
                            "later keys get buckets of their own (false for decoders)"));
        }

        @Override
        public void validate(MaskArguments args) {
            check(args.getInt("buckets"), args.getInt("max_distance"), args.getBoolean("bidirectional"));
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            return new RelativeBiasModifier(args.getInt("buckets"), args.getInt("max_distance"),
                    args.getBoolean("bidirectional"), context.heads());
        }
    }
}
