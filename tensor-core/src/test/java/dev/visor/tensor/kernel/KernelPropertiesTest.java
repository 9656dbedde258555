package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The kernels' system properties: defaults when unset, strict values, errors that name the property and its value. */
class KernelPropertiesTest {
    @Test
    void booleansTakeTrueOrFalseInAnyCaseAndFallBackWhenUnsetOrBlank() {
        assertTrue(KernelProperties.bool("visor.x", null, true));
        assertFalse(KernelProperties.bool("visor.x", " ", false));
        assertTrue(KernelProperties.bool("visor.x", " TRUE ", false));
        assertFalse(KernelProperties.bool("visor.x", "False", true));
        var e = assertThrows(IllegalArgumentException.class, () -> KernelProperties.bool("visor.x", "yes", true));
        assertEquals("-Dvisor.x must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void wholeNumbersHaveAFloorAndFallBackWhenUnsetOrBlank() {
        assertEquals(16, KernelProperties.whole("visor.x", null, 16, 1));
        assertEquals(16, KernelProperties.whole("visor.x", "", 16, 1));
        assertEquals(3, KernelProperties.whole("visor.x", " 3 ", 16, 1));
        var low = assertThrows(IllegalArgumentException.class, () -> KernelProperties.whole("visor.x", "0", 16, 1));
        assertEquals("-Dvisor.x must be at least 1, got 0", low.getMessage());
        var word = assertThrows(IllegalArgumentException.class, () -> KernelProperties.whole("visor.x", "fast", 16, 1));
        assertEquals("-Dvisor.x must be a whole number of at least 1, got 'fast'", word.getMessage());
    }

    @Test
    void theSystemPropertyIsReadByName() {
        String name = "visor.test.kernelProperty";
        try {
            System.setProperty(name, "false");
            assertFalse(KernelProperties.bool(name, true));
            System.setProperty(name, "7");
            assertEquals(7, KernelProperties.whole(name, 16, 0));
        } finally {
            System.clearProperty(name);
        }
    }

    /** A typo in a JVM-wide setting stops the program with the property's name, instead of picking a default quietly. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-Dvisor.threads=two        | -Dvisor.threads must be a whole number of at least 1, got 'two'",
        "-Dvisor.threads=0          | -Dvisor.threads must be at least 1, got 0",
        "-Dvisor.vector=flase       | -Dvisor.vector must be true or false, got 'flase'",
        "-Dvisor.hotScopes=on       | -Dvisor.hotScopes must be true or false, got 'on'",
        "-Dvisor.spinMicros=-1      | -Dvisor.spinMicros must be at least 0, got -1",
        "-Dvisor.threads=1          | threads 1",
    })
    void aBadSettingFailsAtStartWithItsName(String property, String expected) throws Exception {
        String out = ChildJvm.run(Child.class, property);
        assertTrue(out.contains(expected), out);
    }

    /** Touches the classes that read the properties, as the first kernel call would. */
    static final class Child {
        public static void main(String[] args) {
            try {
                boolean vector = VectorSupport.available();
                System.out.println("threads " + Parallel.threads() + ", vector " + vector);
            } catch (ExceptionInInitializerError e) {
                System.out.println("failed: " + e.getCause().getMessage());
            }
        }
    }
}
