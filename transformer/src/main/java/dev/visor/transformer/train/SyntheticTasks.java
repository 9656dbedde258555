package dev.visor.transformer.train;

import dev.visor.tensor.Rng;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Sequence-to-sequence tasks with known answers for testing and demos: random sequences of tokens
 * {@code first .. vocab−1} (ids below {@code first} are reserved for pad, BOS and EOS) mapped to their
 * copy, their reversal or their sorted order; and decimal addition, whose tokens are the digits
 * ({@code FIRST_TOKEN + d}) and {@link #PLUS}. This is the one implementation of the tasks: the
 * command line's {@code dev.visor.tasks.SyntheticTask} names these tokens with letters and digits.
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
    /** The {@code +} of {@link #add}; digit {@code d} is token {@code FIRST_TOKEN + d}. */
    public static final int PLUS = FIRST_TOKEN + 10;
    /** The most digits an operand of {@link #add} may have (the sum must fit a {@code long}). */
    public static final int MAX_DIGITS = 9;

    private final String name;
    private final int vocab;
    private final int minLength;
    private final int maxLength;
    private final UnaryOperator<int[]> answer;
    private final Function<Rng, int[]> source;

    private SyntheticTasks(String name, int vocab, int minLength, int maxLength, UnaryOperator<int[]> answer,
                           Function<Rng, int[]> source) {
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
        this.source = source != null ? source : rng -> {
            int n = minLength + rng.nextInt(maxLength - minLength + 1);
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = FIRST_TOKEN + rng.nextInt(vocab - FIRST_TOKEN);
            }
            return s;
        };
    }

    /**
     * The target is the source.
     *
     * @param vocab the vocabulary size, greater than {@link #FIRST_TOKEN}; tokens are drawn from {@code FIRST_TOKEN .. vocab-1}
     * @param minLength the shortest source, at least 1
     * @param maxLength the longest source, at least {@code minLength}
     * @return the copy task
     */
    public static SyntheticTasks copy(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("copy", vocab, minLength, maxLength, int[]::clone, null);
    }

    /**
     * The target is the source reversed.
     *
     * @param vocab the vocabulary size, greater than {@link #FIRST_TOKEN}; tokens are drawn from {@code FIRST_TOKEN .. vocab-1}
     * @param minLength the shortest source, at least 1
     * @param maxLength the longest source, at least {@code minLength}
     * @return the reversal task
     */
    public static SyntheticTasks reverse(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("reverse", vocab, minLength, maxLength, s -> {
            int[] r = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                r[i] = s[s.length - 1 - i];
            }
            return r;
        }, null);
    }

    /**
     * The target is the source sorted ascending.
     *
     * @param vocab the vocabulary size, greater than {@link #FIRST_TOKEN}; tokens are drawn from {@code FIRST_TOKEN .. vocab-1}
     * @param minLength the shortest source, at least 1
     * @param maxLength the longest source, at least {@code minLength}
     * @return the sorting task
     */
    public static SyntheticTasks sort(int vocab, int minLength, int maxLength) {
        return new SyntheticTasks("sort", vocab, minLength, maxLength, s -> {
            int[] r = s.clone();
            Arrays.sort(r);
            return r;
        }, null);
    }

    /**
     * Decimal addition: the source is two numbers of {@code minDigits..maxDigits} digits each (no
     * leading zeros) joined by {@link #PLUS}, the target their sum; the vocabulary is the ten digits and
     * {@code +} after the special tokens.
     *
     * @param minDigits the fewest digits of an operand, at least 1
     * @param maxDigits the most digits of an operand, in {@code [minDigits, MAX_DIGITS]}
     * @return the addition task, vocabulary {@code PLUS + 1}
     */
    public static SyntheticTasks add(int minDigits, int maxDigits) {
        if (maxDigits > MAX_DIGITS) {
            throw new IllegalArgumentException("add supports operands of at most " + MAX_DIGITS + " digits but maxLength is "
                    + maxDigits);
        }
        return new SyntheticTasks("add", PLUS + 1, minDigits, maxDigits, SyntheticTasks::sum, rng -> {
            long a = number(rng, minDigits + rng.nextInt(maxDigits - minDigits + 1));
            long b = number(rng, minDigits + rng.nextInt(maxDigits - minDigits + 1));
            int[] x = digits(a);
            int[] y = digits(b);
            int[] s = Arrays.copyOf(x, x.length + 1 + y.length);
            s[x.length] = PLUS;
            System.arraycopy(y, 0, s, x.length + 1, y.length);
            return s;
        });
    }

    private static long number(Rng rng, int digits) {
        long n = digits == 1 ? rng.nextInt(10) : 1 + rng.nextInt(9);
        for (int i = 1; i < digits; i++) {
            n = n * 10 + rng.nextInt(10);
        }
        return n;
    }

    private static int[] digits(long n) {
        String s = Long.toString(n);
        int[] out = new int[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = FIRST_TOKEN + (s.charAt(i) - '0');
        }
        return out;
    }

    private static int[] sum(int[] source) {
        int plus = -1;
        for (int i = 0; i < source.length; i++) {
            if (source[i] == PLUS) {
                plus = plus < 0 ? i : -2;
            } else if (source[i] < FIRST_TOKEN || source[i] >= PLUS) {
                plus = -2;
            }
        }
        if (plus <= 0 || plus == source.length - 1 || plus > MAX_DIGITS || source.length - plus - 1 > MAX_DIGITS) {
            throw new IllegalArgumentException("not an addition of two numbers of at most " + MAX_DIGITS + " digits: "
                    + Arrays.toString(source));
        }
        return digits(value(source, 0, plus) + value(source, plus + 1, source.length));
    }

    private static long value(int[] tokens, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (tokens[i] - FIRST_TOKEN);
        }
        return v;
    }

    /**
     * The task by name: {@code copy}, {@code reverse}, {@code sort} or {@code add} (whose vocabulary is fixed).
     *
     * @param name {@code copy}, {@code reverse}, {@code sort} or {@code add}
     * @param vocab the vocabulary size (ignored by {@code add})
     * @param minLength the shortest source (for {@code add}: the fewest digits per operand)
     * @param maxLength the longest source (for {@code add}: the most digits per operand)
     * @return the task
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SyntheticTasks named(String name, int vocab, int minLength, int maxLength) {
        return switch (Objects.requireNonNull(name, "name")) {
            case "copy" -> copy(vocab, minLength, maxLength);
            case "reverse" -> reverse(vocab, minLength, maxLength);
            case "sort" -> sort(vocab, minLength, maxLength);
            case "add" -> add(minLength, maxLength);
            default -> throw new IllegalArgumentException("unknown task '" + name + "'; expected one of [copy, reverse, sort, add]");
        };
    }

    /**
     * The answer for {@code source}.
     *
     * @param source a source sequence of this task's tokens
     * @return a fresh array: the target, without BOS and EOS
     * @throws IllegalArgumentException for an {@code add} source that is not two numbers joined by {@code +}
     */
    public int[] answer(int[] source) {
        return answer.apply(source.clone());
    }

    /**
     * A random source sequence.
     *
     * @param rng the random source drawn from
     * @return a fresh sequence of {@code minLength .. maxLength} tokens (for {@code add}: two numbers joined by {@code +})
     */
    public int[] source(Rng rng) {
        return source.apply(rng);
    }

    /**
     * {@code count} examples: {@code {sources, targets}}.
     *
     * @param rng the random source drawn from
     * @param count the number of examples, at least 0
     * @return {@code {sources, targets}}, each {@code count} rows of varying length
     */
    public int[][][] sample(Rng rng, int count) {
        int[][] src = new int[count][];
        int[][] tgt = new int[count][];
        for (int i = 0; i < count; i++) {
            src[i] = source(rng);
            tgt[i] = answer(src[i]);
        }
        return new int[][][] {src, tgt};
    }

    /**
     * Endless teacher-forced batches of {@code batchSize} examples.
     *
     * @param batchSize examples per batch, at least 1
     * @param bos the begin-of-sequence id put before each target in the decoder input
     * @param eos the end-of-sequence id appended to each target
     * @param pad the padding id of short rows
     * @return a source drawing fresh examples from the trainer's random source on every call
     */
    public BatchSource batches(int batchSize, int bos, int eos, int pad) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but got " + batchSize);
        }
        return rng -> {
            int[][][] s = sample(rng, batchSize);
            return Batch.seq2seq(s[0], s[1], bos, eos, pad);
        };
    }

    /**
     * The task's name.
     *
     * @return {@code copy}, {@code reverse}, {@code sort} or {@code add}, as {@link #named} accepts
     */
    public String name() {
        return name;
    }

    /**
     * The vocabulary size the task draws from.
     *
     * @return the number of token ids, special tokens included
     */
    public int vocab() {
        return vocab;
    }

    /**
     * The longest source.
     *
     * @return a token count, at least 1 (for {@code add}: the most digits of one operand, not the source length)
     */
    public int maxLength() {
        return maxLength;
    }
}
