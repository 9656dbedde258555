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
 * The JVM's own single-precision FMA throughput: independent {@code FloatVector.fma} chains per
 * thread with no memory traffic. This is the roofline every other figure is quoted against, and it
 * must read what a C loop reads on the same machine at the same width ({@code bin/fma-peak}). Run
 * with one JMH thread for one core and with {@code -t N} for N cores; the score is GFLOP/s (FLOP per
 * nanosecond, summed over threads).
 *
 * <p>The number of chains: enough to cover the FMA latency on both FMA pipes (4 cycles × 2 pipes =
 * 8 on current x86 cores) with margin, and no more than the register file can serve. Measured by CPU
 * time on a Zen 5 core ({@link CpuTimeProbe}'s method) against the C loop of {@code bin/fma-peak}
 * (112-115 GFLOP/s per CPU-second at 256 bits, 223-258 at 512): at 256 bits
 * ({@code -XX:UseAVX=2}, 16 registers) 12 chains (the earlier count) read 94-101, 14 read 99-108,
 * 16 read 107 (94-96 % of C) and 20 read 91; at 512 bits 10-16 chains read 218-231 (within noise
 * of C) and 20 or more fell to 135-178. Sixteen chains leave no register for the multiplier with
 * AVX2's 16, yet measured best there: C2 feeds the addend from memory, which the FMA allows.
 * <p>{@code preferred} uses the CPU's widest native species (512-bit with AVX-512; narrower under
 * {@code -XX:UseAVX=2} or {@code -XX:MaxVectorSize}), {@code width256} the 256-bit one; the peak is
 * the larger of the two.
 *
 * <p>How to run:
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeakFlopsBench -t 1
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -jar benchmarks/target/benchmarks.jar PeakFlopsBench -t 2
 * </pre>
 * (JMH's forks inherit the launching JVM's options, so {@code -XX:UseAVX=2} there measures AVX2),
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
    /** Independent FMA chains per thread (see the class comment for how the count was measured). */
    static final int CHAINS = 16;
    /** FLOP per call, independent of the width: 2 per lane per FMA, a whole number of steps at every width. */
    static final int FLOP = 2 * CHAINS * 16 * 16384;

    /** The chains' multiplier, a field so the JIT cannot fold the chains. */
    public float mul = 0.999999f;
    /** The chains' addend (with mul, keeps every value near 1: no overflow, no subnormals). */
    public float add = 1e-6f;

    /** {@value #CHAINS} chains of {@code c = c · mul + add} on the CPU's preferred species. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float preferred() {
        // written out per species: C2 only intrinsifies vectors whose species is a constant
        VectorSpecies<Float> s = PREFERRED;
        int steps = FLOP / (2 * CHAINS * s.length());
        FloatVector m = FloatVector.broadcast(s, mul);
        FloatVector a = FloatVector.broadcast(s, add);
        // distinct starting values, so no compiler may merge two chains into one
        FloatVector c0 = FloatVector.zero(s);
        FloatVector c1 = FloatVector.broadcast(s, 1e-2f);
        FloatVector c2 = FloatVector.broadcast(s, 2e-2f);
        FloatVector c3 = FloatVector.broadcast(s, 3e-2f);
        FloatVector c4 = FloatVector.broadcast(s, 4e-2f);
        FloatVector c5 = FloatVector.broadcast(s, 5e-2f);
        FloatVector c6 = FloatVector.broadcast(s, 6e-2f);
        FloatVector c7 = FloatVector.broadcast(s, 7e-2f);
        FloatVector c8 = FloatVector.broadcast(s, 8e-2f);
        FloatVector c9 = FloatVector.broadcast(s, 9e-2f);
        FloatVector c10 = FloatVector.broadcast(s, 10e-2f);
        FloatVector c11 = FloatVector.broadcast(s, 11e-2f);
        FloatVector c12 = FloatVector.broadcast(s, 12e-2f);
        FloatVector c13 = FloatVector.broadcast(s, 13e-2f);
        FloatVector c14 = FloatVector.broadcast(s, 14e-2f);
        FloatVector c15 = FloatVector.broadcast(s, 15e-2f);
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
            c12 = c12.fma(m, a);
            c13 = c13.fma(m, a);
            c14 = c14.fma(m, a);
            c15 = c15.fma(m, a);
        }
        FloatVector sum = c0;
        sum = sum.add(c1); sum = sum.add(c2); sum = sum.add(c3); sum = sum.add(c4);
        sum = sum.add(c5); sum = sum.add(c6); sum = sum.add(c7); sum = sum.add(c8);
        sum = sum.add(c9); sum = sum.add(c10); sum = sum.add(c11); sum = sum.add(c12);
        sum = sum.add(c13); sum = sum.add(c14); sum = sum.add(c15);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** The same on 256-bit vectors. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float width256() {
        VectorSpecies<Float> s = W256;
        int steps = FLOP / (2 * CHAINS * s.length());
        FloatVector m = FloatVector.broadcast(s, mul);
        FloatVector a = FloatVector.broadcast(s, add);
        // distinct starting values, so no compiler may merge two chains into one
        FloatVector c0 = FloatVector.zero(s);
        FloatVector c1 = FloatVector.broadcast(s, 1e-2f);
        FloatVector c2 = FloatVector.broadcast(s, 2e-2f);
        FloatVector c3 = FloatVector.broadcast(s, 3e-2f);
        FloatVector c4 = FloatVector.broadcast(s, 4e-2f);
        FloatVector c5 = FloatVector.broadcast(s, 5e-2f);
        FloatVector c6 = FloatVector.broadcast(s, 6e-2f);
        FloatVector c7 = FloatVector.broadcast(s, 7e-2f);
        FloatVector c8 = FloatVector.broadcast(s, 8e-2f);
        FloatVector c9 = FloatVector.broadcast(s, 9e-2f);
        FloatVector c10 = FloatVector.broadcast(s, 10e-2f);
        FloatVector c11 = FloatVector.broadcast(s, 11e-2f);
        FloatVector c12 = FloatVector.broadcast(s, 12e-2f);
        FloatVector c13 = FloatVector.broadcast(s, 13e-2f);
        FloatVector c14 = FloatVector.broadcast(s, 14e-2f);
        FloatVector c15 = FloatVector.broadcast(s, 15e-2f);
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
            c12 = c12.fma(m, a);
            c13 = c13.fma(m, a);
            c14 = c14.fma(m, a);
            c15 = c15.fma(m, a);
        }
        FloatVector sum = c0;
        sum = sum.add(c1); sum = sum.add(c2); sum = sum.add(c3); sum = sum.add(c4);
        sum = sum.add(c5); sum = sum.add(c6); sum = sum.add(c7); sum = sum.add(c8);
        sum = sum.add(c9); sum = sum.add(c10); sum = sum.add(c11); sum = sum.add(c12);
        sum = sum.add(c13); sum = sum.add(c14); sum = sum.add(c15);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
