#!/usr/bin/env python3
"""Fits the Chebyshev coefficients behind dev.visor.tensor.nn.Gaussian (the standard normal CDF used
by the exact GELU). Run once; paste the printed arrays into Gaussian.java. Needs numpy and mpmath.

Two pieces, with z = |x| / sqrt(2):
  z < 1:   erf(z)  = z * A(2 z^2 - 1)                       A: Chebyshev series in s = z^2 on [0, 1]
  z >= 1:  erfc(z) = exp(-z^2) * t * B(4 t - 1), t = 1/(1+z) B: Chebyshev series in t on (0, 0.5]
Both fits are least squares on Chebyshev nodes against 40-digit mpmath values; the printed maximum
relative errors (on a dense grid) are far below float32's 6e-8.
"""
import numpy as np
import mpmath as mp
from numpy.polynomial import chebyshev as cheb

mp.mp.dps = 40


def fit(f, a, b, deg, nodes=800):
    k = np.arange(nodes)
    x = np.cos(np.pi * (k + 0.5) / nodes)
    y = np.array([float(f(mp.mpf(a) + (mp.mpf(v) + 1) / 2 * (b - a))) for v in x])
    c = cheb.chebfit(x, y, deg)
    xs = np.linspace(-1, 1, 20001)
    ys = np.array([float(f(mp.mpf(a) + (mp.mpf(v) + 1) / 2 * (b - a))) for v in xs])
    return c, float(np.max(np.abs(cheb.chebval(xs, c) - ys) / np.abs(ys)))


def erf_over_z(s):
    return 2 / mp.sqrt(mp.pi) if s == 0 else mp.erf(mp.sqrt(s)) / mp.sqrt(s)


def scaled_erfc(t):
    if t == 0:
        return 1 / mp.sqrt(mp.pi)
    z = 1 / t - 1
    return mp.erfc(z) * mp.exp(z * z) / t


for name, f, a, b, deg in (("ERF_SMALL", erf_over_z, 0, 1, 8), ("ERFC_LARGE", scaled_erfc, 0, 0.5, 15)):
    c, err = fit(f, a, b, deg)
    print(f"// max relative error {err:.2e}")
    print(f"private static final double[] {name} = {{")
    print(",\n".join("        " + repr(float(v)) for v in c) + "};")
