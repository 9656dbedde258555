package dev.visor.cli;

import picocli.CommandLine.Command;

/** {@code visor train}: the group of training commands. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Train a model and save it as a checkpoint folder.",
        subcommands = {TrainSeq2SeqCommand.class, TrainLmCommand.class})
final class TrainCommand implements Runnable {
    @Override
    public void run() {
        throw CliException.usage("choose 'visor train seq2seq --task reverse|copy|sort|add' or 'visor train lm --text FILE'");
    }
}
