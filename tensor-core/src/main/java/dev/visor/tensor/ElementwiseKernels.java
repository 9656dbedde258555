package dev.visor.tensor;

/**
 * The inner loops of element-wise ops over flat, unit-stride runs of float arrays.
 *
 * <p>Each constant owns one tight loop ({@code o[oo + i] = f(a[ao + i], b[bo + i])}), compiled on
 * its own, so C2 sees a monomorphic body it can unroll and vectorise; the op is chosen once per run,
 * never per element. {@link ElementwiseOps} feeds these loops with contiguous runs (directly, or
 * gathered from strided/broadcast operands).
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** Two-operand loops. */
    enum Binary {
        ADD("add") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] + b[bo + i];
                }
            }
        },
        SUB("sub") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] - b[bo + i];
                }
            }
        },
        MUL("mul") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] * b[bo + i];
                }
            }
        },
        DIV("div") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] / b[bo + i];
                }
            }
        },
        POW("pow") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.pow(a[ao + i], b[bo + i]);
                }
            }
        },
        MAX("maximum") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.max(a[ao + i], b[bo + i]);
                }
            }
        },
        MIN("minimum") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.min(a[ao + i], b[bo + i]);
                }
            }
        },
        EQ("eq") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] == b[bo + i] ? 1f : 0f;
                }
            }
        },
        NE("ne") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] != b[bo + i] ? 1f : 0f;
                }
            }
        },
        GT("gt") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] > b[bo + i] ? 1f : 0f;
                }
            }
        },
        GE("ge") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] >= b[bo + i] ? 1f : 0f;
                }
            }
        },
        LT("lt") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] < b[bo + i] ? 1f : 0f;
                }
            }
        },
        LE("le") {
            @Override
            void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = a[ao + i] <= b[bo + i] ? 1f : 0f;
                }
            }
        };

        final String opName;

        Binary(String opName) {
            this.opName = opName;
        }

        /** {@code o[oo + i] = f(a[ao + i], b[bo + i])} for {@code i < n}. */
        abstract void run(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n);

        /** The plain per-element definition, for the reference implementation. */
        float apply(float x, float y) {
            float[] out = new float[1];
            run(new float[] {x}, 0, new float[] {y}, 0, out, 0, 1);
            return out[0];
        }
    }

    /** One-operand loops, some with a scalar parameter {@code s}. */
    enum Unary {
        NEG {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = -x[xo + i];
                }
            }
        },
        EXP {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.exp(x[xo + i]);
                }
            }
        },
        LOG {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.log(x[xo + i]);
                }
            }
        },
        TANH {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = tanh(x[xo + i]);
                }
            }
        },
        SQRT {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) Math.sqrt(x[xo + i]);
                }
            }
        },
        ABS {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.abs(x[xo + i]);
                }
            }
        },
        SIGN {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.signum(x[xo + i]);
                }
            }
        },
        ADD_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] + s;
                }
            }
        },
        MUL_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] * s;
                }
            }
        },
        DIV_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] / s;
                }
            }
        },
        RSUB_S { // s - x
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s - x[xo + i];
                }
            }
        },
        RDIV_S { // s / x
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = s / x[xo + i];
                }
            }
        },
        POW_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                if (s == 2f) {
                    for (int i = 0; i < n; i++) {
                        float v = x[xo + i];
                        o[oo + i] = v * v;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        o[oo + i] = (float) Math.pow(x[xo + i], s);
                    }
                }
            }
        },
        MAX_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.max(x[xo + i], s);
                }
            }
        },
        MIN_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = Math.min(x[xo + i], s);
                }
            }
        },
        EQ_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] == s ? 1f : 0f;
                }
            }
        },
        NE_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] != s ? 1f : 0f;
                }
            }
        },
        GT_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] > s ? 1f : 0f;
                }
            }
        },
        GE_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] >= s ? 1f : 0f;
                }
            }
        },
        LT_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] < s ? 1f : 0f;
                }
            }
        },
        LE_S {
            @Override
            void run(float[] x, int xo, float s, float[] o, int oo, int n) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = x[xo + i] <= s ? 1f : 0f;
                }
            }
        };

        /** {@code o[oo + i] = f(x[xo + i]; s)} for {@code i < n}; {@code o} may be {@code x} with {@code oo == xo}. */
        abstract void run(float[] x, int xo, float s, float[] o, int oo, int n);

        /** The plain per-element definition, for the reference implementation. */
        float apply(float x, float s) {
            float[] out = new float[1];
            run(new float[] {x}, 0, s, out, 0, 1);
            return out[0];
        }
    }

    /**
     * tanh in float, from {@code 1 − 2/(e^{2x} + 1)} in double (exact limits ±1 for large |x|, no
     * overflow NaN) and its odd Taylor series near 0, where the subtraction would cancel. Used instead
     * of {@link Math#tanh}, which is a slow software routine before JDK 24.
     */
    static float tanh(float x) {
        double d = x;
        if (Math.abs(d) < 0.0625) {
            double d2 = d * d;
            return (float) (d * (1 + d2 * (-1.0 / 3 + d2 * (2.0 / 15 + d2 * (-17.0 / 315 + d2 * (62.0 / 2835))))));
        }
        double e = Math.exp(2 * d);
        return (float) (1 - 2 / (e + 1));
    }
}
