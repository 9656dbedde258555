#!/usr/bin/env bash
# Runs the demo model's training step in Visor (TrainStepBench) and in PyTorch
# (train_step_torch.py) back to back on 1 and 2 threads, and prints both figures with the load;
# TrainStepCpu adds Visor's one-thread figure per CPU second, steadier on a shared machine.
# Needs benchmarks/target/benchmarks.jar (mvn -B -q package -DskipTests -pl benchmarks -am) and
# Debian's python3-torch (apt-get install -y python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=benchmarks/target/benchmarks.jar
JAVA=${JAVA:-java}
[[ -f $JAR ]] || { echo "missing $JAR: mvn -B -q package -DskipTests -pl benchmarks -am" >&2; exit 1; }
echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')  load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" TrainStepBench -p threads=1,2 "$@" 2>/dev/null \
    | grep -E '^(Benchmark|TrainStepBench)'
"$JAVA" --add-modules jdk.incubator.vector -cp "$JAR" dev.visor.bench.TrainStepCpu 150 300 2>/dev/null
OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/python/train_step_torch.py --threads 1 2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
