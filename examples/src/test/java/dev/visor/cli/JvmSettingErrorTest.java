package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A malformed kernel setting given to the JVM ({@code VISOR_JAVA_OPTS=-Dvisor.threads=two}) ends the
 * command with one line naming it and exit code 2, not a stack trace. Such settings are read once per
 * JVM, so this runs {@code visor} in a child JVM.
 */
class JvmSettingErrorTest {
    @Test
    void aMalformedKernelSettingIsOneLineAndExitTwo() throws Exception {
        Process p = ChildVisor.start(List.of("-Dvisor.threads=two"), "--version");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), err);
        assertEquals(2, p.exitValue(), () -> "stdout:\n" + out + "\nstderr:\n" + err);
        assertEquals("visor: -Dvisor.threads must be a whole number of at least 1, got 'two' "
                + "(a JVM option: check VISOR_JAVA_OPTS or the java command line)", err.lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce((a, b) -> a + "\n" + b).orElse(""));
    }
}
