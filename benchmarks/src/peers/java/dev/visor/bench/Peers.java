package dev.visor.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.visor.tensor.kernel.Parallel;
import org.ejml.EjmlVersion;
import org.ejml.concurrency.EjmlConcurrency;

/**
 * The peers' set-up, shared by the peer benchmarks and their parity tests: thread counts that are
 * set and then checked (a comparison "on 2 threads" is only honest if every library really runs on
 * 2), the versions quoted next to each figure, and the random operands every library receives
 * identically ({@link MatmulBench#gaussian}).
 *
 * <p>Threads, as each library's documentation says to set them:
 * <ul>
 *   <li>Visor: {@link Parallel#setThreads} (the {@code visor.threads} system property at start-up);</li>
 *   <li>DJL/PyTorch: the system properties {@code ai.djl.pytorch.num_threads} (PyTorch's intra-op
 *       pool, {@code torch.set_num_threads}) and {@code ai.djl.pytorch.num_interop_threads} (1:
 *       eager calls from one Java thread have nothing to run side by side), read when the engine
 *       loads; applied again through {@link JniUtils} if it has loaded already;</li>
 *   <li>EJML: its {@code _MT_} operations on {@link EjmlConcurrency#setMaxThreads} threads, the
 *       single-threaded ones on 1.</li>
 * </ul>
 */
final class Peers {
    /** DJL's name for its PyTorch engine. */
    static final String PYTORCH_ENGINE = "PyTorch";

    private Peers() {}

    /** Sets Visor's kernel threads and checks them. */
    static void visorThreads(int threads) {
        Parallel.setThreads(threads);
        if (Parallel.threads() != threads) {
            throw new IllegalStateException("Visor runs on " + Parallel.threads() + " threads but " + threads + " were asked");
        }
    }

    /**
     * Loads the PyTorch engine offline with {@code threads} intra-op threads and returns a new base
     * manager on the CPU.
     *
     * @throws IllegalStateException if PyTorch ends up on another thread count
     */
    static NDManager djl(int threads) {
        System.setProperty("offline", "true"); // DJL must never reach for the network
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine engine = Engine.getEngine(PYTORCH_ENGINE);
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads); // the engine was loaded before, with other settings
        }
        if (JniUtils.getNumThreads() != threads) {
            throw new IllegalStateException("PyTorch runs on " + JniUtils.getNumThreads() + " intra-op threads but "
                    + threads + " were asked");
        }
        return engine.newBaseManager();
    }

    /** Sets EJML's thread pool for its {@code _MT_} operations (used when {@code threads > 1}). */
    static void ejmlThreads(int threads) {
        if (threads > 1) {
            EjmlConcurrency.setMaxThreads(threads);
        }
    }

    /** {@code DJL x.y.z, PyTorch a.b.c, EJML v} for the report header. */
    static String versions() {
        return "DJL " + Engine.getDjlVersion() + " with PyTorch " + Engine.getEngine(PYTORCH_ENGINE).getVersion()
                + " (CPU), EJML " + EjmlVersion.VERSION;
    }
}
