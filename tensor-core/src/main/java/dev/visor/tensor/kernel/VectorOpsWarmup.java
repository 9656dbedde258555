package dev.visor.tensor.kernel;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs every Vector API operator kind the project's kernels use, a few hundred times, once per
 * process and before any kernel, so that the JDK's per-operator dispatch is profiled with all of
 * them before C2 compiles it. Loaded only when {@link VectorSupport#available()}; run by
 * {@link VectorSupport}'s class initialiser.
 *
 * <p>Why (docs/DESIGN.md, "Every operator kind before the first kernel"): every lanewise, compare
 * and reduction goes through {@code VectorOperators.opCode} and a per-operator implementation cache
 * ({@code VectorOperators$ImplCache.find}, one cache per element type and operator arity). Without
 * this warm-up the first thing a program vectorises (a GEMM, the peak's FMA loop) uses one or two
 * kinds; when the background compiler happens to compile {@code find}/{@code opCode} with that
 * profile, each new kind later traps on a {@code class_check}, and in about one loaded JVM in ten C2
 * then compiled {@code kernel4x4} with its vectors boxed for the life of the process (3–4 % of the
 * peak). Run in an interleaved order from the first round, the profile holds every kind whenever
 * it is taken, and every cache slot the kernels use is filled before any kernel runs.
 *
 * <p>Only the preferred shape is used ({@code FloatVector.SPECIES_PREFERRED} and the int and long
 * species of the same bit size): a second float shape would make C2 drop its class speculation
 * ({@code VectorLanesSpeciesTest}). Only the JDK's caches and profiles change; no project state
 * is touched, so kernels give the same bits with or without it ({@code -Dvisor.vector.warmup=false}).
 */
final class VectorOpsWarmup {
    /** Rounds of all kinds: enough for {@code find}/{@code opCode} to reach C1's profiling tier inside the loop. */
    static final int ROUNDS = 200;

    /**
     * The operator kinds run, as {@code type.operator/form}: the list {@code VectorOpsWarmupTest}
     * compares with the kernels' sources. Keep in step with {@link #round}.
     */
    static final List<String> KINDS = List.of(
            "float.ADD/vector", "float.ADD/scalar", "float.SUB/vector", "float.SUB/scalar",
            "float.MUL/vector", "float.MUL/scalar", "float.DIV/vector", "float.MAX/vector", "float.MAX/scalar",
            "float.MIN/vector", "float.FMA/vector", "float.SQRT/unary", "float.LT/vector", "float.LT/scalar", "float.blend/vector",
            "float.blend/scalar", "float.MAX/reduce", "float.rearrange", "float.lane", "float.reinterpretAsInts",
            "mask.fromArray",
            "int.ADD/vector", "int.ADD/scalar", "int.SUB/vector", "int.SUB/scalar", "int.AND/vector", "int.NEG/unary",
            "int.XOR/vector", "int.ASHR/shift", "int.LSHL/shift", "int.LSHR/shift", "int.reinterpretAsFloats",
            "long.ADD/vector", "long.ADD/scalar", "long.SUB/vector", "long.MUL/scalar", "long.XOR/scalar",
            "long.XOR/vector", "long.LSHR/shift", "long.LSHL/vector", "long.OR/vector", "long.OR/reduce");

    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, FS.vectorShape());

    private static int runs;
    private static long nanos;
    private static long firstNanos;
    private static volatile float sink;

    private VectorOpsWarmup() {}

    /** Runs the warm-up once per process; later calls do nothing. */
    static synchronized void run() {
        if (runs > 0) {
            return;
        }
        long t0 = System.nanoTime();
        float[] a = new float[FS.length()];
        float[] b = new float[FS.length()];
        boolean[] keep = new boolean[FS.length()];
        long[] l = new long[LS.length()];
        for (int i = 0; i < a.length; i++) {
            a[i] = 0.25f * i - 1f;
            b[i] = 1f + i;
            keep[i] = (i & 1) == 0;
        }
        for (int i = 0; i < l.length; i++) {
            l[i] = i;
        }
        VectorShuffle<Float> swap = VectorShuffle.fromOp(FS, lane -> lane ^ 1);
        float acc = 0;
        for (int r = 0; r < ROUNDS; r++) {
            acc += round(a, b, keep, l, swap, r);
            if (r == 0) {
                firstNanos = System.nanoTime() - t0;
            }
        }
        sink = acc;
        nanos = System.nanoTime() - t0;
        runs++;
    }

    /** One use of every kind in {@link #KINDS}; returns a value that depends on all of them. */
    private static float round(float[] a, float[] b, boolean[] keep, long[] l, VectorShuffle<Float> swap, int r) {
        FloatVector x = FloatVector.fromArray(FS, a, 0);
        FloatVector y = FloatVector.fromArray(FS, b, 0);
        FloatVector f = x.add(y).add(1f).sub(x).sub(0.5f).mul(y).mul(0.5f).div(y).max(x).lanewise(VectorOperators.MAX, 0f)
                .min(y).fma(y, x);
        f = f.mul(f).sqrt();   // SQRT: Adam's update (VectorAdamRows)
        f = f.blend(x, x.lt(y)).blend(0f, f.lt(2f));
        f = f.blend(y, VectorMask.fromArray(FS, keep, 0)).add(f.rearrange(swap));
        float m = f.reduceLanes(VectorOperators.MAX) + f.lane(0);

        IntVector i = x.reinterpretAsInts();
        IntVector j = i.add(i).add(r).sub(i).sub(1).and(i).neg().lanewise(VectorOperators.XOR, i);
        j = j.lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.LSHL, 2).lanewise(VectorOperators.LSHR, 3);
        FloatVector g = j.reinterpretAsFloats();

        LongVector k = LongVector.fromArray(LS, l, 0);
        LongVector z = k.add(1).mul(0x9E3779B97F4A7C15L).add(k).sub(k).lanewise(VectorOperators.XOR, 7L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).lanewise(VectorOperators.LSHL, k);
        long bits = z.or(k).reduceLanes(VectorOperators.OR);
        return m + g.lane(1) + (bits & 1);
    }

    /** How many times the warm-up ran in this process (0 or 1). */
    static synchronized int runs() {
        return runs;
    }

    /** Nanoseconds the first round took, class loading and the JDK's lambda linkage included (0 if not run). */
    static synchronized long firstRoundNanos() {
        return firstNanos;
    }

    /** Nanoseconds the warm-up took (0 if it has not run). */
    static synchronized long nanos() {
        return nanos;
    }
}
