package dev.visor.transformer;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.tensor.optim.Optimizer;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The child of {@link StorageLeadBitsTest}: trains a small decoder-only model for three AdamW steps
 * with clipping, saves and reloads it through a checkpoint into a differently seeded model, then
 * decodes greedily on the cache, and prints every result as raw float bits. Run once with
 * {@code -Dvisor.storage.align=off} and once with {@code all}, the lines must match except the
 * first, which counts the parameters stored after a lead.
 */
public final class StorageLeadRun {
    private StorageLeadRun() {}

    /** Prints {@code leads N}, then one line per result. */
    public static void main(String[] args) throws Exception {
        TransformerConfig cfg = TransformerConfig.tiny(24).decoderOnly().toBuilder().seed(3).dropout(0).build();
        DecoderOnlyTransformer lm = Transformers.decoderOnly(cfg);
        long leads = lm.parameters().stream().filter(p -> p.offset() != 0).count();
        System.out.println("leads " + leads);
        Optimizer opt = new AdamW(lm.namedParameters(), AdamW.options(1e-2));
        int[][] rows = {{1, 5, 9, 11, 4, 2}, {1, 7, 7, 3, 12, 2}};
        int[] targets = {5, 9, 11, 4, 2, 0, 7, 7, 3, 12, 2, 0};
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Tensor logits = lm.forward(TokenBatch.of(rows, 0));
            Tensor loss = Functional.crossEntropy(logits.reshape(-1, logits.size(-1)), targets);
            loss.backward();
            Gradients.clipGradNorm(lm.parameters(), 0.5);
            opt.step();
            System.out.println("loss " + Integer.toHexString(Float.floatToRawIntBits(loss.item())));
        }
        DecoderOnlyTransformer loaded = Transformers.decoderOnly(cfg.toBuilder().seed(99).build());
        loaded.eval();
        Path dir = Files.createTempDirectory("storage-lead");
        try {
            Checkpoint.save(dir.resolve("ckpt"), lm, opt.stateDict(), 3);
            Checkpoint.read(dir.resolve("ckpt")).loadInto(loaded);
        } finally {
            deleteTree(dir);
        }
        for (Map.Entry<String, Tensor> e : loaded.stateDict().entrySet()) {
            System.out.println(e.getKey() + " " + bits(e.getValue().toArray()));
        }
        var session = loaded.startDecoding(new int[][] {{1, 5, 9}});
        int next = 9;
        for (int t = 0; t < 8; t++) {
            float[] logits = session.step(new int[] {next})[0];
            System.out.println("step " + t + " " + bits(logits));
            int best = 0;
            for (int v = 1; v < logits.length; v++) {
                best = logits[v] > logits[best] ? v : best;
            }
            next = best;
        }
    }

    /** Deletes {@code dir} and everything under it, deepest first. */
    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A 64-bit hash of the raw bits of {@code v}, in hex. */
    private static String bits(float[] v) {
        long h = 1125899906842597L;
        for (float f : v) {
            h = 31 * h + Float.floatToRawIntBits(f);
        }
        return v.length + ":" + Long.toHexString(h);
    }
}
