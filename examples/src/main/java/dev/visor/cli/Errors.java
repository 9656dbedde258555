package dev.visor.cli;

import dev.visor.mask.MaskSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns any exception into the one line the command line prints for it, and the exit code.
 * Exceptions the code throws on bad input ({@link CliException}, {@link IllegalArgumentException},
 * {@link IllegalStateException}, I/O errors) already say what and where; anything else is a bug and
 * is labelled "internal error" with a pointer to {@code --verbose}.
 */
final class Errors {
    private Errors() {}

    /**
     * The message of an exception as one line.
     *
     * @param t the exception
     * @return a single line, never empty
     */
    static String oneLine(Throwable t) {
        Throwable e = unwrap(t);
        String text;
        if (e instanceof MaskSpecException spec) {
            text = spec.reason();
        } else if (e instanceof NoSuchFileException f) {
            text = "no such file or folder: " + f.getFile();
        } else if (e instanceof AccessDeniedException f) {
            text = "permission denied: " + f.getFile();
        } else if (e instanceof NotDirectoryException f) {
            text = "not a folder: " + f.getFile();
        } else if (e instanceof FileSystemException f) {
            text = "cannot access " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
        } else if (e instanceof CliException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof IOException) {
            text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } else {
            text = "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (run with --verbose for the stack trace)";
        }
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The exit code for an exception thrown while a command ran.
     *
     * @param t the exception
     * @return 2 for a wrong command line, else 1
     */
    static int exitCode(Throwable t) {
        return unwrap(t) instanceof CliException c ? c.exitCode() : CliException.FAILURE;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while (e instanceof UncheckedIOException && e.getCause() != null) e = e.getCause();
        return e;
    }
}
