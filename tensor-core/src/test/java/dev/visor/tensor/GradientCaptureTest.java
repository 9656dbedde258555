package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class GradientCaptureTest {
    private static Tensor loss(Tensor w, Tensor b, float[] x) {
        return Tensor.of(x, x.length / 3, 3).matmul(w).add(b).tanh().sum();
    }

    @Test
    void capturedGradientsGoToTheCaptureNotTheLeaves() {
        Tensor w = Tensor.randn(new Rng(1), 3, 2).requiresGrad(true);
        Tensor b = Tensor.randn(new Rng(2), 2).requiresGrad(true);
        float[] x = Tensor.randn(new Rng(3), 4, 3).toArray();
        GradientCapture c = GradientCapture.begin();
        loss(w, b, x).backward();
        loss(w, b, x).backward();
        c.close();
        assertNull(w.grad());
        assertNull(b.grad());
        loss(w, b, x).backward(); // after close: to the leaves again
        float[] once = w.grad().toArray();
        float[] twice = c.gradient(w).toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-6f * Math.abs(once[i]) + 1e-7f);
        }
        c.drainInto(List.of(w, b));
        assertNull(c.gradient(w), "drained");
        for (int i = 0; i < once.length; i++) {
            assertEquals(3 * once[i], w.grad().toArray()[i], 1e-5f * Math.abs(once[i]) + 1e-7f);
        }
    }

    @Test
    void drainingIntoEmptyLeavesAdoptsTheGradientWithoutSharingAnotherTensorsStorage() {
        Tensor w = Tensor.randn(new Rng(1), 3, 2).requiresGrad(true);
        Tensor b = Tensor.randn(new Rng(2), 2).requiresGrad(true);
        GradientCapture c = GradientCapture.begin();
        w.sum().backward(); // the seed's broadcast: a gradient that must not alias the graph's tensors
        c.close();
        Tensor captured = c.gradient(w);
        c.drainInto(List.of(b, w));
        assertSame(captured, w.grad());
        assertNull(b.grad(), "a leaf the capture never reached keeps no gradient");
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, w.grad().toArray());
        assertNotSame(w.grad().data, w.data);
    }

    @Test
    void concurrentCapturesDrainedInOrderGiveTheSequentialSumExactly() throws Exception {
        Tensor w = Tensor.randn(new Rng(1), 3, 2).requiresGrad(true);
        Tensor b = Tensor.randn(new Rng(2), 2).requiresGrad(true);
        float[][] xs = {Tensor.randn(new Rng(3), 5, 3).toArray(), Tensor.randn(new Rng(4), 7, 3).toArray()};
        // sequential reference: shard 0 then shard 1 into the leaves
        loss(w, b, xs[0]).backward();
        loss(w, b, xs[1]).backward();
        float[] expectW = w.grad().toArray();
        float[] expectB = b.grad().toArray();
        w.zeroGrad();
        b.zeroGrad();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                GradientCapture[] captures = new GradientCapture[2];
                Future<?>[] done = new Future<?>[2];
                for (int s = 0; s < 2; s++) {
                    int shard = s;
                    done[s] = pool.submit(() -> {
                        try (GradientCapture c = GradientCapture.begin()) {
                            captures[shard] = c;
                            for (int rep = 0; rep < 5; rep++) {
                                if (rep > 0) {
                                    c.gradient(w); // reading while others write elsewhere is fine
                                }
                            }
                            loss(w, b, xs[shard]).backward();
                        }
                    });
                }
                for (Future<?> f : done) {
                    f.get();
                }
                captures[0].drainInto(List.of(w, b));
                captures[1].drainInto(List.of(w, b));
                assertArrayEquals(expectW, w.grad().toArray(), "round " + round);
                assertArrayEquals(expectB, b.grad().toArray(), "round " + round);
                w.zeroGrad();
                b.zeroGrad();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void misuseIsRejectedWithAClearMessage() {
        Tensor w = Tensor.randn(new Rng(1), 2).requiresGrad(true);
        GradientCapture c = GradientCapture.begin();
        try {
            IllegalStateException nested = assertThrows(IllegalStateException.class, GradientCapture::begin);
            assertTrue(nested.getMessage().contains("already open"), nested.getMessage());
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> c.drainInto(List.of(w)));
            assertTrue(early.getMessage().contains("still open"), early.getMessage());
        } finally {
            c.close();
        }
        c.close(); // twice is harmless
        GradientCapture.begin().close(); // and a new one may begin
    }

    /** Leaves of 20 000, 5 and 20 000 elements (heavy enough to split), the middle one with a gradient already. */
    private static Tensor[] drainLeaves() {
        Tensor[] leaves = {Tensor.zeros(20_000).requiresGrad(true), Tensor.zeros(5).requiresGrad(true), Tensor.zeros(20_000).requiresGrad(true)};
        leaves[1].setGrad(Tensor.randn(new Rng(40), 5));
        return leaves;
    }

    /** Two closed captures whose gradient of each leaf is random data (the loss is Σ leaf·x). */
    private static List<GradientCapture> captures(Tensor[] leaves) {
        List<GradientCapture> out = new java.util.ArrayList<>();
        for (int k = 0; k < 2; k++) {
            GradientCapture c = GradientCapture.begin();
            for (int j = 0; j < leaves.length; j++) {
                leaves[j].mul(Tensor.randn(new Rng(50 + 10 * k + j), leaves[j].numel())).sum().backward();
            }
            c.close();
            out.add(c);
        }
        return out;
    }

    @Test
    void drainAllOnTwoThreadsGivesTheBitsOfDrainingEachCaptureInTurn() {
        Tensor[] one = drainLeaves();
        for (GradientCapture c : captures(one)) {
            c.drainInto(List.of(one));
        }
        int before = dev.visor.tensor.kernel.Parallel.threads();
        dev.visor.tensor.kernel.Parallel.setThreads(2);
        try {
            Tensor[] all = drainLeaves();
            List<GradientCapture> cs = captures(all);
            GradientCapture.drainAll(cs, List.of(all[0], all[1], all[2], all[0]));   // a leaf listed twice gets its gradients once
            for (int j = 0; j < one.length; j++) {
                assertArrayEquals(one[j].grad().toArray(), all[j].grad().toArray(), "leaf " + j);
            }
            assertNull(cs.get(1).gradient(all[2]), "drained");
        } finally {
            dev.visor.tensor.kernel.Parallel.setThreads(before);
        }
    }

    @Test
    void drainAllRejectsAnOpenCaptureNamingItsThread() {
        Tensor w = Tensor.zeros(3).requiresGrad(true);
        GradientCapture c = GradientCapture.begin();
        try {
            var e = assertThrows(IllegalStateException.class, () -> GradientCapture.drainAll(List.of(c), List.of(w)));
            assertEquals("drainInto before close(): the capture of thread " + Thread.currentThread().getName() + " is still open", e.getMessage());
        } finally {
            c.close();
        }
    }
}
