#!/usr/bin/env python3
"""Peers for SvdBenchmark on the same matrix: scipy svds (ARPACK) and torch.svd_lowrank.

Usage: python3 bench/peers/svd_peers.py DIR   (DIR holds svd4096.npy from SvdPeerData)
One thread each (OMP/OpenBLAS/MKL pinned to 1), best of 3 runs, max relative error of the top 64.
"""
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else "."
a = np.load(os.path.join(d, "svd4096.npy"))
exact = np.load(os.path.join(d, "svd4096-spectrum.npy")).astype(np.float64)[:64]
k = 64


def report(name, fn):
    best = None
    err = None
    for _ in range(3):
        t = time.perf_counter()
        s = np.sort(np.asarray(fn(), dtype=np.float64))[::-1][:k]
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
        err = float(np.max(np.abs(s - exact) / exact))
    print(f"{name}: {best:.3f} s, max relative error {err:.2e}")


try:
    import scipy
    from scipy.sparse.linalg import svds
    report(f"scipy {scipy.__version__} svds(k=64, ARPACK, tol=0)", lambda: svds(a, k=k, tol=0, return_singular_vectors=True)[1])
    report(f"scipy {scipy.__version__} svds(k=64, ARPACK, tol=1e-5)", lambda: svds(a, k=k, tol=1e-5, return_singular_vectors=True)[1])
except ImportError as e:
    print("scipy not available:", e)

try:
    import torch
    torch.set_num_threads(1)
    t = torch.from_numpy(a)
    for niter in (2, 4):
        report(f"torch {torch.__version__} svd_lowrank(q=64, niter={niter})",
               lambda: torch.svd_lowrank(t, q=k, niter=niter)[1].numpy())
        report(f"torch {torch.__version__} svd_lowrank(q=74, niter={niter}) top 64",
               lambda: torch.svd_lowrank(t, q=k + 10, niter=niter)[1].numpy())
except ImportError as e:
    print("torch not available:", e)
