package dev.visor.bench;

import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The attention layers of the demo's training step on their own ({@code visor train seq2seq --task
 * reverse}: d_model 64, 4 heads, attention dropout 0.1, batches of 64 sequences of 3–10 tokens plus
 * one), forward and backward through autograd on one thread, timed by the thread's CPU time: one
 * encoder self-attention ({@code padding}), one decoder self-attention ({@code causal & padding})
 * and one cross-attention ({@code padding} over the source), as each of the demo's layers calls them.
 * The step's share that the attention module owns, measured without the rest of the step's noise:
 * run the jars of two commits alternately and compare the medians.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.DemoAttentionCpu [rounds] [callsPerRound]
 * </pre>
 * Prints the median and the best round's CPU microseconds per (self + causal + cross) forward and
 * backward, and a checksum of the gradients (the same for the same seeds whatever the commit, as long
 * as the kernels' bits are unchanged).
 */
public final class DemoAttentionCpu {
    private static final int BATCH = 64;
    private static final int LENGTH = 11;   // 3-10 symbols and an end token
    private static final int D_MODEL = 64;
    private static final int HEADS = 4;

    private DemoAttentionCpu() {}

    /** Runs the rounds and prints the figures. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Parallel.setThreads(1);
        DoubleSupplier callSets = callSets(calls);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double sink = 0;
        long[] perRound = new long[rounds];
        for (int round = -3; round < rounds; round++) {   // three rounds warm up
            long t0 = mx.getCurrentThreadCpuTime();
            sink += callSets.getAsDouble();
            long t1 = mx.getCurrentThreadCpuTime();
            if (round >= 0) {
                perRound[round] = t1 - t0;
            }
        }
        java.util.Arrays.sort(perRound);
        System.out.printf(Locale.ROOT,
                "demo attention (self + causal + cross, forward + backward, 1 thread): median %.1f us, best %.1f us"
                        + " CPU per call set (%d rounds of %d; load %s; sink %.6f)%n",
                perRound[rounds / 2] / 1e3 / calls, perRound[0] / 1e3 / calls, rounds, calls, ReportSupport.loadAverage(),
                sink);
    }

    /**
     * The layers and inputs, seeded: each call of the result runs {@code calls} call sets (a
     * self-attention, a causal self-attention and a cross-attention, each forward and backward) and
     * returns a sum of the inputs' gradients. Public so that a harness can load two builds in two class
     * loaders and alternate them call by call.
     *
     * @param calls call sets per call of the result
     * @return the runner
     */
    public static DoubleSupplier callSets(int calls) {
        Rng rng = new Rng(20261203L);
        MultiHeadAttention self = MultiHeadAttention.builder(D_MODEL, HEADS).dropout(0.1).build(rng);
        MultiHeadAttention causal = MultiHeadAttention.builder(D_MODEL, HEADS).dropout(0.1).build(rng);
        MultiHeadAttention cross = MultiHeadAttention.builder(D_MODEL, HEADS).dropout(0.1).build(rng);
        int[] lengths = new int[BATCH];
        for (int b = 0; b < BATCH; b++) {
            lengths[b] = 4 + rng.nextInt(LENGTH - 3);   // 4..11
        }
        MaskInputs padding = MaskInputs.none().withValidLengths(lengths);
        MaskInputs crossPadding = MaskInputs.none().withQueryValidLengths(lengths).withKeyValidLengths(lengths);
        Tensor x = Tensor.randn(rng, BATCH, LENGTH, D_MODEL).requiresGrad(true);
        Tensor memory = Tensor.randn(rng, BATCH, LENGTH, D_MODEL).requiresGrad(true);
        Tensor grad = Tensor.randn(rng, BATCH, LENGTH, D_MODEL);
        return () -> {
            double sink = 0;
            for (int c = 0; c < calls; c++) {
                self.forward(x, x, x, "padding", padding).backward(grad);
                causal.forward(x, x, x, "causal & padding", padding).backward(grad);
                cross.forward(x, memory, memory, "padding", crossPadding).backward(grad);
                sink += x.grad().sum().item() + memory.grad().sum().item();
                x.zeroGrad();
                memory.zeroGrad();
            }
            return sink;
        };
    }
}
