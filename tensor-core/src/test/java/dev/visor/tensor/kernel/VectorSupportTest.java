package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Proves which kernel path a test JVM ran. The build runs the kernel tests twice: once with
 * {@code --add-modules jdk.incubator.vector} ({@code visor.expect.vector=true}) and once without the
 * module ({@code visor.expect.vector=false}), so the same differential tests cover both paths.
 */
class VectorSupportTest {

    @Test
    void availabilityIsWhatTheBuildAskedFor() {
        String expected = System.getProperty("visor.expect.vector");
        boolean expectVector = expected != null
                ? Boolean.parseBoolean(expected)
                : ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                        && !"false".equals(System.getProperty("visor.vector"));
        assertEquals(expectVector, VectorSupport.available(),
                "VectorSupport.available() disagrees with visor.expect.vector=" + expected);
        if (!expectVector && expected != null && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // without the module no Vector API class can even be loaded, so the scalar path is what ran
            assertThrows(ClassNotFoundException.class, () -> Class.forName("jdk.incubator.vector.FloatVector"));
        }
    }
}
