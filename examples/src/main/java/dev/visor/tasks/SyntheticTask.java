package dev.visor.tasks;

import dev.visor.tensor.Rng;
import dev.visor.transformer.train.SyntheticTasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Algorithmic sequence-to-sequence tasks whose answers are known exactly, so a model's exact-match
 * accuracy on held-out inputs says whether it learned the algorithm: reverse a string, copy it, sort
 * its symbols, or add two decimal numbers. The tasks themselves are the transformer module's
 * {@link SyntheticTasks} (on token ids); this enum names their tokens — letters {@code a, b, ...} or
 * digits and {@code +} — as the command line shows them, with the same ids as {@link #vocabulary}.
 *
 * <pre>{@code
 * SyntheticTask task = SyntheticTask.parse("reverse");
 * Example e = task.sample(new Rng(7), 4, 8, 10);   // e.g. "dcbba → abbcd"
 * }</pre>
 */
public enum SyntheticTask {
    /** The symbols in reverse order: {@code abc → cba}. */
    REVERSE("reverse", "reverse the input symbols"),
    /** The input unchanged: {@code abc → abc}. */
    COPY("copy", "copy the input symbols"),
    /** The symbols sorted: {@code cab → abc}. */
    SORT("sort", "sort the input symbols"),
    /** Decimal addition: {@code 17+5 → 22}. The length bounds count the digits of each operand. */
    ADD("add", "add two decimal numbers");

    private final String key;
    private final String description;

    SyntheticTask(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** @return the lower-case name used on the command line */
    public String key() {
        return key;
    }

    /** @return one line saying what the task asks */
    public String description() {
        return description;
    }

    /**
     * Finds a task by name, case-insensitively.
     *
     * @param name e.g. "reverse"
     * @return the task
     * @throws IllegalArgumentException naming the known tasks, with a did-you-mean
     */
    public static SyntheticTask parse(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (SyntheticTask t : values()) if (t.key.equals(wanted)) return t;
        SyntheticTask closest = null;
        int best = Integer.MAX_VALUE;
        for (SyntheticTask t : values()) {
            int d = distance(wanted, t.key);
            if (d < best) {
                best = d;
                closest = t;
            }
        }
        String hint = best <= 2 ? "did you mean '" + closest.key + "'? " : "";
        throw new IllegalArgumentException("unknown task '" + name + "'; " + hint + "available: " + keys());
    }

    /** @return every task name */
    public static List<String> keys() {
        return Arrays.stream(values()).map(SyntheticTask::key).toList();
    }

    /**
     * The vocabulary of the task: {@code symbols} letters {@code a, b, ...} for the string tasks, the
     * digits and {@code +} for addition.
     *
     * @param symbols how many letters the string tasks use, in [2, 26]
     * @return the vocabulary
     */
    public Vocabulary vocabulary(int symbols) {
        if (this == ADD) {
            List<String> digits = new ArrayList<>();
            for (char c = '0'; c <= '9'; c++) digits.add(String.valueOf(c));
            digits.add("+");
            return Vocabulary.of(digits);
        }
        if (symbols < 2 || symbols > 26) throw new IllegalArgumentException("symbols must be in [2, 26] but is " + symbols);
        List<String> letters = new ArrayList<>();
        for (int i = 0; i < symbols; i++) letters.add(String.valueOf((char) ('a' + i)));
        return Vocabulary.of(letters);
    }

    /**
     * The longest source and target this task produces for a length bound, for sizing the model.
     *
     * @param maxLength the largest length passed to {@link #sample}
     * @return the longest sequence, without special tokens
     */
    public int longestSequence(int maxLength) {
        return this == ADD ? 2 * maxLength + 1 : maxLength;
    }

    /**
     * The task on token ids, drawing from {@code symbols} letters (ignored by {@link #ADD}).
     *
     * @param minLength the shortest input (operand digits for {@link #ADD}), at least 1
     * @param maxLength the longest input, at least {@code minLength}
     * @param symbols letters the string tasks draw from, in [2, 26]
     * @return the task
     */
    public SyntheticTasks tokens(int minLength, int maxLength, int symbols) {
        if (this != ADD && (symbols < 2 || symbols > 26)) throw new IllegalArgumentException("symbols must be in [2, 26] but is " + symbols);
        return SyntheticTasks.named(key, SyntheticTasks.FIRST_TOKEN + symbols, minLength, maxLength);
    }

    /**
     * Draws one example.
     *
     * @param rng the random source
     * @param minLength the shortest input (operand digits for {@link #ADD}), at least 1
     * @param maxLength the longest input, at least {@code minLength}
     * @param symbols letters the string tasks draw from, in [2, 26]
     * @return the example
     */
    public Example sample(Rng rng, int minLength, int maxLength, int symbols) {
        SyntheticTasks t = tokens(minLength, maxLength, symbols);
        int[] source = t.source(rng);
        return new Example(symbols(source), symbols(t.answer(source)));
    }

    /**
     * The correct output for a source, for checking decoded answers of user-given inputs.
     *
     * @param source the source symbols
     * @return the target symbols
     * @throws IllegalArgumentException if the source is not a valid input of this task
     */
    public List<String> answer(List<String> source) {
        if (this == ADD) {
            String s = String.join("", source);
            int plus = s.indexOf('+');
            if (plus <= 0 || plus == s.length() - 1 || !s.substring(0, plus).chars().allMatch(Character::isDigit)
                    || !s.substring(plus + 1).chars().allMatch(Character::isDigit) || plus > SyntheticTasks.MAX_DIGITS
                    || s.length() - plus - 1 > SyntheticTasks.MAX_DIGITS) {
                throw new IllegalArgumentException("'" + s + "' is not an addition of two numbers such as 17+5");
            }
        }
        int[] ids = new int[source.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = token(source.get(i));
        return symbols(tokens(1, Math.max(1, Math.min(ids.length, SyntheticTasks.MAX_DIGITS)), 26).answer(ids));
    }

    private int token(String symbol) {
        if (symbol.length() == 1) {
            char c = symbol.charAt(0);
            if (this == ADD && c >= '0' && c <= '9') return SyntheticTasks.FIRST_TOKEN + (c - '0');
            if (this == ADD && c == '+') return SyntheticTasks.PLUS;
            if (this != ADD && c >= 'a' && c <= 'z') return SyntheticTasks.FIRST_TOKEN + (c - 'a');
        }
        throw new IllegalArgumentException("'" + symbol + "' is not a symbol of the " + key + " task");
    }

    private List<String> symbols(int[] tokens) {
        List<String> out = new ArrayList<>(tokens.length);
        for (int t : tokens) {
            int i = t - SyntheticTasks.FIRST_TOKEN;
            out.add(this == ADD ? (t == SyntheticTasks.PLUS ? "+" : String.valueOf((char) ('0' + i))) : String.valueOf((char) ('a' + i)));
        }
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
