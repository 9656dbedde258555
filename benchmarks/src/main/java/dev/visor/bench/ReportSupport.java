package dev.visor.bench;

import dev.visor.tensor.kernel.MachineShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What the report runners ({@link Roofline}, {@link AttentionReport}, the peer comparison) share:
 * {@code --key=value} options, the machine and JDK lines every quoted figure carries, and the
 * atomic write of a finished table.
 */
final class ReportSupport {
    private ReportSupport() {}

    /**
     * Parses {@code --key=value} and {@code --flag} arguments.
     *
     * @param allowed the option names accepted
     * @param usage   appended to the error message, e.g. {@code "--threads=1,2 --quick"}
     * @throws IllegalArgumentException naming the argument and the accepted options
     */
    static Map<String, String> options(String[] args, List<String> allowed, String usage) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; expected " + usage);
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; expected " + usage);
            }
            opts.put(key, eq < 0 ? "" : arg.substring(eq + 1));
        }
        return opts;
    }

    /** What {@code --quick} means in every report, as printed in their headers. */
    static final String QUICK = "2 × 0.5 s warm-up, 3 × 0.5 s measured";

    /** Sets {@link #QUICK}'s iterations on {@code b}. */
    static ChainedOptionsBuilder quick(ChainedOptionsBuilder b) {
        return b.warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(500));
    }

    /** The CPU's model name with its family and model numbers, from {@code /proc/cpuinfo}. */
    static String cpuModel() {
        try {
            String model = null;
            String family = null;
            String number = null;
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).trim() : "";
                if (model == null && line.startsWith("model name")) {
                    model = value;
                } else if (family == null && line.startsWith("cpu family")) {
                    family = value;
                } else if (number == null && line.matches("model\\s*:.*")) {
                    number = value;
                }
            }
            return model + " (family " + family + ", model " + number + ")";
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    /**
     * The vector ISA the kernels see, so a figure can be tied to its machine: the CPU's vector flags
     * from {@code /proc/cpuinfo}, the width-limiting JVM options in force (JMH's forks inherit them
     * from the launching JVM), {@link MachineShape#describe()} (width, registers, chosen tiles) and
     * the FMA peak's chain count ({@link PeakFlopsBench#CHAINS}, also chosen by the register count).
     */
    static String isa() {
        List<String> limits = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:UseAVX") || a.startsWith("-XX:MaxVectorSize")
                        || a.startsWith("-XX:UseSVE") || a.startsWith("-Dvisor.kernel.")
                        || a.startsWith("-D" + PeakFlopsBench.CHAINS_PROPERTY))
                .toList();
        return MachineShape.current().describe() + "; FMA peak " + PeakFlopsBench.CHAINS + " chains"
                + "; CPU flags: " + vectorFlags()
                + (limits.isEmpty() ? "" : "; JVM options: " + String.join(" ", limits));
    }

    /** The vector-related flags of the first CPU in {@code /proc/cpuinfo} (x86 or ARM), or {@code unknown}. */
    static String vectorFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags") || line.startsWith("Features")) {
                    List<String> wanted = List.of("fma", "avx", "avx2", "avx512f", "avx512vl", "avx512bw", "asimd", "sve");
                    return Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(wanted::contains).collect(Collectors.joining(" "));
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The kernel's transparent-huge-page mode (the bracketed word of
     * {@code /sys/kernel/mm/transparent_hugepage/enabled}: always, madvise or never), or "unknown".
     */
    static String hugePageMode() {
        try {
            return hugePageMode(Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The bracketed word of a sysfs choice line such as {@code always [madvise] never}, or "unknown". */
    static String hugePageMode(String sysfs) {
        int open = sysfs.indexOf('[');
        int close = sysfs.indexOf(']', open + 1);
        return open < 0 || close < 0 ? "unknown" : sysfs.substring(open + 1, close);
    }

    /**
     * The pages the heap of this JVM lies on, for a report's header: transparent huge pages when
     * {@code -XX:+UseTransparentHugePages} is in force and the kernel's mode allows them, else the
     * default pages. OpenBLAS's matrices in numpy lie on huge pages wherever the mode allows
     * (numpy madvises large arrays), so a ratio to it is like for like only with the flag.
     */
    static String heapPages() {
        String flag;
        try {
            flag = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseTransparentHugePages").getValue();
        } catch (RuntimeException e) { // not HotSpot, or not Linux: no such option
            flag = null;
        }
        return heapPages(flag, hugePageMode());
    }

    /** {@link #heapPages()} from the flag's value ("true", "false", or null where the JVM has no such option) and the THP mode. */
    static String heapPages(String flag, String mode) {
        if (flag == null) {
            return "default pages (this JVM has no -XX:UseTransparentHugePages)";
        }
        boolean modeAllows = mode.equals("always") || mode.equals("madvise");
        if (Boolean.parseBoolean(flag)) {
            return modeAllows ? "transparent huge pages (-XX:+UseTransparentHugePages, THP mode " + mode + ")"
                    : "default pages (-XX:+UseTransparentHugePages, but THP mode " + mode + ")";
        }
        return mode.equals("always") ? "transparent huge pages (THP mode always)"
                : "4 KB pages (no -XX:+UseTransparentHugePages; THP mode " + mode + ")";
    }

    /** The running JVM, e.g. {@code OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1}. */
    static String jdk() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    /** The report header's machine, JDK, ISA and load lines (with {@code loadBefore} and the load now). */
    static String machineLines(int cores, String loadBefore) {
        return "Machine: " + cpuModel() + ", " + cores + " cores visible to the JVM\n"
                + "JDK: " + jdk() + '\n'
                + "ISA: " + isa() + '\n'
                + "Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAverage() + '\n';
    }

    /** The 1, 5 and 15 minute load averages, or {@code unknown}. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * CPU time the hypervisor gave other guests while this machine's vCPUs wanted to run (the
     * {@code steal} column of {@code /proc/stat}'s {@code cpu} line), in clock ticks (USER_HZ, 100 per
     * second on Linux), summed over all vCPUs; −1 when it cannot be read.
     */
    static long stealTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    return f.length > 8 ? Long.parseLong(f[8]) : -1;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Writes {@code text} atomically: a temporary sibling file, then a rename over {@code file}. */
    static void writeAtomically(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            // a sibling name rather than createTempFile, whose owner-only permissions would stick
            Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the table to " + file, e);
        }
    }

    /** The values of the JMH {@code @Param} field {@code field} of {@code type}. */
    static String[] paramValues(Class<?> type, String field) {
        try {
            return type.getField(field).getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(type.getSimpleName() + " has no '" + field + "' parameter", e);
        }
    }
}
