package dev.visor.transformer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The states a killed {@link AtomicFolder#replace} can leave, built by hand, and what reading and saving make of them. */
class AtomicFolderTest {
    @TempDir
    Path tmp;

    private Path version(String name, String content, long generation) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("v.txt"), content);
        if (generation > 0) Files.writeString(d.resolve(AtomicFolder.COMPLETE), Long.toString(generation));
        return d;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replaceWritesMarksAndSwaps() throws IOException {
        Path dir = tmp.resolve("c");
        AtomicFolder.replace(dir, f -> Files.writeString(f.resolve("v.txt"), "one"));
        AtomicFolder.replace(dir, f -> Files.writeString(f.resolve("v.txt"), "two"));
        assertEquals("two", Files.readString(dir.resolve("v.txt")));
        assertEquals(2, AtomicFolder.generation(dir));
        assertEquals(List.of("c"), names());
    }

    @Test
    void killedBetweenTheRenamesReadsTheNewestCompleteLeftover() throws IOException {
        Path dir = tmp.resolve("c");
        version(".c.1a.old", "old", 4);
        version(".c.2b.tmp", "new", 5);
        version(".c.3c.tmp", "half-written", 0);  // a later save killed while writing
        assertEquals(tmp.resolve(".c.2b.tmp"), AtomicFolder.current(dir));
        version(".c.4d.old", "older", 3);
        assertEquals(tmp.resolve(".c.2b.tmp"), AtomicFolder.current(dir));
    }

    @Test
    void anExistingFolderWinsAndNothingCompleteMeansMissing() throws IOException {
        Path dir = tmp.resolve("c");
        version(".c.1a.tmp", "half-written", 0);
        assertEquals(dir, AtomicFolder.current(dir));
        version("c", "current", 1);
        version(".c.2b.tmp", "newer but not in place", 9);
        assertEquals(dir, AtomicFolder.current(dir));
    }

    @Test
    void theNextSaveRemovesEveryLeftoverIncludingTheFormerCliNames() throws IOException {
        Path dir = tmp.resolve("c");
        version(".c.1a.old", "old", 4);
        version(".c.2b.tmp", "new", 5);
        version(".c.new-77", "cli staging", 0);
        version(".c.old-78", "cli old", 0);
        version(".cc.1a.tmp", "another folder's", 0);
        AtomicFolder.replace(dir, f -> Files.writeString(f.resolve("v.txt"), "next"));
        assertEquals(List.of(".cc.1a.tmp", "c"), names());
        assertEquals(6, AtomicFolder.generation(dir), "one above the highest generation seen");
    }

    @Test
    void aFailingWriterLeavesTheOldFolderAndNoTemporary() throws IOException {
        Path dir = tmp.resolve("c");
        AtomicFolder.replace(dir, f -> Files.writeString(f.resolve("v.txt"), "one"));
        assertThrows(IOException.class, () -> AtomicFolder.replace(dir, f -> {
            Files.writeString(f.resolve("v.txt"), "partial");
            throw new IOException("disk full");
        }));
        assertEquals("one", Files.readString(dir.resolve("v.txt")));
        assertEquals(List.of("c"), names());
    }
}
