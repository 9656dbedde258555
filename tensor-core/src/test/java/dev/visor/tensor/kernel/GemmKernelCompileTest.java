package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The GEMM micro-kernels must compile to register-held vectors in a fresh JVM at this run's width.
 * C2 has boxed vector accumulators before (a second species met by a JDK method's class
 * speculation, see {@code VectorLanesSpeciesTest}); a boxed kernel intrinsifies only some of its
 * vector stores and allocates on every step, 20–30× slower, and C1 code for the Vector API is slower
 * still. A child JVM runs products that reach every register tile of this width (full panels, the
 * narrower last panels, a short last row panel, both layouts of A and B, beta 0 and not; some on two
 * threads through {@code SharedGemm.shared}) with
 * {@code -XX:+LogCompilation}; the test then reads the log: every C2 compile of a
 * {@code GemmKernels}, {@code GemmKernels6x2} or {@code GemmKernels4x3} kernel intrinsified one vector store per accumulator and did not fail, the
 * full tile's kernel was compiled by C2, and no {@code class_check} uncommon trap was hit in compiled
 * Visor code. Traps in the JDK's own stand-alone compiles (a {@code Float128Vector.vec()} compiled
 * during the operator warm-up trapped in about one child JVM in fifteen under load) only make C2
 * recompile that accessor; a kernel left boxed by one still shows in its store count.
 */
