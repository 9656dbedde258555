package dev.visor.tensor;

/**
 * The inner loops of element-wise ops over flat, unit-stride runs of float arrays.
 *
 * <p>Each constant owns one tight loop, {@code o[i] = f(a[i], b[i])} for {@code from ≤ i < to},
 * compiled on its own, so C2 sees a monomorphic body; the op is chosen once per run, never per
 * element. Every array is indexed by the same {@code i} on purpose: C2 (JDK 17 and 25) vectorises
 * such a loop, but not {@code o[oo + i] = a[ao + i] + b[bo + i]} with distinct offsets, which it
 * must assume may alias (measured in cache: 0.06 vs 0.27 ns per element). {@link ElementwiseOps}
 * therefore runs them directly over fresh contiguous operands and stages everything else into
 * per-thread buffers first.
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** Two-operand loops. */
    enum Binary {
        ADD("add") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] + b[i];
                }
            }
        },
        SUB("sub") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] - b[i];
                }
            }
        },
        MUL("mul") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] * b[i];
                }
            }
        },
        DIV("div") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] / b[i];
                }
            }
        },
        POW("pow") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = (float) Math.pow(a[i], b[i]);
                }
            }
        },
        MAX("maximum") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.max(a[i], b[i]);
                }
            }
        },
        MIN("minimum") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.min(a[i], b[i]);
                }
            }
        },
        EQ("eq") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] == b[i] ? 1f : 0f;
                }
            }
        },
        NE("ne") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] != b[i] ? 1f : 0f;
                }
            }
        },
        GT("gt") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] > b[i] ? 1f : 0f;
                }
            }
        },
        GE("ge") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] >= b[i] ? 1f : 0f;
                }
            }
        },
        LT("lt") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] < b[i] ? 1f : 0f;
                }
            }
        },
        LE("le") {
            @Override
            void run(float[] a, float[] b, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = a[i] <= b[i] ? 1f : 0f;
                }
            }
        };

        final String opName;

        Binary(String opName) {
            this.opName = opName;
        }

        /** {@code o[i] = f(a[i], b[i])} for {@code from ≤ i < to}. */
        abstract void run(float[] a, float[] b, float[] o, int from, int to);

        /** The plain per-element definition, for the reference implementation. */
        float apply(float x, float y) {
            float[] out = new float[1];
            run(new float[] {x}, new float[] {y}, out, 0, 1);
            return out[0];
        }
    }

    /** One-operand loops, some with a scalar parameter {@code s}. */
    enum Unary {
        NEG {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = -x[i];
                }
            }
        },
        EXP {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = exp(x[i]);
                }
            }
        },
        LOG {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = (float) Math.log(x[i]);
                }
            }
        },
        TANH {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = tanh(x[i]);
                }
            }
        },
        SQRT {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = (float) Math.sqrt(x[i]);
                }
            }
        },
        ABS {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.abs(x[i]);
                }
            }
        },
        SIGN {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.signum(x[i]);
                }
            }
        },
        ADD_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] + s;
                }
            }
        },
        MUL_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] * s;
                }
            }
        },
        DIV_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] / s;
                }
            }
        },
        RSUB_S { // s - x
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = s - x[i];
                }
            }
        },
        RDIV_S { // s / x
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = s / x[i];
                }
            }
        },
        POW_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                if (s == 2f) {
                    for (int i = from; i < to; i++) {
                        float v = x[i];
                        o[i] = v * v;
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        o[i] = (float) Math.pow(x[i], s);
                    }
                }
            }
        },
        MAX_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.max(x[i], s);
                }
            }
        },
        MIN_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = Math.min(x[i], s);
                }
            }
        },
        EQ_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] == s ? 1f : 0f;
                }
            }
        },
        NE_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] != s ? 1f : 0f;
                }
            }
        },
        GT_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] > s ? 1f : 0f;
                }
            }
        },
        GE_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] >= s ? 1f : 0f;
                }
            }
        },
        LT_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] < s ? 1f : 0f;
                }
            }
        },
        LE_S {
            @Override
            void run(float[] x, float s, float[] o, int from, int to) {
                for (int i = from; i < to; i++) {
                    o[i] = x[i] <= s ? 1f : 0f;
                }
            }
        };

        /** {@code o[i] = f(x[i]; s)} for {@code from ≤ i < to}; {@code o} may be {@code x} (in place). */
        abstract void run(float[] x, float s, float[] o, int from, int to);

        /** The plain per-element definition, for the reference implementation. */
        float apply(float x, float s) {
            float[] out = new float[1];
            run(new float[] {x}, s, out, 0, 1);
            return out[0];
        }
    }

    private static final double LOG2E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;

    /**
     * e^x in float, within 1 ulp of {@code (float) Math.exp(x)}: {@code x = k·ln2 + r} with
     * {@code |r| ≤ ln2/2}, e^r by its degree-9 Taylor polynomial in double (truncation below
     * 1e-11), scaled by 2^k built from the exponent bits. Three to four times faster than
     * {@link Math#exp} on the reference machine, where the JDK's libm stub costs about 20 ns.
     */
    static float exp(float x) {
        double d = x;
        if (d > 88.8) {
            return Float.POSITIVE_INFINITY;
        }
        if (d < -104) { // below half the smallest subnormal float
            return 0f;
        }
        double k = Math.rint(d * LOG2E); // NaN stays NaN through r and p
        double r = d - k * LN2;
        double p = 1 + r * (1 + r * (1 / 2.0 + r * (1 / 6.0 + r * (1 / 24.0 + r * (1 / 120.0
                + r * (1 / 720.0 + r * (1 / 5040.0 + r * (1 / 40320.0 + r * (1 / 362880.0)))))))));
        return (float) (p * Double.longBitsToDouble((long) (k + 1023) << 52));
    }

    /**
     * tanh in float, from {@code 1 − 2/(e^{2x} + 1)} (exact limits ±1 for large |x|, no overflow
     * NaN) and its odd Taylor series near 0, where the subtraction would cancel. Used instead of
     * {@link Math#tanh}, a slow software routine before JDK 24.
     */
    static float tanh(float x) {
        double d = x;
        if (Math.abs(d) < 0.0625) {
            double d2 = d * d;
            return (float) (d * (1 + d2 * (-1.0 / 3 + d2 * (2.0 / 15 + d2 * (-17.0 / 315 + d2 * (62.0 / 2835))))));
        }
        if (Math.abs(d) > 10) { // tanh rounds to ±1 in float
            return d > 0 ? 1f : -1f;
        }
        double e = exp2x(d);
        return (float) (1 - 2 / (e + 1));
    }

    /** e^{2d} in double for |d| ≤ 10, by the same reduction as {@link #exp}. */
    private static double exp2x(double d) {
        double y = 2 * d;
        double k = Math.rint(y * LOG2E);
        double r = y - k * LN2;
        double p = 1 + r * (1 + r * (1 / 2.0 + r * (1 / 6.0 + r * (1 / 24.0 + r * (1 / 120.0
                + r * (1 / 720.0 + r * (1 / 5040.0 + r * (1 / 40320.0 + r * (1 / 362880.0)))))))));
        return p * Double.longBitsToDouble((long) (k + 1023) << 52);
    }
}
