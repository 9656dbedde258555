package dev.visor.attention;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random element masks for the properties, shaped like the mask module's built-ins (causal with a
 * query offset, sliding windows, key and query padding per batch, documents, chunks, globals,
 * per-head patterns, pseudo-random) and their compositions with and / or / not.
 */
final class TestMasks {
    private TestMasks() {}

    /** A described element mask that knows whether it depends on batch and head. */
    interface Mask extends ElementMask {
        boolean byBatch();

        boolean byHead();
    }

    record Leaf(String name, boolean byBatch, boolean byHead, ElementMask fn) implements Mask {
        @Override
        public boolean attends(int b, int h, int q, int k) {
            return fn.attends(b, h, q, k);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record And(Mask a, Mask b) implements Mask {
        @Override
        public boolean attends(int bb, int h, int q, int k) {
            return a.attends(bb, h, q, k) && b.attends(bb, h, q, k);
        }

        @Override
        public boolean byBatch() {
            return a.byBatch() || b.byBatch();
        }

        @Override
        public boolean byHead() {
            return a.byHead() || b.byHead();
        }

        @Override
        public String toString() {
            return "(" + a + " & " + b + ")";
        }
    }

    record Or(Mask a, Mask b) implements Mask {
        @Override
        public boolean attends(int bb, int h, int q, int k) {
            return a.attends(bb, h, q, k) || b.attends(bb, h, q, k);
        }

        @Override
        public boolean byBatch() {
            return a.byBatch() || b.byBatch();
        }

        @Override
        public boolean byHead() {
            return a.byHead() || b.byHead();
        }

        @Override
        public String toString() {
            return "(" + a + " | " + b + ")";
        }
    }

    record Not(Mask a) implements Mask {
        @Override
        public boolean attends(int bb, int h, int q, int k) {
            return !a.attends(bb, h, q, k);
        }

        @Override
        public boolean byBatch() {
            return a.byBatch();
        }

        @Override
        public boolean byHead() {
            return a.byHead();
        }

        @Override
        public String toString() {
            return "!" + a;
        }
    }

    static Mask full() {
        return new Leaf("full", false, false, (b, h, q, k) -> true);
    }

    static Mask causal(int offset) {
        return new Leaf("causal(offset=" + offset + ")", false, false, (b, h, q, k) -> k <= q + offset);
    }

    static Mask window(int left, int right) {
        return new Leaf("sliding_window(left=" + left + ", right=" + right + ")", false, false,
                (b, h, q, k) -> k >= q - left && k <= q + right);
    }

    static Mask keyPadding(int[] valid) {
        return new Leaf("padding" + Arrays.toString(valid), true, false, (b, h, q, k) -> k < valid[b]);
    }

    static Mask queryPadding(int[] valid) {
        return new Leaf("query_padding" + Arrays.toString(valid), true, false, (b, h, q, k) -> q < valid[b]);
    }

    static Mask document(int docLength) {
        return new Leaf("document(len=" + docLength + ")", false, false, (b, h, q, k) -> q / docLength == k / docLength);
    }

    static Mask chunked(int size) {
        return new Leaf("chunked(" + size + ")", false, false, (b, h, q, k) -> q / size == k / size && k <= q);
    }

    static Mask global(int position) {
        return new Leaf("global(" + position + ")", false, false, (b, h, q, k) -> q == position || k == position);
    }

    static Mask perHead() {
        return new Leaf("per_head", false, true, (b, h, q, k) -> (q + k + h) % (h + 2) != 0);
    }

    static Mask perBatchAndHead() {
        return new Leaf("per_batch_head", true, true, (b, h, q, k) -> ((k * 7 + b * 3 + h) % 5) < 3 || k == q);
    }

    static Mask pseudoRandom(long seed, int percent) {
        return new Leaf("random(" + seed + ", " + percent + "%)", false, false, (b, h, q, k) -> {
            long z = seed * 0x9E3779B97F4A7C15L + q * 0xBF58476D1CE4E5B9L + k * 0x94D049BB133111EBL;
            z ^= z >>> 29;
            z *= 0xBF58476D1CE4E5B9L;
            z ^= z >>> 32;
            return Math.floorMod(z, 100) < percent;
        });
    }

    /** A random leaf for a call with the given batch size and lengths. */
    static Arbitrary<Mask> leaf(int batch, int lq, int lk) {
        Arbitrary<int[]> validKeys = Arbitraries.integers().between(0, lk).array(int[].class).ofSize(batch);
        Arbitrary<int[]> validQueries = Arbitraries.integers().between(0, lq).array(int[].class).ofSize(batch);
        return Arbitraries.oneOf(
                Arbitraries.just(full()),
                Arbitraries.integers().between(-3, Math.max(0, lk - lq) + 3).map(TestMasks::causal),
                Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 4))
                        .as(TestMasks::window),
                validKeys.map(TestMasks::keyPadding),
                validQueries.map(TestMasks::queryPadding),
                Arbitraries.integers().between(1, 12).map(TestMasks::document),
                Arbitraries.integers().between(1, 9).map(TestMasks::chunked),
                Arbitraries.integers().between(0, Math.max(0, Math.min(lq, lk) - 1)).map(TestMasks::global),
                Arbitraries.just(perHead()),
                Arbitraries.just(perBatchAndHead()),
                Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 100)).as(TestMasks::pseudoRandom));
    }

    /** A random mask: a leaf or a composition of up to two levels. */
    static Arbitrary<Mask> any(int batch, int lq, int lk) {
        Arbitrary<Mask> leaf = leaf(batch, lq, lk);
        Arbitrary<Mask> one = Arbitraries.oneOf(
                leaf,
                Combinators.combine(leaf, leaf).as(And::new),
                Combinators.combine(leaf, leaf).as(Or::new),
                leaf.map(Not::new));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, one),
                net.jqwik.api.Tuple.of(1, Combinators.combine(one, one).as(And::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(one, leaf).as(Or::new)));
    }
}
