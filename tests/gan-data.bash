# gan-data.bash — the small conditional data set and settings that gan.bats and bf16.bats train on
# (loaded after helpers).

# A small conditional data set: theta depends on the conditions, phi is bimodal.
mkdata() { # mkdata FILE N SEED
  awk -v n="$2" -v s="$3" 'BEGIN{srand(s); print "E,px,py,theta,phi";
    for(i=0;i<n;i++){E=10+90*rand(); px=rand()-0.5; py=rand()-0.5;
      u=rand(); v=rand(); g=sqrt(-2*log(u+1e-12))*cos(6.2831853*v);
      th=0.02*E+px+0.1*g; ph=(rand()<0.5?-1:1)+0.2*g;
      printf "%.6g,%.6g,%.6g,%.6g,%.6g\n",E,px,py,th,ph}}' > "$1"
}

small=(--out-cols theta,phi --cond-cols E,px,py --noise-dim 3 --batch-size 64
       --gen-layersize 24 --disc-layersize 24 --seed 3)

setup_data() { mkdata train.csv 3000 1; mkdata val.csv 600 2; }

field() { awk -F, -v n="$1" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} NR==2{print $c}'; }
