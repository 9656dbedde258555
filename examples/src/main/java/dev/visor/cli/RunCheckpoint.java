package dev.visor.cli;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tensor.io.AtomicFiles;
import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.ConfigMapper;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.checkpoint.AtomicFolder;
import dev.visor.transformer.checkpoint.Checkpoint;
import dev.visor.transformer.inject.TransformerModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the command line saves and loads: a framework {@link Checkpoint} folder ({@code config.json},
 * {@code model.safetensors}, {@code optimizer.safetensors}) plus {@code visor.json} ({@link RunInfo}:
 * the vocabulary, the task, the metrics). The whole folder is written beside the target and swapped
 * in only when complete ({@link AtomicFolder}), so a failed or killed save never damages the previous
 * checkpoint; loading reports the first problem as one line naming the folder and the file, and tells
 * a missing folder from one that cannot be read.
 *
 * <pre>{@code
 * RunCheckpoint.save(Path.of("runs/reverse"), model, optimizer.stateDict(), step, info);
 * RunRunCheckpoint.Loaded c = RunRunCheckpoint.load(Path.of("runs/reverse"), registry, scores, AttentionKernel.FLASH);
 * }</pre>
 */
final class RunCheckpoint {
    /** The command line's own file in a checkpoint folder. */
    static final String INFO = "visor.json";

    private RunCheckpoint() {}

    /**
     * A loaded checkpoint.
     *
     * @param dir the folder
     * @param checkpoint the framework checkpoint (config, weights, optimizer state, step)
     * @param model the model with its weights, in evaluation mode
     * @param info the run info
     */
    record Loaded(Path dir, Checkpoint checkpoint, TransformerModel model, RunInfo info) {}

