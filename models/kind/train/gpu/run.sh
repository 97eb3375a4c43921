#!/usr/bin/env bash
# On a lent GPU machine (the device tool), from the repository root, with .gpu/ carried (pack.py):
# trains KinD's Restoration + Illumination jointly on the smoother Decom's output for MINUTES
# (default 8), in pieces of 3 minutes so that what $OUT holds is never more than one piece old:
# after each piece the averaged weights (fp16, ~8 MB) and the curves go to $OUT. Resumable across
# calls: bring $OUT/restore-smooth-gpu.pt back and start the next call from it (README.md).
#   bash models/kind/train/gpu/run.sh 8 [weights.pt to start from]
set -euo pipefail
minutes=${1:-8}
start=${2:-}
out=${OUT:-/tmp/out}
mkdir -p "$out"
# KIND_TRAIN_DEVICE=cpu PY=/usr/bin/python3 BATCH=2 THREADS=1 OUT=/tmp/o bash …/run.sh 1: the same on this machine (a smoke test).
export KIND_TRAIN_DEVICE=${KIND_TRAIN_DEVICE:-cuda} KIND_PIPE_DATA=$PWD/.gpu/data PYTHONUNBUFFERED=1
py=${PY:-python3}
$py -c "import torch, os; d = os.environ['KIND_TRAIN_DEVICE']; assert d == 'cpu' or torch.cuda.is_available(), 'no CUDA device'; print(torch.__version__, d, torch.cuda.get_device_name() if d == 'cuda' else '')"
# ffmpeg codes the camera share of the pairs (degrade camera=True); without it that share is 0.
camera=0.3; command -v ffmpeg >/dev/null || camera=0
init=(--init-from-onnx models/kind/weights/kind-restore.onnx --init-illum-from-onnx models/kind/weights/kind-illum.onnx)
[ -z "$start" ] || init=(--init-from-pt "$start")
deadline=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  left=$(( (deadline - $(date +%s)) / 60 )); piece=$(( left < 3 ? left : 3 )); [ "$piece" -ge 1 ] || break
  set +e
  $py models/kind/train/restore.py --width full --loss joint --run restore-smooth-gpu --decom-onnx .gpu/decom.onnx \
    "${init[@]}" --resume --neutral-wb 0.5 --camera $camera --black 0.5 --ema 0.998 --lr 1e-4 --illum-lr 1e-4 \
    --batch ${BATCH:-16} --minutes 100000 --stop-after "$piece" --ckpt-every 1 --threads ${THREADS:-8} 2>&1 | tail -n 3
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || [ "$code" -eq 3 ] || { echo "restore.py exit $code"; exit "$code"; }
  init=()
  $py models/kind/train/gpu/weights.py save restore-smooth-gpu "$out/restore-smooth-gpu.pt"
  cp models/kind/train/runs/restore-smooth-gpu/val.csv "$out/val.csv"
  cp models/kind/train/runs/restore-smooth-gpu/train.log "$out/train.log"
done
