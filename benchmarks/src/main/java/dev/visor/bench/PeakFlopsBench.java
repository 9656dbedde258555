package dev.visor.bench;

import dev.visor.tensor.kernel.MachineShape;
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
 * must read what a C loop reads on the same machine at the same width ({@code bin/fma-peak}, issue
 * 11: within 5 %). Run with one JMH thread for one core and with {@code -t N} for N cores; the score
 * is GFLOP/s (FLOP per nanosecond, summed over threads).
 *
 * <p><b>The chain count follows the register file</b> ({@link MachineShape#registers()}, the probe the
 * GEMM and flash tiles are chosen by): 12 chains with 16 vector registers (x86 without AVX-512 in
 * use: AVX2, {@code -XX:UseAVX=2}), 16 with 32 (AVX-512, also under {@code -XX:MaxVectorSize=16};
 * AArch64 NEON and SVE). The FMA latency times the FMA pipes is the number of chains needed in
 * flight: 4 cycles × 2 pipes = 8 on Zen 3–5 and Intel cores since Skylake, 4 × 4 = 16 on cores with
 * four 128-bit FMA pipes (Apple's, Neoverse V1/V2). Twelve chains cover 8 with margin and leave the
 * two factors and two spare registers of 16; with 32 registers, 16 chains cover four pipes.
 * {@code -Dvisor.bench.peakChains=12} or {@code 16} forces a count (the two this class has kernels
 * for; anything else fails naming the value).
 *
 * <p><b>The form {@code c = x·y + c}, the chain as the addend.</b> C2 (JDK 17) has one x86 rule for a
 * vector FMA, {@code vfmadd231ps dst, a, b} with the addend as the destination register. The
 * earlier form {@code c = c·m + a} made the constant {@code a} the addend, so every FMA began with a
 * register copy of {@code a} and left the chain in a new register. Read from the compiled code
 * ({@code -XX:CompileCommand=print}; the Debian hsdis on JDK 17 prints only hex, which
 * {@code objdump -D -b binary -m i386:x86-64} decodes), the main loop of that form, unrolled four
 * times, was per 64 FMAs (16 chains × 4 steps):
 * <ul>
 *   <li>AVX2, 16 registers: 64 {@code vfmadd231ps}, 64 {@code vmovdqu} register copies, 15 spill
 *       loads and 15 spill stores of chains, 5 loop instructions (163 instructions), reading 94 % of
 *       the C loop by CPU time (the figure of the quiet windows);</li>
 *   <li>512 and 128 bits, 32 registers: the 64 copies and 4 spill accesses (137 instructions), which
 *       the wider register file and move elimination hid (99 % and 97–98 % of C).</li>
 * </ul>
 * With the chain as the addend each FMA updates its register in place: the main loop is 48
 * {@code vfmadd231ps} and 5 loop instructions with 12 chains (AVX2), 64 and 5 with 16 (512 and 128
 * bits), no copies, no spills, and a safepoint poll every 4 000 steps outside it. The C loop
 * (gcc 12.2 {@code -O3 -march=native}) is 12 in-place {@code vfmadd132ps} ({@code c = c·m + a}) and
 * 3 loop instructions per step, all 14 vectors in registers, at every width; both run one FMA per
 * chain per step, so the two count the same work. With 16 chains and the chain as the addend, AVX2
 * spills three chains (load, four FMAs, store per unrolled iteration) and with 14 one; those read as
 * 12 did, but 12 is the count with nothing in memory.
 *
 * <p>Measured by per-thread CPU time against the C loop run right before and after (Zen 5, 2 vCPUs,
 * OpenJDK 17.0.15, 2026-12-03, load 4.6–8.3 from other work, so a quiet rerun is to confirm), the
 * old and new classes in one JVM with rounds alternating: AVX2 95–101 % of C on 1 thread and
 * 95–106 % on 2 (the old form 84–95 % and 90–100 % in the same JVMs), 512-bit 94–102 % and
 * 97–100 % (old 92–99 %, 94–99 %), 128-bit 95–102 % and 97–102 % (old 85–99 %, 95–104 %).
 * Per-JVM figures and commands: {@code benchmarks/JOURNAL.md}, section "peak6". At 128 bits the
 * 16 chains use xmm0–15 and, EVEX-encoded, xmm16–17; C2 groups the unrolled copies of a chain (up to
 * four dependent FMAs in a row), which the out-of-order window absorbs: 12 chains read the same, and
 * alternating with the C loop by CPU time the loop ran at 98–99 % of it (branch flash7, section
 * "Causal's speed-up by strips, and the 128-bit peak"; the 94 % of one quiet window was noise).
 *
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
    /** The system property that forces the chain count, e.g. {@code -Dvisor.bench.peakChains=12}. */
    static final String CHAINS_PROPERTY = "visor.bench.peakChains";
    /** Chains with 16 vector registers: 12 chains, the two factors and two spare registers. */
    static final int CHAINS_16_REGISTERS = 12;
    /** Chains with 32 vector registers: 16, enough for four FMA pipes of 4-cycle latency (see the class comment). */
    static final int CHAINS_32_REGISTERS = 16;
    /** Independent FMA chains per thread, from the register count in force ({@link #chainsFor}). */
    static final int CHAINS = chainsFor(MachineShape.current().registers(), System.getProperty(CHAINS_PROPERTY));
    /** Whether the kernels run their four chains beyond twelve (a constant, so C2 drops the other side). */
    private static final boolean WIDE = CHAINS == CHAINS_32_REGISTERS;
    /**
     * FLOP per call, the same for every chain count and width: 2 per lane per FMA, a whole number of
     * steps for 12 and 16 chains of 4, 8 or 16 lanes (2 · 48 · 16 divides it).
     */
    static final int FLOP = 2 * 48 * 16 * 8192;

    /** The first factor of the product every step adds to each chain (a field, so the JIT cannot fold the chains). */
    public float a = 1e-3f;
    /** The second factor: each step adds {@code a · b} = 1e-6, so the chains stay near their start (no overflow, no subnormals). */
    public float b = 1e-3f;

    /**
     * The chain count for a register file of {@code registers} vectors, or the forced one.
     *
     * @param registers vector registers the JIT allocates from ({@link MachineShape#registers()})
     * @param forced    the value of {@value #CHAINS_PROPERTY}, or null
     * @return 12 with 16 registers (or fewer), 16 with 32 or more, or {@code forced}
     * @throws IllegalArgumentException when {@code forced} is not 12 or 16
     */
    static int chainsFor(int registers, String forced) {
        if (forced != null) {
            String f = forced.trim();
            if (f.equals(Integer.toString(CHAINS_16_REGISTERS)) || f.equals(Integer.toString(CHAINS_32_REGISTERS))) {
                return Integer.parseInt(f);
            }
            throw new IllegalArgumentException(CHAINS_PROPERTY + " is '" + forced + "' but must be "
                    + CHAINS_16_REGISTERS + " or " + CHAINS_32_REGISTERS + " (the chain counts PeakFlopsBench has kernels for)");
        }
        return registers >= 32 ? CHAINS_32_REGISTERS : CHAINS_16_REGISTERS;
    }

    /** {@link #CHAINS} chains of {@code c = x·y + c} on the CPU's preferred species. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float preferred() {
        // written out per species: C2 only intrinsifies vectors whose species is a constant
        VectorSpecies<Float> s = PREFERRED;
        int steps = FLOP / (2 * CHAINS * s.length());
        FloatVector x = FloatVector.broadcast(s, a);
        FloatVector y = FloatVector.broadcast(s, b);
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
            // c = x·y + c: the chain is the addend, so C2 updates it in place (vfmadd231ps c, x, y)
            c0 = x.fma(y, c0);
            c1 = x.fma(y, c1);
            c2 = x.fma(y, c2);
            c3 = x.fma(y, c3);
            c4 = x.fma(y, c4);
            c5 = x.fma(y, c5);
            c6 = x.fma(y, c6);
            c7 = x.fma(y, c7);
            c8 = x.fma(y, c8);
            c9 = x.fma(y, c9);
            c10 = x.fma(y, c10);
            c11 = x.fma(y, c11);
            if (WIDE) { // a constant: C2 parses only one side, so no vector is merged in a phi
                c12 = x.fma(y, c12);
                c13 = x.fma(y, c13);
                c14 = x.fma(y, c14);
                c15 = x.fma(y, c15);
            }
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11);
        if (WIDE) {
            sum = sum.add(c12).add(c13).add(c14).add(c15);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** The same on 256-bit vectors. */
    @Benchmark
    @OperationsPerInvocation(FLOP)
    public float width256() {
        // written out per species: C2 only intrinsifies vectors whose species is a constant
        VectorSpecies<Float> s = W256;
        int steps = FLOP / (2 * CHAINS * s.length());
        FloatVector x = FloatVector.broadcast(s, a);
        FloatVector y = FloatVector.broadcast(s, b);
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
            // c = x·y + c: the chain is the addend, so C2 updates it in place (vfmadd231ps c, x, y)
            c0 = x.fma(y, c0);
            c1 = x.fma(y, c1);
            c2 = x.fma(y, c2);
            c3 = x.fma(y, c3);
            c4 = x.fma(y, c4);
            c5 = x.fma(y, c5);
            c6 = x.fma(y, c6);
            c7 = x.fma(y, c7);
            c8 = x.fma(y, c8);
            c9 = x.fma(y, c9);
            c10 = x.fma(y, c10);
            c11 = x.fma(y, c11);
            if (WIDE) { // a constant: C2 parses only one side, so no vector is merged in a phi
                c12 = x.fma(y, c12);
                c13 = x.fma(y, c13);
                c14 = x.fma(y, c14);
                c15 = x.fma(y, c15);
            }
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11);
        if (WIDE) {
            sum = sum.add(c12).add(c13).add(c14).add(c15);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
