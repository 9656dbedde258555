package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The scalar fallbacks against the Vector API paths, called side by side in one JVM (this class
 * needs {@code --add-modules jdk.incubator.vector}; the fallback Surefire run excludes it and
 * instead runs the public-API tests with the module absent).
 *
 * <p>Bitwise equality is expected where both paths perform the same roundings: exp (same
 * polynomial, same fused steps), axpy (fused on both), scale, add, mul and max. GEMM, sums and dots
 * are compared within float tolerance, because the paths round differently: the GEMM fallback
 * computes {@code acc + a·b} as a multiply and an add (Java never fuses them) where the vector
 * kernel uses one FMA, and the reductions add in a different order (16-lane vector accumulators
 * versus four scalar ones). Float addition is not associative, so neither is wrong; each is within
 * the classical error bound of the exact result, and so within twice that bound of each other.
 */
class KernelPathsProperties {

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.oneOf(Arbitraries.of(1, 7, 8, 9, 16, 17, 47, 48, 49, 64, 67),
                Arbitraries.integers().between(1, 70));
    }

    @Property
    void scalarGemmMatchesVectorGemm(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int k,
                                     @ForAll boolean transA, @ForAll boolean transB,
                                     @ForAll @IntRange(max = 3) int pad, @ForAll long seed) {
        assertTrue(VectorSupport.available(), "this comparison needs the Vector API");
        var rng = new SplittableRandom(seed);
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + pad;
        int ldc = n + pad;
        float[] a = GemmCheck.random(rng, (transA ? k : m) * lda);
        float[] b = GemmCheck.random(rng, (transB ? n : k) * ldb);
        float[] c0 = GemmCheck.random(rng, m * ldc);
        float[] vector = c0.clone();
        float[] scalar = c0.clone();
        VectorGemm.block(transA, transB, 0, m, 0, n, k, 1.5f, a, 0, lda, b, 0, ldb, -0.5f, vector, 0, ldc);
        ScalarGemm.block(transA, transB, 0, m, 0, n, k, 1.5f, a, 0, lda, b, 0, ldb, -0.5f, scalar, 0, ldc);
        // both within the bound of the exact product, so within twice of it of each other: check
        // the scalar one against the vector one with the bound doubled by comparing each to the oracle
        float[] expected = c0.clone();
        Gemm.reference(transA, transB, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, -0.5f, expected, 0, ldc);
        GemmCheck.assertClose("vector", transA, transB, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, -0.5f,
                c0, expected, vector, 0, ldc);
        GemmCheck.assertClose("scalar vs vector", transA, transB, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, -0.5f,
                c0, vector, scalar, 0, ldc);
    }

    @Property
    void elementWisePathsAreBitwiseEqual(@ForAll @IntRange(max = 150) int n, @ForAll @IntRange(max = 17) int off,
                                         @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        float[] x = VecMathProperties.wide(rng, off + n);
        float[] z = GemmCheck.random(rng, off + n);
        float[] vy = new float[n + 3];
        float[] sy = new float[n + 3];
        VectorMath.exp(x, off, vy, 3, n);
        ScalarMath.exp(x, off, sy, 3, n);
        assertBitwise("exp", vy, sy);
        float vs = VectorMath.expShiftSum(x, off, 4f, vy, 3, n);
        float ss = ScalarMath.expShiftSum(x, off, 4f, sy, 3, n);
        assertBitwise("expShiftSum values", vy, sy);
        if (Float.isNaN(ss) || Float.isInfinite(ss)) {
            assertEquals(ss, vs, "expShiftSum sums of inputs with NaN or overflow");
        } else {
            assertEquals(ss, vs, (n + 1) * 0x1p-23f * ss + 1e-30f, "expShiftSum sums");
        }
        float[] vz = z.clone();
        float[] sz = z.clone();
        VectorMath.axpy(-0.3f, x, off, vz, off, n);
        ScalarMath.axpy(-0.3f, x, off, sz, off, n);
        assertBitwise("axpy", vz, sz);
        VectorMath.scale(1.7f, z, off, vy, 0, n);
        ScalarMath.scale(1.7f, z, off, sy, 0, n);
        assertBitwise("scale", vy, sy);
        VectorMath.add(x, off, z, off, vy, 1, n);
        ScalarMath.add(x, off, z, off, sy, 1, n);
        assertBitwise("add", vy, sy);
        VectorMath.mul(x, off, z, off, vy, 2, n);
        ScalarMath.mul(x, off, z, off, sy, 2, n);
        assertBitwise("mul", vy, sy);
        VectorMath.relu(x, off, vy, 2, n);
        ScalarMath.relu(x, off, sy, 2, n);
        assertBitwise("relu", vy, sy);
        assertEquals(Float.floatToRawIntBits(ScalarMath.max(x, off, n)), Float.floatToRawIntBits(VectorMath.max(x, off, n)),
                "max");
    }

    @Property
    void reductionPathsAgreeToRounding(@ForAll @IntRange(max = 300) int n, @ForAll @IntRange(max = 17) int off,
                                       @ForAll long seed) {
        var rng = new SplittableRandom(seed);
        float[] a = GemmCheck.random(rng, off + n);
        float[] b = GemmCheck.random(rng, off + n);
        double absSum = 0;
        double absDot = 0;
        for (int i = off; i < off + n; i++) {
            absSum += Math.abs(a[i]);
            absDot += Math.abs(a[i] * b[i]);
        }
        // each path is within (n + 1) · 2⁻²⁴ · Σ|terms| of the exact value
        double gamma = 2 * (n + 1) * 0x1p-24;
        assertEquals(ScalarMath.sum(a, off, n), VectorMath.sum(a, off, n), gamma * absSum + 1e-30, "sum");
        assertEquals(ScalarMath.dot(a, off, b, off, n), VectorMath.dot(a, off, b, off, n), gamma * absDot + 1e-30, "dot");
    }

    private static void assertBitwise(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " differs between the paths: vector "
                        + expected[i] + " scalar " + actual[i]);
            }
        }
    }
}
