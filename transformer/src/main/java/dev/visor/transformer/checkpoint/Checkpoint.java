package dev.visor.transformer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.ConfigMapper;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A saved model: a directory holding {@code config.json} (the {@link TransformerConfig}),
 * {@code model.safetensors} (the state dict under the model's parameter names, float32) and, for
 * resuming training, {@code optimizer.safetensors} (the optimizer's buffers, with its step counts as
 * metadata). {@code model.safetensors} is an ordinary safetensors file: PyTorch's
 * {@code safetensors.torch.load_file} reads it, and a PyTorch state dict saved under these names loads
 * back.
 *
 * <p><b>Atomicity.</b> {@link #save} writes the new checkpoint into a temporary sibling directory,
 * flushes it to disk, marks it complete and renames it into place; an existing checkpoint of that name
 * is moved aside first and deleted only after the new one is in place ({@link AtomicFolder}). A kill or
 * an exception at any instant leaves the old checkpoint or the new one complete on disk, never a
 * mixture: if the kill came between the two renames, {@link #read} reads the complete version left
 * beside the folder, and the next save removes every leftover.
 *
 * <pre>{@code
 * Checkpoint.save(dir, model, optimizer.stateDict(), step);
 * Checkpoint c = Checkpoint.read(dir);
 * TransformerModel same = c.model();              // bit-identical outputs
 * optimizer.loadStateDict(c.optimizer());
 * }</pre>
 *
 * @param config    the model's configuration
 * @param weights   its state dict
 * @param optimizer the optimizer state, or {@code null} when none was saved
 * @param step      the training step the checkpoint was taken at
 */
public record Checkpoint(TransformerConfig config, Map<String, Tensor> weights, OptimizerState optimizer, long step) {
    /** The configuration file. */
    public static final String CONFIG = "config.json";
    /** The weights file. */
    public static final String MODEL = "model.safetensors";
    /** The optimizer file. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    private static final String STEP_KEY = "visor.step";

    /**
     * Checks the parts and freezes the weights map.
     *
     * @param config the model configuration
     * @param weights the weights
     * @param optimizer the optimizer state, or {@code null}
     * @param step the step
     */
    public Checkpoint {
        Objects.requireNonNull(config, "config");
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(weights, "weights")));
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0 but got " + step);
        }
    }

    /**
     * Saves {@code model} (and optionally an optimizer state) as the checkpoint directory {@code dir},
     * replacing any checkpoint there, atomically as described above. The parent directory is created
     * if needed.
     *
     * @param dir the folder
     * @param model the model
     * @param optimizer the optimizer state, or {@code null}
     * @param step the step
     * @throws IOException when a file cannot be written or renamed; the previous checkpoint at {@code dir} then stays readable
     */
    public static void save(Path dir, TransformerModel model, OptimizerState optimizer, long step) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(model, "model");
        if (dir.toAbsolutePath().normalize().getParent() == null) {
            throw new IllegalArgumentException("cannot save a checkpoint as the root directory " + dir);
        }
        AtomicFolder.replace(dir, folder -> write(folder, model, optimizer, step));
    }

    /**
     * Writes the checkpoint files into an existing, empty folder, not atomically: the building block for
     * callers that add files of their own and swap the folder in with {@link AtomicFolder#replace}.
     *
     * @param folder the folder
     * @param model the model
     * @param optimizer the optimizer state, or {@code null}
     * @param step the training step
     * @throws IOException if writing fails
     */
    public static void write(Path folder, TransformerModel model, OptimizerState optimizer, long step) throws IOException {
        model.config().save(folder.resolve(CONFIG));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "visor");
        meta.put(STEP_KEY, Long.toString(step));
        meta.put("architecture", model.config().architecture().key());
        SafeTensors.write(folder.resolve(MODEL), model.stateDict(), meta);
        if (optimizer != null) {
            Map<String, String> om = new LinkedHashMap<>(optimizer.metadata());
            om.put(STEP_KEY, Long.toString(step));
            SafeTensors.write(folder.resolve(OPTIMIZER), optimizer.buffers(), om);
        }
    }

    /**
     * Reads the checkpoint in {@code dir} (without building a model). If a save was killed between its
     * two renames, so that {@code dir} is missing, the complete version it left beside it is read
     * ({@link AtomicFolder#current}).
     *
     * @param checkpoint the checkpoint folder
     * @return the weights, configuration, step and (when saved) optimizer state, not yet loaded into a model
     * @throws IOException when a file is missing or unreadable, naming it
     * @throws IllegalArgumentException when the config or the optimizer metadata is invalid, naming the file
     */
    public static Checkpoint read(Path checkpoint) throws IOException {
        Objects.requireNonNull(checkpoint, "dir");
        Path dir = AtomicFolder.current(checkpoint);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a checkpoint directory");
        }
        Path configFile = dir.resolve(CONFIG);
        Path modelFile = dir.resolve(MODEL);
        for (Path p : List.of(configFile, modelFile)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "a checkpoint needs " + CONFIG + " and " + MODEL);
            }
        }
        TransformerConfig config = TransformerConfig.load(configFile);
        SafeTensors.Contents model = SafeTensors.read(modelFile);
        long step = parseStep(model.metadata(), modelFile);
        OptimizerState opt = null;
        Path optFile = dir.resolve(OPTIMIZER);
        if (Files.isRegularFile(optFile)) {
            SafeTensors.Contents o = SafeTensors.read(optFile);
            try {
                opt = OptimizerState.fromMetadata(o.metadata(), o.tensors());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(optFile + ": " + e.getMessage(), e);
            }
        }
        return new Checkpoint(config, model.tensors(), opt, step);
    }

    /**
     * Builds the model the config describes (default parts) and loads the weights into it.
     *
     * @return the model in evaluation mode, with the checkpoint's weights
     */
    public TransformerModel model() {
        TransformerModel model = Transformers.create(config);
        loadInto(model);
        return model;
    }

    /**
     * Loads the weights into {@code model} (built elsewhere, e.g. with custom Guice bindings), strictly.
     *
     * @param model the model
     * @throws IllegalArgumentException listing every missing, unexpected and mis-shaped tensor, and the
     *                                  config fields in which the checkpoint and the model differ
     */
    public void loadInto(TransformerModel model) {
        Objects.requireNonNull(model, "model");
        try {
            model.loadStateDict(weights, true);
        } catch (IllegalArgumentException e) {
            List<String> diff = configDifferences(config, model.config());
            throw new IllegalArgumentException("the checkpoint does not fit the model: " + e.getMessage()
                    + (diff.isEmpty() ? "" : "\n  the configs differ in: " + String.join(", ", diff)), e);
        }
    }

    /** The fields (by JSON key) in which two configs differ, as {@code key (checkpoint vs model)}. */
    static List<String> configDifferences(TransformerConfig saved, TransformerConfig model) {
        JsonNode a = ConfigMapper.parse(saved.toJson());
        JsonNode b = ConfigMapper.parse(model.toJson());
        List<String> out = new ArrayList<>();
        for (Iterator<String> keys = a.fieldNames(); keys.hasNext(); ) {
            String k = keys.next();
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(k + " (" + a.get(k) + " vs " + b.get(k) + ")");
            }
        }
        return out;
    }

    private static long parseStep(Map<String, String> meta, Path file) {
        String s = meta.get(STEP_KEY);
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata '" + STEP_KEY + "' is not an integer: '" + s + "'", e);
        }
    }
}
