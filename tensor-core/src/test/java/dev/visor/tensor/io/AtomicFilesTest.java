package dev.visor.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsAndReplacesFiles() throws IOException {
        Path target = dir.resolve("config.json");
        AtomicFiles.writeString(target, "first ✓");
        assertEquals("first ✓", Files.readString(target));
        AtomicFiles.write(target, out -> {
            out.write("sec".getBytes(StandardCharsets.UTF_8));
            out.write('o');
            out.write("xxnd".getBytes(StandardCharsets.UTF_8), 2, 2);
        });
        assertEquals("second", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aBodyThatThrowsMidwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.writeString(target, "previous");
        IOException boom = new IOException("disk on fire");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]); // more than the buffer, so part of it reached the temporary file
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void uncheckedFailuresAndErrorsAlsoLeaveTheTargetUntouched() throws IOException {
        Path target = dir.resolve("t.bin");
        AtomicFiles.writeString(target, "previous");
        IllegalStateException bug = new IllegalStateException("bug");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw bug;
        })));
        AssertionError error = new AssertionError("error");
        assertSame(error, assertThrows(AssertionError.class, () -> AtomicFiles.write(target, out -> {
            throw error;
        })));
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aFailedFirstWriteCreatesNothing() {
        Path target = dir.resolve("new.bin");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("no");
        }));
        assertEquals(List.of(), listing());
    }

    @Test
    void theBodyMayCloseTheStream() throws IOException {
        Path target = dir.resolve("closed.txt");
        AtomicFiles.write(target, out -> {
            out.write("abc".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertEquals("abc", Files.readString(target));
    }

    @Test
    void fallsBackToAPlainReplaceWhenTheFileSystemRefusesAtomicMoves() throws IOException {
        Path target = dir.resolve("fallback.txt");
        AtomicFiles.writeString(target, "old");
        List<List<StandardCopyOption>> attempts = new ArrayList<>();
        AtomicFiles.write(target, out -> out.write("new".getBytes(StandardCharsets.UTF_8)), (source, to, options) -> {
            attempts.add(Arrays.asList(options));
            if (Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE)) {
                throw new AtomicMoveNotSupportedException(source.toString(), to.toString(), "test file system");
            }
            Files.move(source, to, options);
        });
        assertEquals(List.of(List.of(StandardCopyOption.ATOMIC_MOVE), List.of(StandardCopyOption.REPLACE_EXISTING)),
                attempts);
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void aFailedMoveRemovesTheTemporaryFile() throws IOException {
        Path target = dir.resolve("stuck.txt");
        AtomicFiles.writeString(target, "old");
        IOException refused = new IOException("rename refused");
        assertSame(refused, assertThrows(IOException.class, () -> AtomicFiles.write(target,
                out -> out.write(1), (source, to, options) -> {
                    throw refused;
                })));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void keepsThePermissionsOfTheFileItReplaces() throws IOException {
        Path target = dir.resolve("perm.txt");
        Files.writeString(target, "old");
        assumeTrue(Files.getFileStore(target).supportsFileAttributeView("posix"), "POSIX file system");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.writeString(target, "new");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void theDirectoryMustExist() {
        Path target = dir.resolve("missing").resolve("x.txt");
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.writeString(target, "x"));
        assertFalse(Files.exists(target.getParent()));
    }

    @Test
    void rejectsPathsThatNameNoFile() {
        Path root = dir.getRoot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.writeString(root, "x"));
        assertEquals("cannot write " + root + ": it names no file inside a directory", e.getMessage());
    }

    @Test
    void readersNeverSeeAPartlyWrittenFile() throws Exception {
        Path target = dir.resolve("shared.bin");
        byte[] a = new byte[200_000];
        byte[] b = new byte[150_000];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        AtomicFiles.write(target, out -> out.write(a));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    byte[] seen = Files.readAllBytes(target);
                    if (!Arrays.equals(seen, a) && !Arrays.equals(seen, b)) {
                        torn.set("read " + seen.length + " bytes that are neither version");
                    }
                } catch (IOException e) {
                    torn.set("read failed: " + e);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 60; i++) {
            byte[] next = i % 2 == 0 ? b : a;
            AtomicFiles.write(target, out -> out.write(next));
        }
        done.set(true);
        reader.join();
        assertEquals(null, torn.get());
        assertArrayEquals(a, Files.readAllBytes(target));
        assertEquals(List.of(target), listing());
    }

    private List<Path> listing() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
