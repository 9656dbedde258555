package dev.visor.tensor;

import dev.visor.tensor.ElementwiseKernels.Binary;
import dev.visor.tensor.ElementwiseKernels.Unary;
import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;

/**
 * Element-wise ops with NumPy broadcasting and their gradients: {@code out[i] = f(a[i'], b[i''])}
 * where {@code i'} and {@code i''} are {@code i} with broadcast dimensions pinned to 0.
 *
 * <p>Two paths: operands that are contiguous, unshifted and of the result's shape run one flat
 * loop over their storage (vectorised by C2, split across cores when large); all others walk a
 * {@link StridedLoop}, whose segments are staged into per-thread buffers (a copy for unit-stride
 * runs, a gather for strided ones, a fill for broadcast ones) and fed to the same loops. Gradients
 * of broadcast operands are summed back to their shapes with {@link Tensor#sumTo}.
 *
 * <pre>{@code
 * Tensor y = x.mul(w).add(b);   // (batch, d) * (d) + (d)
 * }</pre>
 */
final class ElementwiseOps {
    /** Elements per parallel chunk. */
    static final int GRAIN = StridedLoop.GRAIN;

    private ElementwiseOps() {}

    // ------------------------------------------------------------------ evaluation

    static int[] broadcastShape(String op, Tensor a, Tensor b) {
        try {
            return Shape.broadcast(a.shape, b.shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /** The values of {@code op(a, b)} broadcast to {@code shape}, row-major. */
    static float[] binaryValues(Binary op, Tensor a, Tensor b, int[] shape) {
        int n = Shape.numel(shape);
        float[] out = StepBuffers.floats(n);   // both paths write every element
        if (n == 0) {
            return out;
        }
        if (a.offset == 0 && b.offset == 0 && Arrays.equals(a.shape, shape) && Arrays.equals(b.shape, shape)
                && a.isContiguous() && b.isContiguous()) {
            float[] x = a.data;
            float[] y = b.data;
            Parallel.forRange(n, GRAIN, (from, to) -> op.run(x, y, out, from, to));
            return out;
        }
        StridedLoop loop = StridedLoop.of(shape, a, b);
        int sa = loop.innerStride[0];
        int sb = loop.innerStride[1];
        loop.run(3, (o, w, p, buf) -> {
            op.run(StridedLoop.stage(a.data, p[0], sa, buf[0], w), StridedLoop.stage(b.data, p[1], sb, buf[1], w),
                    buf[2], 0, w);
            System.arraycopy(buf[2], 0, out, o, w);
        });
        return out;
    }

    /** The values of {@code op(x; s)}, row-major. */
    static float[] unaryValues(Unary op, Tensor x, float s) {
        int n = x.numel();
        boolean direct = x.offset == 0 && x.isContiguous();
        float[] out = direct ? StepBuffers.floats(n) : x.toArray();
        float[] src = direct ? x.data : out;
        Parallel.forRange(n, GRAIN, (from, to) -> op.run(src, s, out, from, to));
        return out;
    }

    // ------------------------------------------------------------------ binary ops

    static Tensor add(Tensor a, Tensor b) {
        int[] shape = broadcastShape("add", a, b);
        return Tensor.fromOp("add", binaryValues(Binary.ADD, a, b, shape), shape, g -> new Tensor[] {
                a.requiresGrad() ? g.sumTo(a.shape) : null,
                b.requiresGrad() ? g.sumTo(b.shape) : null}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        int[] shape = broadcastShape("sub", a, b);
        return Tensor.fromOp("sub", binaryValues(Binary.SUB, a, b, shape), shape, g -> new Tensor[] {
                a.requiresGrad() ? g.sumTo(a.shape) : null,
                b.requiresGrad() ? g.neg().sumTo(b.shape) : null}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        int[] shape = broadcastShape("mul", a, b);
        return Tensor.fromOp("mul", binaryValues(Binary.MUL, a, b, shape), shape, g -> new Tensor[] {
                a.requiresGrad() ? g.mul(b).sumTo(a.shape) : null,
                b.requiresGrad() ? g.mul(a).sumTo(b.shape) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        int[] shape = broadcastShape("div", a, b);
        float[] out = binaryValues(Binary.DIV, a, b, shape);
        return Tensor.fromOp("div", out, shape, g -> new Tensor[] {
                a.requiresGrad() ? g.div(b).sumTo(a.shape) : null,
                // d(a/b)/db = −a/b² = −out/b
                b.requiresGrad() ? g.mul(Tensor.wrap(out, shape)).div(b).neg().sumTo(b.shape) : null}, a, b);
    }

    static Tensor pow(Tensor a, Tensor b) {
        int[] shape = broadcastShape("pow", a, b);
        float[] out = binaryValues(Binary.POW, a, b, shape);
        return Tensor.fromOp("pow", out, shape, g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) { // b · a^(b−1)
                ga = g.mul(b).mul(a.pow(b.sub(Tensor.scalar(1f)))).sumTo(a.shape);
            }
            if (b.requiresGrad()) { // a^b · ln a, taken as 0 where a = 0 and b ≥ 0 (the limit)
                Tensor d = g.mul(Tensor.wrap(out, shape)).mul(a.log());
                gb = where(a.eq(0f).mul(b.ge(0f)), Tensor.scalar(0f), d).sumTo(b.shape);
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /**
     * Element-wise maximum; on ties each operand gets half the gradient (as PyTorch), so the
     * gradient of {@code maximum(x, x)} is exactly that of {@code x}.
     */
    static Tensor maximum(Tensor a, Tensor b) {
        int[] shape = broadcastShape("maximum", a, b);
        return Tensor.fromOp("maximum", binaryValues(Binary.MAX, a, b, shape), shape, g -> new Tensor[] {
                a.requiresGrad() ? g.mul(winWeight(a, b, Binary.GT)).sumTo(a.shape) : null,
                b.requiresGrad() ? g.mul(winWeight(b, a, Binary.GT)).sumTo(b.shape) : null}, a, b);
    }

    /** Element-wise minimum; ties split the gradient as in {@link #maximum}. */
    static Tensor minimum(Tensor a, Tensor b) {
        int[] shape = broadcastShape("minimum", a, b);
        return Tensor.fromOp("minimum", binaryValues(Binary.MIN, a, b, shape), shape, g -> new Tensor[] {
                a.requiresGrad() ? g.mul(winWeight(a, b, Binary.LT)).sumTo(a.shape) : null,
                b.requiresGrad() ? g.mul(winWeight(b, a, Binary.LT)).sumTo(b.shape) : null}, a, b);
    }

    /** 1 where {@code x} wins against {@code y}, ½ on a tie, 0 where it loses. */
    private static Tensor winWeight(Tensor x, Tensor y, Binary wins) {
        return compare(wins, x, y).add(compare(Binary.EQ, x, y).mul(0.5f));
    }

    /** A comparison: 1 where it holds, else 0; never requires a gradient. */
    static Tensor compare(Binary op, Tensor a, Tensor b) {
        int[] shape = broadcastShape(op.opName, a, b);
        return new Tensor(binaryValues(op, a, b, shape), shape);
    }

    /** A comparison with a scalar: 1 where it holds, else 0; never requires a gradient. */
    static Tensor compare(Unary op, Tensor a, float s) {
        return new Tensor(unaryValues(op, a, s), a.shape.clone());
    }

    /** {@code cond ≠ 0 ? a : b}, all three broadcast together; no gradient flows to {@code cond}. */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape;
        try {
            shape = Shape.broadcast(Shape.broadcast(cond.shape, a.shape), b.shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: condition " + Shape.str(cond.shape) + ", a " + Shape.str(a.shape)
                    + " and b " + Shape.str(b.shape) + " do not broadcast together: " + e.getMessage(), e);
        }
        int n = Shape.numel(shape);
        float[] out = new float[n];
        if (n > 0) {
            StridedLoop loop = StridedLoop.of(shape, cond, a, b);
            int sc = loop.innerStride[0];
            int sa = loop.innerStride[1];
            int sb = loop.innerStride[2];
            loop.run(3, (o, w, p, buf) -> {
                float[] c = StridedLoop.stage(cond.data, p[0], sc, buf[0], w);
                float[] x = StridedLoop.stage(a.data, p[1], sa, buf[1], w);
                float[] y = StridedLoop.stage(b.data, p[2], sb, buf[2], w);
                for (int i = 0; i < w; i++) {
                    out[o + i] = c[i] != 0f ? x[i] : y[i];
                }
            });
        }
        return Tensor.fromOp("where", out, shape, g -> {
            Tensor zero = Tensor.scalar(0f);
            return new Tensor[] {null,
                    a.requiresGrad() ? where(cond, g, zero).sumTo(a.shape) : null,
                    b.requiresGrad() ? where(cond, zero, g).sumTo(b.shape) : null};
        }, cond, a, b);
    }

    // ------------------------------------------------------------------ unary and scalar ops

    private static Tensor unary(String name, Unary op, Tensor x, float s, Tensor.Backward backward) {
        return Tensor.fromOp(name, unaryValues(op, x, s), x.shape, backward, x);
    }

    static Tensor neg(Tensor x) {
        return unary("neg", Unary.NEG, x, 0f, g -> new Tensor[] {g.neg()});
    }

    static Tensor exp(Tensor x) {
        float[] out = unaryValues(Unary.EXP, x, 0f);
        return Tensor.fromOp("exp", out, x.shape, g -> new Tensor[] {g.mul(Tensor.wrap(out, x.shape))}, x);
    }

    static Tensor log(Tensor x) {
        return unary("log", Unary.LOG, x, 0f, g -> new Tensor[] {g.div(x)});
    }

    static Tensor tanh(Tensor x) {
        float[] out = unaryValues(Unary.TANH, x, 0f);
        return Tensor.fromOp("tanh", out, x.shape, g -> { // 1 − tanh²
            Tensor y = Tensor.wrap(out, x.shape);
            return new Tensor[] {g.mul(y.mul(y).rsub(1f))};
        }, x);
    }

    static Tensor sqrt(Tensor x) {
        float[] out = unaryValues(Unary.SQRT, x, 0f);
        return Tensor.fromOp("sqrt", out, x.shape, g -> new Tensor[] {g.div(Tensor.wrap(out, x.shape).mul(2f))}, x);
    }

    /** |x|; the gradient at 0 is 0 (the subgradient PyTorch picks). */
    static Tensor abs(Tensor x) {
        return unary("abs", Unary.ABS, x, 0f, g -> new Tensor[] {g.mul(new Tensor(unaryValues(Unary.SIGN, x, 0f), x.shape))});
    }

    static Tensor add(Tensor x, float s) {
        return unary("add", Unary.ADD_S, x, s, g -> new Tensor[] {g});
    }

    static Tensor sub(Tensor x, float s) {
        return unary("sub", Unary.ADD_S, x, -s, g -> new Tensor[] {g});
    }

    static Tensor mul(Tensor x, float s) {
        return unary("mul", Unary.MUL_S, x, s, g -> new Tensor[] {g.mul(s)});
    }

    static Tensor div(Tensor x, float s) {
        return unary("div", Unary.DIV_S, x, s, g -> new Tensor[] {g.div(s)});
    }

    static Tensor rsub(Tensor x, float s) {
        return unary("rsub", Unary.RSUB_S, x, s, g -> new Tensor[] {g.neg()});
    }

    static Tensor rdiv(Tensor x, float s) {
        float[] out = unaryValues(Unary.RDIV_S, x, s);
        // d(s/x)/dx = −s/x² = −out/x
        return Tensor.fromOp("rdiv", out, x.shape, g -> new Tensor[] {g.mul(Tensor.wrap(out, x.shape)).div(x).neg()}, x);
    }

    static Tensor pow(Tensor x, float p) {
        return unary("pow", Unary.POW_S, x, p, g -> new Tensor[] {
                p == 0f ? Tensor.zeros(x.shape) : g.mul(x.pow(p - 1f)).mul(p)});
    }

    /**
     * Clamps into {@code [min, max]} (either may be infinite). The gradient passes where
     * {@code min ≤ x ≤ max}, bounds included, and is 0 elsewhere.
     */
    static Tensor clamp(Tensor x, float min, float max) {
        if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
            throw new IllegalArgumentException("clamp: needs min <= max (not NaN) but got min=" + min + ", max=" + max);
        }
        float[] out = unaryValues(Unary.MAX_S, x, min);
        Parallel.forRange(out.length, GRAIN, (from, to) -> Unary.MIN_S.run(out, max, out, from, to));
        return Tensor.fromOp("clamp", out, x.shape, g -> {
            Tensor inside = compare(Unary.GE_S, x, min).mul(compare(Unary.LE_S, x, max));
            return new Tensor[] {g.mul(inside)};
        }, x);
    }
}
