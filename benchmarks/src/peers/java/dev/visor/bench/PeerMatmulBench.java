package dev.visor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * float32 matmul, Visor against DJL/PyTorch and EJML, on {@link MatmulBench}'s shapes (see
 * {@link Shape}) and the same operands (the same Gaussian floats, seed 42), each written the way
 * its users write a product:
 * <ul>
 *   <li>{@link #visor}: {@code a.matmul(b)} on {@link Tensor}s, a stored-transposed operand as a
 *       {@code transpose} view (no copy: the GEMM reads it transposed), a new output per call;</li>
 *   <li>{@link #djl}: {@code a.matMul(b)} on PyTorch {@code NDArray}s, transposes likewise as views,
 *       a new output per call, freed by an {@link NDScope} (PyTorch's CPU kernels have finished when
 *       the call returns);</li>
 *   <li>{@link #ejml}: {@code CommonOps_MT_FDRM.mult}/{@code multTransA}/{@code multTransB} into a
 *       reused output ({@code CommonOps_FDRM} on one thread), batches as a loop.</li>
 * </ul>
 * The report ({@link PeerReport}) turns the times into GFLOP/s with {@link Shape#flop()}.
 *
 * <pre>
 * mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeerMatmulBench -p shape=sq1024 -p threads=2
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class PeerMatmulBench {

    /** The shape and the operands as row-major floats, identical for every library. */
    @State(Scope.Benchmark)
    public static class Operands {
        /** See {@link Shape}; the report passes {@link MatmulBench}'s list. */
        @Param({"sq1024"})
        public String shape;

        /** Threads every library may use. */
        @Param({"1", "2"})
        public int threads;

        Shape s;
        float[] a;
        float[] b;

        /** Draws the operands: A as stored ({@code k×m} if transposed), B likewise. */
        @Setup(Level.Trial)
        public void setUp() {
            s = Shape.parse(shape);
            Rng rng = new Rng(42);
            a = MatmulBench.gaussian(rng, s.batch() * s.m() * s.k());
            b = MatmulBench.gaussian(rng, s.batch() * s.k() * s.n());
        }

        int[] storedA() {
            return stored(s.transA() ? s.k() : s.m(), s.transA() ? s.m() : s.k());
        }

        int[] storedB() {
            return stored(s.transB() ? s.n() : s.k(), s.transB() ? s.k() : s.n());
        }

        private int[] stored(int rows, int cols) {
            return s.batch() == 1 ? new int[] {rows, cols} : new int[] {s.batch(), rows, cols};
        }
    }

    /** Visor tensors: the operands as logical {@code (…, m, k)} and {@code (…, k, n)} views. */
    @State(Scope.Benchmark)
    public static class VisorOperands {
        Tensor a;
        Tensor b;

        /** Wraps the shared floats; stored-transposed operands become transpose views. */
        @Setup(Level.Trial)
        public void setUp(Operands o) {
            Peers.visorThreads(o.threads);
            a = Tensor.of(o.a, o.storedA());
            b = Tensor.of(o.b, o.storedB());
            if (o.s.transA()) {
                a = a.transpose(-1, -2);
            }
            if (o.s.transB()) {
                b = b.transpose(-1, -2);
            }
        }
    }

    /** PyTorch arrays through DJL: the same floats, transposes as views. */
    @State(Scope.Benchmark)
    public static class DjlOperands {
        NDManager manager;
        NDArray a;
        NDArray b;

        /** Loads PyTorch on {@code threads} threads and copies the operands in. */
        @Setup(Level.Trial)
        public void setUp(Operands o) {
            manager = Peers.djl(o.threads);
            a = view(manager.create(o.a, new ai.djl.ndarray.types.Shape(toLong(o.storedA()))), o.s.transA());
            b = view(manager.create(o.b, new ai.djl.ndarray.types.Shape(toLong(o.storedB()))), o.s.transB());
        }

        private static NDArray view(NDArray x, boolean transposed) {
            if (!transposed) {
                return x;
            }
            return x.getShape().dimension() == 2 ? x.transpose() : x.transpose(0, 2, 1);
        }

        /** Frees the native memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** EJML matrices, one per product of the batch, and reused outputs. */
    @State(Scope.Benchmark)
    public static class EjmlOperands {
        FMatrixRMaj[] a;
        FMatrixRMaj[] b;
        FMatrixRMaj[] c;
        boolean transA;
        boolean transB;
        boolean concurrent;

        /** Copies each product's operands into its own row-major matrix. */
        @Setup(Level.Trial)
        public void setUp(Operands o) {
            Peers.ejmlThreads(o.threads);
            concurrent = o.threads > 1;
            Shape s = o.s;
            transA = s.transA();
            transB = s.transB();
            a = new FMatrixRMaj[s.batch()];
            b = new FMatrixRMaj[s.batch()];
            c = new FMatrixRMaj[s.batch()];
            int[] sa = o.storedA();
            int[] sb = o.storedB();
            int sizeA = s.m() * s.k();
            int sizeB = s.k() * s.n();
            for (int i = 0; i < s.batch(); i++) {
                a[i] = new FMatrixRMaj(sa[sa.length - 2], sa[sa.length - 1]);
                System.arraycopy(o.a, i * sizeA, a[i].data, 0, sizeA);
                b[i] = new FMatrixRMaj(sb[sb.length - 2], sb[sb.length - 1]);
                System.arraycopy(o.b, i * sizeB, b[i].data, 0, sizeB);
                c[i] = new FMatrixRMaj(s.m(), s.n());
            }
        }
    }

    /** Visor: {@code a.matmul(b)}. */
    @Benchmark
    public Tensor visor(VisorOperands v) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return v.a.matmul(v.b);
        }
    }

    /** DJL/PyTorch: {@code a.matMul(b)}. */
    @Benchmark
    public void djl(DjlOperands d, Blackhole bh) {
        try (NDScope ignored = new NDScope()) {
            bh.consume(d.a.matMul(d.b));
        }
    }

    /** EJML: {@code mult} (or {@code multTransA}/{@code multTransB}) per product. */
    @Benchmark
    public FMatrixRMaj[] ejml(EjmlOperands e) {
        for (int i = 0; i < e.a.length; i++) {
            multiply(e.a[i], e.b[i], e.c[i], e.transA, e.transB, e.concurrent);
        }
        return e.c;
    }

    /** {@code c = op(a)·op(b)} with EJML's concurrent or single-threaded operations. */
    static void multiply(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c, boolean transA, boolean transB, boolean concurrent) {
        if (concurrent) {
            if (transA && transB) {
                CommonOps_MT_FDRM.multTransAB(a, b, c);
            } else if (transA) {
                CommonOps_MT_FDRM.multTransA(a, b, c);
            } else if (transB) {
                CommonOps_MT_FDRM.multTransB(a, b, c);
            } else {
                CommonOps_MT_FDRM.mult(a, b, c);
            }
        } else if (transA && transB) {
            CommonOps_FDRM.multTransAB(a, b, c);
        } else if (transA) {
            CommonOps_FDRM.multTransA(a, b, c);
        } else if (transB) {
            CommonOps_FDRM.multTransB(a, b, c);
        } else {
            CommonOps_FDRM.mult(a, b, c);
        }
    }

    static long[] toLong(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }
}
