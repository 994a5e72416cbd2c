#!/bin/sh
# run.sh: every benchmark of docs/performance.md, with its peers, in one run.
#
#   bench/run.sh [--quick] [--backends] [BUILDDIR]      (default: build)
#
#   --quick     a smoke run: small sizes, 2 rounds (figures not comparable)
#   BENCH_SGEMM_MAX=N in the environment leaves out SGEMMs larger than N
#   (the 4096³ ones take most of the run's time on a loaded machine).
#
#   --backends  also the MatMul table (BACKEND_ROUNDS rounds, default 3;
#               squares up to BACKEND_MAX, default 4096): each library (GRAFT_MATMUL) on the
#               MLP's layer shapes and squares, with 1 and 2 threads; and
#               bench-pack, oneDNN with weights packed once or per call
#
# Fairness. Every benchmark command runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (`env -u`, here only: never in tests or CI) so
# that OpenBLAS picks its kernel for this CPU, in Graft and in NumPy and
# PyTorch alike; the kernel each one loaded is printed and the run fails
# if they differ. Graft's and the peers' processes alternate, round after
# round (A B A B ...), each round measuring every figure; the report gives
# the minimum and median over rounds and the ratio taken within each
# round (min and median of those). Threads are set inside each process for
# each figure (the session's count in Graft, threadpoolctl and
# torch.set_num_threads in the peers).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
quick=
backends=
builddir=build
for arg in "$@"; do
  case "$arg" in
    --quick) quick=--quick ;;
    --backends) backends=1 ;;
    *) builddir=$arg ;;
  esac
done
cd "$here"
python=/usr/bin/python3
rounds=5
[ -n "$quick" ] && rounds=2
fair() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "bench/run.sh $*  ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
echo "environment: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE-<unset>} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE-<unset>} (both unset for every command below)"

# The BLAS kernels: Graft's OpenBLAS and every OpenBLAS the peers load.
graft_core=$(fair "$builddir/bench/bench-mlp" info | awk '$1 == "blas_core" { print $2 }')
echo "OpenBLAS kernel: graft $graft_core"
fair "$python" bench/peers.py info > "$tmp/cores" || true
mismatch=0
while read -r _ path core; do
  echo "OpenBLAS kernel: peers $core ($path)"
  if [ "$graft_core" != none ] && [ "$core" != "$graft_core" ]; then
    mismatch=1
  fi
done < "$tmp/cores"
if [ "$mismatch" = 1 ]; then
  echo "FAIL: Graft and its peers ran different OpenBLAS kernels: the comparison would be unfair" >&2
  exit 1
fi

# (a)-(c): graph building, look-ups, dispatch. No peer is installed.
fair "$builddir/bench/bench-graph" $quick
# Figures other benchmarks add (registry start-up, builder, get_variable):
# each executable listed here runs once, with the same flags, if built.
for extra in bench-registry bench-build; do
  if [ -x "$builddir/bench/$extra" ]; then
    fair "$builddir/bench/$extra" $quick
  fi
done

# (d) MLP vs PyTorch and (e) SGEMM vs NumPy, interleaved.
r=1
while [ "$r" -le "$rounds" ]; do
  fair "$builddir/bench/bench-mlp" round $quick | sed "s/^/$r graft_/" >> "$tmp/rounds"
  fair "$python" bench/peers.py round $quick | sed "s/^/$r /" >> "$tmp/rounds"
  r=$((r + 1))
