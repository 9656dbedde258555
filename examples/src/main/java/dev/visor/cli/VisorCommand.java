package dev.visor.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code visor} command: global options and the list of subcommands. Run without a
 * subcommand it says how to start.
 */
@Command(name = "visor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Build, train and study small Transformers whose attention masks are plugins.",
            "Start with 'visor demo'. Exit codes: 0 success, 1 failure, 2 wrong command line."},
        subcommands = {DemoCommand.class, TrainCommand.class, TranslateCommand.class, GenerateCommand.class,
            AttentionCommand.class, AuditCommand.class, MasksCommand.class, SweepCommand.class, HelpCommand.class})
final class VisorCommand implements Runnable {
    private final Session session;

    VisorCommand(Session session) {
        this.session = session;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces with error messages.")
    void verbose(boolean verbose) {
        session.verbose(verbose);
    }

    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "A folder of mask plugin jars to add to discovery (repeatable; "
                    + "also read from $" + Session.PLUGINS_ENV + ").")
    void plugins(List<Path> dirs) {
        session.addPluginDirs(dirs);
    }

    @Override
    public void run() {
        throw CliException.usage("no command given; run 'visor demo' to start, or 'visor --help' for the list of commands");
    }
}
