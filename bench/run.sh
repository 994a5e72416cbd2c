#!/bin/sh
# run.sh: every benchmark of docs/performance.md, with its peers, in one run.
#
#   bench/run.sh [BUILDDIR]      (default: build)
#
# (a)-(c) come from bench-graph; (d) and (e) from bench-mlp and peers.py,
# run with 1 and 2 threads; the same OPENBLAS_NUM_THREADS / OMP_NUM_THREADS
# apply to Graft, NumPy and PyTorch.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
cd "$here"

"$builddir/bench/bench-graph"

for t in 1 2; do
  export OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t
  graft=$("$builddir/bench/bench-mlp" "$t")
  peers=$(/usr/bin/python3 bench/peers.py "$t" 2>/dev/null || true)
  echo "$graft
$peers" | awk -v t="$t" '
    { v[$1] = $2 }
    END {
      printf "(d) mlp   %d thread(s): graft %8.1f us", t, v["mlp_us"]
      if ("numpy_mlp_us" in v) printf "   numpy %8.1f us (graft/numpy %.2fx)", v["numpy_mlp_us"], v["mlp_us"] / v["numpy_mlp_us"]
      if ("torch_mlp_us" in v) printf "   torch %8.1f us (graft/torch %.2fx)", v["torch_mlp_us"], v["mlp_us"] / v["torch_mlp_us"]
      printf "\n"
      printf "(e) sgemm %d thread(s): graft %8.1f GFLOP/s", t, v["sgemm_gflops"]
      if ("numpy_sgemm_gflops" in v) printf "   numpy %8.1f GFLOP/s (graft/numpy %.2fx)", v["numpy_sgemm_gflops"], v["sgemm_gflops"] / v["numpy_sgemm_gflops"]
      if ("torch_sgemm_gflops" in v) printf "   torch %8.1f GFLOP/s", v["torch_sgemm_gflops"]
      printf "\n"
    }'
done

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
