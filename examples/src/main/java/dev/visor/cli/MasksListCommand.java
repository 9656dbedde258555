package dev.visor.cli;

import dev.visor.mask.ContextKey;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskStrategy;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code visor masks list [NAME...]}: every registered mask strategy — built in, on the class path or
 * from {@code --plugins} jars — with its description, where it came from, its parameters (name, type,
 * default, description) and the context it needs.
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"List every registered mask strategy with its parameters.",
            "Plugins are found on the class path and in --plugins folders."})
final class MasksListCommand implements Runnable {
    private final Session session;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Only these strategies (default: all).")
    private List<String> names = new ArrayList<>();

    MasksListCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        MaskRegistry registry = session.registry();
        List<MaskStrategy> shown = new ArrayList<>();
        if (names.isEmpty()) {
            shown.addAll(registry.strategies());
        } else {
            for (String name : names) {
                try {
                    shown.add(registry.strategy(name));
                } catch (IllegalArgumentException unknown) {
                    throw CliException.usage(Errors.oneLine(unknown), unknown);
                }
            }
        }
        PrintWriter out = session.out();
        long plugins = registry.strategies().stream().filter(s -> !MaskRegistry.isBuiltin(s)).count();
        if (names.isEmpty()) {
            out.printf("%d mask strategies: %d built in, %d from plugins%n%n", registry.names().size(),
                    registry.names().size() - plugins, plugins);
        }
        for (MaskStrategy s : shown) print(out, s);
        if (names.isEmpty()) {
            out.println("Combine them in a spec with ! & | and parentheses, e.g. \"causal & sliding_window(left=128)\";");
            out.println("see one with: visor masks show SPEC --query-len N");
        }
        out.flush();
    }

    private void print(PrintWriter out, MaskStrategy s) {
        out.print(s.name());
        if (!s.description().isEmpty()) out.print(" — " + s.description());
        out.println("   [" + origin(s) + "]");
        printParameters(out, s.parameters());
        if (!s.needs().isEmpty()) {
            List<String> needs = new ArrayList<>();
            for (ContextKey<?> f : s.needs()) needs.add(f.description() + " (" + MaskContextOptions.optionFor(f) + ")");
            out.println("    needs " + String.join(", ", needs));
        }
        out.println();
    }

    /** The parameters as a table (name, type, default, description), or "no parameters". */
    static void printParameters(PrintWriter out, List<MaskParameter> params) {
        if (params.isEmpty()) {
            out.println("    no parameters");
            return;
        }
        int nameW = 4, typeW = 4, defW = 7;
        for (MaskParameter p : params) {
            nameW = Math.max(nameW, p.name().length());
            typeW = Math.max(typeW, typeName(p).length());
            defW = Math.max(defW, defaultText(p).length());
        }
        String row = "    %-" + nameW + "s  %-" + typeW + "s  %-" + defW + "s  %s%n";
        out.printf(row, "name", "type", "default", "description");
        for (MaskParameter p : params) out.printf(row, p.name(), typeName(p), defaultText(p), p.description());
    }

    private static String typeName(MaskParameter p) {
        return p.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String defaultText(MaskParameter p) {
        return p.isRequired() ? "required" : p.type().format(p.defaultValue());
    }

    private String origin(MaskStrategy s) {
        return origin(session, s.getClass(), MaskRegistry.isBuiltin(s));
    }

    /** "built in", "plugin JAR" or "class path WHERE". */
    static String origin(Session session, Class<?> type, boolean builtin) {
        if (builtin) return "built in";
        return (session.fromPlugin(type) ? "plugin " : "class path ") + location(type);
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) return type.getName();
        try {
            Path path = Path.of(source.getLocation().toURI());
            return Files.isDirectory(path) || path.getFileName() == null ? path.toString() : path.getFileName().toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return source.getLocation().toString();
        }
    }
}
