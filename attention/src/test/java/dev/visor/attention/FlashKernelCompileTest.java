package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.MachineShape;
import dev.visor.tensor.kernel.VectorSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flash tile kernels ({@link VectorTileGemm}, {@link VectorTileGemmSix}) must stay compiled once
 * C2 has compiled them, in a fresh JVM at this run's width, when a run moves from the forward pass to
 * the backward pass as training does. The forward pass only ever accumulated with a row scale; the kernels tested the
 * scale for null, so the backward's first unscaled accumulation hit an {@code unstable_if} trap in
 * every JVM: the compiled kernel was thrown away in the middle of a call and recompiled through C1
 * and an on-stack-replacement compile that left vectors boxed (docs/DESIGN.md, "One vector shape per
 * program"). A child JVM runs causal forward passes until the kernels are compiled, then backward
 * passes, with {@code -XX:+LogCompilation}; the test reads the log: no uncommon trap was hit in
 * compiled {@code VectorTileGemm} code (but in {@code VectorTileGemmSix.rows}, a driver without
 * vectors whose choice of kernel by A's layout first meets a transposed A in the backward pass), and
 * the widest kernel was compiled by C2. Unlike the GEMM's
 * {@code GemmKernelCompileTest} it checks neither that the kernels' vector stores were intrinsified
 * nor that no {@code class_check} trap was hit: the flash pass's exponential and masks also use int
 * vectors and vector masks of the same shape, the JDK's stand-alone compiles of
 * {@code VectorPayload.getPayload} and {@code VectorOperators.opCode} trap on {@code class_check}
 * in every JVM, and in a few JVMs in thirty C2 then compiles {@code kernel4x4} with its vectors
 * boxed (benchmarks/JOURNAL.md, "flash5"): until that is fixed, such checks would fail at random.
 */
class FlashKernelCompileTest {
    static final int N = 256;
    static final int FORWARD_CALLS = 300;
    static final int BACKWARD_CALLS = 60;

    /** Forward passes until C2 has compiled the kernels, then backward passes; run in a child JVM. */
    public static void main(String[] args) {
        Rng rng = new Rng(11);
        int heads = 2;
        int d = 64;
        HeadsView q = Fixtures.randomView(rng, 1, heads, N, d);
        HeadsView k = Fixtures.randomView(rng, 1, heads, N, d);
        HeadsView v = Fixtures.randomView(rng, 1, heads, N, d);
        HeadsView dOut = Fixtures.randomView(rng, 1, heads, N, d);
        HeadsView out = HeadsView.zeros(1, heads, N, d);
        HeadsView dq = HeadsView.zeros(1, heads, N, d);
        HeadsView dk = HeadsView.zeros(1, heads, N, d);
        HeadsView dv = HeadsView.zeros(1, heads, N, d);
        BlockSparsity mask = BlockSparsity.classify((b, h, i, j) -> j <= i, 1, heads, N, N, 64, 64, false, false);
        AttentionConfig cfg = AttentionConfig.defaults(d);
        float[] lse = null;
        double sum = 0;
        for (int c = 0; c < FORWARD_CALLS; c++) {
            lse = FlashAttention.forward(q, k, v, out, mask, cfg);
            sum += out.data()[c % out.data().length];
        }
        for (int c = 0; c < BACKWARD_CALLS; c++) {
            FlashAttention.backward(q, k, v, out, lse, dOut, dq, dk, dv, mask, cfg);
            sum += dq.data()[c % dq.data().length];
        }
        System.out.println("flash kernels ran, sum=" + sum);
    }

    private static final Pattern TASK = Pattern.compile("<task (?<attrs>[^>]*)>(?<body>.*?)</task>", Pattern.DOTALL);
    private static final Pattern KERNEL = Pattern.compile("method='dev\\.visor\\.attention\\.VectorTileGemm(?:Six)? kernel(\\d)x(\\d)[a-z]? ");
    /** A trap hit at run time (not one planned in a compile), with the frames it hit in. */
    private static final Pattern TRAP = Pattern.compile(
            "<uncommon_trap thread='[^']*'(?<attrs>[^>]*)>(?<frames>.*?)</uncommon_trap>", Pattern.DOTALL);

    @Test
    void theKernelsStayCompiledFromTheForwardIntoTheBackward() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has no vector kernels
        Path log = Files.createTempFile("flash-compile", ".log");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {
                if (arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize") || arg.startsWith("-Dvisor.")) {
                    cmd.add(arg);   // this run's width and tiles
                }
            }
            String path = System.getProperty("java.class.path");
            String modules = System.getProperty("jdk.module.path");
            if (modules != null && !modules.isEmpty()) path = path + java.io.File.pathSeparator + modules;
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Dvisor.threads=1", "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:+LogCompilation", "-XX:LogFile=" + log, "-cp", path, FlashKernelCompileTest.class.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("flash kernels ran"), out);
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            List<String> problems = problems(text);
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            MachineShape shape = MachineShape.current();
            String widest = shape.flashRows() == 6 ? "kernel6x2" : "kernel4x" + shape.flashVectors();
            assertTrue(compiled(text).contains(widest), "C2 never compiled " + widest + " in the child JVM; compiled: "
                    + compiled(text));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * What is wrong in a {@code -XX:+LogCompilation} log: uncommon traps hit at run time in compiled
     * {@code VectorTileGemm} code.
     */
    static List<String> problems(String log) {
        List<String> out = new ArrayList<>();
        Matcher trap = TRAP.matcher(log);
        while (trap.find()) {
            String frames = trap.group("frames");
            if (frames.contains("method='dev.visor.attention.VectorTileGemm ")
                    || frames.contains("method='dev.visor.attention.VectorTileGemmSix ")) {
                Matcher at = Pattern.compile("<jvms bci='(\\d+)' method='([^ ']+ [^ ']+)").matcher(frames);
                String where = at.find() ? at.group(2) + " at bci " + at.group(1) : "?";
                if (where.startsWith("dev.visor.attention.VectorTileGemmSix rows ")) {
                    // the six-row driver's choice of kernel by A's layout: no vector in it, the
                    // kernels are calls (VectorTileGemmSix.rows says why it traps once)
                    continue;
                }
                out.add("uncommon trap hit in compiled code:" + trap.group("attrs") + " in " + where);
            }
        }
        return out;
    }

    /** The kernels C2 compiled, by name ({@code kernel4x4}; {@code kernel6x2} for each of the six-row copies). */
    static List<String> compiled(String log) {
        List<String> out = new ArrayList<>();
        Matcher t = TASK.matcher(log);
        while (t.find()) {
            Matcher kernel = KERNEL.matcher(t.group("attrs"));
            if (kernel.find() && !t.group("attrs").contains("level='")) {
                out.add("kernel" + kernel.group(1) + "x" + kernel.group(2));
            }
        }
        return out;
    }

    @Test
    void theLogCheckCatchesATrapInAKernel() {
        String good = "<task compile_id='7' method='dev.visor.attention.VectorTileGemm kernel4x2 (I[FIII)V' bytes='9'>"
                + "<uncommon_trap bci='1' reason='unstable_if' action='reinterpret'/></task>"
                + "<uncommon_trap thread='5' reason='unstable_if' action='reinterpret' compile_id='2'>"
                + "<jvms bci='4' method='dev.visor.attention.FlashForward run (II)V'/></uncommon_trap>";
        assertEquals(List.of(), problems(good), "a planned trap in a compile, or a trap hit elsewhere, is no problem");
        assertEquals(List.of("kernel4x2"), compiled(good));
        String bad = "<uncommon_trap thread='5' reason='unstable_if' action='reinterpret' compile_id='1340'>"
                + "<jvms bci='1' method='dev.visor.attention.VectorTileGemm scaleOf ([FI)F'/>"
                + "<jvms bci='30' method='dev.visor.attention.VectorTileGemm kernel4x4 (I[FIII)V'/></uncommon_trap>";
        List<String> found = problems(bad);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("VectorTileGemm scaleOf at bci 1"), found.get(0));
        String driver = "<uncommon_trap thread='5' reason='profile_predicate' action='maybe_recompile' compile_id='1401'>"
                + "<jvms bci='37' method='dev.visor.attention.VectorTileGemmSix rows (III)I'/></uncommon_trap>";
        assertEquals(List.of(), problems(driver), "the six-row driver's choice of kernel may trap once");
        String six = "<uncommon_trap thread='5' reason='unstable_if' action='reinterpret' compile_id='1402'>"
                + "<jvms bci='12' method='dev.visor.attention.VectorTileGemmSix kernel6x2r (I[FI)V'/></uncommon_trap>";
        assertEquals(1, problems(six).size(), "a trap in a six-row kernel is a problem");
        String task = "<task compile_id='9' method='dev.visor.attention.VectorTileGemmSix kernel6x2r (I[FI)V' bytes='9'></task>";
        assertEquals(List.of("kernel6x2"), compiled(task));
    }
}
