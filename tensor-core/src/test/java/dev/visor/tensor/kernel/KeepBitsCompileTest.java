package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.visor.tensor.Rng;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Dropout's vector mask generator ({@code VectorKeepBits.fill}) must be a C2 compile unit of its own
 * whose vector ops are all intrinsified, whatever C2 compiles first. Inlined into a large caller it
 * once ran out of inlining room at {@code Long512Vector.lanewise} and boxed every vector (3 of 14
 * demo-training JVMs allocated twice as much per step; docs/DESIGN.md). A child JVM makes
 * training-like calls (a dropout-residual caller drawing {@code Rng.keepBits} and applying them, and a
 * loop calling {@code KeepBits.fill} directly, both hot enough for C2 to compile them with the
 * generator inlined if it could) with {@code -XX:+LogCompilation}, then measures what a call of
 * {@code KeepBits.fill} allocates once compiled. The test reads the log: C2 compiled the generator on
 * its own, its bytecode is over {@code FreqInlineSize}, no other C2 compile inlined it, and a compiled
 * call allocates nothing (a boxed vector is a heap object, so the boxed fall-back cannot pass).
 */
class KeepBitsCompileTest {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int N = 2048;
    private static final String GENERATOR = "dev.visor.tensor.kernel.VectorKeepBits";

