package dev.visor.tensor.kernel;

import java.util.function.IntConsumer;

/**
 * Runs a loop over items of unequal sizes (a model's parameters: a 64-element bias next to a
 * 16 384-element weight) on the kernel threads, in {@link Parallel#threads()} contiguous runs of about
 * equal total weight: the whole-model passes of a training step (summing the data-parallel shards'
 * gradients, the gradient norm, clipping, the optimizer update) each become one split instead of a
 * serial pass on the calling thread. Each item is visited exactly once, by one thread, so a body that
 * writes only item {@code i}'s own arrays needs no synchronisation, and its results do not depend on
 * the thread count.
 *
 * <pre>{@code
 * long[] sizes = ...;   // numel of each parameter
 * WeightedSplit.forEach(sizes, 1 << 14, i -> partial[i] = sumOfSquares(grads[i]));
 * }</pre>
 */
public final class WeightedSplit {
    private WeightedSplit() {}

    /**
     * The starts of {@code chunks} contiguous runs of items {@code 0 .. weights.length-1} holding about equal
     * total weight: run {@code c} begins at the first item whose weight starts at or past {@code c/chunks}
     * of the total. Runs may be empty (an item heavier than a run's share leaves the next one empty).
     *
     * @param weights each item's weight (e.g. its element count), none negative
     * @param chunks the number of runs, at least 1
     * @return {@code chunks + 1} indices: run {@code c} is {@code [cut[c], cut[c + 1])}, {@code cut[0] = 0}, {@code cut[chunks] = weights.length}
     * @throws IllegalArgumentException for fewer than one chunk or a negative weight, naming it
     */
    public static int[] cuts(long[] weights, int chunks) {
        if (chunks < 1) {
            throw new IllegalArgumentException("a split needs at least 1 chunk but got " + chunks);
        }
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0) {
                throw new IllegalArgumentException("item " + i + " has negative weight " + weights[i]);
            }
            total += weights[i];
        }
        int[] cut = new int[chunks + 1];
        long before = 0;
        int c = 1;
        for (int i = 0; i < weights.length && c < chunks; i++) {
            while (c < chunks && before >= total * c / chunks) {
                cut[c++] = i;
            }
            before += weights[i];
        }
        while (c <= chunks) {
            cut[c++] = weights.length;
        }
        return cut;
    }

    /**
     * Calls {@code body} once for every item {@code 0 .. weights.length-1}: in contiguous runs of about equal
     * weight on up to {@link Parallel#threads()} threads when the total weight is at least twice
     * {@code grain}, otherwise in order on the calling thread (as always inside a chunk of another split).
     * Within a run the items go in ascending order. An exception of any item propagates as from
     * {@link Parallel#forRange} (after every started run has ended).
     *
     * @param weights each item's weight (e.g. its element count), none negative
     * @param grain the least total weight worth a thread hand-off per run, at least 1
     * @param body called with each item's index, possibly concurrently for items of different runs
     */
    public static void forEach(long[] weights, long grain, IntConsumer body) {
        int n = weights.length;
        long total = 0;
        for (long w : weights) {
            total += w;
        }
        int chunks = (int) Math.min(Math.min(Parallel.threads(), n), total / Math.max(1, grain));
        if (chunks <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        int[] cut = cuts(weights, chunks);
        Parallel.forRange(chunks, 1, (from, to) -> {
            for (int i = cut[from]; i < cut[to]; i++) {
                body.accept(i);
            }
        });
    }
}
