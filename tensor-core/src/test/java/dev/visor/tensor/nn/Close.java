package dev.visor.tensor.nn;

/** Element-wise closeness assertions with explicit tolerances and a message naming the element. */
public final class Close {
    private Close() {}

    /** Fails unless {@code |a − e| ≤ atol + rtol·|e|} everywhere (NaN matches NaN, ±inf must be equal). */
    public static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": expected " + expected.length + " values but got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], rtol, atol, what + "[" + i + "]");
        }
    }

    /** Scalar version of {@link #assertClose(float[], float[], double, double, String)}. */
    public static void assertClose(double expected, double actual, double rtol, double atol, String what) {
        boolean ok;
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            ok = Double.compare(expected, actual) == 0 || (Double.isNaN(expected) && Double.isNaN(actual));
        } else {
            ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
        }
        if (!ok) {
            throw new AssertionError(String.format("%s: expected %.9g but got %.9g (|diff| %.3g, rtol %.1g, atol %.1g)",
                    what, expected, actual, Math.abs(actual - expected), rtol, atol));
        }
    }
}
