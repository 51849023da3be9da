#!/usr/bin/env python3
"""Peer for `qlens svd FILE w -k 64`: a fresh Python process reads the safetensors matrix and runs scipy's
svds (ARPACK), as a user would; prints the time of the whole process body and the worst relative error
of the top 64 against SPECTRUM.npy. Usage: svd_peer.py FILE.safetensors SPECTRUM.npy [TOL]"""
import json
import struct
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402
from scipy.sparse.linalg import svds  # noqa: E402

with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    h = json.loads(f.read(n))["w"]
    a = np.frombuffer(f.read(), dtype=np.float32).reshape(h["shape"])
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-5
s = np.sort(svds(a, k=64, tol=tol, return_singular_vectors=False))[::-1]
exact = np.load(sys.argv[2])
err = float(np.max(np.abs(s - exact) / exact))
print(f"scipy svds k=64 tol={tol}: {time.perf_counter() - t0:.2f} s in the process, max relative error {err:.2e}")
