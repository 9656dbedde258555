package dev.visor.tensor.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits kernel loops across cores. The thread count defaults to the number of available
 * processors and can be set with {@code -Dvisor.threads=N} or {@link #setThreads(int)} (benchmarks
 * measure 1 and all cores). Work smaller than the caller's grain runs on the calling thread: a
 * thread hand-off costs microseconds, more than a small product takes.
 *
 * <p>The caller runs the first chunk of a split itself; the {@code threads − 1} kernel threads
 * (daemons named {@code visor-kernel-N}) take the others. Between splits a kernel thread waits
 * spinning for {@code -Dvisor.spinMicros} (default 200 µs, 0 parks at once) and then parks: waking a
 * parked thread cost 40–75 µs on the 2-vCPU reference machine, more than many of the products a
 * decoding step or a small model's layer splits, which follow each other within microseconds; a
 * spinning thread takes the next split in well under one. The spin pauses ({@link Thread#onSpinWait})
 * and yields its core every few steps ({@code -Dvisor.spinYieldEvery}, default 16), so on a machine
 * shared with other work it gives its time slices away instead of burning them. A caller waiting for
 * the others' chunks spins the same way, as long, and then parks too. When a split shows that the
 * spinning kernel threads had no core (the caller ran 20 µs of its own chunk and found another chunk
 * still unclaimed), they park at once between splits for the next 100 ms ({@code -Dvisor.parkModeMillis}): on a machine with more runnable
 * threads than cores a spinning thread is descheduled when its work comes, while the scheduler serves
 * a thread woken by an unpark promptly. One split runs at a time: a caller that
 * arrives while another caller's split holds the kernel threads, or that is itself inside a chunk,
 * runs its loop alone on its own thread. Chunks nobody has started when the caller finishes its own
 * are run by the caller, so a descheduled kernel thread never holds a split up. A burst of splits
 * (a decoding step) can keep the kernel threads spinning throughout with {@link #hot()}.
 *
 * <pre>{@code
 * Parallel.forRange(rows, 16, (from, to) -> { for (int r = from; r < to; r++) kernelRow(r); });
 * }</pre>
 */
public final class Parallel {
    private static volatile int threads =
            (int) Math.min(Integer.MAX_VALUE, KernelProperties.whole("visor.threads", Runtime.getRuntime().availableProcessors(), 1));
    /** How long a kernel thread (and a caller waiting for one) spins before it parks, from {@code -Dvisor.spinMicros}. */
    static final long SPIN_NANOS = KernelProperties.whole("visor.spinMicros", 200, 0) * 1000;
    private static volatile Workers workers;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /** How deep the current thread is inside chunks it runs itself (the caller's share of a split). */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Parallel() {}

    /** The body of a parallel loop over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes items {@code from .. to-1}; chunks never overlap, so a body writing only its own
         * items needs no synchronisation.
         *
         * @param from the first item of the chunk
         * @param to one past the last item, greater than {@code from}
         */
        void run(int from, int to);
    }

    /**
     * The number of threads kernels use.
     *
     * @return at least 1; 1 means every kernel runs on the calling thread
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads kernels use from now on (1 = run on the caller). The kernel threads
     * of the old count finish the chunks they have started and end.
     *
     * @param n the thread count, at least 1
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1 but got " + n);
        }
        if (n != threads) {
            Workers old = workers;
            workers = null;
            threads = n;
            if (old != null) {
                old.stop();
            }
        }
    }

    /**
     * Keeps the kernel threads spinning between splits until the returned scope is closed: for a
     * burst of splits with a little serial work between them, such as decoding a token (about 25
     * matrix–vector products, each a split, with norms and attention in between). While a scope is
     * open the kernel threads neither park after {@code -Dvisor.spinMicros} idle (up to 20 ms since
     * their last chunk, so a scope left open by mistake cannot keep them spinning) nor switch to
     * parking for lateness ({@code -Dvisor.parkModeMillis}), so no split of the burst pays a wake-up
     * of tens of microseconds; they still yield their core every few pauses. Scopes nest and may be
     * opened on any thread. With one thread, or {@code -Dvisor.hotScopes=false}, nothing changes.
     *
     * <pre>{@code
     * try (Parallel.Hot hot = Parallel.hot()) {
     *     ... // the splits of one decoding step
     * }
     * }</pre>
     *
     * @return the scope; close it (try-with-resources) when the burst ends
     */
    public static Hot hot() {
        if (!HOT_SCOPES || threads <= 1) {
            return Hot.NONE;
        }
        HOT.incrementAndGet();
        return new Hot();
    }

    /** A scope of {@link #hot()}; closing it a second time does nothing. */
    public static final class Hot implements AutoCloseable {
        /** The scope that changes nothing (one thread, or hot scopes switched off). */
        static final Hot NONE = new Hot();
        private boolean closed;

        private Hot() {}

        /** Ends this scope: once no scope is open, the kernel threads park between splits as usual. */
        @Override
        public void close() {
            if (!closed && this != NONE) {
                closed = true;
                HOT.decrementAndGet();
            }
        }
    }

    /** Whether {@link #hot()} scopes have an effect, from {@code -Dvisor.hotScopes} (true or false; default true). */
    static final boolean HOT_SCOPES = KernelProperties.bool("visor.hotScopes", true);
    /** Open {@link #hot()} scopes. */
    private static final AtomicInteger HOT = new AtomicInteger();
    /** The longest a kernel thread spins after its last chunk while a hot scope is open. */
    private static final long HOT_SPIN_NANOS = 20_000_000L;

    /** Open hot scopes; for tests. */
    static int hotScopes() {
        return HOT.get();
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at
     * least {@code grain} items each; returns when all chunks are done. The calling thread runs the
     * first chunk itself (nested calls inside it run inline, as on the kernel threads), then any chunk
     * no kernel thread has started. Chunks may all run one after the other on one thread, so a body
     * must never wait for another chunk of the same split (no barriers between chunks).
     *
     * <p>An exception or error of any chunk propagates from this call, unchanged, after every chunk
     * that started has ended (the first one thrown; later ones are added as suppressed). One thrown
     * on a kernel thread carries a suppressed note naming the thread and the chunk; a checked
     * exception thrown sneakily is wrapped in an {@link IllegalStateException}. The kernel threads
     * stay usable. An interrupt of the caller does not cut the wait short (the other chunks may still
     * write to the caller's arrays); the interrupt status is kept.
     *
     * @param n the number of items, at least 0 (0 does nothing)
     * @param grain the fewest items per chunk, at least 1: large enough that a chunk outweighs handing it to another thread
     * @param body called once per chunk with its half-open range, possibly concurrently on different threads
     */
    public static void forRange(int n, int grain, RangeBody body) {
        // kept small so it inlines into its callers: with one thread, or work under two grains, the
        // body's call site stays monomorphic there and the loop is compiled as if written inline
        int t = threads;
        if (t <= 1 || n / Math.max(1L, grain) < 2) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        split(n, (int) Math.min(t, n / Math.max(1L, grain)), t, body);
    }

    /**
     * Whether the calling thread is one of the kernel threads, which run the chunks of the splits that
     * other threads (the callers) post; a caller running its own share of a split is not one. State kept
     * per thread for kernels is bounded on kernel threads (one per {@link #threads()} beyond the first),
     * but on callers it grows with the application's threads, so such state keeps callers' copies elsewhere.
     *
     * @return true on a kernel thread
     */
    public static boolean onKernelThread() {
        return Thread.currentThread() instanceof KernelThread;
    }

    private static void split(int n, int chunks, int t, RangeBody body) {
        // nested inside one of our own chunks (on a kernel thread, or on a caller running its share):
        // run inline, the cores are already busy
        int[] depth = DEPTH.get();
        Workers w = depth[0] > 0 || onKernelThread() ? null : workers(t);
        if (w == null || !w.busy.compareAndSet(false, true)) {   // nested, or another caller's split holds the threads
            body.run(0, n);
            return;
        }
        Job job = new Job(body, n, chunks, Thread.currentThread());
        depth[0]++;
        try {
            long start = System.nanoTime();
            boolean hot = HOT.get() > 0;
            boolean spinMode = hot || start - w.parkUntil >= 0;
            boolean spinning = w.post(job) && spinMode;   // every kernel thread was spinning, none had parked
            job.run(0);   // chunk 0 is the caller's: the job's counter starts at 1
            boolean late = false;
            for (int c = job.next.getAndIncrement(); c < chunks; c = job.next.getAndIncrement()) {
                late = true;
                job.run(c);
            }
            if (late && spinning && !hot && System.nanoTime() - start > LATE_NANOS) {
                // a spinning kernel thread with a core claims a chunk within a microsecond or two: this
                // one had none (more runnable threads than cores); one woken from park after an idle
                // spell is not judged, its wake-up alone takes tens of microseconds. Park between splits for a while, so
                // that each split's unpark wakes it, which the scheduler serves ahead of threads that ran
                w.parkUntil = System.nanoTime() + PARK_MODE_NANOS;
            }
            job.awaitDone();
        } finally {
            w.job = null;   // drop the body (and the arrays it holds) before the next split
            depth[0]--;
            w.busy.set(false);
        }
        job.rethrow();
    }

    private static Workers workers(int t) {
        Workers w = workers;
        if (w == null || w.size() != t - 1) {
            synchronized (Parallel.class) {
                w = workers;
                if (w == null || w.size() != threads - 1) {
                    if (w != null) {
                        w.stop();
                    }
                    w = new Workers(threads - 1);
                    workers = w;
                }
            }
        }
        return w;
    }

    /**
     * One step of a spin-wait: a pause, and every {@value #YIELD_EVERY} steps a {@link Thread#yield}, so
     * that on a machine with more runnable threads than cores the waiting thread hands its core to one
     * of them instead of burning its time slice (and, preempted in turn, being late when its work
     * comes); on an idle core the yield returns at once.
     */
    private static void spinOnce(int spins) {
        if (spins % YIELD_EVERY == YIELD_EVERY - 1) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    /** A caller's chunk this long with another chunk still unclaimed at its end means the kernel threads had no core. */
    private static final long LATE_NANOS = 20_000;
    /**
     * How long the kernel threads park at once between splits after a late one, before they try spinning
     * again, from {@code -Dvisor.parkModeMillis} (default 100; 0 never parks for lateness, only after
     * {@link #SPIN_NANOS} idle): the A/B switch for 2-thread decoding, where each split woken from
     * park pays a wake-up of tens of microseconds.
     */
    static final long PARK_MODE_NANOS = KernelProperties.whole("visor.parkModeMillis", 100, 0) * 1_000_000L;

    /** Spin steps per yield. */
    private static final int YIELD_EVERY = (int) Math.min(Integer.MAX_VALUE, KernelProperties.whole("visor.spinYieldEvery", 16, 1));

    /** Makes the kernel threads park at once between splits for {@code nanos}, as after a late split; for tests. */
    static void parkBetweenSplitsFor(long nanos) {
        if (threads > 1) {
            workers(threads).parkUntil = System.nanoTime() + nanos;
        }
    }

    /** Kernel threads alive now that are parked or waiting (not spinning, not running a chunk); for tests. */
    static int parkedKernelThreads() {
        Workers w = workers;
        int parked = 0;
        if (w != null) {
            for (KernelThread k : w.threads) {
                Thread.State s = k.getState();
                if (k.isAlive() && (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING)) {
                    parked++;
                }
            }
        }
        return parked;
    }

    /** The kernel threads alive now; for tests. */
    static int liveKernelThreads() {
        Workers w = workers;
        int live = 0;
        if (w != null) {
            for (KernelThread k : w.threads) {
                live += k.isAlive() ? 1 : 0;
            }
        }
        return live;
    }

    /** One split: its chunks are claimed from a counter by the caller and the kernel threads. */
    private static final class Job {
        final RangeBody body;
        final int n;
        final int chunks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger(1);
        final AtomicInteger done = new AtomicInteger();
        /** Set while the caller is parked waiting; the chunk that ends the job unparks it. */
        volatile boolean callerParked;
        private Throwable failure;

        Job(RangeBody body, int n, int chunks, Thread caller) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.caller = caller;
        }

        void run(int c) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            try {
                body.run(from, to);
            } catch (Throwable e) {
                fail(e, c, from, to);
            } finally {
                if (done.incrementAndGet() == chunks && callerParked) {   // the caller writes callerParked, then re-reads done
                    LockSupport.unpark(caller);
                }
            }
        }

        private synchronized void fail(Throwable e, int c, int from, int to) {
            Thread self = Thread.currentThread();
            if (self != caller) {
                e.addSuppressed(new KernelThreadNote("thrown on " + self.getName() + " in chunk " + c + " of " + chunks
                        + " (items " + from + " to " + to + " of " + n + ") of a split called from " + caller.getName()));
            }
            if (failure == null) {
                failure = e;
            } else if (failure != e) {
                failure.addSuppressed(e);
            }
        }

        void awaitDone() {
            // every unclaimed chunk was taken by the caller: the rest are running on kernel threads
            boolean interrupted = false;
            long start = System.nanoTime();
            for (int spins = 0; done.get() < chunks && System.nanoTime() - start < SPIN_NANOS; spins++) {
                spinOnce(spins);
            }
            while (done.get() < chunks) {
                callerParked = true;
                if (done.get() < chunks) {
                    LockSupport.park(this);
                }
                // park returns at once while the interrupt flag is set: clear it, and set it again at the end
                interrupted |= Thread.interrupted();
            }
            if (interrupted) {
                caller.interrupt();
            }
        }

        synchronized void rethrow() {
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {   // a RangeBody declares no checked exception
                throw new IllegalStateException("a Parallel.forRange chunk threw a checked exception: " + failure, failure);
            }
        }
    }

    /** The suppressed note on an exception thrown on a kernel thread: where it was thrown. */
    static final class KernelThreadNote extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KernelThreadNote(String message) {
            super(message, null, false, false);
        }
    }

    /** A kernel thread: nested splits inside it run inline. */
    private static final class KernelThread extends Thread {
        volatile boolean parked;

        KernelThread(Runnable r) {
            super(r, "visor-kernel-" + THREAD_IDS.getAndIncrement());
            setDaemon(true);
        }
    }

    /** The kernel threads, waiting on one job slot: spinning for {@link #SPIN_NANOS}, then parked. */
    private static final class Workers {
        final AtomicBoolean busy = new AtomicBoolean();
        final KernelThread[] threads;
        /** The split being run; written only by the caller holding {@link #busy}, before {@link #posted}. */
        volatile Job job;
        private volatile long posted;
        /** Until this {@link System#nanoTime} the kernel threads park at once between splits instead of spinning. */
        volatile long parkUntil = System.nanoTime();
        private volatile boolean stopped;

        Workers(int count) {
            threads = new KernelThread[count];
            for (int i = 0; i < count; i++) {
                threads[i] = new KernelThread(this::loop);
                threads[i].start();
            }
        }

        int size() {
            return threads.length;
        }

        /** Posts a split; returns whether no kernel thread had to be woken from park. */
        boolean post(Job j) {
            job = j;
            posted++;   // only the caller holding busy writes it; a kernel thread writes parked, then re-reads posted
            boolean allSpinning = true;
            for (KernelThread t : threads) {
                if (t.parked) {
                    LockSupport.unpark(t);
                    allSpinning = false;
                }
            }
            return allSpinning;
        }

        void stop() {
            stopped = true;
            for (KernelThread t : threads) {
                LockSupport.unpark(t);
            }
        }

        private void loop() {
            KernelThread self = (KernelThread) Thread.currentThread();
            long seen = posted;
            while (true) {
                long since = System.nanoTime();
                for (int spins = 0; posted == seen && !stopped; spins++) {
                    long now = System.nanoTime();
                    if ((now - since < SPIN_NANOS && now - parkUntil >= 0) || (HOT.get() > 0 && now - since < HOT_SPIN_NANOS)) {
                        spinOnce(spins);
                        continue;
                    }
                    self.parked = true;
                    if (posted == seen && !stopped) {
                        LockSupport.park(this);
                    }
                    self.parked = false;
                    Thread.interrupted();   // nobody interrupts a kernel thread on purpose; a stray one must not make park spin
                    since = System.nanoTime();
                }
                if (stopped) {
                    return;
                }
                seen = posted;
                Job j = job;   // null when the split ended before this thread looked
                if (j != null) {
                    for (int c = j.next.getAndIncrement(); c < j.chunks; c = j.next.getAndIncrement()) {
                        j.run(c);
                    }
                }
            }
        }
    }
}
