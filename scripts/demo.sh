#!/usr/bin/env bash
# npm run demo: set everything up, make the bundled dark sample clip, enhance it with the default
# pipeline, and say where the result is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p samples
[[ -f samples/night-sample.mp4 ]] || scripts/make-sample.sh samples/night-sample.mp4 4 >/dev/null
node dist/pipeline/cli/main.js run pipelines/cctv-night.yaml \
  --set input=samples/night-sample.mp4 --set output=samples/night-sample-enhanced.mp4
echo
echo "input:    $(pwd)/samples/night-sample.mp4"
echo "enhanced: $(pwd)/samples/night-sample-enhanced.mp4"
