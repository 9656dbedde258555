package dev.visor.tensor.kernel;

/**
 * Vectorised array primitives for element-wise ops, reductions, softmax and attention: exp, dot,
 * axpy, scale, add, mul, relu, sum and max over float ranges {@code [off, off + n)}.
 *
 * <p>exp is a polynomial of Visor's own: {@code e^x = 2^n · e^r} with {@code n = round(x / ln 2)},
 * {@code r = x − n·ln 2} reduced in two parts (Cody–Waite) and {@code e^r = 1 + r + r²·P(r)},
 * P a degree-4 near-minimax fit; the scale {@code 2^n} is applied as two factors so results fall
 * gracefully into subnormals. Measured against {@code (float) Math.exp} on every 7th float bit
 * pattern: at most 1 ulp; {@code −∞ → 0}, {@code x > 88.7228 → +∞}, {@code x < −103.97 → 0},
 * NaN → NaN. The Vector API and scalar paths give bitwise equal exponentials.
 *
 * <pre>{@code
 * float m = VecMath.max(scores, row, n);                          // softmax of one row
 * float z = VecMath.expShiftSum(scores, row, m, probs, row, n);   // probs = e^(s - m), z = Σ probs
 * VecMath.scale(1f / z, probs, row, probs, row, n);
 * }</pre>
 *
 * <p>Element-wise results are identical on both paths (axpy is fused on both). Sums and dots differ
 * only in summation order (several vector accumulators versus four scalar ones), so they agree to
 * float rounding. {@link Reference} holds the plain loops the tests compare against. Output ranges
 * may be the input ranges themselves (in-place) but must not otherwise overlap them.
 */
public final class VecMath {
    private static final boolean VECTOR = VectorSupport.available();

    private VecMath() {}

    /**
     * {@code y[i] = e^x[i]} for {@code i < n}.
     *
     * @param x the input values
     * @param xOff the index in {@code x} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        check("x", x, xOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.exp(x, xOff, y, yOff, n);
        } else {
            ScalarMath.exp(x, xOff, y, yOff, n);
        }
    }

    /**
     * e^x for one value, bitwise equal to what {@link #exp(float[], int, float[], int, int)} gives.
     *
     * @param x the input values
     * @return e^x, at most 1 ulp from {@code (float) Math.exp(x)}; 0 below −103.97, +∞ above 88.7228, NaN for NaN
     */
    public static float exp(float x) {
        return ScalarMath.exp1(x);
    }

    /**
     * {@code y[i] = e^(x[i] − shift)} and returns {@code Σ y[i]}: the numerator and the normaliser of
     * a softmax shifted by its maximum, in one pass.
     *
     * @param x the input values
     * @param xOff the index in {@code x} of element 0
     * @param shift subtracted from every exponent, usually the maximum of the row so no term exceeds 1
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     * @return {@code Σ y[i]}, accumulated in double and rounded once to float
     */
    public static float expShiftSum(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
        check("x", x, xOff, n);
        check("y", y, yOff, n);
        return VECTOR ? VectorMath.expShiftSum(x, xOff, shift, y, yOff, n)
                : ScalarMath.expShiftSum(x, xOff, shift, y, yOff, n);
    }

