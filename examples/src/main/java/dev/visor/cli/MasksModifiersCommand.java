package dev.visor.cli;

import dev.visor.attention.RopeStrategy;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.mask.ScoreModifierStrategy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code visor masks modifiers [NAME...]}: every score modifier a score spec may name — built in, on
 * the class path or from {@code --plugins} jars — with its description, origin and parameters, and
 * {@code rope}, which a score spec may start with (it rotates queries and keys rather than scores).
 */
@Command(name = "modifiers",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"List every score modifier (how a score is formed) with its parameters.",
            "Plugins are found on the class path and in --plugins folders."})
final class MasksModifiersCommand implements Runnable {
    private final Session session;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Only these modifiers (default: all).")
    private List<String> names = new ArrayList<>();

    MasksModifiersCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        ScoreModifierRegistry registry = session.scoreRegistry();
        RopeStrategy rope = new RopeStrategy();
        boolean ropeTaken = registry.find(RopeStrategy.NAME).isPresent();
        List<ScoreModifierStrategy> shown = new ArrayList<>();
        if (names.isEmpty()) {
            if (!ropeTaken) shown.add(rope);
            shown.addAll(registry.strategies());
        } else {
            for (String name : names) {
                if (name.equals(RopeStrategy.NAME) && !ropeTaken) {
                    shown.add(rope);
                    continue;
                }
                shown.add(registry.find(name).orElseThrow(() -> CliException.usage("unknown score modifier '" + name
                        + "'; available: " + available(registry, ropeTaken))));
            }
        }
        PrintWriter out = session.out();
        if (names.isEmpty()) {
            long plugins = registry.strategies().stream().filter(s -> !ScoreModifierRegistry.isBuiltin(s)).count();
            int all = registry.names().size() + (ropeTaken ? 0 : 1);
            out.printf("%d score modifiers: %d built in, %d from plugins%n%n", all, all - plugins, plugins);
        }
        for (ScoreModifierStrategy s : shown) {
            out.print(s.name());
            if (!s.description().isEmpty()) out.print(" — " + s.description());
            boolean builtin = s == rope || ScoreModifierRegistry.isBuiltin(s);
            out.println("   [" + MasksListCommand.origin(session, s.getClass(), builtin) + "]");
            MasksListCommand.printParameters(out, s.parameters());
            out.println();
        }
        if (names.isEmpty()) {
            out.println("Chain them in a score spec with >>, applied left to right, rope first if at all, e.g.");
            out.println("\"rope >> softcap(cap=30)\"; give one with: visor train lm --score-mod SPEC (or --positional rope|alibi)");
        }
        out.flush();
    }

    private static List<String> available(ScoreModifierRegistry registry, boolean ropeTaken) {
        List<String> all = new ArrayList<>(registry.names());
        if (!ropeTaken) all.add(RopeStrategy.NAME);
        all.sort(null);
        return all;
    }
}
