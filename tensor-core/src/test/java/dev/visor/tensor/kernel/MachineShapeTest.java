package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The machine description and the tiles chosen from it. The build reruns the kernel tests at
 * narrower widths ({@code -XX:UseAVX=2}, {@code -XX:MaxVectorSize=16}) and tells this test what it
 * asked for ({@code visor.expect.vectorBits}, {@code visor.expect.registers}), so a run that did
 * not really narrow the vectors fails here instead of testing the native width twice.
 */
class MachineShapeTest {

    @Test
    void theWidthAndRegistersInForceAreWhatTheBuildAskedFor() {
        MachineShape shape = MachineShape.current();
        String bits = System.getProperty("visor.expect.vectorBits");
        if (bits != null && VectorSupport.available()) {
            assertEquals(Integer.parseInt(bits), shape.vectorBits(), shape.describe());
        }
        String regs = System.getProperty("visor.expect.registers");
        if (regs != null) {
            assertEquals(Integer.parseInt(regs), shape.registers(), shape.describe());
        }
        if (!VectorSupport.available()) {
            assertEquals(0, shape.vectorBits(), "the scalar path has no vector width: " + shape.describe());
        }
        assertTrue(shape.registers() == 16 || shape.registers() == 32, shape.describe());
    }

    @Test
    void theKernelsRunTheTilesChosenForThisMachine() {
        MachineShape shape = MachineShape.current();
        MachineShape.GemmTiles expected = MachineShape.chooseTiles(shape.registers(), shape.lanes(), shape.l1dBytes(),
                shape.l2Bytes(), System.getProperty("visor.kernel.tile"), System.getProperty("visor.kernel.kc"),
                System.getProperty("visor.kernel.nc"), System.getProperty("visor.kernel.mc"),
                System.getProperty("visor.kernel.oneSlab"), Runtime.version().feature());
        assertEquals(expected, shape.gemm());
        if (VectorSupport.available()) {
            assertEquals(shape.gemm().mr(), VectorGemm.MR);
            assertEquals(shape.gemm().nrVectors() * shape.lanes(), VectorGemm.NR);
            assertEquals(shape.vectorBits(), VectorGemm.S.vectorBitSize());
        }
        assertTrue(shape.describe().contains(shape.gemm().tile().replace('x', '×')), shape.describe());
    }

