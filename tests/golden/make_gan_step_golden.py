#!/usr/bin/python3
"""Golden values for gan-train's training step, made by the PyTorch reference itself.

Run from the project root (needs Debian's python3-torch and ../shared/bench/torch_gan.py):
    /usr/bin/python3 tests/golden/make_gan_step_golden.py
Writes tests/golden/gan_step_golden.txt, read by tests/unit/test_gan_golden.c.

For each case it builds the generator and discriminator with torch_gan.py's own `mlp` (and
its Tanh), its Adam settings and BCEWithLogitsLoss, loads parameters and batches that both
sides can make exactly (an xorshift32 stream scaled so every value is a float32), and runs
torch_gan.py's step: D on real and fake separately, then G through the updated D, on each
batch in turn (the last one short). It runs in float64, so the C float32 step is compared
with the exact step, not with another float32 rounding of it.

Recorded per case: both losses at every step; the D gradient of the last D step and the G
gradient of the last G step; all parameters after the last step; G's batch-norm running
statistics; G's output in inference mode on the first batch's inputs. The biases that
torch_gan.py puts before each batch norm (gan-train leaves them out: batch norm cancels
them) are zero and get no gradient in exact arithmetic, so they are not recorded. Arrays of
more than 1000 values are recorded at every `stride`-th index.

Line format:  case NAME key value ...   then   NAME ARRAY n stride v0 v1 ...
With --float32 it writes nothing and prints how far torch_gan.py's own float32 run of the
same steps is from the float64 one, the yardstick for the C test's tolerances.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "bench"))
from torch_gan import mlp  # noqa: E402  (the reference's network, not a copy of it)

CASES = [
    # name, ncond, nnoise, nout, gen width, disc width, batch, lr_g, lr_d, seed, rows per step
    ("small", 2, 3, 2, 8, 12, 16, 2e-3, 5e-3, 1, [16, 16, 5]),
    # the study's best set: widths past NN's narrow-kernel limit, the GEMM paths, a short batch
    ("best", 4, 3, 2, 65, 243, 642, 1e-4, 3e-4, 7, [642, 300]),
]


class Stream:
    """xorshift32; value = float32(offset + (top 24 bits - 2^23) * scale / 2^23), computed
    exactly in double for a power-of-two scale, so both languages round it the same way.
    tests/unit/test_gan_golden.c has the same stream."""

    def __init__(self, seed):
        self.x = seed

    def take(self, n, scale, offset=0.0):
        out = np.empty(n, dtype=np.float64)
        x = self.x
        for i in range(n):
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            out[i] = offset + ((x >> 8) - 8388608) * (scale / 8388608.0)
        self.x = x
        return out.astype(np.float32).astype(np.float64)


def mlp_arrays(st, nin, w, nout):
    """Parameters in gan-train's layout (W as [in x out]) and order."""
    return {
        "W1": st.take(nin * w, 0.25).reshape(nin, w),
        "g1": st.take(w, 0.125, 1.0), "be1": st.take(w, 0.0625),
        "W2": st.take(w * w, 0.25).reshape(w, w),
        "g2": st.take(w, 0.125, 1.0), "be2": st.take(w, 0.0625),
        "W3": st.take(w * nout, 0.25).reshape(w, nout), "b3": st.take(nout, 0.0625),
    }


# gan-train's names for the parameters of torch_gan.py's Sequential (index, attribute)
SLOTS = [("W1", 0, "weight"), ("g1", 1, "weight"), ("be1", 1, "bias"), ("W2", 3, "weight"),
         ("g2", 4, "weight"), ("be2", 4, "bias"), ("W3", 6, "weight"), ("b3", 6, "bias")]


def load(net, arr, T):
    with torch.no_grad():
        for name, i, attr in SLOTS:
            getattr(net[i], attr).copy_(T(arr[name].T if name[0] == "W" else arr[name]))
        net[0].bias.zero_()
        net[3].bias.zero_()


def flat(net, what):
    """Parameters or gradients of net in gan-train's flat order."""
    parts = []
    for name, i, attr in SLOTS:
        t = getattr(net[i], attr)
        t = t.grad if what == "grad" else t.detach()
        parts.append((t.T if name[0] == "W" else t).double().numpy().ravel())
    return np.concatenate(parts)