    /**
     * Saves a model and its run info as one folder, atomically.
     *
     * @param dir the target folder (created, or replaced if it holds a checkpoint)
     * @param model the model
     * @param optimizer its optimizer state, or null
     * @param step the training step
     * @param info the run info
     * @throws IOException if writing fails; the previous content of {@code dir} is then unchanged
     */
    static void save(Path dir, TransformerModel model, OptimizerState optimizer, long step, RunInfo info) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) throw new IOException("cannot save a checkpoint as the root folder");
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException(dir + " exists and is not a folder; choose another --out");
        }
        if (Files.isDirectory(target) && !isCheckpointOrEmpty(target)) {
            throw new IOException(dir + " exists and holds files that are not a checkpoint; choose another --out");
        }
        // the shared protocol: the target is always the old checkpoint or the new one, and a kill
        // between the renames leaves a complete copy that load() finds (AtomicFolder)
        AtomicFolder.replace(target, folder -> {
            Checkpoint.write(folder, model, optimizer, step);
            AtomicFiles.writeString(folder.resolve(INFO), ConfigMapper.toJson(info.toJson()) + "\n");
        });
    }

    /**
     * Loads a checkpoint into a model built with the session's registry and a chosen kernel.
     *
     * @param dir the folder
     * @param registry the mask registry (plugins included)
     * @param scores the score-modifier registry (plugins included)
     * @param kernel the attention kernel, e.g. an {@link AttentionRecorder}
     * @return the checkpoint, its model in evaluation mode, and its run info
     * @throws CliException (failure) naming the folder and the file for anything missing or corrupt
     */
    static Loaded load(Path dir, MaskRegistry registry, ScoreModifierRegistry scores, AttentionKernel kernel) {
        Path folder = readable(dir);
        for (String file : List.of(Checkpoint.CONFIG, Checkpoint.MODEL, INFO)) {
            Path p = folder.resolve(file);
            if (Files.isRegularFile(p) && !Files.isReadable(p)) {
                throw CliException.failure("checkpoint " + dir + ": " + file + " is not readable (permission denied)");
            }
            if (!Files.isRegularFile(p)) throw CliException.failure("checkpoint " + dir + " has no " + file + "; is it a visor checkpoint?");
        }
        RunInfo info;
        try {
            info = RunInfo.fromJson(ConfigMapper.readObject(folder.resolve(INFO)));
        } catch (IOException | RuntimeException e) {
            throw CliException.failure("checkpoint " + dir + ": " + INFO + " is corrupt: " + Errors.oneLine(e), e);
        }
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.read(folder);
        } catch (IOException | RuntimeException e) {
            throw CliException.failure("checkpoint " + dir + " is corrupt: " + Errors.oneLine(e), e);
        }
        if (info.tokens().size() != checkpoint.config().tgtVocabSize()) {
            throw CliException.failure("checkpoint " + dir + ": " + INFO + " has " + info.tokens().size() + " vocabulary tokens but "
                    + Checkpoint.CONFIG + " says tgt_vocab_size=" + checkpoint.config().tgtVocabSize());
        }
        TransformerModel model = build(checkpoint.config(), registry, scores, kernel);
        try {
            checkpoint.loadInto(model);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.failure("checkpoint " + dir + ": " + Errors.oneLine(e), e);
        }
        model.eval();
        return new Loaded(dir, checkpoint, model, info);
    }

    /**
     * The folder to read a checkpoint from, telling a missing folder from one that cannot be read: the
     * folder itself, or the complete copy a save killed between its renames left beside it.
     */
    private static Path readable(Path dir) {
        Path folder;
        try {
            folder = AtomicFolder.current(dir);
        } catch (IOException e) {
            throw CliException.failure("checkpoint " + dir + " cannot be read: " + Errors.oneLine(e), e);
        }
        if (!Files.exists(folder)) throw CliException.failure("checkpoint " + dir + " does not exist");
        if (!Files.isDirectory(folder)) throw CliException.failure("checkpoint " + dir + " is not a folder");
        if (!Files.isReadable(folder) || !Files.isExecutable(folder)) {
            throw CliException.failure("checkpoint " + dir + " cannot be read (permission denied)");
        }
        return folder;
    }

    /**
     * Builds a model with the session's mask and score-modifier registries (so plugins resolve by name)
     * and a chosen kernel.
     *
     * @param config the configuration
     * @param registry the mask registry
     * @param scores the score-modifier registry
     * @param kernel the attention kernel
     * @return the model
     */
    static TransformerModel build(TransformerConfig config, MaskRegistry registry, ScoreModifierRegistry scores,
                                  AttentionKernel kernel) {
        try {
            return Transformers.build(TransformerModel.class, new TransformerModule(config), new AbstractModule() {
                @Override
                protected void configure() {
                    OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class).setBinding().toInstance(registry);
                    OptionalBinder.newOptionalBinder(binder(), ScoreModifierRegistry.class).setBinding().toInstance(scores);
                    OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(kernel);
                }
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.failure("cannot build the model: " + Errors.oneLine(e), e);
        }
    }

    /**
     * Checks, before training, that a run may be saved in {@code dir}: it is absent, an empty folder,
     * the folder being resumed, or a checkpoint and {@code force} is set; and the nearest existing
     * folder on its path accepts a new file (so an unwritable place fails now, not after training).
     *
     * @param dir the checkpoint folder
     * @param resume the folder being resumed, or null
     * @param force whether an existing checkpoint may be replaced
     * @throws CliException (usage) for a folder that may not be replaced, (failure) for one that cannot be written
     */
    static void checkTarget(Path dir, Path resume, boolean force) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw CliException.usage("--out " + dir + " exists and is not a folder; choose another --out");
        }
        boolean resuming = resume != null && target.equals(resume.toAbsolutePath().normalize());
        if (Files.isDirectory(target) && !resuming) {
            List<String> names;
            try (Stream<Path> files = Files.list(target)) {
                names = files.map(p -> p.getFileName().toString()).toList();
            } catch (IOException e) {
                throw CliException.failure("cannot read --out " + dir + ": " + Errors.oneLine(e), e);
            }
            boolean checkpoint = names.contains(INFO) || names.contains(Checkpoint.CONFIG);
            if (!names.isEmpty() && !checkpoint) {
                throw CliException.usage("--out " + dir + " holds files that are not a checkpoint; choose another --out");
            }
            if (checkpoint && !force) {
                throw CliException.usage("--out " + dir + " already holds a checkpoint; continue it with --resume " + dir
                        + ", overwrite it with --force, or choose another --out");
            }
        }
        Path existing = target;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing)) {
            throw CliException.failure("cannot write --out " + dir + ": " + existing + " is not a folder");
        }
        try {
            Files.delete(Files.createTempFile(existing, ".visor-write-check", ".tmp"));
        } catch (IOException e) {
            throw CliException.failure("cannot write --out " + dir + ": " + Errors.oneLine(e), e);
        }
    }

    private static boolean isCheckpointOrEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            return names.isEmpty() || names.contains(INFO) || names.contains(Checkpoint.CONFIG);
        }
    }
}
