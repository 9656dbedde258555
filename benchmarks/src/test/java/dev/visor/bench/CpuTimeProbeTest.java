package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CpuTimeProbeTest {

    /**
     * The backward row bin/kernel-widths counts slow JVMs by: "| flash backward causal, N 2048, 8 × 64
     * | rate | p % |", with a positive rate and its share of the peak in the fourth column.
     */
    @Test
    void printsTheBackwardRowThatKernelWidthsCounts() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            CpuTimeProbe.main(new String[] {"--shapes=", "--flash=", "--flash-backward=causal", "--seconds=0.001"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^\\| flash backward causal, N 2048, 8 × 64 \\| ([0-9.]+) \\| ([0-9]+) % \\|$")
                .matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0, out);
        String[] cells = m.group(0).split("\\|");
        assertEquals(m.group(2) + " %", cells[3].trim(), "kernel-widths reads the share of the peak from field 4");
        assertTrue(!out.contains("flash forward"), "no forward row was asked for: " + out);
    }
}
