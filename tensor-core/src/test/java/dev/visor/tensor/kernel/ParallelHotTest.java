package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** {@link Parallel#hot()}: the kernel threads stay spinning while a scope is open, and nothing else changes. */
class ParallelHotTest {
    /** The child JVM of the property cases: opens a scope and prints whether it counted. */
    public static void main(String[] args) {
        Parallel.setThreads(2);
        try (Parallel.Hot hot = Parallel.hot()) {
            System.out.println("hot-scopes=" + Parallel.HOT_SCOPES + " open=" + Parallel.hotScopes());
        }
    }

    @Test
    void scopesNestCloseOnceAndDoNothingOnOneThread() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Parallel.Hot outer = Parallel.hot();
            Parallel.Hot inner = Parallel.hot();
            assertEquals(2, Parallel.hotScopes());
            inner.close();
            inner.close();   // a second close does nothing
            assertEquals(1, Parallel.hotScopes());
            outer.close();
            assertEquals(0, Parallel.hotScopes());
            Parallel.setThreads(1);
            try (Parallel.Hot none = Parallel.hot()) {
                assertSame(Parallel.Hot.NONE, none);
                assertEquals(0, Parallel.hotScopes());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aProductInAHotScopeHasTheBitsOfOneOutside() {
        int before = Parallel.threads();
        var rng = new SplittableRandom(11);
        int n = 2048;
        int k = 512;
        float[] a = GemmCheck.random(rng, k);
        float[] w = GemmCheck.random(rng, n * k);
        float[] cold = new float[n];
        float[] hot = new float[n];
        try {
            Parallel.setThreads(2);
            MatVec.multiply(1, n, k, 1f, a, 0, k, w, 0, k, 0f, cold, 0, n);
            try (Parallel.Hot h = Parallel.hot()) {
                for (int i = 0; i < 5; i++) {
                    MatVec.multiply(1, n, k, 1f, a, 0, k, w, 0, k, 0f, hot, 0, n);
                    assertArrayEquals(cold, hot, "call " + i);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * In park mode (as after a late split) an idle kernel thread parks at once after each split; in a
     * hot scope it keeps spinning (a few attempts, since a loaded machine may deschedule this thread for
     * longer than the scope's 20 ms cap); once the scope closes it parks again.
     */
    @Test
    void aHotScopeKeepsTheKernelThreadSpinningThroughParkMode() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            Parallel.forRange(2, 1, (from, to) -> { });
            Parallel.parkBetweenSplitsFor(60_000_000_000L);
            boolean spun = false;
            for (int attempt = 0; attempt < 5 && !spun; attempt++) {
                try (Parallel.Hot h = Parallel.hot()) {
                    Parallel.forRange(2, 1, (from, to) -> { });
                    LockSupport.parkNanos(2_000_000L);
                    spun = Parallel.parkedKernelThreads() == 0;
                }
            }
            assertTrue(spun, "the kernel thread parked between splits inside a hot scope");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (Parallel.parkedKernelThreads() < 1 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000L);
            }
            assertEquals(1, Parallel.parkedKernelThreads(), "the kernel thread still spins after the scope closed");
        } finally {
            Parallel.parkBetweenSplitsFor(0);
            Parallel.setThreads(before);
        }
    }

    @Test
    void thePropertySwitchesScopesOffAndABadValueIsNamed() throws Exception {
        assertTrue(Parallel.HOT_SCOPES, "on by default, in this JVM");
        assertTrue(child("-Dvisor.hotScopes=true").contains("hot-scopes=true open=1"));
        assertTrue(child("-Dvisor.hotScopes=false").contains("hot-scopes=false open=0"));
        String bad = child("-Dvisor.hotScopes=maybe");
        assertTrue(bad.contains("-Dvisor.hotScopes must be true or false, got 'maybe'"), bad);
    }

    private static String child(String property) throws Exception {
        return ChildJvm.run(ParallelHotTest.class, property);
    }
}
