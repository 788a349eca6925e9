#!/usr/bin/python3
"""Reference generator throughput: the study's generator (torch_gan.py's architecture) in
inference mode, one thread, events/s for N rows (generation only, no CSV writing, so this
favours the reference).  torch_sample.py N NOISE WIDTH NCOND NOUT"""
import sys
import time

import torch
import torch.nn as nn

n, nz, w, nc, no = (int(a) for a in sys.argv[1:6])
torch.set_num_threads(1)


def block(a, b):
    return [nn.Linear(a, b), nn.BatchNorm1d(b, momentum=0.01, eps=1e-3), nn.LeakyReLU(0.3)]


gen = nn.Sequential(*block(nc + nz, w), *block(w, w), nn.Linear(w, no), nn.Tanh()).eval()
x = torch.randn(n, nc + nz)
with torch.no_grad():
    t = time.perf_counter()
    for s in range(0, n, 4096):
        gen(x[s:s + 4096])
    dt = time.perf_counter() - t
print(f"torch generator (eval, no output): {n / dt:.0f} events/s")
