package dev.visor.transformer.train;

import java.util.Locale;

/**
 * How a training step uses the kernel threads ({@link dev.visor.tensor.kernel.Parallel#threads()}).
 *
 * <p>Each op of a small model's step (the demo's: d_model 64, rows of about ten tokens) takes a few
 * microseconds, about what handing half of it to another core costs, so splitting every op
 * ({@link #INTRA_OP}) gains little on two cores. {@link #DATA_PARALLEL} splits the batch instead: each
 * thread runs the forward and backward pass of its rows with every op on that thread, and the
 * gradients are summed in a fixed order. Large models keep intra-op parallelism, whose big matrix
 * products split well and whose activations are not duplicated per thread.
 *
 * <p>The system property {@code visor.train.parallelism} ({@code auto}, {@code data}, {@code intra-op})
 * overrides the choice of a {@link Trainer} left at {@link #AUTO}.
 */
public enum StepParallelism {
    /**
     * {@link #DATA_PARALLEL} for small built-in models (see {@link GradientStep#prefersDataParallel}; a model
     * class of your own only when asked for, as its modules may not be safe to run on two threads at once),
     * {@link #INTRA_OP} otherwise.
     */
    AUTO,
    /** Split the batch by rows into one shard per kernel thread; each shard's ops run single-threaded. */
    DATA_PARALLEL,
    /** One graph for the whole batch; each op splits its own work across the kernel threads. */
    INTRA_OP;

    /** The system property that overrides {@link #AUTO}. */
    public static final String PROPERTY = "visor.train.parallelism";

    /**
     * Parses a command-line or system-property spelling: {@code auto}, {@code data} (or {@code data-parallel}),
     * {@code intra-op} (or {@code intra}), in any case.
     *
     * @param text the spelling
     * @return the mode
     * @throws IllegalArgumentException for any other text, naming the accepted ones
     */
    public static StepParallelism parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "data", "data-parallel", "data_parallel" -> DATA_PARALLEL;
            case "intra-op", "intra", "intra_op" -> INTRA_OP;
            default -> throw new IllegalArgumentException("step parallelism '" + text + "': expected auto, data or intra-op");
        };
    }

    /**
     * This mode, or for {@link #AUTO} the one the system property {@value #PROPERTY} names (still
     * {@code AUTO} when it is unset).
     *
     * @return the mode to use
     * @throws IllegalArgumentException when the property is set to an unknown spelling
     */
    public StepParallelism withOverride() {
        String forced = System.getProperty(PROPERTY);
        return this != AUTO || forced == null || forced.isBlank() ? this : parse(forced);
    }
}
