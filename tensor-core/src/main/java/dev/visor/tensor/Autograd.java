package dev.visor.tensor;

import dev.visor.tensor.kernel.VecMath;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The reverse-mode engine behind {@link Tensor#backward(Tensor)}. */
final class Autograd {
    private Autograd() {}

    static void backward(Tensor root, Tensor seed) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        // sums this pass allocated and nobody else has seen yet: further gradients are added into them in
        // place; a sum leaves the set when it is handed on (a backward may return it as another input's gradient)
        Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        GradientCapture capture = GradientCapture.active();
        try (GradMode.Scope ignored = GradMode.disable()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = pending.remove(t);
                if (g == null) {
                    continue;
                }
                boolean exclusive = owned.remove(g);
                if (t.gradFn == null) {
                    if (capture != null) {
                        capture.add(t, g, exclusive);
                    } else {
                        t.accumulateGrad(g, exclusive);
                    }
                    continue;
                }
                Tensor[] inputs = t.gradFn.inputs;
                g.handedOver = exclusive;   // the backward may write its result into g and return that
                Tensor[] grads = t.gradFn.backward.apply(g);
                if (grads.length != inputs.length) {
                    throw new IllegalStateException("backward of " + t.gradFn.name + " returned " + grads.length
                            + " gradients for " + inputs.length + " inputs");
                }
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    Tensor gi = grads[j];
                    boolean handedOver = gi != null && takeHandedOver(gi, g, exclusive, grads, j);
                    if (in == null || gi == null || !in.requiresGrad()) {
                        continue;
                    }
                    if (!Arrays.equals(gi.shape, in.shape)) {
                        throw new IllegalStateException("backward of " + t.gradFn.name + " gave a gradient of shape "
                                + Shape.str(gi.shape) + " for input " + j + " of shape " + Shape.str(in.shape));
                    }
                    if (handedOver) {
                        owned.add(gi);   // a new array the backward gave up: later gradients may go into it
                    }
                    Tensor prev = pending.get(in);
                    pending.put(in, prev == null ? gi : addSameShape(prev, gi, owned));
                }
                g.handedOver = false;
                if (exclusive && !returned(g, grads)) {
                    StepArena.release(g.data);   // read by its backward for the last time: the arena may hand it out again
                }
            }
        }
    }

    /**
     * Whether {@code grads[j]} is the engine's alone from now on (clearing its mark, so it counts once):
     * a new array its backward {@linkplain Tensor#handedOver handed over}, or the incoming gradient
     * {@code g} itself (or a dense view of all of it) when {@code g} was the engine's alone
     * ({@code exclusive}) — and in either case not returned for another input as well.
     */
    private static boolean takeHandedOver(Tensor gi, Tensor g, boolean exclusive, Tensor[] grads, int j) {
        boolean marked = gi.handedOver;
        gi.handedOver = false;
        boolean ofG = gi.data == g.data;
        if (ofG ? !(exclusive && gi.offset == 0 && gi.isContiguous() && gi.numel() == gi.data.length) : !marked) {
            return false;
        }
        for (int k = 0; k < grads.length; k++) {
            if (k != j && grads[k] != null && grads[k].data == gi.data) {
                return false;
            }
        }
        return true;
    }

    /** Whether a backward function returned {@code g}'s storage (or a view of it) for an input. */
    private static boolean returned(Tensor g, Tensor[] grads) {
        for (Tensor gi : grads) {
            if (gi != null && gi.data == g.data) {
                return true;
            }
        }
        return false;
    }

    /** Nodes reachable from root that require grad, ordered so every node precedes its consumers. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> visited = new IdentityHashMap<>();
        // iterative post-order DFS: deep graphs (long training unrolls) must not overflow the stack
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.gradFn == null ? new Tensor[0] : t.gradFn.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && visited.put(in, Boolean.TRUE) == null) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /**
     * {@code a + b}: into {@code a} itself when this pass made it (in {@code owned}), else into a new
     * sum that joins {@code owned}; contiguous operands are read in place rather than copied. The same
     * float additions in the same order as adding copies, so the result is bitwise what it was.
     */
    private static Tensor addSameShape(Tensor a, Tensor b, Set<Tensor> owned) {
        int n = a.numel();
        float[] bv = b.isContiguous() ? b.data : b.toArray();
        int bOff = b.isContiguous() ? b.offset : 0;
        if (owned.contains(a)) {
            VecMath.add(a.data, 0, bv, bOff, a.data, 0, n);
            return a;
        }
        float[] av = a.isContiguous() ? a.data : a.toArray();
        int aOff = a.isContiguous() ? a.offset : 0;
        if (owned.contains(b)) {   // a handed-over b takes the sum: a + b, the same additions as into a new array
            VecMath.add(av, aOff, b.data, 0, b.data, 0, n);
            return b;
        }
        float[] x = StepBuffers.floats(n);   // every element written
        VecMath.add(av, aOff, bv, bOff, x, 0, n);
        Tensor sum = new Tensor(x, a.shape.clone());
        owned.add(sum);
        return sum;
    }
}
