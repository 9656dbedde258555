package dev.visor.attention;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.PositionOrder;
import java.util.Random;

/** Masks that declare a kernel order, for the tests of the reordered layout. */
final class PermutedMasks {
    private PermutedMasks() {}

    /**
     * {@code strided(stride, local)} of the Sparse Transformer with a local window: query q attends
     * key {@code k ≤ q} when {@code q − k < local} or {@code (q − k) mod stride = 0}; it declares the
     * residue order. Its classify is the enumerating default (exact).
     */
    record Strided(int stride, int local) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            int d = query - key;
            return d >= 0 && (d < local || d % stride == 0);
        }

        @Override
        public PositionOrder kernelOrder() {
            return PositionOrder.byResidue(stride);
        }

        @Override
        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public boolean dependsOnHead() {
            return false;
        }

        @Override
        public String spec() {
            return "strided(stride=" + stride + ", local=" + local + ")";
        }
    }

    /** A seeded random permutation of every range it is asked for. */
    record Shuffle(long seed) implements PositionOrder {
        @Override
        public int[] arrange(int first, int count) {
            int[] out = PositionOrder.natural().arrange(first, count);
            Random r = new Random(seed * 31 + first * 7919L + count);
            for (int i = count - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
            return out;
        }
    }

    /** {@code inner} declaring {@code order} instead of its own. */
    record Reordered(Mask inner, PositionOrder order) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return inner.attends(batch, head, query, key);
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            return inner.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        }

        @Override
        public PositionOrder kernelOrder() {
            return order;
        }

        @Override
        public boolean dependsOnBatch() {
            return inner.dependsOnBatch();
        }

        @Override
        public boolean dependsOnHead() {
            return inner.dependsOnHead();
        }

        @Override
        public void checkShape(dev.visor.mask.MaskShape shape) {
            inner.checkShape(shape);
        }

        @Override
        public String spec() {
            return inner.spec();
        }
    }
}
