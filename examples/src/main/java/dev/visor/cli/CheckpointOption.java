package dev.visor.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --checkpoint DIR} option of the commands that use a trained model. */
final class CheckpointOption {
    @Option(names = {"-c", "--checkpoint"}, paramLabel = "DIR", required = true,
            description = "A checkpoint folder written by 'visor train' or 'visor demo'.")
    Path dir;
}
