#!/usr/bin/python3
"""Golden values for nn.c's 2-D convolution and transposed convolution, made by PyTorch.

Run from the project root (needs Debian's python3-torch):
    /usr/bin/python3 tests/golden/make_conv_golden.py
Writes tests/golden/conv_golden.txt, read by tests/unit/test_conv.c.

Each case draws x, W, b and an output gradient dy as float32 values (numpy's seeded stream,
recorded in the file, so the C side reads the very same inputs), runs torch.nn.functional's
conv2d or conv_transpose2d in float64 on them, and records the output y and the gradients
dx, dW, db of sum(y * dy). The C float32 layers are thus compared with the exact result.
Layouts are PyTorch's, which nn.h adopts: NCHW images, conv W [cout, cin, kh, kw],
transposed W [cin, cout, kh, kw].

Line format:  case NAME transposed T B b cin C h H w W cout K kh KH kw KW sh S sw S ph P pw P oph O opw O
then          NAME ARRAY n v0 v1 ...   for x W b dy y dx dW db
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # name, transposed, B, cin, h, w, cout, kh, kw, sh, sw, ph, pw, oph, opw
    ("conv3x3", 0, 2, 3, 12, 12, 4, 3, 3, 1, 1, 1, 1, 0, 0),
    ("conv_strided", 0, 3, 2, 7, 9, 5, 3, 2, 2, 1, 1, 0, 0, 0),
    ("conv_strip", 0, 2, 2, 3, 96, 3, 3, 4, 1, 4, 1, 0, 0, 0),
    ("convt2x", 1, 2, 4, 6, 6, 3, 4, 4, 2, 2, 1, 1, 0, 0),
    ("convt_odd", 1, 3, 3, 5, 4, 2, 3, 2, 2, 3, 1, 0, 1, 2),
]


def main():
    rng = np.random.default_rng(19)
    lines = ["# made by tests/golden/make_conv_golden.py with torch %s; do not edit" % torch.__version__]
    for (name, tr, B, cin, h, w, cout, kh, kw, sh, sw, ph, pw, oph, opw) in CASES:
        x = rng.standard_normal((B, cin, h, w)).astype(np.float32)
        wshape = (cin, cout, kh, kw) if tr else (cout, cin, kh, kw)
        W = (rng.standard_normal(wshape) * 0.3).astype(np.float32)
        b = rng.standard_normal(cout).astype(np.float32)
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
        bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        if tr:
            y = F.conv_transpose2d(xt, Wt, bt, stride=(sh, sw), padding=(ph, pw),
                                   output_padding=(oph, opw))
        else:
            y = F.conv2d(xt, Wt, bt, stride=(sh, sw), padding=(ph, pw))
        dy = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        (y * torch.tensor(dy, dtype=torch.float64)).sum().backward()
        lines.append("case %s transposed %d B %d cin %d h %d w %d cout %d kh %d kw %d sh %d sw %d "
                     "ph %d pw %d oph %d opw %d" % (name, tr, B, cin, h, w, cout, kh, kw, sh, sw,
                                                     ph, pw, oph, opw))
        arrays = [("x", x), ("W", W), ("b", b), ("dy", dy), ("y", y.detach().numpy()),
                  ("dx", xt.grad.numpy()), ("dW", Wt.grad.numpy()), ("db", bt.grad.numpy())]
        for i, (key, a) in enumerate(arrays):
            a = np.asarray(a, dtype=np.float64).ravel()
            fmt = "%.9g" if i < 4 else "%.17g"   # the float32 inputs exactly, outputs in full
            lines.append("%s %s %d %s" % (name, key, a.size, " ".join(fmt % v for v in a)))
    with open(os.path.join(HERE, "conv_golden.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
