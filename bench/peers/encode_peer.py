#!/usr/bin/env python3
"""Peer for `qlens encode X.npy -f fp8_e4m3fn -o DIR`: a float32 .npy array cast to float8_e4m3fn codes
(round to nearest even, saturating, NaN kept) with numpy, as bench/peers/cast_peer.py casts, codes written
as a raw .bin file. Usage: encode_peer.py X.npy OUT.bin"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cast_peer import to_e4m3  # noqa: E402

t0 = time.time()
x = np.load(sys.argv[1], mmap_mode="r")
codes = np.empty(x.size, dtype=np.uint8)
flat = x.reshape(-1)
step = 1 << 24
for i in range(0, flat.size, step):
    codes[i:i + step] = to_e4m3(np.asarray(flat[i:i + step]))
codes.tofile(sys.argv[2])
print(f"encoded {x.size} values in {time.time() - t0:.1f} s")
