package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.KeepBits;
import dev.visor.tensor.kernel.MatVec;
import dev.visor.tensor.kernel.NormRows;
import dev.visor.tensor.kernel.VecMath;
import dev.visor.tensor.kernel.VectorSupport;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After {@code VectorSupport}'s operator warm-up, no kernel of tensor-core or attention may fill a
 * new slot of the JDK's per-operator implementation caches ({@code VectorOperators$ImplCache}, one
 * per element type and arity): a slot first filled by a kernel is an operator kind the JDK's dispatch
 * met only after C2 may have compiled it with a narrower profile, the race behind the slow JVM
 * (docs/DESIGN.md, "Every operator kind before the first kernel"). A child JVM (with the JDK package
 * opened to read the caches) lists the filled slots after the warm-up, runs the kernels — the flash
 * forward and backward with a causal mask and with dropout, the GEMM, the matrix–vector product, the
 * element-wise maps and reductions, LayerNorm rows, dropout keep-bits — and lists the slots the kernels
 * added. With the warm-up off the same run must add slots (the check can see a miss).
 */
class VectorDispatchWarmupTest {
    private static final String[] VECTOR_CLASSES = {"FloatVector", "IntVector", "LongVector"};

    /** Lists the caches' slots, runs the kernels, lists the new ones; run in a child JVM. */
    public static void main(String[] args) throws ReflectiveOperationException {
        if (!VectorSupport.available()) throw new IllegalStateException("the child JVM has no vector path");
        Set<String> before = filledSlots();
        runKernels();
        Set<String> added = filledSlots();
        added.removeAll(before);
        System.out.println("warmed=" + before.size() + " added=" + added);
    }

    private static void runKernels() {
        Rng rng = new Rng(5);
        int n = 128;
        int d = 64;
        HeadsView q = Fixtures.randomView(rng, 1, 2, n, d);
        HeadsView k = Fixtures.randomView(rng, 1, 2, n, d);
        HeadsView v = Fixtures.randomView(rng, 1, 2, n, d);
        HeadsView dOut = Fixtures.randomView(rng, 1, 2, n, d);
        HeadsView out = HeadsView.zeros(1, 2, n, d);
        BlockSparsity mask = BlockSparsity.classify((b, h, i, j) -> j <= i, 1, 2, n, n, 64, 64, false, false);
        for (AttentionConfig cfg : new AttentionConfig[] {AttentionConfig.defaults(d), AttentionConfig.defaults(d).withDropout(0.1f, 9)}) {
            float[] lse = FlashAttention.forward(q, k, v, out, mask, cfg);
            FlashAttention.backward(q, k, v, out, lse, dOut, HeadsView.zeros(1, 2, n, d), HeadsView.zeros(1, 2, n, d),
                    HeadsView.zeros(1, 2, n, d), mask, cfg);
        }
        int m = 96;
        float[] a = new float[m * m];
        float[] b = new float[m * m];
        float[] c = new float[m * m];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.25f - 0.5f;
            b[i] = (i % 5) * 0.5f - 1f;
        }
        Gemm.sgemm(false, false, m, m, m, 1f, a, 0, m, b, 0, m, 0f, c, 0, m);
        Gemm.sgemm(true, true, m, m, m, 1f, a, 0, m, b, 0, m, 1f, c, 0, m);
        MatVec.multiply(1, m, m, 1f, a, 0, m, b, 0, m, 0f, c, 0, m);
        VecMath.exp(a, 0, c, 0, m);
        VecMath.expShiftSum(a, 0, 1f, c, 0, m);
        VecMath.dot(a, 0, b, 0, m);
        VecMath.sum(a, 0, m);
        VecMath.sumInDouble(a, 0, m);
        VecMath.max(a, 0, m);
        VecMath.axpy(0.5f, a, 0, c, 0, m);
        VecMath.scale(0.5f, a, 0, c, 0, m);
        VecMath.add(a, 0, b, 0, c, 0, m);
        VecMath.mul(a, 0, b, 0, c, 0, m);
        VecMath.relu(a, 0, c, 0, m);
        float[] w = new float[m];
        float[] bias = new float[m];
        java.util.Arrays.fill(w, 1f);
        NormRows.forward(a, 0, m, w, bias, 1e-5f, c, new float[16], 0);
        NormRows.backward(b, a, 0, m, w, 0.1f, 0f, 1f, new float[m], new float[m], c);
        long[] keep = new long[(m + 63) / 64 * 4];
        KeepBits.fill(3, 0x9E3779B97F4A7C15L, Long.MIN_VALUE / 2, keep, keep.length * 64);
        KeepBits.apply(a, keep, 2f, c, m);
    }

    /** {@code FloatVector.BIN_IMPL[3]}-style names of every filled slot of every cache of the three vector classes. */
    static Set<String> filledSlots() throws ReflectiveOperationException {
        Set<String> out = new TreeSet<>();
        Class<?> cacheClass = Class.forName("jdk.incubator.vector.VectorOperators$ImplCache");
        Field slots = cacheClass.getDeclaredField("cache");
        slots.setAccessible(true);
        for (String name : VECTOR_CLASSES) {
            for (Field f : Class.forName("jdk.incubator.vector." + name).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == cacheClass) {
                    f.setAccessible(true);
                    Object[] cache = (Object[]) slots.get(f.get(null));
                    for (int i = 0; i < cache.length; i++) {
                        if (cache[i] != null) out.add(name + "." + f.getName() + "[" + i + "]");
                    }
                }
            }
        }
        return out;
    }

    @Test
    void noKernelMeetsAnOperatorTheWarmupLeftOut() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has no vector kernels
        String on = child(true);
        assertTrue(on.contains("added=[]"), "kernels filled implementation-cache slots the warm-up had not:\n" + on);
        assertFalse(on.contains("warmed=0 "), on);
        String off = child(false);
        assertTrue(off.contains("warmed=0 "), "without the warm-up nothing is filled before the kernels:\n" + off);
        assertFalse(off.contains("added=[]"), "without the warm-up the kernels must fill slots (else the check sees nothing):\n" + off);
    }

    private static String child(boolean warmup) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {
            if (arg.startsWith("-XX:UseAVX") || arg.startsWith("-XX:MaxVectorSize")) cmd.add(arg);   // this run's width
        }
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) path = path + java.io.File.pathSeparator + modules;
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--add-opens", "jdk.incubator.vector/jdk.incubator.vector=ALL-UNNAMED",
                "-Dvisor.threads=1", "-Dvisor.warmup=false", "-D" + VectorSupport.WARMUP_PROPERTY + "=" + warmup, "-cp", path,
                VectorDispatchWarmupTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
