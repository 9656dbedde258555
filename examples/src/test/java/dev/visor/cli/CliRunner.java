package dev.visor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** Runs {@code visor} command lines in-process and captures what they print and return. */
final class CliRunner {
    private CliRunner() {}

    /**
     * What one run produced.
     *
     * @param exitCode the exit code
     * @param out standard output
     * @param err standard error
     */
    record Result(int exitCode, String out, String err) {
        /** @return the non-empty lines of stderr */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs with an empty environment and the test class path. */
    static Result run(String... args) {
        return run(Map.of(), CliRunner.class.getClassLoader(), args);
    }

    /** Runs with the given environment and base class loader for mask discovery. */
    static Result run(Map<String, String> env, ClassLoader loader, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), env, loader, false, args);
        return new Result(code, out.toString(), err.toString());
    }
}
