package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.kernel.MachineShape;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The FMA peak's chain count follows the register file (12 chains with 16 registers, 16 with 32, or
 * {@code -Dvisor.bench.peakChains}), and each kernel really runs {@link PeakFlopsBench#FLOP} FLOP per
 * call: with both factors 1 every step adds 1 to every lane of every chain, so the result is the
 * number of FMAs ({@code FLOP / 2}) plus the chains' starting values. A dropped chain or a wrong step
 * count would misstate every percentage of the peak. The count this JVM does not use runs in a child
 * JVM with the register count forced through {@code MachineShape}'s own override.
 */
class PeakFlopsBenchTest {

    /** Runs both kernels once with factors 1 and prints what the test checks; run in a child JVM. */
    public static void main(String[] args) {
        System.out.println(measure(true));
    }

    /**
     * "chains=C lanes=L preferred=R width256=R" for this JVM's chain count; {@code width256} only in a
     * child JVM (NaN here), since 256-bit vectors in the test JVM would be a second species beside
     * the kernels' (docs/DESIGN.md, "One vector shape per program").
     */
    private static String measure(boolean width256) {
        PeakFlopsBench bench = new PeakFlopsBench();
        bench.a = 1f;
        bench.b = 1f;
        return String.format(Locale.ROOT, "chains=%d lanes=%d preferred=%.1f width256=%.1f", PeakFlopsBench.CHAINS,
                FloatVector.SPECIES_PREFERRED.length(), bench.preferred(), width256 ? bench.width256() : Float.NaN);
    }

    private static final Pattern RESULT = Pattern.compile(
            "chains=(\\d+) lanes=(\\d+) preferred=([0-9.]+) width256=([0-9.]+|NaN)");

    /** Checks a {@link #measure()} line: the chain count expected and each kernel's FMA count. */
    private static void check(String out, int expectedChains) {
        Matcher m = RESULT.matcher(out);
        assertTrue(m.find(), out);
        int chains = Integer.parseInt(m.group(1));
        assertEquals(expectedChains, chains, out);
        checkKernel(Double.parseDouble(m.group(3)), chains, Integer.parseInt(m.group(2)), "preferred: " + out);
        if (!m.group(4).equals("NaN")) {
            checkKernel(Double.parseDouble(m.group(4)), chains, 8, "width256: " + out);
        }
    }

    /** The sum over lanes and chains of (start + steps) = FLOP / 2 + lanes × the starting values. */
    private static void checkKernel(double result, int chains, int lanes, String what) {
        double starts = 0;
        for (int i = 0; i < chains; i++) {
            starts += i * 1e-2;
        }
        double fmas = PeakFlopsBench.FLOP / 2.0;
        assertEquals(0, PeakFlopsBench.FLOP % (2 * chains * lanes), "a whole number of steps");
        // float rounding of sums near 2^22 is a few units; one chain or step more or less is 4 x 12 or more
        assertEquals(fmas + lanes * starts, result, 16, what);
    }

    @Test
    void chainsFollowTheRegisterFile() {
        assertEquals(12, PeakFlopsBench.chainsFor(16, null), "AVX2 and SSE: 12 chains + 2 factors in 16 registers");
        assertEquals(16, PeakFlopsBench.chainsFor(32, null), "AVX-512 and NEON: 16 chains");
        assertEquals(12, PeakFlopsBench.chainsFor(8, null));
        assertEquals(16, PeakFlopsBench.chainsFor(64, null));
        // every count leaves the two factors a register each
        for (int regs : new int[] {16, 32}) {
            assertTrue(PeakFlopsBench.chainsFor(regs, null) + 2 <= regs, regs + " registers");
        }
    }

    @Test
    void thePropertyForcesTheCount() {
        assertEquals(12, PeakFlopsBench.chainsFor(32, "12"));
        assertEquals(16, PeakFlopsBench.chainsFor(16, " 16 "));
        for (String bad : new String[] {"14", "0", "-12", "twelve", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PeakFlopsBench.chainsFor(16, bad));
            assertTrue(e.getMessage().contains("visor.bench.peakChains is '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("12 or 16"), e.getMessage());
        }
    }

    @Test
    void thisJvmRunsTheCountOfItsRegisterFile() {
        assertEquals(PeakFlopsBench.chainsFor(MachineShape.current().registers(),
                System.getProperty(PeakFlopsBench.CHAINS_PROPERTY)), PeakFlopsBench.CHAINS);
        check(measure(false), PeakFlopsBench.CHAINS);
    }

    @Test
    void sixteenRegistersRunTwelveChainsAndThePropertyOverridesIt() throws IOException, InterruptedException {
        check(child("-Dvisor.kernel.registers=16"), 12);
        check(child("-Dvisor.kernel.registers=16", "-D" + PeakFlopsBench.CHAINS_PROPERTY + "=16"), 16);
    }

    /** Runs {@link #main} in a fresh JVM with this run's width options and {@code props}; returns its output. */
    private static String child(String... props) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:UseAVX") || a.startsWith("-XX:MaxVectorSize")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of(props));
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) {
            path = path + File.pathSeparator + modules;
        }
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp", path, PeakFlopsBenchTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