    @Test
    void registerTileFollowsTheRegisterFile() {
        // Zen 5 / AVX-512: 32 registers, 16 lanes, 48 KiB L1d, 1 MiB L2 -> the sizes measured best there
        assertEquals(new MachineShape.GemmTiles(8, 3, 512, 256, 48, 1024, "32 registers"),
                MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, null, null));
        // KC: the A micro-panel in a third of L1d, a power of two in [128, 512]
        assertEquals(512, MachineShape.chooseTiles(16, 8, 48 * 1024, 1024 * 1024, null, null, null).kc());
        assertEquals(256, MachineShape.chooseTiles(32, 16, 32 * 1024, 1024 * 1024, null, null, null).kc());
        assertEquals(128, MachineShape.chooseTiles(32, 16, 8 * 1024, 1024 * 1024, null, null, null).kc());
        assertEquals(512, MachineShape.chooseTiles(32, 4, 128 * 1024, 4096 * 1024, null, null, null).kc());
        // Zen 3 / AVX2: 16 registers, 8 lanes, 32 KiB L1d, 512 KiB L2: 4 x 3, 12 accumulators + 3 + 1 fill 16
        assertEquals(new MachineShape.GemmTiles(4, 3, 512, 128, 0, 1024, "16 registers"),
                MachineShape.chooseTiles(16, 8, 32 * 1024, 512 * 1024, null, null, null));
        assertEquals("6x2", MachineShape.chooseTiles(16, 8, 32 * 1024, 512 * 1024, "6x2", null, null).tile());
        // NEON: 32 registers of 4 lanes
        MachineShape.GemmTiles neon = MachineShape.chooseTiles(32, 4, 64 * 1024, 1024 * 1024, null, null, null);
        assertEquals("6x4", neon.tile());
        assertEquals(new MachineShape.GemmTiles(6, 4, 256, 512, 0, 512, "32 registers, 4 lanes"),
                MachineShape.chooseTiles(32, 4, 32 * 1024, 1024 * 1024, null, null, null)); // Zen 4 at 128 bits
        assertEquals("8x3", MachineShape.chooseTiles(32, 4, 32 * 1024, 1024 * 1024, "8x3", null, null).tile());
        // row blocking through all panels only for tiles 48 floats wide (8 x 3 at 512 bits)
        assertEquals(0, neon.mc());
        assertEquals(0, MachineShape.chooseTiles(32, 8, 48 * 1024, 1024 * 1024, null, null, null).mc());
        // every tile fits: accumulators + B vectors + one broadcast of A
        for (int regs : new int[] {16, 32}) {
            for (int lanes : new int[] {4, 8, 16}) {
                MachineShape.GemmTiles t = MachineShape.chooseTiles(regs, lanes, 32 * 1024, 512 * 1024, null, null, null);
                assertTrue(t.mr() * t.nrVectors() + t.nrVectors() + 1 <= regs, t + " does not fit " + regs + " registers");
            }
        }
    }

    @Test
    void sixteenRegistersTakeTheSixByTwoTileAfterJdk17() {
        // JDK 17: the 4 x 3 tile; JDK 25's C2 spills its accumulators, so 6 x 2 there (KC 256 from the
        // 32 KiB L1d, and one slab still up to 1024, the depth measured for 6 x 2)
        MachineShape.GemmTiles jdk17 = MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null, null, null, 17);
        assertEquals("4x3", jdk17.tile());
        MachineShape.GemmTiles jdk25 = MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null, null, null, 25);
        assertEquals(new MachineShape.GemmTiles(6, 2, 256, 512, 0, MachineShape.AVX2_ONE_SLAB,
                "16 registers, JDK 25 (C2 spills the 4x3 tile's accumulators)"), jdk25);
        assertEquals("6x2", MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null, null, null, 18).tile());
        // forced, the 4 x 3 tile runs on any JDK; 32 registers do not depend on the JDK
        assertEquals("4x3", MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, "4x3", null, null, null, null, 25).tile());
        assertEquals("8x3", MachineShape.chooseTiles(32, 16, 32 * 1024, 1024 * 1024, null, null, null, null, null, 25).tile());
        assertEquals("6x4", MachineShape.chooseTiles(32, 4, 32 * 1024, 1024 * 1024, null, null, null, null, null, 25).tile());
    }

    @Test
    void theAvx2TileRunsProductsUpTo1024DeepAsOneSlab() {
        // Zen 4 at -XX:UseAVX=2: the 4 x 3 tile's KC 512 from the 32 KiB L1d, one slab up to k = 1024 (2·KC)
        MachineShape.GemmTiles zen4 = MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null);
        assertEquals(512, zen4.kc());
        assertEquals(MachineShape.AVX2_ONE_SLAB, zen4.oneSlab());
        // a 16 KiB L1d: KC 256, and still one slab up to 1024 (not 2·KC = 512)
        MachineShape.GemmTiles smallL1 = MachineShape.chooseTiles(16, 8, 16 * 1024, 1024 * 1024, null, null, null);
        assertEquals(256, smallL1.kc());
        assertEquals(MachineShape.AVX2_ONE_SLAB, smallL1.oneSlab());
        // Zen 5 at AVX2: KC 512, so 2·KC is 1024 already: the same depth on both
        assertEquals(1024, MachineShape.chooseTiles(16, 8, 48 * 1024, 1024 * 1024, null, null, null).oneSlab());
        // the other tiles keep 2·KC: 512 and 128 bits on Zen 4, 512 bits on Zen 5
        assertEquals(512, MachineShape.chooseTiles(32, 16, 32 * 1024, 1024 * 1024, null, null, null).oneSlab());
        assertEquals(512, MachineShape.chooseTiles(32, 4, 32 * 1024, 1024 * 1024, null, null, null).oneSlab());
        assertEquals(1024, MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, null, null).oneSlab());
        // a forced tile or KC keeps 2·KC (the bit tests' small KC keeps its slabs)
        assertEquals(128, MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, "64", null).oneSlab());
        assertEquals(512, MachineShape.chooseTiles(32, 16, 32 * 1024, 1024 * 1024, "6x2", null, null).oneSlab());
        // -Dvisor.kernel.oneSlab=512: the blocking before branch slab13
        MachineShape.GemmTiles old = MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null, null, "512");
        assertEquals(512, old.oneSlab());
        assertTrue(old.source().contains("one slab forced"), old.source());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MachineShape.chooseTiles(16, 8, 32 * 1024, 1024 * 1024, null, null, null, null, "0"));
        assertTrue(e.getMessage().contains("visor.kernel.oneSlab"), e.getMessage());
    }

    @Test
    void propertiesForceTheChoice() {
        MachineShape.GemmTiles t = MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, "6x2", "128", "1024");
        assertEquals(6, t.mr());
        assertEquals(2, t.nrVectors());
        assertEquals(128, t.kc());
        assertEquals(1024, t.ncMax());
        assertTrue(t.source().contains("forced"), t.source());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, "5x5", null, null));
        assertTrue(e.getMessage().contains("'5x5'") && e.getMessage().contains("8x3"), e.getMessage());
        assertTrue(e.getMessage().contains("6x4"), e.getMessage());
        MachineShape.GemmTiles wide = MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, " 6X4 ", null, null);
        assertEquals("6x4", wide.tile());
        assertTrue(wide.source().contains("forced"), wide.source());
        assertEquals(0, MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, null, null, "0").mc());
        assertEquals(96, MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, null, null, "100").mc());
        assertEquals(12, MachineShape.chooseTiles(16, 8, 48 * 1024, 1024 * 1024, null, null, null, "12").mc());
        e = assertThrows(IllegalArgumentException.class,
                () -> MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, null, null, "5"));
        assertTrue(e.getMessage().contains("visor.kernel.mc") && e.getMessage().contains("'5'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MachineShape.chooseTiles(32, 16, 48 * 1024, 1024 * 1024, null, "-3", null));
        assertTrue(e.getMessage().contains("visor.kernel.kc") && e.getMessage().contains("'-3'"), e.getMessage());
    }

    @Test
    void registerCountByArchitectureAndAvxLevel() {
        assertEquals(32, MachineShape.registersFor("amd64", 3));
        assertEquals(16, MachineShape.registersFor("amd64", 2));
        assertEquals(16, MachineShape.registersFor("amd64", -1));
        assertEquals(32, MachineShape.registersFor("aarch64", -1));
        assertEquals(16, MachineShape.registersFor("riscv64", -1));
    }

    @Test
    void cacheSizesParse() {
        assertEquals(48 * 1024, MachineShape.parseSize("48K", 1));
        assertEquals(32 * 1024 * 1024, MachineShape.parseSize("32M", 1));
        assertEquals(4096, MachineShape.parseSize("4096", 1));
        assertEquals(7, MachineShape.parseSize("lots", 7));
    }

    @Test
    void flashTileRowsFollowTheRegisterFileUnlessForced() {
        assertEquals(4, MachineShape.flashRowsFor(32, null));
        assertEquals(6, MachineShape.flashRowsFor(16, null));   // 6 × 2: 12 accumulators + 2 + 1
        assertEquals(6, MachineShape.flashRowsFor(16, ""));
        assertEquals(4, MachineShape.flashRowsFor(16, "4"));    // the 4 × 2 kernel kept reachable
        assertEquals(6, MachineShape.flashRowsFor(32, "6"));
        assertThrows(IllegalArgumentException.class, () -> MachineShape.flashRowsFor(16, "8"));
        MachineShape shape = MachineShape.current();
        assertTrue(shape.describe().contains("flash tile " + shape.flashRows() + "×"), shape.describe());
    }
}
