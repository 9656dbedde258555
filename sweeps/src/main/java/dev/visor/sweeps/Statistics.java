package dev.visor.sweeps;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics of a sweep's summary, with Apache Commons Math: per configuration across seeds the
 * mean, sample standard deviation and a confidence interval from Student's t distribution; between a
 * configuration and the baseline Welch's unequal-variances t-test and Hedges' g.
 *
 * <pre>{@code
 * Statistics.Summary s = Statistics.describe(new double[] {1.52, 1.49, 1.55}, 0.95);
 * Statistics.Comparison c = Statistics.compare(windowed, baseline);   // c.pValue(), c.hedgesG()
 * }</pre>
 */
public final class Statistics {
    private Statistics() {}

    /**
     * One configuration across seeds.
     *
     * @param n the number of seeds
     * @param mean the mean
     * @param sd the sample standard deviation (n − 1 in the denominator); NaN for n = 1
     * @param ciLow the lower end of the confidence interval; NaN for n = 1
     * @param ciHigh the upper end; NaN for n = 1
     */
    public record Summary(int n, double mean, double sd, double ciLow, double ciHigh) {}

    /**
     * A configuration against the baseline.
     *
     * @param difference mean(x) − mean(baseline)
     * @param t Welch's t statistic
     * @param df the Welch–Satterthwaite degrees of freedom
     * @param pValue the two-sided p-value of Welch's t-test
     * @param hedgesG Hedges' g: Cohen's d with the pooled standard deviation, times the small-sample
     *                correction {@code J = 1 − 3 / (4 (n1 + n2) − 9)}
     */
    public record Comparison(double difference, double t, double df, double pValue, double hedgesG) {
        /**
         * @param alpha the significance level
         * @return whether {@code pValue < alpha}
         */
        public boolean significant(double alpha) {
            return pValue < alpha;
        }
    }

    /**
     * Mean, standard deviation and the {@code level} confidence interval
     * {@code mean ± t(1 − (1 − level)/2, n − 1) · sd / √n}.
     *
     * @param x the values, at least one
     * @param level the confidence level, e.g. 0.95
     * @return the summary
     */
    public static Summary describe(double[] x, double level) {
        if (x.length == 0) throw new IllegalArgumentException("no values to describe");
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("the confidence level must be in (0, 1) but is " + level);
        double mean = StatUtils.mean(x);
        if (x.length == 1) return new Summary(1, mean, Double.NaN, Double.NaN, Double.NaN);
        double sd = Math.sqrt(StatUtils.variance(x));
        double t = new TDistribution(null, x.length - 1).inverseCumulativeProbability(1 - (1 - level) / 2);
        double half = t * sd / Math.sqrt(x.length);
        return new Summary(x.length, mean, sd, mean - half, mean + half);
    }

    /**
     * Welch's t-test and Hedges' g of {@code x} against {@code baseline}.
     *
     * @param x a configuration's values, at least two
     * @param baseline the baseline's values, at least two
     * @return the comparison; p-value and g are NaN when both samples have zero variance
     */
    public static Comparison compare(double[] x, double[] baseline) {
        if (x.length < 2 || baseline.length < 2) {
            throw new IllegalArgumentException("a t-test needs at least 2 values per side but got " + x.length + " and " + baseline.length);
        }
        double m1 = StatUtils.mean(x);
        double m2 = StatUtils.mean(baseline);
        double v1 = StatUtils.variance(x);
        double v2 = StatUtils.variance(baseline);
        int n1 = x.length;
        int n2 = baseline.length;
        double a = v1 / n1;
        double b = v2 / n2;
        if (a + b == 0) return new Comparison(m1 - m2, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double t = (m1 - m2) / Math.sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a / (n1 - 1) + b * b / (n2 - 1));
        double p = new TTest().tTest(x, baseline);   // Commons Math's two-sample test is Welch's
        double pooled = Math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2));
        double g = (m1 - m2) / pooled * (1 - 3.0 / (4 * (n1 + n2) - 9));
        return new Comparison(m1 - m2, t, df, p, g);
    }
}
