package dev.visor.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JVM's own single-precision FMA throughput: twelve independent {@code FloatVector.fma}
 * chains per thread, enough to cover the FMA latency on both pipes, with no memory traffic. This
 * is the roofline every other figure is quoted against. Run with one JMH thread for one core and
 * with {@code -t N} for N cores; the score is GFLOP/s (FLOP per nanosecond, summed over threads).
 *
 * <p>{@code preferred} uses the CPU's widest native species (512-bit with AVX-512),
 * {@code width256} the 256-bit one; the peak is the larger of the two (on Zen 5, where 512-bit
 * FMAs run at full width, the preferred species doubles the 256-bit figure).
 *
 * <p>How to run:
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeakFlopsBench -t 1
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeakFlopsBench -t 2
 * </pre>
 * or all of the roofline at once with {@link Roofline}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class PeakFlopsBench {
    private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> W256 = FloatVector.SPECIES_256;
    /** FMA steps per chain for a 16-lane vector; narrower species run proportionally more. */
    private static final int STEPS = 1 << 14;
    private static final int CHAINS = 12;
    /** FLOP per call: 2 per lane per FMA, independent of the vector width. */
    static final int FLOP = 2 * CHAINS * STEPS * 16;

    /** The chains' multiplier, a field so the JIT cannot fold the chains. */
    public float mul = 0.999999f;
    /** The chains' addend (with mul, keeps every value near 1: no overflow, no subnormals). */
    public float add = 1e-6f;

    /** Twelve chains of {@code c = c · mul + add} on the CPU's preferred species. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float preferred() {
        // written out per species: C2 only intrinsifies vectors whose species is a constant
        VectorSpecies<Float> s = PREFERRED;
        int steps = STEPS * 16 / s.length();
        FloatVector m = FloatVector.broadcast(s, mul);
        FloatVector a = FloatVector.broadcast(s, add);
        FloatVector c0 = FloatVector.zero(s);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** The same on 256-bit vectors. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float width256() {
        VectorSpecies<Float> s = W256;
        int steps = STEPS * 2;
        FloatVector m = FloatVector.broadcast(s, mul);
        FloatVector a = FloatVector.broadcast(s, add);
        FloatVector c0 = FloatVector.zero(s);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