def run_case(dtype, name, nc, nz, no, gw, dw, batch, lr_g, lr_d, seed, rows):
    """torch_gan.py's steps in dtype; returns the recorded arrays and the initial parameters."""
    st = Stream(seed)
    gp, dp = mlp_arrays(st, nc + nz, gw, no), mlp_arrays(st, no + nc, dw, 1)
    steps = [(st.take(b * no, 0.5).reshape(b, no), st.take(b * nc, 1.0).reshape(b, nc),
              st.take(b * nz, 2.0).reshape(b, nz)) for b in rows]
    T = lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(dtype)  # noqa: E731
    gen = nn.Sequential(mlp(nc + nz, gw, no), nn.Tanh()).to(dtype)
    disc = mlp(no + nc, dw, 1).to(dtype)
    load(gen[0], gp, T)
    load(disc, dp, T)
    opt_g = torch.optim.Adam(gen.parameters(), lr=lr_g, betas=(0.9, 0.999), eps=1e-7)
    opt_d = torch.optim.Adam(disc.parameters(), lr=lr_d, betas=(0.9, 0.999), eps=1e-7)
    bce = nn.BCEWithLogitsLoss()
    losses = []
    for x, c, z in steps:  # torch_gan.py's loop body
        x, c, z = T(x), T(c), T(z)
        fake = gen(torch.cat([c, z], 1))
        d_real = disc(torch.cat([x, c], 1))
        d_fake = disc(torch.cat([fake.detach(), c], 1))
        loss_d = bce(d_real, torch.ones_like(d_real)) + bce(d_fake, torch.zeros_like(d_fake))
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        grad_d = flat(disc, "grad")  # before loss_g.backward() adds its part to D's .grad
        opt_d.step()
        d_gen = disc(torch.cat([fake, c], 1))
        loss_g = bce(d_gen, torch.ones_like(d_gen))
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        grad_g = flat(gen[0], "grad")
        opt_g.step()
        losses += [loss_d.item(), loss_g.item()]
    gen.eval()
    with torch.no_grad():
        x, c, z = steps[0]
        infer = gen(torch.cat([T(c), T(z)], 1)).double().numpy()
    bn = gen[0]
    running = np.concatenate([bn[1].running_mean.double().numpy(),
                              bn[1].running_var.double().numpy(),
                              bn[4].running_mean.double().numpy(),
                              bn[4].running_var.double().numpy()])
    arrays = [("losses", np.array(losses)), ("grad_g", grad_g), ("grad_d", grad_d),
              ("param_g", flat(gen[0], "param")), ("param_d", flat(disc, "param")),
              ("running_g", running), ("infer", infer.ravel())]
    start = {"param_g": np.concatenate([v.ravel() for v in gp.values()]),
             "param_d": np.concatenate([v.ravel() for v in dp.values()])}
    return arrays, start


def write_case(f, case, arrays):
    name, nc, nz, no, gw, dw, batch, lr_g, lr_d, seed, rows = case
    f.write(f"case {name} ncond {nc} nnoise {nz} nout {no} gw {gw} dw {dw} batch {batch} "
            f"lr_g {lr_g!r} lr_d {lr_d!r} seed {seed} steps {len(rows)} rows "
            + " ".join(map(str, rows)) + "\n")
    for key, v in arrays:
        stride = 1 if len(v) <= 1000 else (len(v) // 1000) | 1
        f.write(f"{name} {key} {len(v)} {stride} "
                + " ".join(f"{t:.17g}" for t in v[::stride]) + "\n")


def float32_errors():
    """How far torch_gan.py's own float32 run is from the float64 one, with the C test's
    measure (max error over the array's max; parameters by their update): the scale that
    the C test's tolerances are set against."""
    for case in CASES:
        exact, start = run_case(torch.float64, *case)
        single, _ = run_case(torch.float32, *case)
        for (key, e), (_, s) in zip(exact, single):
            base = start.get(key, 0.0)
            err = np.abs((s - base) - (e - base)).max() / np.abs(e - base).max()
            print(f"{case[0]:6s} {key:10s} torch float32 vs float64: {err:.2e}")


def main():
    if sys.argv[1:] == ["--float32"]:
        float32_errors()
        return
    torch.set_default_dtype(torch.float64)
    path = os.path.join(HERE, "gan_step_golden.txt")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("# made by tests/golden/make_gan_step_golden.py with torch "
                f"{torch.__version__}; do not edit\n")
        for case in CASES:
            write_case(f, case, run_case(torch.float64, *case)[0])
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
