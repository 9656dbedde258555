package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.visor.tensor.nn.Functional;
import org.junit.jupiter.api.Test;

class LeafGradientsTest {
    private static final int IN = 37;
    private static final int OUT = 29;

    /** A linear layer's loss on {@code rows} rows of {@code x}: enough rows that the product runs the kernels. */
    private static Tensor loss(Tensor w, Tensor b, Tensor x) {
        return Functional.linear(x, w, b).tanh().sum();
    }

    private static Tensor weight() {
        return Tensor.randn(new Rng(1), OUT, IN).requiresGrad(true);
    }

    @Test
    void aLinearWeightGradientAddsIntoTheExistingArrayInsideTheScope() {
        Tensor x1 = Tensor.randn(new Rng(3), 70, IN);
        Tensor x2 = Tensor.randn(new Rng(4), 45, IN);
        // the usual way: a new dW per backward, added by autograd
        Tensor w0 = weight();
        Tensor b0 = Tensor.randn(new Rng(2), OUT).requiresGrad(true);
        loss(w0, b0, x1).backward();
        loss(w0, b0, x2).backward();
        float[] expected = w0.grad().toArray();
        float[] expectedBias = b0.grad().toArray();
        Tensor w = weight();
        Tensor b = Tensor.randn(new Rng(2), OUT).requiresGrad(true);
        try (LeafGradients.Scope s = LeafGradients.addInPlace()) {
            assertNull(LeafGradients.into(w, OUT * IN), "no gradient yet: the first backward returns a new one");
            loss(w, b, x1).backward();
            float[] first = w.grad().storage();
            assertSame(first, LeafGradients.into(w, OUT * IN));
            loss(w, b, x2).backward();
            assertSame(first, w.grad().storage(), "the second product added into the first gradient's array");
        }
        float[] actual = w.grad().toArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * (Math.abs(expected[i]) + 1), "dW[" + i + "]");
        }
        assertArrayEquals(expectedBias, b.grad().toArray(), "the bias as before");
    }

    @Test
    void outsideTheScopeOrUnderACaptureEveryBackwardReturnsItsOwnGradient() {
        Tensor x = Tensor.randn(new Rng(3), 20, IN);
        Tensor w = weight();
        loss(w, null, x).backward();
        float[] before = w.grad().storage();
        float[] once = w.grad().toArray();
        assertNull(LeafGradients.into(w, OUT * IN), "no scope");
        loss(w, null, x).backward();
        assertSame(before, w.grad().storage(), "autograd itself adds in place");
        float[] twice = w.grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(once[i] + once[i], twice[i], 0f, "grad + dW, as ever");
        }
        try (LeafGradients.Scope s = LeafGradients.addInPlace()) {
            try (LeafGradients.Scope nested = LeafGradients.addInPlace()) {
                assertNotNull(LeafGradients.into(w, OUT * IN));
            }
            assertNotNull(LeafGradients.into(w, OUT * IN), "a nested scope restores the outer one's state");
            assertNull(LeafGradients.into(w, OUT * IN + 1), "another size");
            assertNull(LeafGradients.into(w.mul(2f), OUT * IN), "not a leaf");
            assertNull(LeafGradients.into(Tensor.randn(new Rng(5), OUT, IN), OUT * IN), "no gradient required");
            GradientCapture c = GradientCapture.begin();
            try {
                assertNull(LeafGradients.into(w, OUT * IN), "a capture takes the gradients");
                loss(w, null, x).backward();
            } finally {
                c.close();
            }
            assertArrayEquals(twice, w.grad().toArray(), "the captured backward left grad() alone");
        }
        assertNull(LeafGradients.into(w, OUT * IN), "closed");
    }
}
