#!/usr/bin/env bash
# Every check of the GPU path in one command, for a machine with a CUDA GPU and PyTorch (no network needed).
# From the repository root:
#     bash bench/gpu_wheels.sh          # beforehand, where PyPI can be reached: what the GPU machine lacks, into .whl/
#     bash bench/gpu_check.sh [OUT]     # on the GPU machine (OUT: where the figures and logs go)
# 1. bench/gpu.py: training steps/s and release images/s, float32 vs the fast path -> OUT/gpu.json, the docs' figures
# 2. the `gpu` cells of 05_train: inductor vs eager on CUDA, and no host-device sync in the loop (float32, fast path)
# 3. torchrun with NCCL, one process per GPU: dp_mepf_release and dp_mepf_train against the same commands in one process
# Each part's log is in OUT; the last lines say which parts passed, and the exit status is the number that failed.
# Without a GPU it runs the CPU variants (bench/gpu.py --small, no gpu cells, gloo): a check of this script itself.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-bench/results/gpu_check}"); mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg
site=$(mktemp -d); work=$(mktemp -d)
wheels=(); [[ -d .whl ]] && wheels=(.whl/*.whl)                   # one install: a second --target install skips bin/
"$PY" -m pip install -q --no-index --no-deps --no-build-isolation --no-compile --target "$site" "${wheels[@]}" . \
  >"$OUT/install.log" 2>&1 || { cat "$OUT/install.log"; exit 1; }   # dp_mepf itself too, with its console scripts
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" PATH="$site/bin:$PATH"
gpu=$("$PY" -c 'import torch; print(int(torch.cuda.is_available()))')
dev=$([[ $gpu == 1 ]] && echo cuda || echo cpu)
gpu_name=$("$PY" -c 'import torch; print(torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU")')
{ date -u; nvidia-smi -L 2>/dev/null; "$PY" -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda)'; } | tee "$OUT/machine.txt"

declare -A result
part() {                                                            # part NAME SECONDS COMMAND...: run, log, record
  local name=$1 limit=$2; shift 2; local t0=$SECONDS
  echo "== $name"
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1; local rc=$?
  tr '\r' '\n' <"$OUT/$name.log" | grep -v -e 'it/s' -e '^ *$' | tail -n 12       # (without progress bars)
  result[$name]="$([[ $rc == 0 ]] && echo passed || echo "FAILED (exit $rc)") in $((SECONDS - t0)) s"
}

# 1. throughput
# (the three limits add up to 590 s: one call of a 10-minute GPU lease; compiling takes most of each part)
if [[ $gpu == 1 ]]; then part bench 240 "$PY" bench/gpu.py --out "$OUT/gpu.json"
else part bench 240 "$PY" bench/gpu.py --small --out "$OUT/gpu.json"; fi

# 2. the gpu cells of 05_train (the whole notebook runs; on a CPU without the gpu flag)
part notebook 210 nbdev_test --path nbs/05_train.ipynb $([[ $gpu == 1 ]] && echo --flags gpu)

# 3. torchrun (NCCL on CUDA) against one process
torchrun_check() {
  local rel=(--data digits --size 28 --encoder efficientnet_lite0 --enc_size 32 --pool 2 --labelled --moments 2
             --eps 2 --delta 1e-5 --seed 5 --device "$dev")
  local tr=(--preset quickstart --steps 40 --batch_size 100 --ckpt_every 20 --sample_every 40 --device "$dev")
  local run=("$PY" -m torch.distributed.run --standalone --nproc_per_node 1 --no-python)
  dp_mepf_release "${rel[@]}" --out "$work/r1" && "${run[@]}" dp_mepf_release "${rel[@]}" --out "$work/r2" &&
  dp_mepf_train --release "$work/r1/release.pt" "${tr[@]}" --out "$work/t1" &&
  "${run[@]}" dp_mepf_train --release "$work/r1/release.pt" "${tr[@]}" --out "$work/t2" || return 1
  "$PY" - "$work" <<'PY'
import csv, sys, torch
from pathlib import Path
from dp_mepf.release import load_release
from dp_mepf.train import load_generator
w = Path(sys.argv[1]); a, b = load_release(w/'r1'), load_release(w/'r2')
assert a.certificate == b.certificate, 'the certificates differ'
gap = max(((a.sums[k] - b.sums[k]).norm()/a.sums[k].norm()).item() for k in a.sums)
print(f'release, torchrun vs one process: same certificate; sums within {gap:.1e}'); assert gap < 1e-6
logs = {}
for t, how in (('t1', 'one process'), ('t2', 'torchrun')):
    rows = list(csv.DictReader(open(w/t/'log.csv')))
    assert [int(r['step']) for r in rows] == list(range(1, 41)), f'{t}: log.csv does not hold steps 1..40'
    s, logs[t] = [float(r['seconds']) for r in rows], [float(r['mmd2_phi1']) for r in rows]
    print(f"{how}: 40 steps, {20/(s[-1] - s[19]):.1f} steps/s over steps 21-40, MMD² {logs[t][0]:.4g} -> {logs[t][-1]:.4g}")
early = max(abs(a - b)/a for a, b in zip(logs['t1'][:3], logs['t2'][:3])); last = abs(logs['t1'][-1] - logs['t2'][-1])/logs['t1'][-1]
z = torch.Generator().manual_seed(0)
G1, G2 = load_generator(w/'t1'), load_generator(w/'t2')
x = G1.latent(100, torch.arange(100) % 10, z)
with torch.no_grad(): y1, y2 = G1(x), G2(x)
print(f'training, torchrun vs one process: MMD² of steps 1-3 within {early:.1e}, of step 40 within {last:.1e}; images after 40 '
      f'steps {((y1 - y2).norm()/y1.norm()).item():.1e} apart (Adam amplifies rounding: 1 vs 2 CPU threads give 0.67)')
assert early < 1e-3 and last < 0.05
PY
}
export -f torchrun_check; export dev work PY
part torchrun 140 bash -c torchrun_check

rm -rf "$site" "$work"
echo "== summary ($gpu_name)" | tee "$OUT/summary.txt"
failed=0
for k in bench notebook torchrun; do
  echo "$k: ${result[$k]}" | tee -a "$OUT/summary.txt"; [[ ${result[$k]} == passed* ]] || failed=$((failed + 1))
done
exit $failed
