package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/** The normal CDF behind the exact GELU, against Commons Math's {@link Erf}. */
class GaussianTest {

    @Test
    void cdfMatchesCommonsMathToTwelveDigitsAcrossTheRange() {
        double worst = 0;
        for (double x = -37; x <= 9; x += 0.001) {
            // the tail through erfc, so the oracle keeps its relative accuracy there too
            double expected = x < 0 ? 0.5 * Erf.erfc(-x / Math.sqrt(2)) : 0.5 * (1 + Erf.erf(x / Math.sqrt(2)));
            double rel = Math.abs(Gaussian.cdf(x) - expected) / expected;
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 1e-11, "worst relative error " + worst);
    }

    @Test
    void cdfHasTheRightLimitsAndSymmetry() {
        assertEquals(0.5, Gaussian.cdf(0), 0);
        assertEquals(1.0, Gaussian.cdf(40), 0);
        assertEquals(0.0, Gaussian.cdf(-40), 0);
        assertEquals(0.0, Gaussian.cdf(Double.NEGATIVE_INFINITY), 0);
        assertEquals(1.0, Gaussian.cdf(Double.POSITIVE_INFINITY), 0);
        assertTrue(Double.isNaN(Gaussian.cdf(Double.NaN)));
        for (double x = 0.05; x < 8; x += 0.37) {
            assertEquals(1.0, Gaussian.cdf(x) + Gaussian.cdf(-x), 1e-15, "Φ(x) + Φ(-x) at " + x);
        }
        // the branch point z = 1 (x = √2) is continuous
        double b = Math.sqrt(2);
        assertEquals(Gaussian.cdf(Math.nextDown(b)), Gaussian.cdf(b), 1e-15);
    }

    @Test
    void pdfIsTheStandardNormalDensity() {
        assertEquals(1 / Math.sqrt(2 * Math.PI), Gaussian.pdf(0), 1e-17);
        assertEquals(Math.exp(-2) / Math.sqrt(2 * Math.PI), Gaussian.pdf(2), 1e-17);
        assertEquals(Gaussian.pdf(1.3), Gaussian.pdf(-1.3), 0);
    }
}
