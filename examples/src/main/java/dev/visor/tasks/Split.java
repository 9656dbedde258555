package dev.visor.tasks;

import dev.visor.tensor.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A held-out test set of distinct inputs and an endless training stream that never draws one of
 * them, so exact-match accuracy on the test set measures generalisation, not memory.
 *
 * <pre>{@code
 * Split split = Split.of(SyntheticTask.REVERSE, 10, 4, 12, 500, 42);
 * List<Example> batch = split.trainingBatch(rng, 64);
 * }</pre>
 */
public final class Split {
    private static final int MAX_REDRAWS = 1000;

    private final SyntheticTask task;
    private final int symbols;
    private final int minLength;
    private final int maxLength;
    private final List<Example> test;
    private final Set<List<String>> held = new HashSet<>();

    private Split(SyntheticTask task, int symbols, int minLength, int maxLength, List<Example> test) {
        this.task = task;
        this.symbols = symbols;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.test = List.copyOf(test);
        for (Example e : test) held.add(e.source());
    }

    /**
     * Draws a test set of distinct inputs.
     *
     * @param task the task
     * @param symbols letters the string tasks use
     * @param minLength the shortest input
     * @param maxLength the longest input
     * @param testSize distinct held-out inputs, at least 1 and at most a tenth of all possible inputs
     * @param seed the seed of the test set
     * @return the split
     * @throws IllegalArgumentException if the task has too few distinct inputs for a held-out set that size
     */
    public static Split of(SyntheticTask task, int symbols, int minLength, int maxLength, int testSize, long seed) {
        if (testSize < 1) throw new IllegalArgumentException("the test set needs at least 1 example but testSize is " + testSize);
        task.sample(new Rng(seed), minLength, maxLength, symbols); // checks the arguments
        double possible = distinctInputs(task, symbols, minLength, maxLength);
        if (testSize > possible / 10) {
            throw new IllegalArgumentException(task.key() + " with lengths " + minLength + ".." + maxLength
                    + (task == SyntheticTask.ADD ? "" : " over " + symbols + " symbols") + " has only "
                    + (long) possible + " distinct inputs: too few to hold out " + testSize
                    + " and still train on the rest (at most a tenth may be held out)");
        }
        Rng rng = new Rng(seed);
        Set<List<String>> seen = new HashSet<>();
        List<Example> test = new ArrayList<>(testSize);
        while (test.size() < testSize) {
            Example e = task.sample(rng, minLength, maxLength, symbols);
            if (seen.add(e.source())) test.add(e);
        }
        return new Split(task, symbols, minLength, maxLength, test);
    }

    /** The number of distinct inputs the task can produce (a double: it may be astronomically large). */
    static double distinctInputs(SyntheticTask task, int symbols, int minLength, int maxLength) {
        double total = 0;
        for (int n = minLength; n <= maxLength; n++) {
            if (task == SyntheticTask.ADD) {
                double operands = n == 1 ? 10 : 9 * Math.pow(10, n - 1);
                total += operands;
            } else {
                total += Math.pow(symbols, n);
            }
        }
        return task == SyntheticTask.ADD ? total * total : total;
    }

    /** @return the task */
    public SyntheticTask task() {
        return task;
    }

    /** @return the held-out examples */
    public List<Example> test() {
        return test;
    }

    /**
     * Draws one training example whose input is not held out.
     *
     * @param rng the random source
     * @return the example
     */
    public Example nextTraining(Rng rng) {
        for (int i = 0; i < MAX_REDRAWS; i++) {
            Example e = task.sample(rng, minLength, maxLength, symbols);
            if (!held.contains(e.source())) return e;
        }
        throw new IllegalStateException("drew " + MAX_REDRAWS + " held-out inputs in a row; the test set covers too much of the task");
    }

    /**
     * Draws a batch of training examples.
     *
     * @param rng the random source
     * @param size the batch size
     * @return the examples
     */
    public List<Example> trainingBatch(Rng rng, int size) {
        List<Example> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) out.add(nextTraining(rng));
        return out;
    }

    /**
     * Whether an input is in the held-out set.
     *
     * @param source the input symbols
     * @return true if held out
     */
    public boolean isHeldOut(List<String> source) {
        return held.contains(source);
    }
}
