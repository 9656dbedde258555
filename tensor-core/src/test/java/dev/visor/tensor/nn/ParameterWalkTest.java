package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Module#parameters()} and {@link Module#namedParameters()} hand out their last walk again while
 * nothing is registered ({@link ParameterWalk}), and walk again after any registration below or beside
 * them: a child's parameter registered late, a {@link ModuleList#add} after construction, a module shared by
 * two parents, a part inlined late.
 */
class ParameterWalkTest {

    /** A module that registers parameters, children and inlined parts whenever asked, not only when built. */
    static final class Growing extends Module {
        Tensor add(String name, int n) {
            return registerParameter(name, Tensor.zeros(n));
        }

        <M extends Module> M child(String name, M module) {
            return registerModule(name, module);
        }

        <M extends Module> M inlined(String name, M part) {
            return inline(name, part);
        }
    }

    @Test
    void theSameWalkIsHandedOutWhileNothingIsRegistered() {
        Module model = new ModuleTest.Model(new Rng(1));
        List<Tensor> list = model.parameters();
        Map<String, Tensor> named = model.namedParameters();
        assertSame(list, model.parameters());
        assertSame(named, model.namedParameters());
        assertEquals(List.copyOf(named.values()), list);
        new Linear(2, 2, new Rng(2));   // a registration in an unrelated module: the next call walks again, same contents
        assertTrue(list != model.parameters(), "walked again after a registration");
        assertEquals(list, model.parameters());
        assertEquals(named, model.namedParameters());
    }

    @Test
    void aRegistrationDeepInTheTreeReachesEveryWalkAboveIt() {
        Growing leaf = new Growing();
        leaf.add("a", 1);
        Growing left = new Growing();
        Growing right = new Growing();
        left.child("shared", leaf);
        right.child("shared", leaf);
        Growing root = new Growing();
        root.child("left", left);
        root.child("right", right);
        ModuleList<Linear> layers = root.child("layers", new ModuleList<>());
        assertEquals(List.of("left.shared.a"), List.copyOf(root.namedParameters().keySet()), "a shared module's parameter once");
        assertEquals(List.of("shared.a"), List.copyOf(right.namedParameters().keySet()));

        Tensor b = leaf.add("b", 2);   // late, two levels down, under two parents
        assertEquals(List.of("left.shared.a", "left.shared.b"), List.copyOf(root.namedParameters().keySet()));
        assertEquals(List.of("shared.a", "shared.b"), List.copyOf(right.namedParameters().keySet()));
        assertSame(b, right.parameters().get(1));

        layers.add(new Linear(2, 3, new Rng(3)));   // a list grown after the root's walk
        assertEquals(List.of("left.shared.a", "left.shared.b", "layers.0.weight", "layers.0.bias"),
                List.copyOf(root.namedParameters().keySet()));
        assertEquals(4, root.parameters().size());
        assertEquals(2 + 2 * 3 + 3 + 1, root.parameterCount());

        Growing part = new Growing();
        part.add("scale", 3);
        right.inlined("ffn", part);   // a part inlined late: its parameter under its own name in right
        assertEquals(List.of("scale", "shared.a", "shared.b"), List.copyOf(right.namedParameters().keySet()), "its own first");
        assertEquals(List.of("left.shared.a", "left.shared.b", "right.scale", "layers.0.weight", "layers.0.bias"),
                List.copyOf(root.namedParameters().keySet()));

        root.parameters().forEach(t -> t.setGrad(Tensor.onesLike(t)));
        root.zeroGrad();   // reaches the late parameters too
        root.parameters().forEach(t -> assertNull(t.grad()));
    }

    @Test
    void aWarmCallAllocatesNothingWhereAWalkAllocatesItsNames() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(), "HotSpot's per-thread counters");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Module model = new ModuleTest.Model(new Rng(4));
        int calls = 10_000;
        long sink = 0;
        for (int i = 0; i < calls; i++) {   // warm: the interpreter's first calls may resolve and allocate
            sink += model.parameters().size() + model.namedParameters().size();
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) {
            sink += model.parameters().size() + model.namedParameters().size();
        }
        long cached = mx.getThreadAllocatedBytes(id) - before;
        new Linear(1, 1, new Rng(5));   // any registration: the next call walks the tree again
        before = mx.getThreadAllocatedBytes(id);
        sink += model.parameters().size();
        long walk = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(sink > 0);
        assertTrue(walk > 1_000, "a walk builds every dotted name: " + walk + " bytes");
        assertTrue(cached < walk, calls + " warm calls of each allocated " + cached + " bytes, one walk " + walk);
    }
}
