package dev.visor.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Checks the statistics against values that do not come from Commons Math: a t-table quantile, the
 * Welch's t-test example of Wikipedia's article (samples A1, A2: t = −2.46, p = 0.021), the formulas
 * computed by hand in the test, and a p-value integrated numerically from Student's density.
 */
class StatisticsTest {
    static final double[] A1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
    static final double[] A2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};

    @Test
    void theConfidenceIntervalUsesStudentsT() {
        // {1, 2, 3}: mean 2, sd 1; t(0.975, 2) = 4.302653 from any t table
        Statistics.Summary s = Statistics.describe(new double[] {1, 2, 3}, 0.95);
        assertEquals(3, s.n());
        assertEquals(2.0, s.mean(), 1e-12);
        assertEquals(1.0, s.sd(), 1e-12);
        assertEquals(2 - 4.302653 / Math.sqrt(3), s.ciLow(), 1e-6);
        assertEquals(2 + 4.302653 / Math.sqrt(3), s.ciHigh(), 1e-6);
        Statistics.Summary one = Statistics.describe(new double[] {5}, 0.95);
        assertTrue(Double.isNaN(one.sd()) && Double.isNaN(one.ciLow()));
    }

    @Test
    void welchMatchesTheTextbookExampleAndAnIndependentIntegral() {
        Statistics.Comparison c = Statistics.compare(A1, A2);
        assertEquals(-2.46, c.t(), 0.005);
        double a = var(A1, mean(A1)) / 15;
        double b = var(A2, mean(A2)) / 15;
        assertEquals((a + b) * (a + b) / (a * a / 14 + b * b / 14), c.df(), 1e-9, "Welch–Satterthwaite by hand");
        assertEquals((mean(A1) - mean(A2)) / Math.sqrt(a + b), c.t(), 1e-12);
        assertEquals(0.021, c.pValue(), 0.0005);
        assertEquals(twoSidedP(c.t(), c.df()), c.pValue(), 1e-6, "p from integrating Student's density");
        assertTrue(c.significant(0.05));
        assertFalse(c.significant(0.01));
    }

    @Test
    void hedgesGIsPooledCohensDTimesTheSmallSampleCorrection() {
        // by hand: means 20.82 and 22.9866..., variances from the sums of squares
        double m1 = mean(A1);
        double m2 = mean(A2);
        double v1 = var(A1, m1);
        double v2 = var(A2, m2);
        double d = (m1 - m2) / Math.sqrt((14 * v1 + 14 * v2) / 28);
        double g = d * (1 - 3.0 / (4 * 30 - 9));
        Statistics.Comparison c = Statistics.compare(A1, A2);
        assertEquals(g, c.hedgesG(), 1e-12);
        assertEquals(m1 - m2, c.difference(), 1e-12);
    }

    @Test
    void identicalConstantSamplesHaveNoPValue() {
        Statistics.Comparison c = Statistics.compare(new double[] {1, 1}, new double[] {1, 1});
        assertTrue(Double.isNaN(c.pValue()));
        assertFalse(c.significant(0.05));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double var(double[] x, double m) {
        double s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return s / (x.length - 1);
    }

    /** P(|T| ≥ |t|) for Student's t with ν degrees of freedom, by Simpson's rule on (1 + x²/ν)^(−(ν+1)/2). */
    static double twoSidedP(double t, double nu) {
        double a = Math.abs(t);
        return 2 * integrateToInfinity(a, nu) / (2 * integrateToInfinity(0, nu));
    }

    private static double integrateToInfinity(double from, double nu) {
        // x = from + u / (1 − u), u ∈ [0, 1)
        int n = 200_000;
        double h = 1.0 / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double u = Math.min(i * h, 1 - 1e-12);
            double x = from + u / (1 - u);
            double f = Math.pow(1 + x * x / nu, -(nu + 1) / 2) / ((1 - u) * (1 - u));
            sum += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * f;
        }
        return sum * h / 3;
    }
}
