package dev.visor.bench;

import dev.visor.tensor.kernel.VecMath;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Element-wise and reduction kernels of {@link VecMath} against the plain loops of
 * {@link VecMath.Reference} and against {@code System.arraycopy} (the memory-bandwidth yardstick),
 * on arrays that live in L1 (4 Ki floats), in L2 (256 Ki) and in memory (4 Mi = 16 MiB). The
 * secondary result {@code bytes} is the bytes each kernel must read and write per second: in
 * memory, a bandwidth-bound kernel sits near {@code copy}'s figure.
 *
 * <p>How to run:
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar VecMathBench
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar VecMathBench -p size=4194304
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class VecMathBench {

    /** Elements per array. */
    @Param({"4096", "262144", "4194304"})
    public int size;

    private float[] x;
    private float[] y;
    private float[] z;

    /** Bytes moved, reported per second next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Traffic {
        /** Bytes read and written in this iteration. */
        public double bytes;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    /** Softmax-like inputs: scores in [-8, 0]. */
    @Setup(Level.Trial)
    public void setUp() {
        x = new float[size];
        y = new float[size];
        z = new float[size];
        var rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < size; i++) {
            x[i] = (float) (-8 * rng.nextDouble());
            z[i] = (float) rng.nextDouble();
        }
    }

    /** The yardstick: a copy, 8 bytes per element. */
    @Benchmark
    public float[] copy(Traffic t) {
        System.arraycopy(x, 0, y, 0, size);
        t.bytes += 8.0 * size;
        return y;
    }

    /** {@code y = e^x}, 8 bytes per element. */
    @Benchmark
    public float[] exp(Traffic t) {
        VecMath.exp(x, 0, y, 0, size);
        t.bytes += 8.0 * size;
        return y;
    }

    /** The plain loop over {@code Math.exp}. */
    @Benchmark
    public float[] expReference(Traffic t) {
        VecMath.Reference.exp(x, 0, y, 0, size);
        t.bytes += 8.0 * size;
        return y;
    }

    /** {@code y = e^(x - 1)} and its sum, 8 bytes per element. */
    @Benchmark
    public float expShiftSum(Traffic t) {
        t.bytes += 8.0 * size;
        return VecMath.expShiftSum(x, 0, 1f, y, 0, size);
    }

    /** {@code Σ x}, 4 bytes per element. */
    @Benchmark
    public float sum(Traffic t) {
        t.bytes += 4.0 * size;
        return VecMath.sum(x, 0, size);
    }

    /** The plain double-accumulated loop. */
    @Benchmark
    public float sumReference(Traffic t) {
        t.bytes += 4.0 * size;
        return VecMath.Reference.sum(x, 0, size);
    }

    /** {@code max x}, 4 bytes per element. */
    @Benchmark
    public float max(Traffic t) {
        t.bytes += 4.0 * size;
        return VecMath.max(x, 0, size);
    }

    /** {@code x · z}, 8 bytes per element. */
    @Benchmark
    public float dot(Traffic t) {
        t.bytes += 8.0 * size;
        return VecMath.dot(x, 0, z, 0, size);
    }

    /** {@code y += 0.5 · x}, 12 bytes per element. */
    @Benchmark
    public float[] axpy(Traffic t) {
        VecMath.axpy(0.5f, x, 0, y, 0, size);
        t.bytes += 12.0 * size;
        return y;
    }

    /** {@code y = x + z}, 12 bytes per element. */
    @Benchmark
    public float[] add(Traffic t) {
        VecMath.add(x, 0, z, 0, y, 0, size);
        t.bytes += 12.0 * size;
        return y;
    }
}
