package dev.visor.transformer.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replaces a folder so that at every instant a complete version of it can be read: the old one or
 * the new one, never a mixture and never none. This is how {@link Checkpoint#save} and the command
 * line's checkpoints are written.
 *
 * <p><b>Protocol.</b> {@link #replace} (1) writes the new version into a sibling {@code .NAME.<id>.tmp},
 * flushes every file to disk and then writes the marker file {@value #COMPLETE} holding a generation
 * number one above any seen; (2) renames the current folder aside to {@code .NAME.<id>.old}; (3) renames
 * the new one into place; (4) deletes the old one, marker first; (5) deletes every other leftover of a
 * killed earlier save. A process killed between (2) and (3) leaves no folder under the name, but two
 * complete, marked siblings. {@link #current} therefore reads the folder itself if it exists, and
 * otherwise the marked leftover of the highest generation: the new version if it was complete, else
 * the old. Reading never moves or deletes anything (a save may be running); the next save removes
 * every leftover. One writer per folder at a time: concurrent saves of the same folder may delete each
 * other's temporary folder.
 *
 * <pre>{@code
 * AtomicFolder.replace(dir, tmp -> Files.writeString(tmp.resolve("a.txt"), "new"));
 * Path readable = AtomicFolder.current(dir);  // dir, or the complete leftover of a killed save
 * }</pre>
 */
public final class AtomicFolder {
    /** The marker a folder holds once every other file in it is complete and on disk. */
    public static final String COMPLETE = ".visor-complete";
    /**
     * A test hook: milliseconds to sleep between the two renames, so a test can kill the process
     * there. Zero (the default) in every real use.
     */
    static final String PAUSE_PROPERTY = "visor.checkpoint.pauseBetweenRenamesMillis";

    private AtomicFolder() {}

    /** Writes the content of a folder. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the files.
         *
         * @param folder an empty folder to write into
         * @throws IOException if writing fails
         */
        void write(Path folder) throws IOException;
    }

    /**
     * Replaces (or creates) {@code target} with the folder {@code writer} writes, by the protocol above.
     * The parent folder is created if needed.
     *
     * @param target the folder
     * @param writer writes the new content into an empty temporary folder
     * @throws IOException if writing fails; the previous folder is then unchanged
     */
    public static void replace(Path target, Writer writer) throws IOException {
        Objects.requireNonNull(writer, "writer");
        Path dir = target.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        if (parent == null) throw new IllegalArgumentException("cannot replace the root folder " + target);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a folder");
        }
        Files.createDirectories(parent);
        String base = "." + dir.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        Path temp = Files.createDirectory(parent.resolve(base + ".tmp"));
        Path old = parent.resolve(base + ".old");
        try {
            // 1) the new version, on disk, then marked complete
            writer.write(temp);
            long generation = 1 + highestGeneration(dir);
            syncTree(temp);
            Path marker = temp.resolve(COMPLETE);
            Files.writeString(marker, Long.toString(generation), StandardCharsets.UTF_8);
            sync(marker);
            sync(temp);
            // 2) and 3) swap: between the two renames only the marked leftovers exist
            boolean replacing = Files.exists(dir);
            if (replacing) move(dir, old);
            pauseForTests();
            try {
                move(temp, dir);
            } catch (IOException e) {
                if (replacing) move(old, dir); // put the previous version back
                throw e;
            }
            sync(parent);
        } finally {
            if (Files.exists(temp)) deleteTree(temp);
        }
        // 4) and 5) the old version and the leftovers of killed saves
        for (Path leftover : leftovers(dir)) deleteTree(leftover);
    }

    /**
     * The folder to read {@code target} from: {@code target} if it is a folder, otherwise the complete
     * leftover of a killed save with the highest generation, otherwise {@code target} itself (so the
     * caller's "missing" error names it).
     *
     * @param target the folder
     * @return where its current complete version is
     * @throws IOException if the parent folder cannot be listed
     */
    public static Path current(Path target) throws IOException {
        if (Files.isDirectory(target) || Files.exists(target)) return target;
        Path best = null;
        long bestGeneration = 0;
        for (Path leftover : leftovers(target.toAbsolutePath().normalize())) {
            long g = generation(leftover);
            if (g > bestGeneration) {
                best = leftover;
                bestGeneration = g;
            }
        }
        return best == null ? target : best;
    }

    /**
     * The siblings that saves of {@code target} use and leave when killed: {@code .NAME.<id>.tmp},
     * {@code .NAME.<id>.old} (and the command line's former {@code .NAME.new-<id>}, {@code .NAME.old-<id>}).
     *
     * @param target the folder, absolute
     * @return the leftovers, sorted by name
     * @throws IOException if the parent folder cannot be listed
     */
    static List<Path> leftovers(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) return List.of();
        Pattern pattern = Pattern.compile(Pattern.quote("." + target.getFileName() + ".")
                + "([0-9a-f]+\\.(tmp|old)|(new|old)-[0-9a-f]+)");
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> pattern.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** The generation in a folder's marker, or 0 if it has no valid marker (incomplete or legacy). */
    static long generation(Path folder) {
        try {
            return Math.max(0, Long.parseLong(Files.readString(folder.resolve(COMPLETE), StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static long highestGeneration(Path target) throws IOException {
        long g = generation(target);
        for (Path leftover : leftovers(target)) g = Math.max(g, generation(leftover));
        return g;
    }

    private static void pauseForTests() {
        long millis = Long.getLong(PAUSE_PROPERTY, 0);
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot move " + from + " to " + to + ": the target exists", e);
        }
    }

    /** Flushes every regular file under a folder to the disk. */
    private static void syncTree(Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) sync(f);
    }

    /** fsync of a file or folder; folders cannot be opened for that on some systems, which is then skipped. */
    private static void sync(Path p) throws IOException {
        boolean folder = Files.isDirectory(p);
        try (FileChannel c = FileChannel.open(p, folder ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException e) {
            if (!folder) throw e;
        }
    }

    /** Deletes a folder tree, its marker first, so a half-deleted folder is never taken as complete. */
    static void deleteTree(Path root) throws IOException {
        Files.deleteIfExists(root.resolve(COMPLETE));
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path p : all) Files.deleteIfExists(p);
    }
}
