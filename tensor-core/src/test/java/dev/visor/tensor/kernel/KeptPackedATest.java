package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packed A kept across blocks of columns ({@link VectorGemm#KEEP_A}): child JVMs at this run's
 * width compute the same products with {@code -Dvisor.kernel.keepA=true} and {@code false}, at a KC
 * and NC small enough that the products span several slabs and several blocks of packed B, on one
 * thread and on two (the column split, and the shared packed B), with the default row blocking and
 * with MC rows at a time through all slabs; the digests of their bits must agree. In the 512-bit
 * run, whose 8-row tile packs only edge panels, the 6 × 2 tile is forced too, so the kept path is
 * checked there as well.
 */
class KeptPackedATest {
    /** Products whose rows run under several blocks of packed B; prints whether A was kept and one digest of the bits. */
    public static void main(String[] args) {
        int[][] shapes = {{50, 300, 200}, {37, 197, 64}, {96, 260, 300}, {13, 400, 130}};
        long digest = GemmCheck.productDigest(shapes, 5);
        System.out.println("keepA=" + VectorGemm.KEEP_A + " tile=" + VectorGemm.MR + "x" + VectorGemm.NV
                + " digest=" + Long.toHexString(digest));
    }

    private static final Pattern LINE = Pattern.compile("keepA=(\\S+) tile=(\\S+) digest=(\\S+)");

    @Test
    void keepingThePackedAChangesNoBits() throws IOException, InterruptedException {
        assumeTrue(VectorSupport.available(), "packing A is part of the vector path");
        List<String[]> settings = new ArrayList<>();
        settings.add(new String[] {"-Dvisor.kernel.mc=0", "-Dvisor.kernel.sharedB=false"});   // slab by slab, column split
        settings.add(new String[] {"-Dvisor.kernel.mc=12", "-Dvisor.kernel.sharedB=true"});   // all slabs, shared B
        if (VectorGemm.MR != 6) {   // the 8-row tile packs edge panels only: check the kept path with 6 rows too
            settings.add(new String[] {"-Dvisor.kernel.tile=6x2", "-Dvisor.kernel.sharedB=true"});
        }
        for (String[] setting : settings) {
            String[] kept = run(setting, "true");
            String[] repacked = run(setting, "false");
            assertEquals("false", repacked[0]);
            assertEquals(repacked[1], kept[1], "the tile");
            assertEquals(repacked[2], kept[2], String.join(" ", setting) + ": kept A against packed per block");
        }
    }

    @Test
    void keptByDefaultWhereEveryPanelIsPacked() {
        assumeTrue(VectorSupport.available(), "packing A is part of the vector path");
        String forced = System.getProperty("visor.kernel.keepA");
        boolean expected = forced == null || forced.isBlank()
                ? VectorGemm.PACK_A || VectorGemm.PACK_TRANSPOSED_A : Boolean.parseBoolean(forced.trim());
        assertEquals(expected, VectorGemm.KEEP_A);
    }

    private static String[] run(String[] setting, String keep) throws IOException, InterruptedException {
        List<String> props = new ArrayList<>(List.of(setting));
        props.addAll(List.of("-Dvisor.kernel.kc=64", "-Dvisor.kernel.nc=96", "-Dvisor.kernel.keepA=" + keep));
        return ChildJvm.lineAtThisWidth(KeptPackedATest.class, LINE, props.toArray(String[]::new));
    }
}
