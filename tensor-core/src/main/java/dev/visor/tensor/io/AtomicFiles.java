package dev.visor.tensor.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files atomically: readers, and the file system after a crash, see either the old content or
 * the complete new content, never a torn mix.
 *
 * <p>The content is written to a temporary file next to the target ({@code .<name>.<random>.tmp}, so
 * the rename stays on one file system), flushed and {@code fsync}ed, then renamed over the target
 * with {@link StandardCopyOption#ATOMIC_MOVE}; finally the directory is {@code fsync}ed where the
 * platform allows it, so the rename itself survives a crash. If the body or any step fails the
 * temporary file is deleted and the target is untouched. A file system that refuses atomic renames
 * gets a plain {@code REPLACE_EXISTING} move instead (logged once as a warning through
 * {@link System.Logger}): the content is still complete when it appears, but another process may
 * briefly see no file. When the target exists its POSIX permissions are carried over; a symbolic
 * link at the target is replaced, not followed. The parent directory must exist.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("config.json"), out -> out.write(json.getBytes(StandardCharsets.UTF_8)));
 * AtomicFiles.writeString(Path.of("config.json"), json);   // the same
 * }</pre>
 */
public final class AtomicFiles {
    private static final System.Logger LOG = System.getLogger(AtomicFiles.class.getName());
    private static volatile boolean warnedAboutFallback;

    private AtomicFiles() {}

    /** Moves a finished temporary file over the target; replaceable in tests. */
    @FunctionalInterface
    interface Mover {
        void move(Path source, Path target, StandardCopyOption... options) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with what {@code body} writes, atomically.
     *
     * @param target the target
     * @param body the work, called with each index
     * @throws IOException whatever the body or the file system threw; the target is then unchanged and
     *                     no temporary file is left behind
     */
    public static void write(Path target, IoWriter body) throws IOException {
        write(target, body, (s, t, o) -> Files.move(s, t, o));
    }

    /**
     * Replaces (or creates) {@code target} with {@code text} encoded as UTF-8, atomically.
     *
     * @param target the target
     * @param text the text
     * @throws IOException when the temporary file cannot be written or renamed over {@code target}; {@code target} is then unchanged
     */
    public static void writeString(Path target, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    static void write(Path target, IoWriter body, Mover mover) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("cannot write " + target + ": it names no file inside a directory");
        }
        Path temp = createTemp(dir, absolute.getFileName().toString());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                body.writeTo(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the channel stays open until it has been synced
                    }
                });
                buffered.flush();
                channel.force(true);
            }
            copyPermissions(absolute, temp);
            try {
                mover.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                if (!warnedAboutFallback) {
                    warnedAboutFallback = true;
                    LOG.log(System.Logger.Level.WARNING, "the file system of " + dir + " refused an atomic rename ("
                            + e.getMessage() + "); replacing files there non-atomically");
                }
                mover.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException cleanup) {
                t.addSuppressed(cleanup);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** A new empty file next to the target, created with the default permissions of a new file. */
    private static Path createTemp(Path dir, String name) throws IOException {
        while (true) {
            Path temp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException taken) {
                // another writer picked the same name: draw again
            }
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (source == null || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Set<PosixFilePermission> permissions = source.readAttributes().permissions();
        Files.setPosixFilePermissions(to, permissions);
    }

    /** Makes the rename durable; platforms that cannot open a directory (Windows) already are. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException notSupported) {
            // best effort: the data itself was synced before the rename
        }
    }
}
