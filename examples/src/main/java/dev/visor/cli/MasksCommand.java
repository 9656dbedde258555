package dev.visor.cli;

import picocli.CommandLine.Command;

/** {@code visor masks}: the group of commands about mask strategies and score modifiers. */
@Command(name = "masks",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "List the registered mask strategies or score modifiers, or show what a mask spec hides.",
        subcommands = {MasksListCommand.class, MasksShowCommand.class, MasksModifiersCommand.class})
final class MasksCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("choose 'visor masks list', 'visor masks modifiers' or 'visor masks show SPEC'");
    }
}
