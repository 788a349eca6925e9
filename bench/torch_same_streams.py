#!/usr/bin/python3
"""The PyTorch reference's training on gan-train's random draws, with a per-epoch log.

torch_gan.py draws its initial weights, permutations and noise from torch's generator, so it
can only be compared with gan-train over many seeds. Given the draws that build/gan_streams
wrote for a seed, this runs the same networks (torch_gan.py's `mlp` and `read_columns`,
imported, not copied), loss, optimizers, step order and scoring on them and prints
gan-train's --log columns, so the two runs can be set side by side epoch by epoch.

  torch_same_streams.py STREAMS_DIR --train T --val V --out-cols a,b [--cond-cols ...]
      --noise-dim N --batch-size N --lr-gen X --lr-disc X --gen-layersize N
      --disc-layersize N --epochs N
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from scipy.stats import wasserstein_distance

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "shared", "bench"))
from torch_gan import mlp, read_columns  # noqa: E402


def load_params(net, flat, off, nin, w, nout):
    """gan.h's layout (W1 g1 be1 W2 g2 be2 W3 b3, W as [in x out]) into torch_gan.py's mlp;
    its biases before batch norm stay zero."""
    def take(n):
        nonlocal off
        off += n
        return torch.from_numpy(flat[off - n:off].copy())
    with torch.no_grad():
        net[0].weight.copy_(take(nin * w).reshape(nin, w).T)
        net[1].weight.copy_(take(w))
        net[1].bias.copy_(take(w))
        net[3].weight.copy_(take(w * w).reshape(w, w).T)
        net[4].weight.copy_(take(w))
        net[4].bias.copy_(take(w))
        net[6].weight.copy_(take(w * nout).reshape(w, nout).T)
        net[6].bias.copy_(take(nout))
    return off


def main():
    p = argparse.ArgumentParser()
    p.add_argument("streams")
    for f in ("--train", "--val", "--out-cols"):
        p.add_argument(f, required=True)
    p.add_argument("--cond-cols", default="")
    for f in ("--noise-dim", "--batch-size", "--gen-layersize", "--disc-layersize", "--epochs"):
        p.add_argument(f, type=int, required=True)
    p.add_argument("--lr-gen", type=float, required=True)
    p.add_argument("--lr-disc", type=float, required=True)
    a = p.parse_args()
    torch.set_num_threads(1)

    out_cols = a.out_cols.split(",")
    cond_cols = [c for c in a.cond_cols.split(",") if c]
    xtr, xva = read_columns(a.train, out_cols), read_columns(a.val, out_cols)
    lo, hi = xtr.min(0), xtr.max(0)
    scale = lambda x, lo, hi: 2 * (x - lo) / np.where(hi > lo, hi - lo, 1) - 1  # noqa: E731
    xtr, xva = scale(xtr, lo, hi), scale(xva, lo, hi)
    if cond_cols:
        ctr, cva = read_columns(a.train, cond_cols), read_columns(a.val, cond_cols)
        clo, chi = ctr.min(0), ctr.max(0)
        ctr, cva = scale(ctr, clo, chi), scale(cva, clo, chi)
    else:
        ctr, cva = np.zeros((len(xtr), 0)), np.zeros((len(xva), 0))
    f32 = lambda x: torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))  # noqa: E731
    xtr, ctr, cva = f32(xtr), f32(ctr), f32(cva)
    n, n_out, n_cond, nz = len(xtr), xtr.shape[1], ctr.shape[1], a.noise_dim

    gen = nn.Sequential(mlp(n_cond + nz, a.gen_layersize, n_out), nn.Tanh())
    disc = mlp(n_out + n_cond, a.disc_layersize, 1)
    init = np.fromfile(os.path.join(a.streams, "init.bin"), dtype=np.float32)
    off = load_params(gen[0], init, 0, n_cond + nz, a.gen_layersize, n_out)
    load_params(disc, init, off, n_out + n_cond, a.disc_layersize, 1)
    perms = np.fromfile(os.path.join(a.streams, "perm.bin"), dtype=np.uint32).reshape(-1, n)
    noise = torch.from_numpy(np.fromfile(os.path.join(a.streams, "noise.bin"), dtype=np.float32))
    val_noise = torch.from_numpy(
        np.fromfile(os.path.join(a.streams, "valnoise.bin"), dtype=np.float32).reshape(-1, nz))

    opt_g = torch.optim.Adam(gen.parameters(), lr=a.lr_gen, betas=(0.9, 0.999), eps=1e-7)
    opt_d = torch.optim.Adam(disc.parameters(), lr=a.lr_disc, betas=(0.9, 0.999), eps=1e-7)
    bce = nn.BCEWithLogitsLoss()
    print("epoch,d_loss,g_loss," + ",".join("wd_" + c for c in out_cols) + ",wd_mean")
    used = 0
    for epoch in range(1, a.epochs + 1):  # torch_gan.py's loop, with these draws
        gen.train()
        disc.train()
        perm = torch.from_numpy(perms[epoch - 1].astype(np.int64))
        dsum = gsum = 0.0
        steps = 0
        for s in range(0, n, a.batch_size):
            idx = perm[s:s + a.batch_size]
            if len(idx) < 2:
                continue
            x, c = xtr[idx], ctr[idx]
            z = noise[used:used + len(idx) * nz].reshape(len(idx), nz)
            used += len(idx) * nz
            fake = gen(torch.cat([c, z], 1))
            d_real = disc(torch.cat([x, c], 1))
            d_fake = disc(torch.cat([fake.detach(), c], 1))
            loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            d_gen = disc(torch.cat([fake, c], 1))
            loss_g = bce(d_gen, torch.ones_like(d_gen))
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            dsum, gsum, steps = dsum + loss_d.item(), gsum + loss_g.item(), steps + 1
        gen.eval()
        with torch.no_grad():
            gv = gen(torch.cat([cva, val_noise], 1)).double().numpy()
        wd = [wasserstein_distance(gv[:, j], xva[:, j]) for j in range(n_out)]
        print(f"{epoch},{dsum / steps:.6g},{gsum / steps:.6g},"
              + ",".join(f"{w:.6g}" for w in wd) + f",{np.mean(wd):.6g}", flush=True)


if __name__ == "__main__":
    main()
