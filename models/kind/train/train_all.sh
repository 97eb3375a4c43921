#!/bin/bash
# Trains every KinD stage in order (decom, illum, restore lite, restore full), each
# resuming from its checkpoint, exporting weights/ after every chunk so usable ONNX
# files exist early. Budgets are training minutes per stage, counted across resumes.
#
#   nohup nice -n 19 models/kind/train/train_all.sh > /tmp/kind-train.out 2>&1 &
#   END=10:57 FULL_MIN=600 models/kind/train/train_all.sh   # full net until 10:57 UTC
#   INIT_FROM_ONNX=1 ...   # fresh machine: continue from the shipped weights/*.onnx
set -uo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
DECOM_MIN=${DECOM_MIN:-15}
ILLUM_MIN=${ILLUM_MIN:-6}
LITE_MIN=${LITE_MIN:-35}
FULL_MIN=${FULL_MIN:-75}
CHUNK=${CHUNK:-15}            # wall minutes between exports
END=${END:-}                  # optional UTC HH:MM at which every stage stops
INIT_FROM_ONNX=${INIT_FROM_ONNX:-0}

# run_stage EXPORT_NAME ONNX_FILE MINUTES SCRIPT [args...]
run_stage() {
  local name=$1 file=$2 minutes=$3 script=$4; shift 4
  local extra=()
  [ "$INIT_FROM_ONNX" = 1 ] && [ -f "../weights/$file" ] && extra+=(--init-from-onnx "../weights/$file")
  [ -n "$END" ] && extra+=(--deadline "$END")
  while true; do
    $PY "$script" "$@" --minutes "$minutes" --resume --stop-after "$CHUNK" "${extra[@]}"
    local rc=$?
    $PY export.py --only "$name" || echo "export of $name failed"
    [ $rc -eq 3 ] || return $rc
  done
}

run_stage decom kind-decom.onnx "$DECOM_MIN" decom.py || exit
run_stage illum kind-illum.onnx "$ILLUM_MIN" illum.py || exit
run_stage restore-lite kind-lite-restore.onnx "$LITE_MIN" restore.py --width lite || exit
run_stage restore-full kind-restore.onnx "$FULL_MIN" restore.py --width full
echo "train_all: finished $(date -u +%H:%M)"
