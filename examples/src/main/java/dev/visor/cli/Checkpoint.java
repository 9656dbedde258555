package dev.visor.cli;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.AtomicFiles;
import dev.visor.tensor.io.Json;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.tensor.nn.Module;
import dev.visor.tensor.optim.Optimizer;
import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.inject.TransformerModule;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A trained model on disk: a folder with {@code config.json} (the {@link TransformerConfig}),
 * {@code model.safetensors} (the weights, under {@code torch.nn.Transformer}'s names),
 * {@code optimizer.safetensors} (AdamW's moments and step counts, for resuming) and
 * {@code visor.json} ({@link RunInfo}: vocabulary, task, steps, metrics).
 *
 * <p>Saving writes a complete new folder next to the target and only then swaps it in, so a run that
 * fails or is interrupted never leaves a half-written checkpoint and never damages the previous one.
 * Loading checks every file and reports the first problem as one line naming the folder and file.
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("runs/reverse"), model, optimizer, info);
 * Checkpoint.Loaded c = Checkpoint.load(Path.of("runs/reverse"), registry, AttentionKernel.FLASH);
 * }</pre>
 */
final class Checkpoint {
    static final String CONFIG = "config.json";
    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String INFO = "visor.json";

    private Checkpoint() {}

    /**
     * A loaded checkpoint.
     *
     * @param dir the folder
     * @param model the model with its weights, in evaluation mode
     * @param info the run info
     * @param optimizer the optimizer state, or null if the checkpoint has none
     */
    record Loaded(Path dir, TransformerModel model, RunInfo info, OptimizerState optimizer) {}

    /**
     * Saves a model, atomically as a whole folder.
     *
     * @param dir the target folder (created, or replaced if it holds a checkpoint)
     * @param model the model
     * @param optimizer its optimizer, or null
     * @param info the run info
     * @throws IOException if writing fails; the previous content of {@code dir} is then unchanged
     */
    static void save(Path dir, TransformerModel model, Optimizer optimizer, RunInfo info) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) throw new IOException("cannot save a checkpoint as the root folder");
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException(dir + " exists and is not a folder; choose another --out");
        }
        if (Files.isDirectory(target) && !isCheckpointOrEmpty(target)) {
            throw new IOException(dir + " exists and holds files that are not a checkpoint; choose another --out");
        }
        Files.createDirectories(parent);
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path temp = parent.resolve("." + target.getFileName() + ".new-" + tag);
        Path old = parent.resolve("." + target.getFileName() + ".old-" + tag);
        try {
            Files.createDirectory(temp);
            AtomicFiles.writeString(temp.resolve(CONFIG), model.config().toJson());
            SafeTensors.write(temp.resolve(MODEL), model.stateDict(), Map.of("format", "pt"));
            if (optimizer != null) {
                OptimizerState state = optimizer.stateDict();
                SafeTensors.write(temp.resolve(OPTIMIZER), state.buffers(), state.metadata());
            }
            AtomicFiles.writeString(temp.resolve(INFO), Json.writePretty(info.toJson()) + "\n");
            // swap: the old folder moves aside first, so the target is either old or new, never mixed
            boolean hadOld = Files.exists(target);
            if (hadOld) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (hadOld) Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                throw e;
            }
            if (hadOld) deleteTree(old);
        } finally {
            if (Files.exists(temp)) deleteTree(temp);
        }
    }

    /**
     * Loads a checkpoint.
     *
     * @param dir the folder
     * @param registry the mask registry the model's specs resolve in (plugins included)
     * @param kernel the attention kernel (e.g. a recording one for pictures)
     * @return the model in evaluation mode, its run info and optimizer state
     * @throws CliException (failure) naming the folder and the file for anything missing or corrupt
     */
    static Loaded load(Path dir, MaskRegistry registry, AttentionKernel kernel) {
        if (!Files.exists(dir)) throw CliException.failure("checkpoint " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw CliException.failure("checkpoint " + dir + " is not a folder");
        for (String file : List.of(CONFIG, MODEL, INFO)) {
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p)) throw CliException.failure("checkpoint " + dir + " has no " + file + "; is it a visor checkpoint?");
            if (!Files.isReadable(p)) throw CliException.failure("checkpoint " + dir + ": " + file + " is not readable");
        }
        TransformerConfig config;
        try {
            config = TransformerConfig.load(dir.resolve(CONFIG));
        } catch (IOException | RuntimeException e) {
            throw CliException.failure("checkpoint " + dir + ": " + CONFIG + " is corrupt: " + Errors.oneLine(e), e);
        }
        RunInfo info;
        try {
            info = RunInfo.fromJson(Json.readObject(dir.resolve(INFO)));
        } catch (IOException | RuntimeException e) {
            throw CliException.failure("checkpoint " + dir + ": " + INFO + " is corrupt: " + Errors.oneLine(e), e);
        }
        if (info.tokens().size() != config.tgtVocabSize()) {
            throw CliException.failure("checkpoint " + dir + ": " + INFO + " has " + info.tokens().size()
                    + " vocabulary tokens but " + CONFIG + " says tgt_vocab_size=" + config.tgtVocabSize());
        }
        Map<String, Tensor> weights;
        try {
            weights = SafeTensors.read(dir.resolve(MODEL)).tensors();
        } catch (IOException | RuntimeException e) {
            throw CliException.failure("checkpoint " + dir + ": " + MODEL + " is corrupt: " + Errors.oneLine(e), e);
        }
        TransformerModel model = build(config, registry, kernel);
        try {
            Module.LoadResult r = model.loadStateDict(weights, false);
            if (!r.isExact()) {
                throw CliException.failure("checkpoint " + dir + ": " + MODEL + " does not match " + CONFIG + ": missing "
                        + r.missingKeys() + ", unexpected " + r.unexpectedKeys());
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.failure("checkpoint " + dir + ": " + MODEL + " does not match " + CONFIG + ": " + Errors.oneLine(e), e);
        }
        model.eval();
        OptimizerState optimizer = null;
        Path opt = dir.resolve(OPTIMIZER);
        if (Files.isRegularFile(opt)) {
            try {
                SafeTensors.Contents c = SafeTensors.read(opt);
                optimizer = OptimizerState.fromMetadata(c.metadata(), c.tensors());
            } catch (IOException | RuntimeException e) {
                throw CliException.failure("checkpoint " + dir + ": " + OPTIMIZER + " is corrupt: " + Errors.oneLine(e), e);
            }
        }
        return new Loaded(dir, model, info, optimizer);
    }

    /**
     * Builds a model with the session's mask registry (so plugins resolve) and a chosen kernel.
     *
     * @param config the configuration
     * @param registry the registry
     * @param kernel the attention kernel
     * @return the model
     */
    static TransformerModel build(TransformerConfig config, MaskRegistry registry, AttentionKernel kernel) {
        try {
            return Transformers.build(TransformerModel.class, new TransformerModule(config), new AbstractModule() {
                @Override
                protected void configure() {
                    OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class).setBinding().toInstance(registry);
                    OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(kernel);
                }
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliException.failure("cannot build the model: " + Errors.oneLine(e), e);
        }
    }

    private static boolean isCheckpointOrEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            return names.isEmpty() || names.contains(INFO) || names.contains(CONFIG);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException raced) {
                    // a file appeared meanwhile: leave the folder
                }
            }
        }
    }
}
