package dev.visor.tensor.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A safetensors file is malformed, truncated, inconsistent, or holds a tensor whose type Visor
 * cannot read. The message names the file, the tensor when there is one, and the problem with the
 * offending values:
 *
 * <pre>
 * model.safetensors: tensor 'w': data_offsets [0, 24] hold 24 bytes but F32 shape [2, 4] needs 32
 * </pre>
 *
 * Plain I/O failures (a missing file, a permission error) are reported as the usual
 * {@link IOException}s of {@link java.nio.file.Files}, not as this type.
 */
public final class SafeTensorsException extends IOException {
    private final transient Path file;
    /** The tensor the problem concerns, or {@code null} for a problem of the header or the file as a whole. */
    private final String tensor;
    /** What is wrong, naming the offending values, without the file and tensor prefix. */
    private final String problem;

    SafeTensorsException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    SafeTensorsException(Path file, String tensor, String problem, Throwable cause) {
        super(file + ": " + (tensor == null ? "" : "tensor " + quoteName(tensor) + ": ") + problem, cause);
        this.file = file;
        this.tensor = tensor;
        this.problem = problem;
    }

    /**
     * The file that was being read.
     *
     * @return the file that was being read
     */
    public Path file() {
        return file;
    }

    /**
     * The tensor the problem concerns, if it concerns one.
     *
     * @return the tensor the problem concerns, if it concerns one
     */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    /**
     * The problem, without the file and tensor prefix.
     *
     * @return the problem, without the file and tensor prefix
     */
    public String problem() {
        return problem;
    }

    /**
     * {@code 'name'}, with control characters, quotes and unpaired surrogates escaped, so that a
     * hostile name cannot garble a message or a log line.
     */
    static String quoteName(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 2).append('\'');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1));
            if (pairedSurrogate) {
                sb.append(c).append(name.charAt(++i));
            } else if (c == '\'' || c == '\\') {
                sb.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }
}
