package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.visor.tensor.ElementwiseKernels.Binary;
import dev.visor.tensor.ElementwiseKernels.Unary;
import dev.visor.tensor.TensorTestSupport.Layout;
import dev.visor.tensor.TensorTestSupport.Values;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Element-wise ops on random broadcast shapes and memory layouts: the fast paths agree bit for bit
 * with {@link ReferenceOps}, and every gradient agrees with finite differences.
 */
class ElementwiseOpsProperties {
    private static final double RTOL = 1e-2;
    private static final double ATOL = 1e-3;

    @Provide
    Arbitrary<int[][]> pairs() {
        return TensorTestSupport.broadcastPairs(4, 4);
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorTestSupport.shapes(0, 4, 4);
    }

    // ------------------------------------------------------------------ values vs the reference

    @Property
    void binaryMatchesReference(@ForAll Binary op, @ForAll("pairs") int[][] shapes, @ForAll Layout la,
                                @ForAll Layout lb, @ForAll long seed) {
        Rng rng = new Rng(seed);
        Tensor a = la.random(rng, shapes[0], Values.grid(0.03f)); // grids with ties and exact equalities
        Tensor b = lb.random(rng, shapes[1], rng.nextInt(2) == 0 ? Values.grid(0.03f) : Values.NORMAL);
        int[] out = Shape.broadcast(shapes[0], shapes[1]);
        assertArrayEquals(ReferenceOps.binary(op, a, b), ElementwiseOps.binaryValues(op, a, b, out));
    }

    @Property
    void unaryMatchesReference(@ForAll Unary op, @ForAll("shapes") int[] shape, @ForAll Layout layout,
                               @ForAll long seed) {
        Rng rng = new Rng(seed);
        Tensor x = layout.random(rng, shape, Values.NORMAL);
        float s = (float) rng.nextGaussian();
        assertArrayEquals(ReferenceOps.unary(op, x, s), ElementwiseOps.unaryValues(op, x, s));
    }

    @Property
    void whereMatchesReference(@ForAll("pairs") int[][] shapes, @ForAll Layout lc, @ForAll Layout la,
                               @ForAll long seed) {
        Rng rng = new Rng(seed);
        Tensor cond = lc.random(rng, shapes[0], (r, s) -> Tensor.rand(r, s).gt(0.5f));
        Tensor a = la.random(rng, shapes[1], Values.NORMAL);
        Tensor b = Tensor.randn(rng, shapes[rng.nextInt(2)]);
        assertArrayEquals(ReferenceOps.where(cond, a, b), Tensor.where(cond, a, b).toArray());
    }

    // ------------------------------------------------------------------ gradients

    /** Differentiable binary ops with the input domains where their finite differences are smooth. */
    enum BinaryCase {
        ADD(Tensor::add, Values.NORMAL, Values.NORMAL),
        SUB(Tensor::sub, Values.NORMAL, Values.NORMAL),
        MUL(Tensor::mul, Values.NORMAL, Values.NORMAL),
        DIV(Tensor::div, Values.NORMAL, Values.NONZERO),
        POW(Tensor::pow, Values.POSITIVE, (rng, s) -> Tensor.uniform(rng, -2f, 2f, s)),
        MAXIMUM(Tensor::maximum, Values.grid(0.03f), Values.grid(0.08f)),
        MINIMUM(Tensor::minimum, Values.grid(0.03f), Values.grid(0.08f)),
        WHERE((a, b) -> Tensor.where(a.gt(0f), a, b), Values.NONZERO, Values.NORMAL);

        final BinaryOperator<Tensor> op;
        final Values a;
        final Values b;

        BinaryCase(BinaryOperator<Tensor> op, Values a, Values b) {
            this.op = op;
            this.a = a;
            this.b = b;
        }
    }

    @Property
    void binaryGradients(@ForAll BinaryCase c, @ForAll("pairs") int[][] shapes, @ForAll Layout la,
                         @ForAll Layout lb, @ForAll long seed) {
        Rng rng = new Rng(seed);
        Tensor a = c.a.draw(rng, la.leafShape(shapes[0]));
        Tensor b = c.b.draw(rng, lb.leafShape(shapes[1]));
        GradCheck.check(xs -> c.op.apply(la.arrange(xs[0], shapes[0]), lb.arrange(xs[1], shapes[1])), a, b)
                .assertWithin(RTOL, ATOL);
    }

    /** Differentiable one-input ops with their smooth domains. */
    enum UnaryCase {
        NEG(Tensor::neg, Values.NORMAL),
        EXP(Tensor::exp, Values.NORMAL),
        LOG(Tensor::log, Values.POSITIVE),
        TANH(Tensor::tanh, Values.NORMAL),
        SQRT(Tensor::sqrt, Values.POSITIVE),
        ABS(Tensor::abs, Values.NONZERO),
        CLAMP(x -> x.clamp(-0.3f, 0.4f), Values.grid(0.05f)),
        CLAMP_BELOW(x -> x.clamp(-0.3f, Float.POSITIVE_INFINITY), Values.grid(0.05f)),
        ADD_S(x -> x.add(1.5f), Values.NORMAL),
        SUB_S(x -> x.sub(1.5f), Values.NORMAL),
        RSUB_S(x -> x.rsub(1.5f), Values.NORMAL),
        MUL_S(x -> x.mul(-2.5f), Values.NORMAL),
        DIV_S(x -> x.div(-2.5f), Values.NORMAL),
        RDIV_S(x -> x.rdiv(2f), Values.NONZERO),
        SQUARE(x -> x.pow(2f), Values.NORMAL),
        CUBE(x -> x.pow(3f), Values.NORMAL),
        POW_HALF(x -> x.pow(0.5f), Values.POSITIVE),
        POW_NEG(x -> x.pow(-1.5f), Values.POSITIVE),
        POW_ZERO(x -> x.pow(0f), Values.NORMAL);

        final UnaryOperator<Tensor> op;
        final Values values;

        UnaryCase(UnaryOperator<Tensor> op, Values values) {
            this.op = op;
            this.values = values;
        }
    }

    @Property
    void unaryGradients(@ForAll UnaryCase c, @ForAll("shapes") int[] shape, @ForAll Layout layout, @ForAll long seed) {
        Tensor x = c.values.draw(new Rng(seed), layout.leafShape(shape));
        GradCheck.check(xs -> c.op.apply(layout.arrange(xs[0], shape)), x).assertWithin(RTOL, ATOL);
    }

    @Property
    void anOpUsedTwiceAccumulatesBothPaths(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Tensor x = Tensor.randn(new Rng(seed), shape);
        GradCheck.check(xs -> xs[0].mul(xs[0]).add(xs[0].tanh().mul(xs[0])), x).assertWithin(RTOL, ATOL);
    }
}
