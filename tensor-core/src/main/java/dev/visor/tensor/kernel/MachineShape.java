package dev.visor.tensor.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the kernels need to know about the CPU they run on, and the tile sizes chosen from it: the
 * vector width the JIT will use, the number of vector registers its register allocator has, and the
 * L1d and L2 sizes of one core. Read once per JVM ({@link #current()}); print it with
 * {@link #describe()} so every benchmark figure can be tied to its machine.
 *
 * <p>The register count is what decides the GEMM micro-kernel: a tile of {@code MR × NR/lanes}
 * accumulators plus the NR/lanes vectors of B and one broadcast of A must fit the register file,
 * or C2 spills accumulators to the stack inside the hot loop and runs at a fraction of the peak
 * (16 registers on x86 without AVX-512 in use, 32 with AVX-512 and on AArch64 NEON/SVE).
 * <ul>
 *   <li>32 registers: 8 rows × 3 vectors (24 accumulators + 3 + 1), as BLIS's AVX-512 kernels use
 *       most of the 32 zmm registers;</li>
 *   <li>32 registers of 4 lanes (128 bits: NEON, or x86 at {@code -XX:MaxVectorSize=16}): 6 rows × 4
 *       vectors (24 + 4 + 1), see {@link #NARROW_LANES};</li>
 *   <li>16 registers: 4 rows × 3 vectors (12 + 3 + 1, {@link GemmKernels4x3}). Four rows of A need
 *       few enough offsets that the kernel reads an untransposed A in place at full speed, so A is
 *       not packed (a transposed A is, two panels at a time). Measured on Zen 4 at
 *       {@code -XX:UseAVX=2} (session 16, docs/DESIGN.md) against the 6 × 2 tile below: the demo
 *       training step +6–16 %; by CPU time in one JVM, sq1024 +3–5 %, sq2048 −2–4 % and gradW
 *       2048×512×1024 TN −4–5 % on one thread.
 *       The 6 × 2 tile (12 + 2 + 1, the shape of BLIS's Haswell sgemm kernel), the default before,
 *       stays reachable with {@code -Dvisor.kernel.tile=6x2}: its micro-panels of A are packed
 *       ({@code VectorGemm.PACK_A}) so that its loop needs no per-row offset or range check. It is
 *       still the default on JDKs after 17, where C2 spills the 4 × 3 tile's accumulators
 *       ({@link #LAST_JDK_OF_4X3}).</li>
 * </ul>
 * The packed panels follow the caches: {@code KC} keeps an MR-row micro-panel of A in a third of
 * L1 (KC 512 on a 48 KiB L1d, 256 on a 32 KiB one), {@code NC} keeps the packed {@code KC × NC}
 * block of B in half of L2.
 *
 * <p>The flash attention tile product ({@link #flashRows()} × {@link #flashVectors()}) follows the
 * same rule. The
 * element-wise kernels ({@link VecMath}: exp, softmax rows, sums) need no tile: they run one vector
 * at a time at the width in force, and the build tests them at every width.
 *
 * <p>Overrides, for experiments and for machines this guesses wrong:
 * {@code -Dvisor.kernel.tile=8x3}, {@code 6x4}, {@code 4x3} or {@code 6x2} (rows × vectors of the GEMM
 * register tile; {@code 8x3} is the 128-bit tile before 2026-12-04, {@code 6x2} the 16-register one
 * before session 16),
 * {@code -Dvisor.kernel.registers=16|32}, {@code -Dvisor.kernel.kc=256}, {@code -Dvisor.kernel.nc=512},
 * {@code -Dvisor.kernel.mc=48} (0 turns the row blocking off; {@code -Dvisor.kernel.mcShared=48}
 * turns on the AVX2 tile's row blocking of the shared packed B, {@link SharedGemm#SHARED_MC}); {@code -Dvisor.kernel.packA=false}
 * reads an untransposed A in place with the 6-row tiles, as before the packed A;
 * {@code -Dvisor.kernel.keepA=false} packs A again for every block of columns ({@link VectorGemm#KEEP_A});
 * {@code -Dvisor.kernel.packBRows=false} packs an untransposed B a panel at a time,
 * {@code -Dvisor.kernel.packBGroup=1} packs it by rows one row at a time (8 by default, session 17's
 * {@code GemmPack.PACK_B_ROWS}) and
 * {@code -Dvisor.kernel.mergeInKernel=false} merges the 8 × 3 tile through a scratch tile, as
 * before 2026-12-04's gemm10b, and the AVX2 6 × 2 tile as before gemm11 (see {@code GemmPack},
 * {@code VectorGemm});
 * {@code -Dvisor.kernel.oneSlab=512} runs products only up to that depth as one slab
 * ({@link GemmTiles#oneSlab()}; 512 is 2·KC, the rule before branch slab13 on Zen 4's AVX2 tile);
 * {@code -Dvisor.kernel.splitLast=false} runs the 4 × 3 and 8 × 3 tiles' last panel of one vector as such
 * ({@code VectorGemm.SPLIT_LAST});
 * {@code -Dvisor.kernel.flashRows=4|6} (the flash tile product's rows, {@link #flashRows()}).
 *
 * @param arch            {@code os.arch}
 * @param vectorBits      bits of the vector species the kernels use (0 on the scalar path)
 * @param registers       vector registers the JIT allocates from
 * @param registersSource how the register count was found (for the report)
 * @param l1dBytes        L1 data cache of one core
 * @param l2Bytes         L2 cache of one core
 * @param gemm            the GEMM tiles chosen for this machine
 */
public record MachineShape(String arch, int vectorBits, int registers, String registersSource,
                           int l1dBytes, int l2Bytes, GemmTiles gemm) {

    /**
     * The GEMM blocking: an {@code mr × nrVectors} register tile (NR = nrVectors · lanes columns),
     * panels {@code kc} deep and blocks of packed B at most {@code ncMax} columns wide; with
     * {@code mc > 0}, a product deeper than one panel packs B for all of k and takes {@code mc} rows
     * at a time through every panel (0: every row through one panel before the next).
     *
     * @param mr        rows of the register tile
     * @param nrVectors vectors of columns of the register tile
     * @param kc        depth of a packed panel
     * @param ncMax     widest block of packed B at depth kc
     * @param mc        rows at a time through all panels (0: none)
     * @param oneSlab   deepest product with an untransposed A run as one slab of depth k (no merges
     *                  into C): 2·kc, or {@link #AVX2_ONE_SLAB} for the 16-register tile
     * @param source    why these sizes (table, forced by a property)
     */
    public record GemmTiles(int mr, int nrVectors, int kc, int ncMax, int mc, int oneSlab, String source) {
        /** The register tiles {@code VectorGemm} has kernels for. */
        static final String SUPPORTED = "8x3, 6x4, 4x3, 6x2";

        /**
         * The register tile as {@code rows x vectors}.
         *
         * @return {@code mr} and {@code nrVectors} joined by {@code x}, e.g. {@code "6x2"}
         */
        public String tile() {
            return mr + "x" + nrVectors;
        }
    }

    private static volatile MachineShape current;

    /**
     * The shape of this JVM's machine, detected on first use and then fixed.
     *
     * @return the same instance on every call in this JVM
     */
    public static MachineShape current() {
        MachineShape s = current;
        if (s == null) {
            synchronized (MachineShape.class) {
                s = current;
                if (s == null) {
                    s = detect();
                    current = s;
                }
            }
        }
        return s;
    }

    /**
     * Lanes of 32-bit floats per vector (1 on the scalar path).
     *
     * @return 4, 8 or 16 on the vector path (128-, 256- or 512-bit vectors), 1 on the scalar path
     */
    public int lanes() {
        return Math.max(1, vectorBits / 32);
    }

    /**
     * Vectors of columns per row in the flash attention tile product: four (16 accumulators for four
     * rows) when there are 32 registers, two when there are 16.
     *
     * @return 4 or 2, by the number of vector registers
     */
    public int flashVectors() {
        return registers >= 32 ? 4 : 2;
    }

    /**
     * Rows of the flash attention tile product's widest kernel: four (4 × {@link #flashVectors()})
     * with 32 registers, six (6 × 2: 12 accumulators + 2 vectors of B + 1 broadcast) with 16, where
     * each FMA of the 4 × 2 kernel carried too much addressing (measured on Zen 4 at
     * {@code -XX:UseAVX=2}, docs/DESIGN.md). {@code -Dvisor.kernel.flashRows=4|6} overrides (6 then
     * runs the 6 × 2 kernel at any register count).
     *
     * @return 4 or 6
     * @throws IllegalArgumentException if {@code visor.kernel.flashRows} is set to anything but 4 or 6
     */
    public int flashRows() {
        return flashRowsFor(registers, System.getProperty("visor.kernel.flashRows"));
    }

    /** {@link #flashRows()} for {@code registers} vector registers and the property's value (or null). */
    static int flashRowsFor(int registers, String forced) {
        if (forced == null || forced.isEmpty()) {
            return registers >= 32 ? 4 : 6;
        }
        if (forced.equals("4") || forced.equals("6")) {
            return Integer.parseInt(forced);
        }
        throw new IllegalArgumentException("visor.kernel.flashRows is '" + forced + "' but must be 4 or 6");
    }

    /**
     * One line for reports: width, registers and the chosen tiles.
     *
     * @return architecture, vector width, registers, L1d and L2 sizes, the GEMM tile and the flash tile, on one line for benchmark and report headers
     */
    public String describe() {
        return String.format(Locale.ROOT,
                "%s, %s, %d vector registers (%s), L1d %d KiB, L2 %d KiB; GEMM tile %d×%d vectors = %d×%d floats,"
                        + " KC %d, NC %d, MC %d, one slab to k %d (%s); flash tile %d×%d vectors",
                arch, vectorBits == 0 ? "scalar (no Vector API)" : vectorBits + "-bit vectors (" + lanes() + " floats)",
                registers, registersSource, l1dBytes / 1024, l2Bytes / 1024, gemm.mr(), gemm.nrVectors(), gemm.mr(),
                gemm.nrVectors() * lanes(), gemm.kc(), gemm.ncMax(), gemm.mc(), gemm.oneSlab(), gemm.source(), flashRows(),
                flashRows() == 6 ? 2 : flashVectors());
    }

    static MachineShape detect() {
        String arch = System.getProperty("os.arch", "unknown");
        int bits = VectorSupport.available() ? VectorWidth.preferredBits() : 0;
        int l1 = cacheBytes(1, "Data", 48 * 1024);
        int l2 = cacheBytes(2, "Unified", 512 * 1024);
        String forcedRegs = System.getProperty("visor.kernel.registers");
        int regs;
        String regsSource;
        if (forcedRegs != null) {
            regs = parsePositive("visor.kernel.registers", forcedRegs);
            regsSource = "forced by -Dvisor.kernel.registers";
        } else {
            int avx = avxLevel();
            regs = registersFor(arch, avx);
            regsSource = avx >= 0 ? "UseAVX=" + avx : arch;
        }
        return new MachineShape(arch, bits, regs, regsSource, l1, l2, chooseTiles(regs, Math.max(1, bits / 32), l1, l2,
                System.getProperty("visor.kernel.tile"), System.getProperty("visor.kernel.kc"),
                System.getProperty("visor.kernel.nc"), System.getProperty("visor.kernel.mc"),
                System.getProperty("visor.kernel.oneSlab"), Runtime.version().feature()));
    }

    /**
     * Vector registers C2 allocates from: 32 on AArch64 (NEON and SVE), 32 on x86-64 when AVX-512
     * instructions are in use ({@code UseAVX} 3), else 16 (ymm0–15 or xmm0–15); 16 when unknown.
     */
    static int registersFor(String arch, int useAvx) {
        String a = arch.toLowerCase(Locale.ROOT);
        if (a.equals("aarch64") || a.equals("arm64")) {
            return 32;
        }
        if (a.equals("amd64") || a.equals("x86_64")) {
            return useAvx >= 3 ? 32 : 16;
        }
        return 16;
    }

    /**
     * Picks the GEMM tiles: the register tile from the register count (or {@code forcedTile}), KC
     * so that the MR-row micro-panel of A takes at most a third of L1d (a power of two between 128
     * and 512: 256 on a 32 KiB L1d, as BLIS's Haswell configuration; 512 on Zen 5's 48 KiB, where
     * it measured better than 256 on the square and NN/NT layer shapes at all three widths, since
     * each element of C is then loaded and stored half as often), NC so that the packed KC × NC
     * block of B takes half of L2. A transposed A runs with at most {@code VectorGemm.KC_TRANSPOSED_A}.
     * MC 48 (row blocking through all panels, see {@link #WIDE_TILE}) when the tile is at
     * least 48 floats wide, else 0.
     */
    static GemmTiles chooseTiles(int registers, int lanes, int l1dBytes, int l2Bytes, String forcedTile,
                                 String forcedKc, String forcedNc) {
        return chooseTiles(registers, lanes, l1dBytes, l2Bytes, forcedTile, forcedKc, forcedNc, null);
    }

    /** {@link #chooseTiles(int, int, int, int, String, String, String)} with MC forced too (0 is allowed). */
    static GemmTiles chooseTiles(int registers, int lanes, int l1dBytes, int l2Bytes, String forcedTile,
                                 String forcedKc, String forcedNc, String forcedMc) {
        return chooseTiles(registers, lanes, l1dBytes, l2Bytes, forcedTile, forcedKc, forcedNc, forcedMc, null);
    }

    /**
     * {@link #chooseTiles(int, int, int, int, String, String, String, String)} with the one-slab depth
     * forced too ({@code -Dvisor.kernel.oneSlab}, null for the rule: {@link #AVX2_ONE_SLAB}). These
     * overloads give the rule on JDK {@link #LAST_JDK_OF_4X3}; {@link #current()} passes the running
     * JDK's feature release.
     */
    static GemmTiles chooseTiles(int registers, int lanes, int l1dBytes, int l2Bytes, String forcedTile,
                                 String forcedKc, String forcedNc, String forcedMc, String forcedOneSlab) {
        return chooseTiles(registers, lanes, l1dBytes, l2Bytes, forcedTile, forcedKc, forcedNc, forcedMc, forcedOneSlab,
                LAST_JDK_OF_4X3);
    }

    /**
     * The last JDK feature release on which the 16-register default is the 4 × 3 tile: 17. On JDK 25
     * (Temurin 25.0.3) C2 schedules {@link GemmKernels4x3#k4x3r}'s four broadcasts of A ahead of their
     * FMAs, holding four registers where JDK 17 reuses one, and spills two of the twelve
     * accumulators to the stack inside the loop: the 4 × 3 tile ran sq1024 at 45 GFLOP/s on Zen 4 at
     * {@code -XX:UseAVX=2}, 39 % of the peak, against 103 for the 6 × 2 tile on its packed A in the
     * same JVM and 110 for the 4 × 3 tile on JDK 17 (session 17, {@code benchmarks/JOURNAL.md}). The
     * releases between were not measured, so they take the 6 × 2 tile too: the 4 × 3 tile's gain on
     * JDK 17 is 7 %, its loss where it spills 56 %. {@code -Dvisor.kernel.tile=4x3} forces it.
     */
    static final int LAST_JDK_OF_4X3 = 17;

    /**
     * {@link #chooseTiles(int, int, int, int, String, String, String, String, String)} on JDK feature release
     * {@code jdk}: past {@link #LAST_JDK_OF_4X3}, 16 registers take the 6 × 2 tile.
     */
    static GemmTiles chooseTiles(int registers, int lanes, int l1dBytes, int l2Bytes, String forcedTile,
                                 String forcedKc, String forcedNc, String forcedMc, String forcedOneSlab, int jdk) {
        int mr;
        int nv;
        String source;
        if (forcedTile != null) {
            String t = forcedTile.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "8x3" -> { mr = 8; nv = 3; }
                case "6x4" -> { mr = 6; nv = 4; }
                case "4x3" -> { mr = 4; nv = 3; }
                case "6x2" -> { mr = 6; nv = 2; }
                default -> throw new IllegalArgumentException("visor.kernel.tile is '" + forcedTile
                        + "' but must be one of " + GemmTiles.SUPPORTED + " (rows x vectors)");
            }
            source = "forced by -Dvisor.kernel.tile";
        } else if (registers >= 32 && lanes == NARROW_LANES) {
            mr = 6;
            nv = 4;
            source = registers + " registers, " + lanes + " lanes";
        } else if (registers >= 32) {
            mr = 8;
            nv = 3;
            source = registers + " registers";
        } else if (jdk > LAST_JDK_OF_4X3) {
            mr = 6;
            nv = 2;
            source = registers + " registers, JDK " + jdk + " (C2 spills the 4x3 tile's accumulators)";
        } else {
            mr = 4;
            nv = 3;
            source = registers + " registers";
        }
        int kc = forcedKc != null ? parsePositive("visor.kernel.kc", forcedKc)
                : Integer.highestOneBit(Math.max(128, Math.min(512, l1dBytes / 3 / (mr * 4))));
        int nr = nv * lanes;
        int nc = forcedNc != null ? parsePositive("visor.kernel.nc", forcedNc)
                : Math.max(nr, l2Bytes / 2 / (kc * 4));
        int mc = nr >= WIDE_TILE ? WIDE_TILE_MC : 0;
        if (forcedMc != null) {
            mc = "0".equals(forcedMc.trim()) ? 0 : parsePositive("visor.kernel.mc", forcedMc) / mr * mr;
            if (mc == 0 && !"0".equals(forcedMc.trim())) {
                throw new IllegalArgumentException("visor.kernel.mc is '" + forcedMc + "' but must be 0 or at least "
                        + mr + " (the tile's rows)");
            }
        }
        if (forcedKc != null || forcedNc != null || forcedMc != null) {
            source += ", KC/NC/MC forced";
        }
        boolean avx2Tile = forcedTile == null && registers < 32; // the 4 x 3 tile, or 6 x 2 on a later JDK
        // a forced KC (the bit tests' KC 64) keeps 2·KC, so its slabs stay as many as it asks for
        int oneSlab = avx2Tile && forcedKc == null ? Math.max(2 * kc, AVX2_ONE_SLAB) : 2 * kc;
        if (forcedOneSlab != null) {
            oneSlab = parsePositive("visor.kernel.oneSlab", forcedOneSlab);
            source += ", one slab forced";
        }
        return new GemmTiles(mr, nv, kc, nc, mc, oneSlab, source);
    }

    /**
     * Deepest product the 16-register (AVX2) tile runs as one slab, whatever KC: 1024. Chosen for
     * the 6 × 2 tile (KC 256 on a 32 KiB L1d; the A micro-panel then 24 KiB; B's 16-float
     * micro-panel, 64 KiB, streams from L2 in the kernel's loads); the 4 × 3 tile has KC 512 there,
     * so 2·KC is 1024 already, and the rule matters only where its KC is smaller (a 16 KiB L1d). Each tile of C is then stored once instead of merged into C k / KC − 1 times: on Zen
     * 4 (32 KiB L1d, KC 256) sq1024 ran one slab instead of four. Measured at {@code -XX:UseAVX=2}
     * (GemmAB, one JVM, CPU time, alternating rounds, both orders, load 1–4.5, benchmarks/JOURNAL.md
     * "slab13"): sq1024 won 21 of 22 rounds on 1 thread (best 87–90 → 90–91 % of the peak) and 20 of
     * 22 on 2 (79–84 → 85–86 %, still on the shared packed B: {@code SharedGemm.routeKc}). It is Zen
     * 5's AVX2 rule already (KC 512 there, 2·KC = 1024), so AVX2 products up to
     * 1024 deep now sum alike on both; on Zen 4 the sums of AVX2 products with k in (512, 1024]
     * change (one chain per element instead of four slabs merged). Deeper products keep KC's
     * slabs: KC 512 as a default lost on 2 threads (gemm12).
     */
    static final int AVX2_ONE_SLAB = 1024;

    /**
     * Lanes at which 32 registers take the 6 × 4 tile instead of 8 × 3: 4 (128-bit vectors). A
     * 128-bit vector is only 4 floats, so 8 × 3 does 3 FMAs per broadcast of A, and C2 (JDK 17) makes
     * each broadcast a scalar load, a shuffle and, since A is read in place with a row stride, an
     * index add and a range check: 8 of them per 24 FMAs. On Zen 4 (two 128-bit FMA pipes, 58 GFLOP/s
     * a core) that front end, not the FMAs, bounded the kernel; 6 × 4 has 6 per 24 FMAs, and its
     * 16-float panels divide the power-of-two widths with no narrow last panel (8 × 3's 12 leave one of
     * 8 floats per 512 columns). Measured on Zen 4 at {@code -XX:MaxVectorSize=16} (GemmAB, one JVM,
     * CPU time, alternating rounds, load 3-4): 6 × 4 won 54 of 63 rounds over the nine GemmBars
     * shapes, best rounds 77-95 % of the FMA peak against 64-91 % (benchmarks/JOURNAL.md, gemm9b).
     * Zen 5 (where 8 × 3 read 94-98 % at 128 bits, its 128-bit peak a quarter of the 512-bit one) was
     * not measured; the tile does the same FMAs with fewer other instructions.
     * {@code -Dvisor.kernel.tile=8x3} keeps the old tile; every tile gives the same bits at the same KC.
     */
    static final int NARROW_LANES = 4;

    /**
     * Tiles at least this many floats wide (the 8 × 3 tile at 512 bits) take MC rows at a time
     * through all panels of a deep product. Measured by CPU time on Zen 5 (one JVM, rounds
     * interleaved, load 9-12): at 512 bits MC 48 won sq1024, sq2048 and ffnDown 1024×512×2048 in
     * 5-6 of 7 rounds (gradW 3 of 7, within noise); at 256 and 128 bits, whose tiles touch a quarter
     * to a half as many bytes of C per cycle, it lost 1-3 of 5 on the same shapes, so they keep 0.
     */
    static final int WIDE_TILE = 48;

    /** MC for wide tiles: 48 rows (a multiple of both tiles' MR); 120 and 240 measured no better. */
    static final int WIDE_TILE_MC = 48;

    private static int parsePositive(String name, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " is '" + value + "' but must be a positive integer");
    }

    /** HotSpot's {@code UseAVX} (0–3), or −1 when it cannot be read (another JVM, no management). */
    static int avxLevel() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? -1 : Integer.parseInt(bean.getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** Size of this level's cache of CPU 0 from Linux's sysfs, or {@code fallback}. */
    static int cacheBytes(int level, String type, int fallback) {
        for (int i = 0; i < 8; i++) {
            Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + i);
            try {
                if (!Files.isDirectory(dir)) {
                    break;
                }
                if (Integer.parseInt(Files.readString(dir.resolve("level")).trim()) == level
                        && Files.readString(dir.resolve("type")).trim().equals(type)) {
                    return parseSize(Files.readString(dir.resolve("size")).trim(), fallback);
                }
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** "48K", "1024K", "32M" or a plain byte count. */
    static int parseSize(String s, int fallback) {
        try {
            char unit = Character.toUpperCase(s.charAt(s.length() - 1));
            return switch (unit) {
                case 'K' -> Integer.parseInt(s.substring(0, s.length() - 1)) * 1024;
                case 'M' -> Integer.parseInt(s.substring(0, s.length() - 1)) * 1024 * 1024;
                default -> Integer.parseInt(s);
            };
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