    /**
     * {@code Σ a[i] · b[i]}, 0 when n = 0.
     *
     * @param a the left operands
     * @param aOff the index in {@code a} of element 0
     * @param b the right operands
     * @param bOff the index in {@code b} of element 0
     * @param n the number of elements, at least 0
     * @return the dot product, 0 when {@code n = 0}
     */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        check("a", a, aOff, n);
        check("b", b, bOff, n);
        return VECTOR ? VectorMath.dot(a, aOff, b, bOff, n) : ScalarMath.dot(a, aOff, b, bOff, n);
    }

    /**
     * {@code Σ x[i]}, 0 when n = 0.
     *
     * @param x the input values
     * @param off the index in {@code x} of element 0
     * @param n the number of elements, at least 0
     * @return the sum, 0 when {@code n = 0}
     */
    public static float sum(float[] x, int off, int n) {
        check("x", x, off, n);
        return VECTOR ? VectorMath.sum(x, off, n) : ScalarMath.sum(x, off, n);
    }

    /**
     * {@code Σ x[i]} accumulated in double over four interleaved partial sums, added as
     * {@code (s0 + s1) + (s2 + s3)}: four independent chains instead of one latency-bound one, and
     * the same order (so the same bits) on every path and whatever the thread count. 0 when n = 0.
     *
     * @param x the input values
     * @param off the index in {@code x} of element 0
     * @param n the number of elements, at least 0
     * @return the sum in double, not rounded to float; 0 when {@code n = 0}
     */
    public static double sumInDouble(float[] x, int off, int n) {
        check("x", x, off, n);
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code max x[i]} with {@link Math#max} semantics (NaN wins); −∞ when n = 0.
     *
     * @param x the input values
     * @param off the index in {@code x} of element 0
     * @param n the number of elements, at least 0
     * @return the largest element, NaN if any element is NaN, −∞ when {@code n = 0}
     */
    public static float max(float[] x, int off, int n) {
        check("x", x, off, n);
        return VECTOR ? VectorMath.max(x, off, n) : ScalarMath.max(x, off, n);
    }

    /**
     * {@code y[i] = fma(alpha, x[i], y[i])}: y += alpha · x, rounded once.
     *
     * @param alpha the scalar factor
     * @param x the input values
     * @param xOff the index in {@code x} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        check("x", x, xOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.axpy(alpha, x, xOff, y, yOff, n);
        } else {
            ScalarMath.axpy(alpha, x, xOff, y, yOff, n);
        }
    }

    /**
     * {@code y[i] = alpha · x[i]} (in place when y, yOff are x, xOff).
     *
     * @param alpha the scalar factor
     * @param x the input values
     * @param xOff the index in {@code x} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        check("x", x, xOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.scale(alpha, x, xOff, y, yOff, n);
        } else {
            ScalarMath.scale(alpha, x, xOff, y, yOff, n);
        }
    }

    /**
     * {@code y[i] = a[i] + b[i]}.
     *
     * @param a the left operands
     * @param aOff the index in {@code a} of element 0
     * @param b the right operands
     * @param bOff the index in {@code b} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        check("a", a, aOff, n);
        check("b", b, bOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.add(a, aOff, b, bOff, y, yOff, n);
        } else {
            ScalarMath.add(a, aOff, b, bOff, y, yOff, n);
        }
    }

    /**
     * {@code y[i] = a[i] · b[i]}.
     *
     * @param a the left operands
     * @param aOff the index in {@code a} of element 0
     * @param b the right operands
     * @param bOff the index in {@code b} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        check("a", a, aOff, n);
        check("b", b, bOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.mul(a, aOff, b, bOff, y, yOff, n);
        } else {
            ScalarMath.mul(a, aOff, b, bOff, y, yOff, n);
        }
    }

    /**
     * {@code y[i] = max(x[i], 0)} without branches: {@code −0 → +0}, NaN passes through (as
     * {@code x <= 0 ? 0 : x} and PyTorch's ReLU).
     *
     * @param x the input values
     * @param xOff the index in {@code x} of element 0
     * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
     * @param yOff the index in {@code y} of result 0
     * @param n the number of elements, at least 0
     */
    public static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        check("x", x, xOff, n);
        check("y", y, yOff, n);
        if (VECTOR) {
            VectorMath.relu(x, xOff, y, yOff, n);
        } else {
            ScalarMath.relu(x, xOff, y, yOff, n);
        }
    }

    private static void check(String name, float[] x, int off, int n) {
        if (x == null) {
            throw new IllegalArgumentException(name + " array is null");
        }
        if (n < 0 || off < 0 || (long) off + n > x.length) {
            throw new IllegalArgumentException("range of " + name + " [" + off + ", " + ((long) off + n)
                    + ") (n = " + n + ") is not inside its array of length " + x.length);
        }
    }

    /**
     * The oracles: plain loops, exp via {@link Math#exp} and sums accumulated in double, each
     * rounded once to float at the end.
     */
    public static final class Reference {
        private Reference() {}

        /**
         * {@code y[i] = (float) Math.exp(x[i])}.
         *
         * @param x the input values
         * @param xOff the index in {@code x} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = (float) Math.exp(x[xOff + i]);
            }
        }

        /**
         * {@code y[i] = e^(x[i] − shift)}, returns the double-accumulated sum.
         *
         * @param x the input values
         * @param xOff the index in {@code x} of element 0
         * @param shift subtracted from every exponent, usually the maximum of the row so no term exceeds 1
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         * @return {@code Σ y[i]}, accumulated in double and rounded once to float
         */
        public static float expShiftSum(float[] x, int xOff, float shift, float[] y, int yOff, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[xOff + i] - shift);
                y[yOff + i] = e;
                s += e;
            }
            return (float) s;
        }

        /**
         * Double-accumulated dot product.
         *
         * @param a the left operands
         * @param aOff the index in {@code a} of element 0
         * @param b the right operands
         * @param bOff the index in {@code b} of element 0
         * @param n the number of elements, at least 0
         * @return the dot product, 0 when {@code n = 0}
         */
        public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += (double) a[aOff + i] * b[bOff + i];
            }
            return (float) s;
        }

        /**
         * Double-accumulated sum.
         *
         * @param x the input values
         * @param off the index in {@code x} of element 0
         * @param n the number of elements, at least 0
         * @return the sum, 0 when {@code n = 0}
         */
        public static float sum(float[] x, int off, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[off + i];
            }
            return (float) s;
        }

        /**
         * Maximum with {@link Math#max} semantics, −∞ for an empty range.
         *
         * @param x the input values
         * @param off the index in {@code x} of element 0
         * @param n the number of elements, at least 0
         * @return the largest element, NaN if any element is NaN, −∞ when {@code n = 0}
         */
        public static float max(float[] x, int off, int n) {
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                m = Math.max(m, x[off + i]);
            }
            return m;
        }

        /**
         * {@code y[i] = (float) (alpha · x[i] + y[i])} computed in double.
         *
         * @param alpha the scalar factor
         * @param x the input values
         * @param xOff the index in {@code x} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = (float) ((double) alpha * x[xOff + i] + y[yOff + i]);
            }
        }

        /**
         * {@code y[i] = alpha · x[i]}.
         *
         * @param alpha the scalar factor
         * @param x the input values
         * @param xOff the index in {@code x} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = alpha * x[xOff + i];
            }
        }

        /**
         * {@code y[i] = a[i] + b[i]}.
         *
         * @param a the left operands
         * @param aOff the index in {@code a} of element 0
         * @param b the right operands
         * @param bOff the index in {@code b} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = a[aOff + i] + b[bOff + i];
            }
        }

        /**
         * {@code y[i] = a[i] · b[i]}.
         *
         * @param a the left operands
         * @param aOff the index in {@code a} of element 0
         * @param b the right operands
         * @param bOff the index in {@code b} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] = a[aOff + i] * b[bOff + i];
            }
        }

        /**
         * {@code y[i] = x[i] <= 0 ? 0 : x[i]}.
         *
         * @param x the input values
         * @param xOff the index in {@code x} of element 0
         * @param y receives the {@code n} results; may be the input array at the same offset (in place), must not otherwise overlap it
         * @param yOff the index in {@code y} of result 0
         * @param n the number of elements, at least 0
         */
        public static void relu(float[] x, int xOff, float[] y, int yOff, int n) {
            for (int i = 0; i < n; i++) {
                float v = x[xOff + i];
                y[yOff + i] = v <= 0f ? 0f : v;
            }
        }
    }
}
