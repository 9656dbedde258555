package dev.visor.cli;

/**
 * A failure the user can act on, reported as one line on stderr with an exit code: {@link #USAGE} (2)
 * when the command line itself is wrong — an option value that does not parse, a malformed mask spec,
 * an unknown task — and {@link #FAILURE} (1) when a well-formed command could not be carried out — a
 * missing file, a corrupt checkpoint, a training run that diverged.
 *
 * <pre>{@code
 * throw CliException.usage("unknown task 'revers'; did you mean 'reverse'? available: [add, copy, reverse, sort]");
 * }</pre>
 */
final class CliException extends RuntimeException {
    /** Exit code of a command that failed. */
    static final int FAILURE = 1;
    /** Exit code of a command line that is wrong. */
    static final int USAGE = 2;
    /** Exit code of a run stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2. */
    static final int INTERRUPTED = 130;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * A wrong command line (exit code 2).
     *
     * @param message what is wrong and what was expected
     * @return the exception
     */
    static CliException usage(String message) {
        return new CliException(USAGE, message, null);
    }

    /**
     * A wrong command line, caused by an exception whose stack trace {@code --verbose} shows.
     *
     * @param message what is wrong and what was expected
     * @param cause the underlying exception
     * @return the exception
     */
    static CliException usage(String message, Throwable cause) {
        return new CliException(USAGE, message, cause);
    }

    /**
     * A command that could not be carried out (exit code 1).
     *
     * @param message what failed and where
     * @return the exception
     */
    static CliException failure(String message) {
        return new CliException(FAILURE, message, null);
    }

    /**
     * A command that could not be carried out, caused by an exception whose stack trace
     * {@code --verbose} shows.
     *
     * @param message what failed and where
     * @param cause the underlying exception
     * @return the exception
     */
    static CliException failure(String message, Throwable cause) {
        return new CliException(FAILURE, message, cause);
    }

    /**
     * A run stopped by Ctrl-C after saving what it had (exit code 130).
     *
     * @param message what was saved and how to continue
     * @return the exception
     */
    static CliException interrupted(String message) {
        return new CliException(INTERRUPTED, message, null);
    }

    /** @return 1, 2 or 130 */
    int exitCode() {
        return exitCode;
    }
}
