package dev.visor.transformer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.tensor.optim.OptimizerState;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.train.SyntheticTasks;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final TokenBatch SRC = TokenBatch.of(new int[][] {{5, 6, 7, 8, 2}, {9, 10, 2}}, 0);
    static final TokenBatch TGT = TokenBatch.of(new int[][] {{1, 8, 7, 6, 5}, {1, 10, 9}}, 0);

    @Test
    void saveThenLoadGivesBitIdenticalOutputs(@TempDir Path dir) throws Exception {
        TransformerConfig cfg = TransformerConfig.tiny(16).toBuilder().tieWeights(true)
                .positional(TransformerConfig.Positional.LEARNED).build();
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(3).withWarmup(1));
        trainer.train(SyntheticTasks.reverse(16, 2, 5).batches(4, 1, 2, 0), null, null);   // weights away from their init
        model.eval();
        Checkpoint.save(dir.resolve("ckpt"), model, trainer.optimizer().stateDict(), 3);
        Checkpoint c = Checkpoint.read(dir.resolve("ckpt"));
        assertEquals(cfg, c.config());
        assertEquals(3, c.step());
        EncoderDecoderTransformer loaded = (EncoderDecoderTransformer) c.model();
        loaded.eval();
        assertArrayEquals(model.forward(SRC, TGT).toArray(), loaded.forward(SRC, TGT).toArray());
        OptimizerState saved = trainer.optimizer().stateDict();
        assertEquals(saved.steps(), c.optimizer().steps());
        assertEquals(saved.paramSteps(), c.optimizer().paramSteps());
        for (Map.Entry<String, Tensor> e : saved.buffers().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), c.optimizer().buffers().get(e.getKey()).toArray(), e.getKey());
        }
        // the weights file is plain safetensors under PyTorch's names
        Map<String, Tensor> raw = SafeTensors.read(dir.resolve("ckpt").resolve(Checkpoint.MODEL)).tensors();
        assertTrue(raw.containsKey("encoder.layers.0.self_attn.in_proj_weight"));
        assertTrue(raw.containsKey("decoder.layers.1.multihead_attn.out_proj.bias"));
        assertTrue(raw.containsKey("generator.weight") && raw.containsKey("tgt_embed.weight"));
        assertTrue(raw.containsKey("src_embed.pos.weight"));
    }

    @Test
    void decoderOnlyWithoutOptimizer(@TempDir Path dir) throws Exception {
        DecoderOnlyTransformer lm = Transformers.decoderOnly(TransformerConfig.tiny(16).decoderOnly().toBuilder().seed(4).build());
        Checkpoint.save(dir.resolve("lm"), lm, null, 0);
        Checkpoint c = Checkpoint.read(dir.resolve("lm"));
        assertNull(c.optimizer());
        DecoderOnlyTransformer back = (DecoderOnlyTransformer) c.model();
        assertArrayEquals(lm.forward(TGT).toArray(), back.forward(TGT).toArray());
    }

    @Test
    void loadingIntoAModelOfAnotherShapeListsTheMismatches(@TempDir Path dir) throws Exception {
        TransformerConfig small = TransformerConfig.tiny(16);
        Checkpoint.save(dir.resolve("c"), Transformers.encoderDecoder(small), null, 0);
        Checkpoint c = Checkpoint.read(dir.resolve("c"));
        TransformerConfig other = small.toBuilder().dFF(48).decoderLayers(3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.loadInto(Transformers.encoderDecoder(other)));
        String m = e.getMessage();
        assertTrue(m.startsWith("the checkpoint does not fit the model: "), m);
        assertTrue(m.contains("missing keys (") && m.contains("decoder.layers.2.self_attn.in_proj_weight"), m);
        assertTrue(m.contains("encoder.layers.0.linear1.weight: state dict has [64, 32], module has [48, 32]"), m);
        assertTrue(m.endsWith("the configs differ in: decoder_layers (2 vs 3), d_ff (64 vs 48)"), m);
    }

    @Test
    void replacingIsAtomicAndAFailedSaveKeepsTheOldCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("c");
        EncoderDecoderTransformer a = Transformers.encoderDecoder(TransformerConfig.tiny(16));
        EncoderDecoderTransformer b = Transformers.encoderDecoder(TransformerConfig.tiny(16).toBuilder().seed(9).build());
        Checkpoint.save(ckpt, a, null, 1);
        Checkpoint.save(ckpt, b, null, 2);
        assertEquals(2, Checkpoint.read(ckpt).step());
        OptimizerState broken = new OptimizerState("AdamW", 1, 0.1, Map.of(), Map.of("__metadata__", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(ckpt, a, broken, 3));
        Checkpoint kept = Checkpoint.read(ckpt);
        assertEquals(2, kept.step(), "the previous checkpoint is untouched");
        assertArrayEquals(b.stateDict().get("generator.weight").toArray(), kept.weights().get("generator.weight").toArray());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("c"), files.map(p -> p.getFileName().toString()).toList(), "no temporary directory is left");
        }
    }

    @Test
    void missingFilesAreNamed(@TempDir Path dir) throws Exception {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Checkpoint.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(NoSuchFileException.class, () -> Checkpoint.read(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }
}
