package dev.visor.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a training command saves its run and whether it continues one: {@code --out},
 * {@code --resume}, {@code --force}. {@code --resume DIR} continues in {@code DIR} unless
 * {@code --out} says otherwise; an existing checkpoint elsewhere is only replaced with {@code --force}.
 */
final class RunFolderOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Checkpoint folder (default: runs/lm, runs/TASK, or the --resume folder).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue this checkpoint, in the same folder, with its stored data and optimisation settings, up to its"
                    + " planned last step (or for --steps more steps).")
    Path resume;

    @Option(names = "--force", description = "Overwrite an existing checkpoint in --out.")
    boolean force;

    /**
     * The checkpoint folder, checked before any training: it must be a folder that is empty, absent,
     * the --resume folder, or (with --force) another checkpoint, and it must be writable.
     *
     * @param fallback the command's default folder
     * @return --out, else the --resume folder, else {@code fallback}
     * @throws CliException if the folder cannot or may not be written
     */
    Path target(Path fallback) {
        Path dir = out != null ? out : resume != null ? resume : fallback;
        RunCheckpoint.checkTarget(dir, resume, force);
        return dir;
    }
}
