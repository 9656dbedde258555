package dev.visor.transformer.checkpoint;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@link CheckpointKillTest}: saves the checkpoint of step {@code start},
 * {@code start + 1}, ... into a folder for ever, printing each step once its save has returned, until
 * it is killed. The weights of step {@code s} are {@link #weights}{@code (s)}, so the parent can check
 * what it reads bit for bit.
 */
public final class CheckpointSaver {
    private CheckpointSaver() {}

    /** The model whose shapes the checkpoints have. */
    static TransformerModel model() {
        return Transformers.create(TransformerConfig.tiny(8));
    }

    /**
     * The weights of step {@code step}: every tensor of the model filled with values that differ by
     * step, name and index.
     *
     * @param model the model (for names and shapes)
     * @param step the step
     * @return the state dict
     */
    static Map<String, Tensor> weights(TransformerModel model, long step) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            float[] data = new float[e.getValue().numel()];
            int h = e.getKey().hashCode();
            for (int i = 0; i < data.length; i++) data[i] = (float) (((step * 7919 + h + i * 31L) % 10_007) / 1_000.0);
            out.put(e.getKey(), Tensor.of(data, e.getValue().shape()));
        }
        return out;
    }

    /**
     * Saves until killed.
     *
     * @param args the folder and the first step
     * @throws IOException if a save fails
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long step = Long.parseLong(args[1]);
        TransformerModel model = model();
        System.out.println("ready");
        System.out.flush();
        while (true) {
            model.loadStateDict(weights(model, step), true);
            Checkpoint.save(dir, model, null, step);
            System.out.println(step);
            System.out.flush();
            step++;
        }
    }
}
