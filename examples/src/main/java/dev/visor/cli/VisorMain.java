package dev.visor.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of the {@code visor} command line ({@code bin/visor}, {@code java -jar visor.jar}):
 * runs {@link Cli} on the process's streams and exits with its code.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar examples/target/visor.jar masks list
 * }</pre>
 */
public final class VisorMain {
    private VisorMain() {}

    /**
     * Runs the command line and exits.
     *
     * @param args the arguments after {@code visor}
     */
    public static void main(String[] args) {
        // one-line log records ("visor: WARNING: ...") instead of the JDK's two-line default
        System.setProperty("java.util.logging.SimpleFormatter.format", "visor: %4$s: %5$s%6$s%n");
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        // UTF-8 whatever the locale says: containers often run with LANG=C on a UTF-8 terminal
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(Cli.run(out, err, isTerminal(), args));
    }

    /**
     * Whether standard output is a terminal, so progress lines may redraw in place. JDK 22+ returns a
     * console even for redirected streams and adds {@code Console.isTerminal()}; ask it when present.
     */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException beforeJdk22) {
            return true;
        }
    }
}
