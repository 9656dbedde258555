package dev.visor.bench;

import dev.visor.attention.AttentionConfig;
import dev.visor.attention.BlockSparsity;
import dev.visor.attention.HeadsView;
import dev.visor.attention.PermutedAttention;
import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskVerification;
import dev.visor.mask.PositionOrder;
import dev.visor.tensor.Rng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The flash forward and backward passes at N = 4096, 4 heads × head dim 64, by mask and by the
 * compiled mask's block size (16, 32, 64, 128), through {@link PermutedAttention} (the path
 * {@code Attention.flash} takes): the data the choice of the kernel's block size rests on, and the
 * reordered layout's gain. {@code strided} is the Sparse Transformer pattern with a local window, {@link StridedLocal}:
 * 6 % of the elements attend, but every block below the diagonal mixes attended and masked elements
 * at every block size from 8 up; {@code strided} declares the residue order, so it runs in the
 * reordered layout, and {@code strided_natural} is the same mask without the hint (the natural layout).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar BlockSizeBench
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar BlockSizeBench -p block=64 \
 *     -p mask=full,causal,strided,strided_natural
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class BlockSizeBench {
    static final int N = 4096;
    static final int HEADS = 4;
    static final int HEAD_DIM = 64;

    /**
     * {@code strided(stride, local)}: query q attends key k ≤ q when {@code q − k < local} or
     * {@code (q − k) mod stride = 0}. Classify is sound (exact up to FULL for mixed ranges).
     *
     * @param stride the step of the strided keys
     * @param local the local window
     * @param reorder whether the mask declares the residue order ({@link PositionOrder#byResidue})
     */
    record StridedLocal(int stride, int local, boolean reorder) implements Mask {
        @Override
        public PositionOrder kernelOrder() {
            return reorder ? PositionOrder.byResidue(stride) : PositionOrder.natural();
        }

        @Override
        public boolean attends(int batch, int head, int query, int key) {
            int d = query - key;
            return d >= 0 && (d < local || d % stride == 0);
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            int dmax = (queryTo - 1) - keyFrom;
            if (dmax < 0) return BlockClass.EMPTY;
            int lowest = queryFrom - (keyTo - 1);
            int dmin = Math.max(0, lowest);
            boolean any = dmin < local || (dmax / stride) * stride >= dmin;
            if (!any) return BlockClass.EMPTY;
            boolean all = lowest >= 0 && (dmax < local || stride == 1 || (dmin == dmax && dmin % stride == 0));
            return all ? BlockClass.FULL : BlockClass.PARTIAL;
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

    /** One (mask, block size) configuration. */
    @State(Scope.Benchmark)
    public static class Inputs {
        @Param({"full", "causal", "sliding_window(left=15)", "sliding_window(left=127)", "strided",
            "strided_natural"})
        public String mask;

        @Param({"16", "32", "64", "128"})
        public int block;

        HeadsView q, k, v, out, dOut, dq, dk, dv;
        BlockSparsity sparsity;
        AttentionConfig cfg;
        float[] lse;

        @Setup
        public void setUp() {
            Rng rng = new Rng(1);
            q = HeadsView.contiguous(MatmulBench.gaussian(rng, HEADS * N * HEAD_DIM), 1, HEADS, N, HEAD_DIM);
            k = HeadsView.contiguous(MatmulBench.gaussian(rng, HEADS * N * HEAD_DIM), 1, HEADS, N, HEAD_DIM);
            v = HeadsView.contiguous(MatmulBench.gaussian(rng, HEADS * N * HEAD_DIM), 1, HEADS, N, HEAD_DIM);
            out = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dOut = HeadsView.contiguous(MatmulBench.gaussian(rng, HEADS * N * HEAD_DIM), 1, HEADS, N, HEAD_DIM);
            dq = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dk = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dv = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            MaskShape shape = new MaskShape(1, HEADS, N, N, 0);
            Mask m = mask.startsWith("strided") ? new StridedLocal(8, 4, mask.equals("strided"))
                    : MaskRegistry.load().create(mask, MaskContext.of(shape));
            CompiledMask cm = CompiledMask.compile(m, shape, block, block, MaskVerification.OFF);
            sparsity = BlockSparsity.of(cm);
            cfg = AttentionConfig.defaults(HEAD_DIM);
            lse = PermutedAttention.forward(q, k, v, out, sparsity, cfg);   // choose (and build) the layout before timing
        }
    }

    /** The flash forward pass, in the mask's declared order when that pays. */
    @Benchmark
    public float[] forward(Inputs in) {
        return PermutedAttention.forward(in.q, in.k, in.v, in.out, in.sparsity, in.cfg);
    }

    /** The flash backward pass alone (recomputing the weights from the log-sum-exp), in the same layout. */
    @Benchmark
    public float[] backward(Inputs in) {
        PermutedAttention.backward(in.q, in.k, in.v, in.out, in.lse, in.dOut, in.dq, in.dk, in.dv, in.sparsity, in.cfg);
        return in.dq.data();
    }
}
