package dev.visor.tensor.optim;

/**
 * Independent double-precision implementations of PyTorch's SGD, Adam and AdamW updates, written
 * from the equations in the PyTorch documentation, for differential tests of the float32
 * optimizers.
 */
final class ReferenceOptimizers {
    private ReferenceOptimizers() {}

    /** SGD state for one parameter. */
    static final class Sgd {
        final double lr;
        final double momentum;
        final double dampening;
        final boolean nesterov;
        final double weightDecay;
        double[] buf;

        Sgd(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
            this.lr = lr;
            this.momentum = momentum;
            this.dampening = dampening;
            this.nesterov = nesterov;
            this.weightDecay = weightDecay;
        }

        void step(double[] p, double[] g) {
            double[] d = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                d[i] = g[i] + weightDecay * p[i];
            }
            if (momentum != 0) {
                if (buf == null) {
                    buf = d.clone();
                } else {
                    for (int i = 0; i < p.length; i++) {
                        buf[i] = momentum * buf[i] + (1 - dampening) * d[i];
                    }
                }
                for (int i = 0; i < p.length; i++) {
                    d[i] = nesterov ? d[i] + momentum * buf[i] : buf[i];
                }
            }
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * d[i];
            }
        }
    }

    /** Adam / AdamW state for one parameter. */
    static final class AdamRef {
        final double lr;
        final double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final boolean amsgrad;
        final boolean decoupled;
        double[] m;
        double[] v;
        double[] vMax;
        int t;

        AdamRef(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.amsgrad = amsgrad;
            this.decoupled = decoupled;
        }

        void step(double[] p, double[] grad, double lrNow) {
            if (m == null) {
                m = new double[p.length];
                v = new double[p.length];
                vMax = new double[p.length];
            }
            t++;
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (decoupled) {
                    p[i] *= 1 - lrNow * weightDecay;
                } else {
                    g += weightDecay * p[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                vMax[i] = Math.max(vMax[i], v[i]);
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = (amsgrad ? vMax[i] : v[i]) / (1 - Math.pow(beta2, t));
                p[i] -= lrNow * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }
}
