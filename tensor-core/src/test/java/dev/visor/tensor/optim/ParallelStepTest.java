package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#step()} updating parameters on several kernel threads at once gives the bits of one
 * thread, and leaves an optimizer that does not declare independent updates on the calling thread.
 */
class ParallelStepTest {
    /** Sizes from one element to a whole chunk of their own, with a parameter left without a gradient. */
    private static final int[] SIZES = {1, 4096, 3, 70_000, 257, 64, 9000, 5};

    private static List<Tensor> params() {
        Rng rng = new Rng(11);
        List<Tensor> out = new ArrayList<>();
        for (int n : SIZES) {
            out.add(Tensor.randn(rng, n).requiresGrad(true));
        }
        return out;
    }

    private static float[][] run(int threads, Function<List<Tensor>, Optimizer> make) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            List<Tensor> ps = params();
            Optimizer opt = make.apply(ps);
            Rng rng = new Rng(12);
            for (int step = 0; step < 3; step++) {
                opt.zeroGrad();
                for (int i = 0; i < ps.size(); i++) {
                    if (i != 2) { // parameter 2 never gets a gradient
                        ps.get(i).setGrad(Tensor.randn(rng, SIZES[i]));
                    }
                }
                opt.step();
            }
            float[][] out = new float[ps.size()][];
            for (int i = 0; i < ps.size(); i++) {
                out[i] = ps.get(i).toArray();
            }
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void adamWAndSgdGiveTheSameBitsOnOneAndThreeThreads() {
        List<Function<List<Tensor>, Optimizer>> makers = List.of(
                ps -> new AdamW(ps, AdamW.options(1e-2).withWeightDecay(0.1)),
                ps -> new Adam(ps, Adam.options(1e-2).withAmsgrad(true)),
                ps -> new SGD(ps, SGD.options(1e-2).withMomentum(0.9)));
        for (Function<List<Tensor>, Optimizer> make : makers) {
            float[][] one = run(1, make);
            float[][] three = run(3, make);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], three[i], "parameter " + i + " of " + SIZES[i]);
            }
        }
    }

    @Test
    void anOptimizerWithoutIndependentUpdatesUpdatesOnTheCallingThread() {
        Set<Thread> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            List<Tensor> ps = params();
            Optimizer opt = new Optimizer(ps, 0.1) {
                @Override
                protected void update(int index, float[] param, int offset, float[] grad, long step, double lr) {
                    synchronized (seen) {
                        seen.add(Thread.currentThread());
                    }
                }

                @Override
                protected Set<String> bufferNames() {
                    return Set.of();
                }
            };
            for (Tensor p : ps) {
                p.setGrad(Tensor.zeros(p.shape()));
            }
            opt.step();
            assertEquals(Set.of(Thread.currentThread()), seen);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
