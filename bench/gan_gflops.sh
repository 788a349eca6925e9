#!/bin/bash
# bench/gan_gflops.sh — GEMM GFLOP/s that gan-train sustains, per configuration: user CPU time of
# one epoch (2-epoch run minus 1-epoch run, so data loading cancels) on the first 100,000
# hadronization events, against the floating-point work of the step as gan-train executes it
# (dense layers only: forward, input and weight gradients actually computed).
#   bench/gan_gflops.sh TRAIN VAL
set -euo pipefail
tr=$1 va=$2 n=100000
flops() { # nz bs gw dw -> GEMM flops of one epoch (nc=4, no=2)
  awk -v nz="$1" -v B="$2" -v gw="$3" -v dw="$4" -v n="$n" 'function L(b,i,o){return 2*b*i*o}
    function step(B){ gi=4+nz; di=2+4;
      g1=L(B,gi,gw); g2=L(B,gw,gw); g3=L(B,gw,2);
      d1=L(2*B,di,dw); d2=L(2*B,dw,dw); d3=L(2*B,dw,1);
      e1=L(B,di,dw); e2=L(B,dw,dw); e3=L(B,dw,1);
      return (g1+g2+g3) + (d1+d2+d3) + (2*d3+2*d2+d1) + (e1+e2+e3) + (e3+e2+e1) + (2*g3+2*g2+g1) }
    BEGIN{ f=int(n/B)*step(B); r=n%B; if (r>=2) f+=step(r); print f }'
}
cpu() { /usr/bin/time -f %U bin/gan-train --train "$tr" --val "$va" --out-cols theta,phi \
  --cond-cols E,px,py,pz --max-events $n --noise-dim "$1" --batch-size "$2" \
  --gen-layersize "$3" --disc-layersize "$4" --epochs "$5" --seed 1 2>&1 >/dev/null | tail -1; }
echo "config,flops_per_epoch,cpu_s_per_epoch,gflops"
for cfg in "8 256 64 64" "4 512 256 256" "3 642 65 243"; do
  read -r nz bs gw dw <<<"$cfg"
  a=$(cpu $nz $bs $gw $dw 1) b=$(cpu $nz $bs $gw $dw 3)
  f=$(flops $nz $bs $gw $dw)
  awk -v c="$nz/$bs/$gw/$dw" -v f="$f" -v a="$a" -v b="$b" \
    'BEGIN{s=(b-a)/2; printf "%s,%.4g,%.3f,%.1f\n", c, f, s, f/s/1e9}'
done
