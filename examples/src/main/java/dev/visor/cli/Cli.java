package dev.visor.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Runs one {@code visor} command line in-process and returns its exit code: 0 when it succeeded, 1
 * when a well-formed command failed, 2 when the command line is wrong or asks for more than the JVM
 * has (sizes are checked before allocating; an {@link OutOfMemoryError} that still happens is also
 * exit 2). Errors are one line on stderr, {@code visor <command>: <what and where>}, with the stack
 * trace only under {@code --verbose}.
 *
 * <pre>{@code
 * int code = Cli.run(new PrintWriter(System.out), new PrintWriter(System.err), "masks", "list");
 * }</pre>
 */
public final class Cli {
    private Cli() {}

    /**
     * Runs a command line with the process environment and this class's class loader.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments after {@code visor}
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, System.getenv(), Cli.class.getClassLoader(), false, args);
    }

    /**
     * Runs a command line on a terminal or not.
     *
     * @param out standard output
     * @param err standard error
     * @param interactive whether {@code out} is a terminal (progress lines redraw in place)
     * @param args the arguments after {@code visor}
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, boolean interactive, String... args) {
        return run(out, err, System.getenv(), Cli.class.getClassLoader(), interactive, args);
    }

    /**
     * Runs a command line.
     *
     * @param out standard output
     * @param err standard error
     * @param env the environment
     * @param baseLoader the class loader searched for mask strategies before plugin folders
     * @param interactive whether {@code out} is a terminal
     * @param args the arguments after {@code visor}
     * @return the exit code
     */
    static int run(PrintWriter out, PrintWriter err, Map<String, String> env, ClassLoader baseLoader, boolean interactive,
                   String... args) {
        try (Session session = new Session(out, err, env, baseLoader)) {
            session.interactive(interactive);
            try {
                return commandLine(session).execute(args);
            } catch (OutOfMemoryError | StackOverflowError e) {
                // resource exhaustion never reaches the user as a stack trace: one line, exit 2
                err.println("visor: " + (e instanceof OutOfMemoryError ? "out of memory" : "input nested too deeply")
                        + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); use smaller sizes" + (e instanceof OutOfMemoryError ? " or give the JVM more memory "
                        + "(VISOR_JAVA_OPTS=-Xmx...)" : ""));
                if (session.verbose()) e.printStackTrace(err);
                err.flush();
                return CliException.USAGE;
            } catch (ExceptionInInitializerError e) {
                // a JVM-wide setting read once, such as -Dvisor.threads=two: one line naming it, exit 2
                if (!(e.getCause() instanceof IllegalArgumentException setting)) throw e;
                err.println("visor: " + setting.getMessage() + " (a JVM option: check VISOR_JAVA_OPTS or the java command line)");
                if (session.verbose()) e.printStackTrace(err);
                err.flush();
                return CliException.USAGE;
            }
        }
    }

    /**
     * Builds the command tree for a session.
     *
     * @param session the session the commands share
     * @return the configured command line
     */
    static CommandLine commandLine(Session session) {
        CommandLine cl = new CommandLine(VisorCommand.class, new SessionFactory(session));
        cl.setOut(session.out());
        cl.setErr(session.err());
        cl.setExecutionExceptionHandler(new ReportError(session));
        cl.setParameterExceptionHandler(new ReportUsageError(session));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** The qualified name of a command, e.g. {@code visor masks show}. */
    static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName(" ");
    }

    /** Creates commands with a constructor taking the {@link Session}, others the default way. */
    private record SessionFactory(Session session) implements IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Session.class) {
                    c.setAccessible(true);
                    return type.cast(c.newInstance(session));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** An exception thrown by a command: one line, the stack trace under {@code --verbose}. */
    private record ReportError(Session session) implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
            PrintWriter err = session.err();
            err.println(qualifiedName(cl) + ": " + Errors.oneLine(e));
            if (session.verbose()) e.printStackTrace(err);
            err.flush();
            return Errors.exitCode(e);
        }
    }

    /** A command line picocli could not parse: one line naming the problem and where to get help. */
    private record ReportUsageError(Session session) implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cl = e.getCommandLine();
            PrintWriter err = session.err();
            StringBuilder line = new StringBuilder(qualifiedName(cl)).append(": ")
                    .append(String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "));
            if (e instanceof UnmatchedArgumentException unmatched) {
                List<String> suggestions = unmatched.getSuggestions();
                if (!suggestions.isEmpty()) line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
            line.append(" (see '").append(qualifiedName(cl)).append(" --help')");
            err.println(line);
            if (session.verbose()) e.printStackTrace(err);
            err.flush();
            return CliException.USAGE;
        }
    }
}
