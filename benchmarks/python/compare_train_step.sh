#!/usr/bin/env bash
# The training bars of issue 12 in one table: Visor (TrainStepCpu) and PyTorch 1.13 (train_step_torch.py)
# training the demo's model (d_model 64, 4 heads, 2 + 2 layers, d_ff 256, dropout 0.1, batches of 64
# reversal examples; 150 warm-up + 300 timed steps for Visor, 30 + 300 for PyTorch; Visor's demo runs
# first train throwaway models until the JIT has settled, TrainStepCpu's javadoc) and the base-size
# model (d_model 512, 8 heads, 6 + 6, FFN 2048, vocabulary 8000, 8 x 128 tokens; 8 warm-up + 5 timed
# steps by default on both sides: after 2 warm-up steps Visor's base step still runs partly in C1 code,
# and its figure swung from 246 to 377 tokens/s between runs of one build), each on 1 and 2 threads,
# back to back, with the load before and after.
#
#   benchmarks/python/compare_train_step.sh            # both sizes (about 9-10 minutes on a quiet 2-core machine)
#   SIZES=demo benchmarks/python/compare_train_step.sh # the small model only (about 3-4 minutes)
#   BASE_STEPS=10 BASE_WARMUP=8 benchmarks/python/compare_train_step.sh
#   SIZES="base base-full" benchmarks/python/compare_train_step.sh   # and the base batch without padding (every
#                                                   # row 128 long): what skipping padded work is worth
#
# Wall-clock ratios are the bars; on a loaded machine they measure the other work too, so the table
# adds one-thread ratios per CPU second and Visor's two-thread "critical CPU" figure (the larger of the
# caller's CPU time and the kernel threads' over threads - 1: a lower bound of a quiet machine's wall clock). Needs benchmarks/target/benchmarks.jar
# (mvn -B -q package -DskipTests -pl benchmarks -am) and Debian's python3-torch (apt-get install -y python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=benchmarks/target/benchmarks.jar
JAVA=${JAVA:-java}
SIZES=${SIZES:-"demo base"}
BASE_STEPS=${BASE_STEPS:-5}
BASE_WARMUP=${BASE_WARMUP:-8}
[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q package -DskipTests -pl benchmarks -am" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "blas: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)  java: $("$JAVA" -version 2>&1 | head -1)"
# torch.set_num_threads does not reach OpenBLAS (Debian's libblas.so.3 may be openblas-pthread), so each
# PyTorch thread count runs in a process of its own with OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set
torch() { local t; for t in 1 2; do
    OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t /usr/bin/python3 benchmarks/python/train_step_torch.py \
        --threads $t "$@" | grep '^pytorch' | tee -a "$out"; done; }
visor() { "$JAVA" -Xmx6g --add-modules jdk.incubator.vector -cp "$JAR" dev.visor.bench.TrainStepCpu "$@" 2>/dev/null | grep '^visor' | tee -a "$out"; }
for size in $SIZES; do
    if [[ $size == demo ]]; then
        visor demo 150 300 1
        visor demo 150 300 2 auto
        torch
    elif [[ $size == base || $size == base-full ]]; then
        visor "$size" "$BASE_WARMUP" "$BASE_STEPS" 1
        visor "$size" "$BASE_WARMUP" "$BASE_STEPS" 2 auto
        torch --size "$size" --warmup "$BASE_WARMUP" --steps "$BASE_STEPS"
    else
        echo "unknown size '$size': expected demo, base or base-full" >&2; exit 1
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" <<'PY'
import re, sys
runs = {}
for line in open(sys.argv[1]):
    kv = dict(re.findall(r"(\S+?)=(\S+)", line))
    side = line.split()[0]
    runs[(side, kv.get("size", "demo"), int(kv["threads"]))] = kv
def get(side, size, t, key):
    kv = runs.get((side, size, t), {})
    v = kv.get(key)
    return float(v) if v else None
def ratio(a, b):
    return f"{a / b:5.2f}x" if a and b else "    -"
print()
print("size  threads  visor tok/s  pytorch tok/s  visor/pytorch  (per CPU s: visor, pytorch, ratio)  visor 2T/1T (critical-CPU est.)")
for size in ("demo", "base", "base-full"):
    for t in (1, 2):
        v = get("visor", size, t, "tokens/wall-s")
        p = get("pytorch", size, t, "target_tokens_per_s")
        if v is None and p is None:
            continue
        extra = ""
        if t == 1:
            vc, pc = get("visor", size, 1, "tokens/cpu-s"), get("pytorch", size, 1, "target_tokens_per_cpu_s")
            extra = f"({vc or 0:8.0f} {pc or 0:8.0f} {ratio(vc, pc)})"
        else:
            v1 = get("visor", size, 1, "tokens/wall-s")
            c2, c1 = get("visor", size, 2, "tokens/critical-cpu-s"), get("visor", size, 1, "tokens/cpu-s")
            extra = f"{'':36s}{ratio(v, v1)} ({ratio(c2, c1)})"
        print(f"{size:9s} {t:3d}  {v or 0:11.0f}  {p or 0:13.0f}  {ratio(v, p):>13s}  {extra}")
print("bars: demo 1T >= 2x, demo 2T >= 3x, visor demo 2T/1T >= 1.6x, base >= 1.3x (base-full: no bar, the unpadded batch)")
PY