class GemmKernelCompileTest {
    /** Products of every tile shape of this width, until C2 has compiled the kernels; run in a child JVM. */
    public static void main(String[] args) {
        int mr = VectorGemm.MR;
        int nr = VectorGemm.NR;
        int lanes = VectorGemm.L;
        int m = 2 * mr + 3;
        int k = 32;
        // whole panels; a last panel of one and of two vectors (under the 4 x 3 tile nr + lanes ends on two
        // split panels of two vectors, so one panel of one vector alone reaches its one-vector kernel)
        int[] widths = {nr, nr + lanes, nr + 2 * lanes, lanes};
        float[] a = new float[m * k];
        float[] b = new float[k * (nr + 2 * lanes)];
        float[] c = new float[m * (nr + 2 * lanes)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.25f - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) * 0.25f - 0.5f;
        }
        double sum = 0;
        Parallel.setThreads(2);
        for (int it = 0; it < ITERATIONS; it++) {
            boolean transA = (it & 1) != 0;
            boolean transB = (it & 2) != 0;
            float beta = (it & 4) != 0 ? 0.5f : 0f;
            for (int n : widths) {
                Gemm.sgemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c, 0, n);
                sum += c[c.length / 2];
                if (it % 8 == 0) {   // the kernels also run on a kernel thread, through the shared packed B
                    SharedGemm.shared(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c, 0, n);
                    sum += c[c.length / 2];
                }
            }
        }
        System.out.println("tile=" + mr + "x" + VectorGemm.NV + " lanes=" + lanes + " sum=" + sum);
    }

    /** Calls of each width: with 2 row panels, each kernel runs tens of thousands of times, past C2's thresholds. */
    static final int ITERATIONS = 12_000;

    private static final Pattern TASK = Pattern.compile("<task (?<attrs>[^>]*)>(?<body>.*?)</task>", Pattern.DOTALL);
    private static final Pattern KERNEL = Pattern.compile("method='dev\\.visor\\.tensor\\.kernel\\.GemmKernels(?:6x2|4x3)? k(\\d+)x(\\d+)([prm]{0,2}) ");

    @Test
    void everyKernelCompilesWithItsVectorsInRegisters() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has no vector kernels
        Path log = Files.createTempFile("gemm-compile", ".log");
        try {
            String out = CompileLogChild.run(GemmKernelCompileTest.class, log);
            assertTrue(out.contains("tile=" + VectorGemm.MR + "x" + VectorGemm.NV), out);
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            List<String> problems = problems(text);
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            String full = "k" + VectorGemm.MR + "x" + VectorGemm.NV
                    + (VectorGemm.PACK_A && VectorGemm.MR == 6 && VectorGemm.NV == 2 ? "p" : VectorGemm.MR == 4 ? "r" : "");
            assertTrue(compiledKernels(text).containsKey(full),
                    "C2 never compiled the full tile's kernel " + full + " in the child JVM; compiled: " + compiledKernels(text));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * What is wrong in a {@code -XX:+LogCompilation} log: C2 compiles of a {@code GemmKernels.kRxV} (or {@code GemmKernels6x2.kRxV})
     * that intrinsified fewer than {@code R·V} vector stores or failed, and {@code class_check}
     * uncommon traps hit at run time in code compiled for a {@code dev.visor} method.
     */
    static List<String> problems(String log) {
        List<String> out = new ArrayList<>();
        Matcher t = TASK.matcher(log);
        while (t.find()) {
            String attrs = t.group("attrs");
            Matcher kernel = KERNEL.matcher(attrs);
            if (!kernel.find() || attrs.contains("level='")) {
                continue;   // not a kernel, or a C1 compile (C2 tasks carry no level)
            }
            String body = t.group("body");
            int expected = Integer.parseInt(kernel.group(1)) * Integer.parseInt(kernel.group(2));
            int stores = count(body, "<intrinsic id='_VectorStoreOp'");
            String what = "k" + kernel.group(1) + "x" + kernel.group(2) + kernel.group(3) + (attrs.contains("compile_kind='osr'") ? " (OSR)" : "");
            if (stores != expected) {
                out.add("C2 compile of " + what + " intrinsified " + stores + " of its " + expected
                        + " vector stores: its accumulators are boxed");
            }
            if (body.contains("<failure ")) {
                out.add("C2 compile of " + what + " failed: " + body.substring(body.indexOf("<failure "),
                        Math.min(body.length(), body.indexOf("<failure ") + 160)));
            }
        }
        Map<String, String> methods = new HashMap<>();
        Matcher queued = QUEUED.matcher(log);
        while (queued.find()) {
            methods.put(queued.group(1), queued.group(2));
        }
        Matcher trap = TRAP.matcher(log);
        while (trap.find()) {
            String method = methods.getOrDefault(trap.group(1), "?");
            if (!method.startsWith("dev.visor.")) {
                continue;   // a JDK method's own compile, e.g. Float128Vector.vec(): it is recompiled, no kernel is left boxed
            }
            out.add("class_check uncommon trap hit in compiled " + method + ": " + trap.group());
        }
        return out;
    }

    private static final Pattern QUEUED = Pattern.compile("<task_queued compile_id='(\\d+)' (?:compile_kind='osr' )?method='([^']*)'");
    private static final Pattern TRAP = Pattern.compile("<uncommon_trap thread='[^']*' reason='class_check'[^>]*compile_id='(\\d+)'[^>]*>");

    /** C2 compiles of each kernel in the log, by name ({@code k8x3} → count). */
    static Map<String, Integer> compiledKernels(String log) {
        Map<String, Integer> out = new TreeMap<>();
        Matcher t = TASK.matcher(log);
        while (t.find()) {
            Matcher kernel = KERNEL.matcher(t.group("attrs"));
            if (kernel.find() && !t.group("attrs").contains("level='")) {
                out.merge("k" + kernel.group(1) + "x" + kernel.group(2) + kernel.group(3), 1, Integer::sum);
            }
        }
        return out;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    @Test
    void theLogCheckCatchesABoxedKernelAndAClassCheckTrap() {
        String good = "<task compile_id='7' method='dev.visor.tensor.kernel.GemmKernels6x2 k6x2 (I[FIII[FI[FIIF)V' bytes='9'>"
                + "<intrinsic id='_VectorStoreOp' nodes='9'/>".repeat(12) + "</task>"
                + "<task compile_id='8' method='dev.visor.tensor.kernel.GemmKernels6x2 k6x1 (I[FIII[FI[FIIF)V' level='3'></task>"
                + "<task compile_id='10' method='dev.visor.tensor.kernel.GemmKernels6x2 k6x2p (I[FI[FI[FIIF)V' bytes='9'>"
                + "<intrinsic id='_VectorStoreOp' nodes='9'/>".repeat(12) + "</task>";
        assertEquals(List.of(), problems(good));
        assertEquals(Map.of("k6x2", 1, "k6x2p", 1), compiledKernels(good));
        String merging = "<task compile_id='11' method='dev.visor.tensor.kernel.GemmKernels k8x3m (I[FIII[FI[FIIFF)V' bytes='9'>"
                + "<intrinsic id='_VectorStoreOp' nodes='9'/>".repeat(24) + "</task>";
        assertEquals(List.of(), problems(merging));
        assertEquals(Map.of("k8x3m", 1), compiledKernels(merging));
        assertEquals(1, problems(merging.replace("</task>", "<intrinsic id='_VectorStoreOp' nodes='9'/>".repeat(24) + "</task>")).size(),
                "the merging kernel has as many stores as the tile's accumulators");
        String boxed = "<task compile_id='9' compile_kind='osr' method='dev.visor.tensor.kernel.GemmKernels k8x2 (I[FIII[FI[FIIF)V'>"
                + "<intrinsic id='_VectorStoreOp' nodes='9'/>".repeat(2) + "</task>"
                + "<task_queued compile_id='3' method='dev.visor.tensor.kernel.VectorGemm block (ZZ)V' bytes='9'/>"
                + "<task_queued compile_id='4' method='jdk.incubator.vector.Float128Vector vec ()[F' bytes='8'/>"
                + "<uncommon_trap thread='5' reason='class_check' action='maybe_recompile' compile_id='3'>"
                + "<uncommon_trap thread='5' reason='class_check' action='maybe_recompile' compile_id='4'>";
        List<String> found = problems(boxed);
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).contains("k8x2 (OSR) intrinsified 2 of its 16"), found.get(0));
        assertTrue(found.get(1).contains("class_check") && found.get(1).contains("VectorGemm block"), found.get(1));
    }
}
