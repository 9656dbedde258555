package dev.visor.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code visor} in a child JVM on this test's class path: for what only a fresh process shows (signals, settings read once per JVM). */
final class ChildVisor {
    private ChildVisor() {}

    /**
     * Starts {@code visor ARGS} with the launcher's JVM options, one kernel thread, and {@code jvmOptions}
     * after them (so a {@code -D} there overrides the defaults).
     *
     * @param jvmOptions more JVM options, e.g. {@code -Dvisor.threads=two}
     * @param args the arguments after {@code visor}
     * @return the started process
     */
    static Process start(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-Xss4m", "-Dvisor.threads=1"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VisorMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }
}
