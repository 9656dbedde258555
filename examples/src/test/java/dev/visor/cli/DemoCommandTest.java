package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.transformer.ConfigMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, exactly as a user runs it (but into a temporary folder). */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theDemoReachesNinetyNinePercentSavesTheModelAndDrawsItsAttention() throws IOException {
        Path out = tmp.resolve("visor-demo");
        CliRunner.Result r = CliRunner.run("demo", "--out", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        String text = r.out();
        assertTrue(text.startsWith("Visor demo: a tiny encoder-decoder learns to reverse sequences.\n"), text);
        assertTrue(text.contains("held-out exact match"), text);
        assertTrue(text.contains("\nReached "), text);
        // the progress lines show every quantity the issue asks for
        assertTrue(text.lines().anyMatch(l -> l.startsWith("step ") && l.contains(" loss ") && l.contains(" acc ")
                && l.contains(" tok/s") && (l.contains(" ETA ") || l.contains(" took "))), text);
        Map<String, Object> info = ConfigMapper.readObject(out.resolve("checkpoint/visor.json"));
        double exact = ((Number) ((Map<?, ?>) info.get("metrics")).get("exact_match")).doubleValue();
        assertTrue(exact >= DemoCommand.TARGET, "held-out exact match " + exact);
        assertEquals(6, text.lines().filter(l -> l.contains(" → ") && l.endsWith("✓") || l.contains("✗ expected")).count(), text);
        for (String picture : new String[] {"cross-attention.png", "encoder-self-attention.png", "decoder-self-attention.png"}) {
            BufferedImage image = ImageIO.read(out.resolve(picture).toFile());
            assertNotNull(image, picture);
            assertTrue(text.contains(out.resolve(picture).toString()), "says where it wrote " + picture);
        }
        assertTrue(text.contains(out.resolve("checkpoint") + "/"), text);
        CliRunner.Result translated = CliRunner.run("translate", "-c", out.resolve("checkpoint").toString(), "abcdefg");
        assertEquals("abcdefg → gfedcba  ✓\n", translated.out(), translated::toString);
    }
}
