package dev.visor.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Runs a bash command for the tests of the scripts in {@code bin/}; a machine without bash skips the test. */
final class BashRun {
    private BashRun() {}

    /** A finished run: its exit code and its output (stdout and stderr together, stripped). */
    record Result(int code, String out) {}

    /**
     * Starts {@code pb} with stderr merged into stdout and waits for it.
     *
     * @param pb a process whose command starts with {@code bash}
     * @return its exit code and output
     */
    static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            assumeTrue(false, "no bash: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Result(p.waitFor(), out);
    }
}
