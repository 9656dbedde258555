package dev.visor.tensor.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a file's content to a stream; the body of {@link AtomicFiles#write(java.nio.file.Path, IoWriter)}.
 *
 * <pre>{@code
 * IoWriter body = out -> out.write(text.getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
@FunctionalInterface
public interface IoWriter {
    /**
     * Writes the content to {@code out} (buffered; closing it is allowed but not needed). Throwing
     * abandons the write and leaves the target file as it was.
     *
     * @param out the output array
     * @throws IOException from {@code out}, or the implementation's own; the write is abandoned
     */
    void writeTo(OutputStream out) throws IOException;
}
