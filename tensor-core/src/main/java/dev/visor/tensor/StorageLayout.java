package dev.visor.tensor;

/**
 * Where {@link Tensor#alignedZeros} puts a weight's first element: after a lead of a few floats, so
 * that its data starts on a 64-byte cache line, when the JVM's layout makes that position knowable.
 *
 * <p>On HotSpot a {@code float[]}'s data begins {@code ARRAY_FLOAT_BASE_OFFSET} bytes (16 with
 * compressed class pointers) after the object, and G1 allocates an array of at least half a heap
 * region ("humongous") at the start of a region, which is at least 1 MB aligned and is never moved.
 * So such an array's element {@code (64 − base) / 4} (12) sits on a cache line, and a matrix whose
 * rows are a multiple of 16 floats long then has every row on a line: the decode products' 64-byte
 * loads read one line each instead of straddling two (docs/DESIGN.md, "Weights start on a cache
 * line"). Smaller arrays live in TLABs and are moved by the collector, and other collectors compact
 * large arrays too: their position within a line is unknowable, so they get no lead (a lead there
 * would be as likely to hurt as to help).
 *
 * <p>{@code -Dvisor.storage.align=auto} (the default) applies that rule; {@code off} gives every
 * tensor offset 0 (the A/B switch); {@code all} gives every {@code alignedZeros} tensor the lead
 * whatever its size (so that tests of the consumers of {@link Tensor#storage()} see a lead on small
 * tensors too). The values a tensor holds, and every result computed from them, do not depend on it.
 */
final class StorageLayout {
    private StorageLayout() {}

    /** Bytes in a cache line of every x86 and Arm server core the project meets. */
    static final int LINE = 64;

    /** The smallest heap region G1 uses (1 MB): below half of it no array can be humongous. */
    private static final long SMALLEST_HUMONGOUS = 512 * 1024;

    private static final String MODE = System.getProperty("visor.storage.align", "auto");

    /** Bytes from an array's start to its first element. */
    static final int BASE = arrayBaseOffset();

    /** The lead in floats, or 0 when the array base offset is not a multiple of 4 (never on HotSpot). */
    static final int LEAD = lead(BASE);

    /** Half G1's region size in bytes, or {@code Long.MAX_VALUE} when G1 is not in use: computed on first need. */
    private static volatile long humongousBytes = -1;

    static {
        if (!MODE.equals("auto") && !MODE.equals("off") && !MODE.equals("all")) {
            throw new IllegalArgumentException("-Dvisor.storage.align is '" + MODE + "' but must be auto, off or all");
        }
    }

    /** Floats from a region-aligned array's first element to the first 64-byte line of its data. */
    static int lead(int baseOffset) {
        int bytes = Math.floorMod(-baseOffset, LINE);
        return bytes % Float.BYTES == 0 ? bytes / Float.BYTES : 0;
    }

    /**
     * The lead {@link Tensor#alignedZeros} gives a tensor of {@code numel} elements: {@link #LEAD}
     * when the array it needs is humongous under G1 (or the mode is {@code all}), else 0.
     */
    static int leadFor(long numel) {
        if (MODE.equals("off") || LEAD == 0) {
            return 0;
        }
        if (MODE.equals("all")) {
            return LEAD;
        }
        long bytes = (numel + LEAD) * Float.BYTES + BASE;   // G1: humongous when larger than half a region
        return bytes > SMALLEST_HUMONGOUS && bytes > humongousBytes() ? LEAD : 0;
    }

    /** True when {@code offset} is one a tensor that owns its storage may have: 0 or the lead. */
    static boolean ownedOffset(int offset) {
        return offset == 0 || offset == LEAD;
    }

    private static long humongousBytes() {
        long h = humongousBytes;
        if (h < 0) {
            h = readHumongousBytes();
            humongousBytes = h;
        }
        return h;
    }

    /** Half of {@code G1HeapRegionSize} when {@code UseG1GC} is on, else {@code Long.MAX_VALUE}. */
    private static long readHumongousBytes() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean == null || !Boolean.parseBoolean(bean.getVMOption("UseG1GC").getValue())) {
                return Long.MAX_VALUE;
            }
            return Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue()) / 2;
        } catch (RuntimeException | LinkageError e) {
            return Long.MAX_VALUE;   // not HotSpot, or no management: positions unknowable
        }
    }

    /**
     * HotSpot's offset of a {@code float[]}'s data from the array's start, read from
     * {@code sun.misc.Unsafe} by reflection (no compile-time dependency on an unsupported API),
     * else 16, the value with compressed class pointers on JDK 17 to 25.
     */
    static int arrayBaseOffset() {
        try {
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 16;
        }
    }
}
