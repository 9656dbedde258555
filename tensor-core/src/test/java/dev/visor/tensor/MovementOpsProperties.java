package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.TensorTestSupport.Layout;
import dev.visor.tensor.TensorTestSupport.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Views and copies on random shapes and layouts: reshape keeps row-major order and is a view exactly
 * when the strides allow; every movement op's gradient agrees with finite differences.
 */
class MovementOpsProperties {
    private static final double RTOL = 1e-2;
    private static final double ATOL = 1e-3;

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorTestSupport.shapes(0, 4, 4);
    }

    /** A random regrouping of {@code shape}: dimensions shuffled, some neighbours merged, some 1s inserted. */
    static int[] regroup(int[] shape, Rng rng) {
        List<Integer> dims = new ArrayList<>();
        for (int s : shape) {
            dims.add(s);
        }
        for (int i = dims.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Integer t = dims.get(i);
            dims.set(i, dims.get(j));
            dims.set(j, t);
        }
        for (int i = dims.size() - 1; i > 0; i--) {
            if (rng.nextInt(3) == 0) {
                dims.set(i - 1, dims.get(i - 1) * dims.remove(i));
            }
        }
        if (rng.nextInt(3) == 0) {
            dims.add(rng.nextInt(dims.size() + 1), 1);
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    @Property
    void reshapeKeepsRowMajorOrderAndViewsWhenStridesAllow(@ForAll("shapes") int[] shape, @ForAll Layout layout,
                                                          @ForAll long seed) {
        Rng rng = new Rng(seed);
        Tensor x = layout.random(rng, shape, Values.NORMAL);
        int[] target = regroup(shape, rng);
        Tensor r = x.reshape(target);
        TensorTestSupport.assertShape(target, r);
        assertArrayEquals(x.toArray(), r.toArray());
        boolean viewable = MovementOps.viewStrides(x.shape(), x.strides(), target) != null;
        if (viewable) {
            assertSame(x.storage(), r.storage());
            assertArrayEquals(x.toArray(), x.view(target).toArray());
        } else {
            assertThrows(IllegalArgumentException.class, () -> x.view(target));
        }
        if (x.isContiguous()) {
            assertEquals(true, viewable, "a contiguous tensor can always be viewed");
        }
    }

    /** A movement op with random arguments fitted to a shape. */
    enum ViewCase {
        RESHAPE, FLATTEN, TRANSPOSE, PERMUTE, NARROW, SLICE, SELECT, SQUEEZE, UNSQUEEZE, EXPAND, SPLIT_CAT, CONTIGUOUS;

        UnaryOperator<Tensor> build(int[] shape, Rng rng) {
            int rank = shape.length;
            int d = rank == 0 ? 0 : rng.nextInt(rank);
            switch (this) {
                case RESHAPE: {
                    int[] target = regroup(shape, rng);
                    return t -> t.reshape(target);
                }
                case FLATTEN: {
                    int end = rank == 0 ? 0 : d + rng.nextInt(rank - d);
                    return rank == 0 ? Tensor::flatten : t -> t.flatten(d, end);
                }
                case TRANSPOSE: {
                    int e = rank == 0 ? 0 : rng.nextInt(rank);
                    return rank == 0 ? t -> t : t -> t.transpose(d, e);
                }
                case PERMUTE: {
                    int[] perm = new int[rank];
                    for (int i = 0; i < rank; i++) {
                        perm[i] = i;
                    }
                    for (int i = rank - 1; i > 0; i--) {
                        int j = rng.nextInt(i + 1);
                        int tmp = perm[i];
                        perm[i] = perm[j];
                        perm[j] = tmp;
                    }
                    return t -> t.permute(perm);
                }
                case NARROW: {
                    if (rank == 0) {
                        return t -> t;
                    }
                    int start = rng.nextInt(shape[d]);
                    int length = 1 + rng.nextInt(shape[d] - start);
                    return t -> t.narrow(d, start, length);
                }
                case SLICE: {
                    if (rank == 0) {
                        return t -> t;
                    }
                    int start = rng.nextInt(shape[d]);
                    int step = 1 + rng.nextInt(3);
                    return t -> t.slice(d, start, shape[d], step);
                }
                case SELECT: {
                    int index = rank == 0 ? 0 : rng.nextInt(shape[d]);
                    return rank == 0 ? t -> t : t -> t.select(d, index);
                }
                case SQUEEZE:
                    return rng.nextInt(2) == 0 || rank == 0 ? Tensor::squeeze : t -> t.squeeze(d);
                case UNSQUEEZE: {
                    int at = rng.nextInt(rank + 1);
                    return t -> t.unsqueeze(at);
                }
                case EXPAND: {
                    int[] big = new int[rank + 1];
                    big[0] = 2;
                    for (int i = 0; i < rank; i++) {
                        big[i + 1] = shape[i] == 1 ? 3 : -1;
                    }
                    return t -> t.expand(big);
                }
                case SPLIT_CAT: {
                    if (rank == 0) {
                        return t -> t;
                    }
                    int size = 1 + rng.nextInt(shape[d]);
                    return t -> {
                        List<Tensor> pieces = new ArrayList<>(t.split(size, d));
                        java.util.Collections.reverse(pieces);
                        return Tensor.cat(pieces, d);
                    };
                }
                default:
                    return Tensor::contiguous;
            }
        }
    }

    @Property
    void movementGradients(@ForAll ViewCase c, @ForAll("shapes") int[] shape, @ForAll Layout layout, @ForAll long seed) {
        Rng rng = new Rng(seed);
        UnaryOperator<Tensor> op = c.build(shape, rng);
        Tensor x = Tensor.randn(rng, layout.leafShape(shape));
        GradCheck.check(xs -> op.apply(layout.arrange(xs[0], shape)), x).assertWithin(RTOL, ATOL);
    }

    @Property
    void viewsOfViewsReadTheRightElements(@ForAll("shapes") int[] shape, @ForAll Layout layout,
                                          @ForAll @IntRange(min = 1, max = 3) int depth, @ForAll long seed) {
        // applying ops to a view and to a fresh row-major copy of it must give the same values
        Rng rng = new Rng(seed);
        Tensor x = layout.random(rng, shape, Values.NORMAL);
        Tensor fresh = Tensor.of(x.toArray(), shape);
        ViewCase[] cases = ViewCase.values();
        for (int i = 0; i < depth; i++) {
            UnaryOperator<Tensor> op = cases[rng.nextInt(cases.length)].build(x.shape(), rng);
            x = op.apply(x);
            fresh = Tensor.of(op.apply(fresh).toArray(), x.shape());
        }
        assertArrayEquals(fresh.toArray(), x.toArray());
    }

    @Property
    void catAndStackGradients(@ForAll("shapes") int[] shape, @ForAll @IntRange(min = 1, max = 3) int count,
                              @ForAll Layout layout, @ForAll boolean stack, @ForAll long seed) {
        Assume.that(stack || shape.length > 0);
        Rng rng = new Rng(seed);
        int dim = stack ? rng.nextInt(shape.length + 1) : rng.nextInt(shape.length);
        Tensor[] inputs = new Tensor[count];
        int[][] shapes = new int[count][];
        for (int i = 0; i < count; i++) {
            shapes[i] = shape.clone();
            if (!stack) {
                shapes[i][dim] = 1 + rng.nextInt(3);
            }
            inputs[i] = Tensor.randn(rng, layout.leafShape(shapes[i]));
        }
        GradCheck.check(xs -> {
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                parts.add(layout.arrange(xs[i], shapes[i]));
            }
            return stack ? Tensor.stack(parts, dim) : Tensor.cat(parts, dim);
        }, inputs).assertWithin(RTOL, ATOL);
    }
}
