package dev.visor.transformer.train;

import dev.visor.tensor.Rng;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Sequence-to-sequence tasks with known answers for testing and demos: random sequences of tokens
 * {@code first .. vocab−1} (ids below {@code first} are reserved for pad, BOS and EOS) mapped to their
 * copy, their reversal or their sorted order.
 *
 * <pre>{@code
 * SyntheticTasks task = SyntheticTasks.reverse(16, 3, 8);      // vocab 16, lengths 3..8
 * BatchSource train = task.batches(32, cfg.bosId(), cfg.eosId(), cfg.padId());
 * int[][][] heldOut = task.sample(new Rng(99), 200);           // {sources, targets}
 * }</pre>
 */
public final class SyntheticTasks {
    /** The first ordinary token: 0, 1 and 2 are pad, BOS and EOS. */
    public static final int FIRST_TOKEN = 3;

    private final String name;
    private final int vocab;
    private final int minLength;
    private final int maxLength;
    private final UnaryOperator<int[]> answer;

    private SyntheticTasks(String name, int vocab, int minLength, int maxLength, UnaryOperator<int[]> answer) {
        if (vocab <= FIRST_TOKEN) {
            throw new IllegalArgumentException("the vocabulary needs more than " + FIRST_TOKEN + " tokens but got " + vocab);
        }
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("lengths must satisfy 1 <= min <= max but got min=" + minLength + ", max="
                    + maxLength);
        }
        this.name = name;
        this.vocab = vocab;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.answer = answer;
    }

    /** The target is the source. */
    public static SyntheticTasks copy(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("copy", vocab, minLength, maxLength, int[]::clone);
    }

    /** The target is the source reversed. */
    public static SyntheticTasks reverse(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("reverse", vocab, minLength, maxLength, s -> {
            int[] r = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                r[i] = s[s.length - 1 - i];
            }
            return r;
        });
    }

    /** The target is the source sorted ascending. */
    public static SyntheticTasks sort(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("sort", vocab, minLength, maxLength, s -> {
            int[] r = s.clone();
            Arrays.sort(r);
            return r;
        });
    }

    /** The task by name: {@code copy}, {@code reverse} or {@code sort}. */
    public static SyntheticTasks named(String name, int vocab, int minLength, int maxLength) {
        return switch (Objects.requireNonNull(name, "name")) {
            case "copy" -> copy(vocab, minLength, maxLength);
            case "reverse" -> reverse(vocab, minLength, maxLength);
            case "sort" -> sort(vocab, minLength, maxLength);
            default -> throw new IllegalArgumentException("unknown task '" + name + "'; expected one of [copy, reverse, sort]");
        };
    }

    /** The answer for {@code source}. */
    public int[] answer(int[] source) {
        return answer.apply(source.clone());
    }

    /** A random source sequence. */
    public int[] source(Rng rng) {
        int n = minLength + rng.nextInt(maxLength - minLength + 1);
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = FIRST_TOKEN + rng.nextInt(vocab - FIRST_TOKEN);
        }
        return s;
    }

    /** {@code count} examples: {@code {sources, targets}}. */
    public int[][][] sample(Rng rng, int count) {
        int[][] src = new int[count][];
        int[][] tgt = new int[count][];
        for (int i = 0; i < count; i++) {
            src[i] = source(rng);
            tgt[i] = answer(src[i]);
        }
        return new int[][][] {src, tgt};
    }

    /** Endless teacher-forced batches of {@code batchSize} examples. */
    public BatchSource batches(int batchSize, int bos, int eos, int pad) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but got " + batchSize);
        }
        return rng -> {
            int[][][] s = sample(rng, batchSize);
            return Batch.seq2seq(s[0], s[1], bos, eos, pad);
        };
    }

    /** The task's name. */
    public String name() {
        return name;
    }

    /** The vocabulary size the task draws from. */
    public int vocab() {
        return vocab;
    }

    /** The longest source. */
    public int maxLength() {
        return maxLength;
    }
}
