package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MovementOpsTest {
    // (2, 3, 4) holding 0..23
    private final Tensor x = Tensor.arange(24).reshape(2, 3, 4);

    @Test
    void reshapeAndViewShareStorageAndInferMinusOne() {
        Tensor v = x.view(6, -1);
        assertShape(new int[] {6, 4}, v);
        assertSame(x.storage(), v.storage());
        assertArrayEquals(x.toArray(), v.toArray());
        assertShape(new int[] {24}, x.flatten());
        assertShape(new int[] {2, 12}, x.flatten(1, 2));
        assertShape(new int[] {6, 4}, x.flatten(0, -2));
        assertShape(new int[] {1}, Tensor.scalar(3).flatten());
        assertShape(new int[] {2, 3, 4}, x.reshape(2, -1, 4));
        assertShape(new int[] {0, 5}, Tensor.zeros(0, 5).reshape(-1, 5));
    }

    @Test
    void viewWorksOnSomeNonContiguousTensorsAndReshapeCopiesOtherwise() {
        Tensor p = x.permute(1, 0, 2); // (3, 2, 4): the last dimension is still contiguous
        Tensor split = p.view(3, 2, 2, 2); // splitting a contiguous dimension is a view
        assertSame(x.storage(), split.storage());
        assertArrayEquals(Tensor.of(p.toArray(), 3, 2, 4).reshape(3, 2, 2, 2).toArray(), split.toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> p.view(6, 4));
        assertEquals("view: a tensor of shape [3, 2, 4] and strides [4, 12, 1] cannot be viewed as [6, 4] without copying;"
                + " use reshape (copies when needed) or contiguous() first", e.getMessage());
        Tensor r = p.reshape(6, 4);
        assertNotSame(x.storage(), r.storage());
        assertArrayEquals(p.toArray(), r.toArray());
    }

    @Test
    void transposeAndPermuteAreViews() {
        Tensor t = x.transpose(0, 2); // (4, 3, 2)
        assertShape(new int[] {4, 3, 2}, t);
        assertSame(x.storage(), t.storage());
        assertFalse(t.isContiguous());
        assertEquals(x.get(1, 2, 3), t.get(3, 2, 1));
        Tensor p = x.permute(2, 0, 1); // (4, 2, 3)
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
        assertSame(x, x.transpose(1, -2));
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, m.t().toArray());
    }

    @Test
    void narrowSliceAndSelect() {
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, x.narrow(2, 1, 2).toArray());
        assertArrayEquals(new float[] {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, x.narrow(0, -1, 1).toArray());
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}, x.slice(2, 0, 4, 2).toArray());
        assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, x.slice(2, -1, 100).toArray());
        assertShape(new int[] {2, 0, 4}, x.slice(1, 2, 1));
        assertArrayEquals(new float[] {4, 5, 6, 7, 16, 17, 18, 19}, x.select(1, 1).toArray());
        assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, x.select(-1, -1).toArray());
        assertSame(x.storage(), x.select(0, 1).narrow(1, 1, 2).storage());
        List<Tensor> pieces = x.split(3, 2);
        assertEquals(2, pieces.size());
        assertShape(new int[] {2, 3, 1}, pieces.get(1));
        assertEquals(3, x.chunk(3, 1).size());
        assertEquals(3, Tensor.zeros(5).chunk(3, 0).size()); // pieces of ceil(5/3) = 2: sizes 2, 2, 1
        assertEquals(3, Tensor.zeros(6).chunk(4, 0).size()); // pieces of 2: fewer than asked, as PyTorch
    }

    @Test
    void squeezeUnsqueezeExpand() {
        Tensor s = Tensor.zeros(1, 3, 1, 2);
        assertShape(new int[] {3, 2}, s.squeeze());
        assertShape(new int[] {3, 1, 2}, s.squeeze(0));
        assertShape(new int[] {1, 3, 1, 2}, s.squeeze(1));
        assertShape(new int[] {2, 1, 3, 4}, x.unsqueeze(1));
        assertShape(new int[] {2, 3, 4, 1}, x.unsqueeze(-1));
        assertShape(new int[] {1}, Tensor.scalar(2).unsqueeze(0));
        Tensor row = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor e = row.expand(2, -1);
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, e.toArray());
        assertArrayEquals(new int[] {0, 1}, e.strides());
        assertSame(row.storage(), e.storage());
        Tensor col = Tensor.of(new float[] {1, 2}, 2, 1);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, col.expandAs(Tensor.zeros(2, 3)).toArray());
    }

    @Test
    void catAndStack() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {5, 6}, 2, 1);
        assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6}, Tensor.cat(1, a, b).toArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 3, 2, 4}, Tensor.cat(List.of(a, a.t()), 0).toArray());
        Tensor st = Tensor.stack(0, a, a.t());
        assertShape(new int[] {2, 2, 2}, st);
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 3, 2, 4}, st.toArray());
        Tensor last = Tensor.stack(List.of(b.squeeze(), b.squeeze().mul(2)), -1);
        assertArrayEquals(new float[] {5, 10, 6, 12}, last.toArray());
    }

    @Test
    void gradientsFlowBackThroughViews() {
        Tensor leaf = Tensor.zeros(2, 3).requiresGrad(true);
        leaf.narrow(1, 1, 2).select(0, 1).sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1}, leaf.grad().toArray());
        leaf.zeroGrad();
        leaf.slice(1, 0, 3, 2).t().sum().backward();
        assertArrayEquals(new float[] {1, 0, 1, 1, 0, 1}, leaf.grad().toArray());
        Tensor bias = Tensor.zeros(3).requiresGrad(true);
        bias.expand(4, 3).sum().backward();
        assertArrayEquals(new float[] {4, 4, 4}, bias.grad().toArray());
        Tensor a = Tensor.zeros(2, 2).requiresGrad(true);
        Tensor b = Tensor.zeros(2, 1).requiresGrad(true);
        Tensor.cat(1, a, b).backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertArrayEquals(new float[] {1, 2, 4, 5}, a.grad().toArray());
        assertArrayEquals(new float[] {3, 6}, b.grad().toArray());
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("reshape: cannot reshape [2, 3, 4] (24 elements) into [5, 5] (25 elements)", () -> x.reshape(5, 5));
        assertMessage("reshape: cannot reshape [2, 3, 4] (24 elements) into [5, -1]", () -> x.reshape(5, -1));
        assertMessage("view: only one dimension can be -1 but got [-1, -1]", () -> x.view(-1, -1));
        assertMessage("transpose of [2, 3, 4]: dimension 3 is out of range for a tensor of rank 3 (expected -3..2)",
                () -> x.transpose(0, 3));
        assertMessage("permute: dimension 1 appears twice in [1, 1, 0]", () -> x.permute(1, 1, 0));
        assertMessage("permute: [1, 0] has 2 dimensions but the tensor [2, 3, 4] has 3", () -> x.permute(1, 0));
        assertMessage("narrow: start 2 and length 3 do not fit in dimension 1 of size 3 in [2, 3, 4]"
                + " (expected 0 <= start, start + length <= 3)", () -> x.narrow(1, 2, 3));
        assertMessage("slice: step must be positive but got 0", () -> x.slice(0, 0, 1, 0));
        assertMessage("select: index 3 is out of range for dimension 1 of size 3 in [2, 3, 4]", () -> x.select(1, 3));
        assertMessage("expand: cannot expand [2, 3, 4] to [2, 6, 4]: dimension 1 has size 3 (only size-1 dimensions can be"
                + " expanded)", () -> x.expand(2, 6, 4));
        assertMessage("expand: cannot expand [2, 3, 4] to [3, 4]: the target has fewer dimensions (2) than the tensor (3)",
                () -> x.expand(3, 4));
        assertMessage("cat: tensor 1 has shape [2, 4, 4] but tensor 0 has [2, 3, 4]; all sizes must match except in dimension 0",
                () -> Tensor.cat(0, x, Tensor.zeros(2, 4, 4)));
        assertMessage("cat: needs at least one tensor but got none", () -> Tensor.cat(List.of(), 0));
        assertMessage("stack: tensor 1 has shape [3] but tensor 0 has [2]; all must be equal",
                () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3)));
        assertMessage("t() needs at most 2 dimensions but got [2, 3, 4]; use transpose(dim0, dim1)", x::t);
        assertTrue(x.squeeze(0) == x, "squeezing a dimension that is not 1 is a no-op, as in PyTorch");
    }

    private static void assertMessage(String expected, Runnable r) {
        var e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(expected, e.getMessage());
    }
}
