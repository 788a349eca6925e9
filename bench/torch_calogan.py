#!/usr/bin/python3
"""PyTorch reference of gan-train --model calo (src/model/calogan.h), for side-by-side timing.

The same networks, loss and step as calogan.c: generator [conditions, noise] -> Linear(w)
BatchNorm1d LeakyReLU(0.3) -> Linear(F*36) LeakyReLU -> ConvTranspose2d(F, F, K, stride 2,
padding (K-1)/2, output_padding 2+2p-K) 6x6 -> 12x12, LeakyReLU -> Linear(504) -> ReLU;
discriminator D1 cells -> Linear(F*144) LeakyReLU -> Conv2d(F, F, K, stride 2, padding p)
12x12 -> 6x6, LeakyReLU -> Linear(wd) LeakyReLU, then D2 [D1, 7 features (E_tot and E per
layer, E_tot over its training mean, each layer's E over that layer's training mean, sparsity
per layer, no gradient), conditions] -> Linear(wd) LeakyReLU -> Linear(1); BCE on logits, the
discriminator step on real and fake, then the generator step through the updated
discriminator with the auxiliary term 1.0 * mean |E_tot - r E0| / (r E0 at the middle of its
range). Each layer's cells scaled by that layer's largest training cell, E0 min-max to
[-1, 1], Glorot-uniform weights, zero biases, Adam(0.9, 0.999, 1e-7) as nn.h's NN_ADAM_*; the first Linear keeps its bias (batch norm cancels it; gan-train's
params counts it too). Prints one CSV record:
epochs, seconds (training only, no per-epoch score: the shower-shape W1 is not reimplemented
here), epochs_per_s, params, and the last epoch's mean losses.

  torch_calogan.py --train T.csv --val V.csv --noise-dim 16 --batch-size 128 \\
      --lr-gen 1e-4 --lr-disc 1e-4 --gen-layersize 32 --disc-layersize 32 --filters 4 \\
      --kernel 3 --epochs 2 --seed 1 [--threads 1]
Needs Debian's python3-torch and python3-numpy.
"""
import argparse
import gzip
import sys
import time

import numpy as np
import torch
import torch.nn as nn

LAYERS = [(0, 288), (288, 144), (432, 72)]   # first cell, cells: event-gen calo's layers


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        header = f.readline().strip().split(",")
        data = np.loadtxt(f, delimiter=",", dtype=np.float64, ndmin=2)
    cells = [i for i, n in enumerate(header) if n.startswith("l")]
    if len(cells) != 504 or "E0" not in header:
        sys.exit(f"torch_calogan.py: {path}: not event-gen calo's 504 cells and E0")
    return data[:, cells], data[:, header.index("E0")]


