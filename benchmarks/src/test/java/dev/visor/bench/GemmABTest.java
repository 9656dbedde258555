package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.kernel.Gemm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GemmABTest {

    /** Where this build's tensor-core classes are (a class directory in the reactor, or a jar). */
    private static String tensorCore() throws Exception {
        return Path.of(Gemm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void bothSidesRunInTheirOwnLoaderWithTheirOwnProperties(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ab.md");
        GemmAB.main(new String[] {"--a=" + tensorCore(), "--b=" + tensorCore(), "--names=kc128,kc256",
                "--props-a=kc=128", "--props-b=kc=256,nc=64", "--shapes=sq64,gradW_40x50x30_TN", "--rounds=2",
                "--seconds=0.005", "--out=" + out});
        String table = Files.readString(out);
        // each side's MachineShape read its own properties, and the JVM's were restored
        assertTrue(table.contains("kc128: ") && table.contains("KC 128,"), table);
        assertTrue(table.contains("kc256: ") && table.contains("KC 256, NC 64"), table);
        assertEquals(null, System.getProperty("visor.kernel.kc"));
        assertTrue(table.matches("(?s).*\\| sq64 \\| [0-9.]+ \\([0-9]+ %\\) \\| [0-9.]+ \\| [0-9.]+ \\([0-9]+ %\\) \\| [0-9.]+ \\| [0-2]/2 \\|.*"), table);
        assertTrue(table.contains("| gradW_40x50x30_TN |"), table);
    }

    @Test
    void twoThreadsAreRatedByTheCallerAndKernelThreadsTogether(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("ab2.md");
        GemmAB.main(new String[] {"--a=" + tensorCore(), "--b=" + tensorCore(), "--names=x,y", "--threads=2",
                "--shapes=sq64", "--rounds=1", "--seconds=0.005", "--out=" + out});
        String table = Files.readString(out);
        assertTrue(table.contains("2 threads, GFLOP per CPU-second of the caller and the kernel threads together"), table);
        assertTrue(table.matches("(?s).*\\| sq64 \\| [0-9.]+ \\([0-9]+ %\\) \\| [0-9.]+ \\| [0-9.]+ \\([0-9]+ %\\) \\| [0-9.]+ \\| [0-1]/1 \\|.*"), table);
        var bad = assertThrows(IllegalArgumentException.class, () -> GemmAB.main(new String[] {"--a=" + tensorCore(),
                "--b=" + tensorCore(), "--threads=0"}));
        assertTrue(bad.getMessage().contains("got 0"), bad.getMessage());
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        var missing = assertThrows(IllegalArgumentException.class, () -> GemmAB.main(new String[] {"--a=/x"}));
        assertTrue(missing.getMessage().contains("--b=PATHS"), missing.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> GemmAB.main(new String[] {"--a=/nonexistent", "--b=/nonexistent"}));
        assertTrue(empty.getMessage().contains("/nonexistent") && empty.getMessage().contains("no tensor-core"),
                empty.getMessage());
        var prop = assertThrows(IllegalArgumentException.class,
                () -> GemmAB.main(new String[] {"--a=" + tensorCore(), "--b=" + tensorCore(), "--props-b=kc"}));
        assertTrue(prop.getMessage().contains("'kc'"), prop.getMessage());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, GemmAB.median(new double[] {3, 1, 2}));
        assertEquals(2.5, GemmAB.median(new double[] {4, 1, 2, 3}));
    }
}
