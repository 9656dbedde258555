package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class DemoAttentionCpuTest {

    @Test
    void callSetsAreSeededAndTrainTheirGradients() {
        // two runners from the same seeds give the same gradient sums call for call (what comparing two
        // builds' checksums relies on), and the sums move from call to call (fresh dropout masks)
        DoubleSupplier first = DemoAttentionCpu.callSets(1);
        DoubleSupplier second = DemoAttentionCpu.callSets(1);
        double a1 = first.getAsDouble();
        double a2 = first.getAsDouble();
        assertTrue(Double.isFinite(a1) && Double.isFinite(a2), a1 + ", " + a2);
        assertNotEquals(a1, a2, "each call draws new attention dropout masks");
        assertEquals(a1, second.getAsDouble());
        assertEquals(a2, second.getAsDouble());
    }
}