    /** Training-like calls, then the allocation of a compiled call; run in a child JVM. */
    public static void main(String[] args) throws InterruptedException {
        Rng rng = new Rng(11);
        float[] x = new float[N];
        float[] out = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = i * 0.5f - 3f;
        }
        double sum = 0;
        for (int it = 0; it < 20_000; it++) {
            sum += residual(rng, x, out, N - (it & 63));   // partial last words too
        }
        long[] keep = new long[N / 64];
        long threshold = (long) Math.ceil(0.1 * 0x1p53);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long bytes = -1;
        int round = 0;
        for (; round < 400 && bytes != 0; round++) {   // until C2's code is in: at most 400 rounds of 2,000 calls and 25 ms
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 2_000; i++) {
                KeepBits.fill(round * 2_000L + i, GOLDEN, threshold, keep, N - (i & 63));
                sum += keep[i & 31];
            }
            bytes = threads.getThreadAllocatedBytes(id) - before;
            if (bytes != 0) {
                Thread.sleep(25);
            }
        }
        System.out.println("rounds=" + round + " bytes=" + bytes + " sum=" + sum);
    }

    /** A dropout on a residual branch, as {@code Residual}'s lambda does it: fresh keep bits, applied. */
    static float residual(Rng rng, float[] x, float[] out, int n) {
        long[] keep = rng.keepBits(n, 0.1);
        KeepBits.apply(x, keep, 1f / 0.9f, out, n);
        return out[n / 2] + out[n - 1];
    }

    @Test
    void theMaskGeneratorIsACompileUnitOfItsOwnWithItsVectorsInRegisters() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has no vector generator
        Path log = Files.createTempFile("keepbits-compile", ".log");
        try {
            String out = CompileLogChild.run(KeepBitsCompileTest.class, log);
            Matcher result = Pattern.compile("rounds=(\\d+) bytes=(-?\\d+)").matcher(out);
            assertTrue(result.find(), out);
            List<String> problems = problems(Files.readString(log, StandardCharsets.ISO_8859_1), freqInlineSize());
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            assertEquals("0", result.group(2), "2,000 compiled calls of KeepBits.fill still allocated " + result.group(2)
                    + " bytes after " + result.group(1) + " rounds: the generator's vectors are boxed\n" + out);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static int freqInlineSize() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return Integer.parseInt(vm.getVMOption("FreqInlineSize").getValue());
    }

    private static final Pattern TASK = Pattern.compile("<task (?<attrs>[^>]*)>(?<body>.*?)</task>", Pattern.DOTALL);
    private static final Pattern KLASS = Pattern.compile("<klass id='(\\d+)' name='([^']*)'");
    private static final Pattern METHOD = Pattern.compile("<method id='(\\d+)' holder='(\\d+)' name='([^']*)'");
    private static final Pattern PARSE = Pattern.compile("<parse method='(\\d+)'");
    private static final Pattern BYTES = Pattern.compile(" bytes='(\\d+)'");

    /**
     * What is wrong in a {@code -XX:+LogCompilation} log: no C2 compile of {@code VectorKeepBits.fill}
     * of its own, one that failed or whose bytecode is not over {@code freqInlineSize}, and any other
     * C2 compile that parsed (inlined) it.
     */
    static List<String> problems(String log, int freqInlineSize) {
        List<String> out = new ArrayList<>();
        int own = 0;
        Matcher t = TASK.matcher(log);
        while (t.find()) {
            String attrs = t.group("attrs");
            if (attrs.contains("level='")) {
                continue;   // a C1 compile (C2 tasks carry no level)
            }
            String body = t.group("body");
            String root = attrs.replaceAll("(?s).*method='([^' ]*) ([^' ]*) .*", "$1.$2");
            if (root.equals(GENERATOR + ".fill")) {
                own++;
                Matcher bytes = BYTES.matcher(attrs);
                int size = bytes.find() ? Integer.parseInt(bytes.group(1)) : -1;
                if (size <= freqInlineSize) {
                    out.add("VectorKeepBits.fill has " + size + " bytes of bytecode, not over FreqInlineSize=" + freqInlineSize
                            + ": C2 may inline it into a hot caller");
                }
                if (body.contains("<failure ")) {
                    out.add("C2 compile of VectorKeepBits.fill failed: " + body.substring(body.indexOf("<failure "),
                            Math.min(body.length(), body.indexOf("<failure ") + 160)));
                }
                continue;
            }
            Map<String, String> klasses = new HashMap<>();
            for (Matcher k = KLASS.matcher(body); k.find(); ) {
                klasses.put(k.group(1), k.group(2));
            }
            Map<String, String> methods = new HashMap<>();
            for (Matcher m = METHOD.matcher(body); m.find(); ) {
                methods.put(m.group(1), klasses.getOrDefault(m.group(2), m.group(2)) + "." + m.group(3));
            }
            for (Matcher parse = PARSE.matcher(body); parse.find(); ) {
                if ((GENERATOR + ".fill").equals(methods.get(parse.group(1)))) {
                    out.add("C2 inlined VectorKeepBits.fill into " + root + " (" + attrs.replaceAll("(?s) count=.*", "") + ")");
                    break;
                }
            }
        }
        if (own == 0) {
            out.add("C2 never compiled VectorKeepBits.fill on its own in the child JVM");
        }
        return out;
    }

    @Test
    void theLogCheckCatchesAnInlinedGeneratorAndASmallOne() {
        String own = "<task compile_id='9' method='dev.visor.tensor.kernel.VectorKeepBits fill (JJJ[JI)V' bytes='368' count='9'>"
                + "<intrinsic id='_VectorBinaryOp' nodes='20'/></task>";
        String c1 = "<task compile_id='8' method='dev.visor.tensor.Rng keepBits (ID)[J' bytes='60' level='3'>"
                + "<klass id='2' name='dev.visor.tensor.kernel.VectorKeepBits'/><method id='3' holder='2' name='fill'/>"
                + "<parse method='3'></parse></task>";
        assertEquals(List.of(), problems(own + c1, 325));
        String inlined = "<task compile_id='10' method='dev.visor.tensor.Rng keepBits (ID)[J' bytes='60' count='5'>"
                + "<klass id='2' name='dev.visor.tensor.kernel.VectorKeepBits'/><method id='3' holder='2' name='fill' bytes='228'/>"
                + "<call method='3'/><inline_success/><parse method='3'></parse></task>";
        List<String> found = problems(inlined, 325);
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).contains("inlined VectorKeepBits.fill into dev.visor.tensor.Rng.keepBits"), found.get(0));
        assertTrue(found.get(1).contains("never compiled"), found.get(1));
        List<String> small = problems(own.replace("bytes='368'", "bytes='228'"), 325);
        assertEquals(1, small.size(), small.toString());
        assertTrue(small.get(0).contains("228 bytes of bytecode, not over FreqInlineSize=325"), small.get(0));
    }
}
