package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Weights stored after an alignment lead ({@code Tensor.alignedZeros}) give the same bits as weights
 * at offset 0, end to end: training with AdamW and clipping, a checkpoint's save and load, and cached
 * greedy decoding. Two child JVMs run {@link StorageLeadRun}, one with every weight after a lead
 * ({@code -Dvisor.storage.align=all}) and one with none ({@code off}); a consumer of
 * {@code storage()} that ignored the offset would read the lead's zeros or shifted rows and change
 * a loss, a weight or a logit.
 */
class StorageLeadBitsTest {
    @Test
    void trainingCheckpointsAndDecodingGiveTheSameBitsWithAndWithoutTheLead() throws Exception {
        List<String> off = run("off");
        List<String> all = run("all");
        assertEquals("leads 0", off.get(0));
        assertNotEquals("leads 0", all.get(0), "with align=all the model's weights should start after a lead");
        assertTrue(off.size() > 20, () -> "too few results: " + off);
        assertEquals(off.subList(1, off.size()), all.subList(1, all.size()));
    }

    private static List<String> run(String mode) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Dvisor.storage.align=" + mode));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules=jdk.incubator.vector");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StorageLeadRun.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, p.exitValue(), () -> "child (align=" + mode + ") failed:\n" + out + err);
        return List.of(out.strip().split("\n"));
    }
}
