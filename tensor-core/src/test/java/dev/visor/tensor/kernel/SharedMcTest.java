package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The row blocking of the shared packed B where the tile has none of its own ({@link
 * SharedGemm#SHARED_MC}, the AVX2 6 × 2 tile's deep products on 2 threads): none by default, the
 * property's rows for an untransposed A, never any for a transposed one, the tile's own MC elsewhere;
 * and child JVMs at this run's width with the 6 × 2 tile forced give the same bits by default and with
 * {@code -Dvisor.kernel.mcShared=48} and 12 (products of several slabs at KC 64, every
 * layout, beta 0 and not, on one thread and on two).
 */
class SharedMcTest {
    /** Deep products on 1 and 2 threads; prints the shared MC for an untransposed A and a digest of the bits. */
    public static void main(String[] args) {
        int[][] shapes = {{150, 96, 300}, {61, 130, 200}, {100, 48, 129}};
        long digest = GemmCheck.productDigest(shapes, 23);
        System.out.println("mcShared=" + SharedGemm.sharedMc(false) + " tile=" + VectorGemm.MR + "x" + VectorGemm.NV
                + " digest=" + Long.toHexString(digest));
    }

    private static final Pattern LINE = Pattern.compile("mcShared=(\\S+) tile=(\\S+) digest=(\\S+)");

    @Test
    void rowsAtATimeByTileAndLayout() {
        assumeTrue(VectorSupport.available(), "the shared packed B is part of the vector path");
        if (VectorGemm.MC > 0) {
            assertEquals(VectorGemm.MC, SharedGemm.sharedMc(false));
            assertEquals(VectorGemm.MC, SharedGemm.sharedMc(true));
        } else {
            assertEquals(SharedGemm.SHARED_MC, SharedGemm.sharedMc(false));
            assertEquals(0, SharedGemm.sharedMc(true), "a transposed A keeps one slab per split");
        }
        String forced = System.getProperty("visor.kernel.mcShared");
        if (forced == null || forced.isBlank()) {
            assertEquals(0, SharedGemm.SHARED_MC, "one slab per split unless asked for (it lost 8 of 9 quiet pairs at AVX2)");
        }
    }

    @Test
    void theRowBlockingChangesNoBits() throws IOException, InterruptedException {
        assumeTrue(VectorSupport.available(), "the shared packed B is part of the vector path");
        String[] off = run("");
        String[] rows48 = run("48");
        String[] twelve = run("12");
        assertEquals("0", off[0]);
        assertEquals("48", rows48[0]);
        assertEquals("12", twelve[0]);
        assertEquals("6x2", off[1]);
        assertEquals(off[2], rows48[2], "MC 48 against one slab per split");
        assertEquals(off[2], twelve[2], "MC 12 against one slab per split");
    }

    private static String[] run(String mc) throws IOException, InterruptedException {
        String[] props = {"-Dvisor.kernel.tile=6x2", "-Dvisor.kernel.kc=64", "-Dvisor.kernel.mcShared=" + mc};
        return ChildJvm.lineAtThisWidth(SharedMcTest.class, LINE, mc.isEmpty() ? java.util.Arrays.copyOf(props, 2) : props);
    }
}
