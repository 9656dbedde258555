package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * A program that computes with one vector shape must not make vectors of the others: when
 * {@link VectorLanes} made every shape's butterfly shuffles at class load, C2's compiled
 * {@code FloatSpecies.dummyVector} met four species, deoptimised on class checks, and kernels compiled
 * after that boxed their accumulators (the flash kernel ran 30× slower for the whole JVM, about one
 * JVM in four). The check runs in a fresh JVM with class-initialisation logging, at this run's width.
 */
class VectorLanesSpeciesTest {
    /** Sums one vector of the preferred species; run by the test in a child JVM. */
    public static void main(String[] args) {
        VectorSupport.available();   // runs the operator warm-up (VectorOpsWarmup), which must keep to one shape too
        FloatVector v = FloatVector.broadcast(FloatVector.SPECIES_PREFERRED, 1f);
        System.out.println("lanes=" + v.length() + " sum=" + VectorLanes.sumFixedOrder(v));
    }

    @Test
    void summingOneShapeInitialisesOnlyThatShapesShuffles() throws IOException, InterruptedException {
        if (!VectorSupport.available()) return;   // the scalar-fallback run has no vectors to sum
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-XX:UseAVX") || a.startsWith("-XX:MaxVectorSize")) cmd.add(a);   // this run's width
        }
        // the main classes may be on the module path (module-info): put both paths on the child's class path
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) path = path + java.io.File.pathSeparator + modules;
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Xlog:class+init=info", "-cp", path,
                VectorLanesSpeciesTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        assertTrue(out.contains("lanes=" + lanes + " sum=" + (float) lanes), out);
        for (int bits : new int[] {64, 128, 256, 512}) {
            String shuffle = "Float" + bits + "Vector$Float" + bits + "Shuffle";
            assertEquals(bits == 32 * lanes, out.contains(shuffle + "'"), shuffle + " initialised with " + lanes + " lanes in use:\n"
                    + out.lines().filter(l -> l.contains("Shuffle") || l.contains("VectorLanes")).toList());
        }
    }
}