def glorot(net):
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class View(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    for n, d in [("noise-dim", 16), ("batch-size", 128), ("gen-layersize", 32),
                 ("disc-layersize", 32), ("filters", 4), ("kernel", 3), ("epochs", 2),
                 ("seed", 1), ("threads", 1)]:
        p.add_argument("--" + n, type=int, default=d)
    p.add_argument("--lr-gen", type=float, default=1e-4)
    p.add_argument("--lr-disc", type=float, default=1e-4)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, e0 = read(a.train)
    # each layer scaled by its own largest cell s_l; energies in units of s = max s_l
    sl = [max(x[:, a0:a0 + n].max(), 0) or 1.0 for a0, n in LAYERS]
    s = max(sl)
    unit = [v / s for v in sl]
    lo, hi = e0.min(), e0.max()
    ratio = x.sum() / e0.sum() / s            # target per GeV, energy units
    fs = x.sum(axis=1).mean() / s             # feature scale of E_tot
    lfs = [x[:, a0:a0 + n].sum(axis=1).mean() / s or fs for a0, n in LAYERS]   # per layer
    xs = x.copy()
    for (a0, n), v in zip(LAYERS, sl):
        xs[:, a0:a0 + n] /= v
    X = torch.tensor(xs, dtype=torch.float32)
    C = torch.tensor(2 * (e0 - lo) / (hi - lo) - 1, dtype=torch.float32)[:, None]
    E0 = torch.tensor(e0, dtype=torch.float32)
    F, K, w, wd, nz = a.filters, a.kernel, a.gen_layersize, a.disc_layersize, a.noise_dim
    pad = (K - 1) // 2
    op = 2 + 2 * pad - K
    G = nn.Sequential(nn.Linear(1 + nz, w), nn.BatchNorm1d(w, momentum=0.01, eps=1e-3),
                      nn.LeakyReLU(0.3), nn.Linear(w, F * 36), nn.LeakyReLU(0.3), View(F, 6, 6),
                      nn.ConvTranspose2d(F, F, K, 2, pad, op), nn.LeakyReLU(0.3), View(F * 144),
                      nn.Linear(F * 144, 504), nn.ReLU())
    D1 = nn.Sequential(nn.Linear(504, F * 144), nn.LeakyReLU(0.3), View(F, 12, 12),
                       nn.Conv2d(F, F, K, 2, pad), nn.LeakyReLU(0.3), View(F * 36),
                       nn.Linear(F * 36, wd), nn.LeakyReLU(0.3))
    D2 = nn.Sequential(nn.Linear(wd + 7 + 1, wd), nn.LeakyReLU(0.3), nn.Linear(wd, 1))
    for net in (G, D1, D2):
        glorot(net)
    optG = torch.optim.Adam(G.parameters(), lr=a.lr_gen, betas=(0.9, 0.999), eps=1e-7)
    optD = torch.optim.Adam(list(D1.parameters()) + list(D2.parameters()), lr=a.lr_disc,
                            betas=(0.9, 0.999), eps=1e-7)
    bce = nn.BCEWithLogitsLoss()
    tmean = ratio * 0.5 * (lo + hi)

    def energies(cells):
        return [u * cells[:, a0:a0 + n].sum(1, keepdim=True) for (a0, n), u in zip(LAYERS, unit)]

    def feats(cells):
        el = energies(cells)
        f = [sum(el) / fs]
        f += [e / v for e, v in zip(el, lfs)]
        f += [(cells[:, a0:a0 + n] > 0).float().mean(1, keepdim=True) for a0, n in LAYERS]
        return torch.cat(f, 1)

    def D(cells, c):
        return D2(torch.cat([D1(cells), feats(cells), c], 1))

    n = X.shape[0]
    B = a.batch_size
    t0 = time.perf_counter()
    for ep in range(a.epochs):
        perm = torch.randperm(n)
        dsum = gsum = 0.0
        nb = 0
        for s0 in range(0, n, B):
            idx = perm[s0:s0 + B]
            if len(idx) < 2:
                continue
            xr, c, e = X[idx], C[idx], E0[idx]
            fake = G(torch.cat([c, torch.randn(len(idx), nz)], 1))
            optD.zero_grad()
            ld = bce(D(xr, c), torch.ones(len(idx), 1)) + bce(D(fake.detach(), c), torch.zeros(len(idx), 1))
            ld.backward()
            optD.step()
            optG.zero_grad()
            aux = (sum(energies(fake))[:, 0] - ratio * e).abs().mean() / tmean
            lg = bce(D(fake, c), torch.ones(len(idx), 1)) + 1.0 * aux
            lg.backward()
            optG.step()
            dsum += ld.item()
            gsum += lg.item()
            nb += 1
    secs = time.perf_counter() - t0
    params = sum(q.numel() for net in (G, D1, D2) for q in net.parameters())
    print("epochs,seconds,epochs_per_s,params,d_loss,g_loss")
    print(f"{a.epochs},{secs:.3f},{a.epochs / secs:.4g},{params},{dsum / nb:.6g},{gsum / nb:.6g}")


if __name__ == "__main__":
    main()
