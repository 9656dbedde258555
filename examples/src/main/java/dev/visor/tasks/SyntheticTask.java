package dev.visor.tasks;

import dev.visor.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Algorithmic sequence-to-sequence tasks whose answers are known exactly, so a model's exact-match
 * accuracy on held-out inputs says whether it learned the algorithm: reverse a string, copy it, sort
 * its symbols, or add two decimal numbers.
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
     * Draws one example.
     *
     * @param rng the random source
     * @param minLength the shortest input (operand digits for {@link #ADD}), at least 1
     * @param maxLength the longest input, at least {@code minLength}
     * @param symbols letters the string tasks draw from, in [2, 26]
     * @return the example
     */
    public Example sample(Rng rng, int minLength, int maxLength, int symbols) {
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("lengths must satisfy 1 <= min <= max but are min=" + minLength + ", max=" + maxLength);
        }
        if (this == ADD) {
            if (maxLength > 9) throw new IllegalArgumentException("add supports operands of at most 9 digits but max is " + maxLength);
            long a = number(rng, minLength + rng.nextInt(maxLength - minLength + 1));
            long b = number(rng, minLength + rng.nextInt(maxLength - minLength + 1));
            List<String> src = new ArrayList<>(chars(Long.toString(a)));
            src.add("+");
            src.addAll(chars(Long.toString(b)));
            return new Example(src, chars(Long.toString(a + b)));
        }
        if (symbols < 2 || symbols > 26) throw new IllegalArgumentException("symbols must be in [2, 26] but is " + symbols);
        int n = minLength + rng.nextInt(maxLength - minLength + 1);
        List<String> src = new ArrayList<>(n);
        for (int i = 0; i < n; i++) src.add(String.valueOf((char) ('a' + rng.nextInt(symbols))));
        List<String> tgt = new ArrayList<>(src);
        switch (this) {
            case REVERSE -> Collections.reverse(tgt);
            case SORT -> Collections.sort(tgt);
            default -> { }
        }
        return new Example(src, tgt);
    }

    /**
     * The correct output for a source, for checking decoded answers of user-given inputs.
     *
     * @param source the source symbols
     * @return the target symbols
     * @throws IllegalArgumentException if the source is not a valid input of this task
     */
    public List<String> answer(List<String> source) {
        List<String> tgt = new ArrayList<>(source);
        switch (this) {
            case REVERSE -> Collections.reverse(tgt);
            case SORT -> Collections.sort(tgt);
            case COPY -> { }
            case ADD -> {
                String s = String.join("", source);
                int plus = s.indexOf('+');
                if (plus <= 0 || plus == s.length() - 1 || !s.substring(0, plus).chars().allMatch(Character::isDigit)
                        || !s.substring(plus + 1).chars().allMatch(Character::isDigit) || s.length() > 19) {
                    throw new IllegalArgumentException("'" + s + "' is not an addition of two numbers such as 17+5");
                }
                tgt = chars(Long.toString(Long.parseLong(s.substring(0, plus)) + Long.parseLong(s.substring(plus + 1))));
            }
        }
        return tgt;
    }

    private static long number(Rng rng, int digits) {
        long n = digits == 1 ? rng.nextInt(10) : 1 + rng.nextInt(9);
        for (int i = 1; i < digits; i++) n = n * 10 + rng.nextInt(10);
        return n;
    }

    private static List<String> chars(String s) {
        List<String> out = new ArrayList<>(s.length());
        for (char c : s.toCharArray()) out.add(String.valueOf(c));
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