done
# Twice: wall time, then processor time (all threads), which stays near
# the cost of the work on a loaded machine where wall time does not.
for field in 5 6; do
awk -v rounds="$rounds" -v field="$field" '
  function sorted_stats(list, n,    a, i, j, t, k) {
    k = split(list, a, " ")
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    smin = a[1]; smax = a[k]
    smed = k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { key = $2 " " $3 " " $4; val[key] = val[key] " " $field; at[$1, key] = $field; seen[$2 " " $3 " " $4] = 1 }
  END {
    print field == 5 ? "\nWall time" : "\nProcessor time (all threads; GFLOP per CPU-second)"
    printf "%-30s %10s %10s   %-30s %10s %10s   %s\n", "graft", "best", "median", "peer", "best", "median", "graft/peer same round (best median)"
    n = split("mlp:torch_mlp:us sgemm:numpy_sgemm:GFLOP/s", specs, " ")
    for (s = 1; s <= n; s++) {
      split(specs[s], p, ":")
      for (key in seen) {
        split(key, kk, " ")
        if (kk[1] != "graft_" p[1]) continue
        peer = p[2] " " kk[2] " " kk[3]
        rows[++nrows] = key "|" peer "|" p[3]
      }
    }
    # Order: kind, threads, size.
    for (i = 2; i <= nrows; i++) { t = rows[i]; for (j = i - 1; j >= 1 && order(rows[j]) > order(t); j--) rows[j + 1] = rows[j]; rows[j + 1] = t }
    for (i = 1; i <= nrows; i++) {
      split(rows[i], f, "|"); key = f[1]; peer = f[2]; unit = f[3]
      best = unit == "us" ? "min" : "max"
      sorted_stats(val[key]); gmin = unit == "us" ? smin : smax; gmed = smed
      ratios = ""
      pmin = "-"; pmed = "-"; rmin = "-"; rmed = "-"
      if (peer in val) {
        sorted_stats(val[peer]); pmin = unit == "us" ? smin : smax; pmed = smed
        for (r = 1; r <= rounds; r++)
          if ((r, key) in at && (r, peer) in at) ratios = ratios " " at[r, key] / at[r, peer]
        sorted_stats(ratios); rmin = sprintf("%.2fx", unit == "us" ? smin : smax); rmed = sprintf("%.2fx", smed)
      }
      split(key, kk, " ")
      label = sprintf("%s %s %s thr (%s)", kk[1], kk[2], kk[3], unit)
      printf "%-30s %10s %10s   %-30s %10s %10s   %s %s\n", label, gmin, gmed, peer, pmin, pmed, rmin, rmed
    }
    print "(best: the min of us, the max of GFLOP/s; ratios graft/peer: below 1 is faster in us, above 1 in GFLOP/s)"
  }
  function order(row,    f, kk) { split(row, f, "|"); split(f[1], kk, " "); return sprintf("%s %d %08d", kk[1], kk[3], kk[2]) }
' "$tmp/rounds"
done

# The MatMul library table (docs/performance.md, "Choosing the library").
if [ -n "$backends" ]; then
  libs="portable blas blis dnnl auto"
  r=1
  while [ "$r" -le "${BACKEND_ROUNDS:-3}" ]; do
    for lib in $libs; do
      for t in 1 2; do
        if [ "$lib" = auto ]; then
          fair "$builddir/bench/bench-mlp" matmul "$t" "${BACKEND_MAX:-4096}"
        else
          fair env GRAFT_MATMUL="$lib" "$builddir/bench/bench-mlp" matmul "$t" "${BACKEND_MAX:-4096}"
        fi | sed "s/^/$lib /" >> "$tmp/libs"
      done
    done
    r=$((r + 1))
  done
  # Wall time, then processor time (all threads).
  for field in 7 9; do
  awk -v libs="$libs" -v rounds="${BACKEND_ROUNDS:-3}" -v field="$field" '
    { key = $3 "x" $4 "x" $5 " " $6; t = $field; if (!((key, $1) in best) || t < best[key, $1]) best[key, $1] = t; if (!(key in seen)) { seen[key] = 1; keys[++n] = key } }
    END {
      nl = split(libs, L, " ")
      printf "\nMatMul, best of %d rounds, %s us (threads after the shape)\n%-22s", rounds, field == 7 ? "wall" : "processor", "shape"
      for (l = 1; l <= nl; l++) printf " %10s", L[l]
      printf "   fastest\n"
      for (i = 1; i <= n; i++) {
        printf "%-22s", keys[i]; fast = ""
        for (l = 1; l <= nl; l++) {
          v = (keys[i], L[l]) in best ? best[keys[i], L[l]] : "-"
          printf " %10s", v
          if (L[l] != "auto" && v != "-" && (fast == "" || v + 0 < fv)) { fast = L[l]; fv = v + 0 }
        }
        printf "   %s\n", fast
      }
    }' "$tmp/libs"
  done
  # Would packing weights once pay? (oneDNN; MatMul does not do it.)
  if [ -x "$builddir/bench/bench-pack" ]; then
    echo
    for t in 1 2; do
      fair "$builddir/bench/bench-pack" "$t"
    done
  fi
fi

# (f) the tutorial CNN (bench-conv, bench/peers-conv.py): forward, and
# forward and backward to both filters.
for t in 1 2; do
  export OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t
  graft=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$builddir/bench/bench-conv" "$t")
  peers=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers-conv.py "$t" 2>/dev/null || true)
  echo "$graft
$peers" | awk -v t="$t" '
    { v[$1] = $2 }
    END {
      printf "(f) cnn forward          %d thread(s): graft %9.1f us", t, v["cnn_fwd_us"]
      if ("torch_cnn_fwd_us" in v) printf "   torch %9.1f us (graft/torch %.2fx)", v["torch_cnn_fwd_us"], v["cnn_fwd_us"] / v["torch_cnn_fwd_us"]
      printf "\n"
      printf "(f) cnn forward+backward %d thread(s): graft %9.1f us", t, v["cnn_fwdbwd_us"]
      if ("torch_cnn_fwdbwd_us" in v) printf "   torch %9.1f us (graft/torch %.2fx)", v["torch_cnn_fwdbwd_us"], v["cnn_fwdbwd_us"] / v["torch_cnn_fwdbwd_us"]
      printf "\n"
    }'
done
