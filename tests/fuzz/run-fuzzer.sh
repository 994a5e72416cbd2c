#!/bin/sh
# run-fuzzer.sh FUZZER SEEDS WORKDIR: runs a libFuzzer target for
# GRAFT_FUZZ_SECONDS (default 20) seconds. The committed seeds are read
# only: the corpus it grows goes to WORKDIR/corpus, a crashing input to
# WORKDIR/. Exits non-zero on a crash, a leak, a timeout or a UBSan report.
set -eu
fuzzer=$1
seeds=$2
work=$3
seconds=${GRAFT_FUZZ_SECONDS:-20}

mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/" \
  "$work/corpus" "$seeds"
