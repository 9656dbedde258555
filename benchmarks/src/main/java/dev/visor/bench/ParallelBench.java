package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What handing work to the kernel threads costs ({@link Parallel#forRange}): an empty split into
 * {@code threads} chunks, and the pattern of a decoding step or a small model's layer, some serial
 * work on the caller followed by a short split. On a quiet machine the spinning kernel threads make
 * {@link #emptySplit} cost well under a microsecond (a fork-join pool's wake-up cost 50–75 µs on the
 * 2-vCPU Zen 5 host); {@link #serialThenSplit} shows whether the idle spin slows the caller's own
 * work. With {@code threads = 1} both run on the caller alone, the reference.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ParallelBench -p threads=1,2
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ParallelBench {
    /** Kernel threads, the caller included. */
    @Param({"2"})
    public int threads;

    /** Serial work on the caller before each split of {@link #serialThenSplit}, in units of 2048 dependent additions (~2 µs). */
    @Param({"20"})
    public int serialUnits;

    private final float[] data = new float[4096];
    private Parallel.RangeBody empty;
    private Parallel.RangeBody work;

    /** Sets the kernels' thread count. */
    @Setup
    public void setUp() {
        Parallel.setThreads(threads);
        empty = (from, to) -> { };
        // 2048 independent items: well under a microsecond per chunk, the size of the smallest splits
        work = (from, to) -> {
            for (int i = from; i < to; i++) {
                data[i] = data[i] * 0.999f + 1f;
            }
        };
    }

    /** An empty split into {@code threads} chunks: the hand-off alone. */
    @Benchmark
    public void emptySplit() {
        Parallel.forRange(threads, 1, empty);
    }

    /** {@link #serialUnits} units of serial work on the caller, then a split of 2048 short items. */
    @Benchmark
    public float serialThenSplit() {
        float x = 1f;
        for (int u = 0; u < serialUnits; u++) {
            for (int i = 2048; i < data.length; i++) {
                x += data[i] * 1.0001f;
            }
        }
        Parallel.forRange(2048, 1, work);
        return x;
    }
}
