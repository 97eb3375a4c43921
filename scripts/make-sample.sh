#!/usr/bin/env bash
# Makes the demo's dark CCTV-like clip from the bundled CC0 photo (see examples/sample/README.md).
# usage: scripts/make-sample.sh OUT.mp4 [SECONDS]
set -euo pipefail
out=${1:?usage: scripts/make-sample.sh OUT.mp4 [SECONDS]}
seconds=${2:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
photo="$here/examples/sample/coffee.jpg"
mkdir -p "$(dirname "$out")"
tmp="$(dirname "$out")/.$(basename "$out" .mp4).partial.mp4"
# pan a 480x270 window across the 600x400 photo; darken to ~10% exposure with a gamma like a
# cheap sensor; a green-blue cast; temporal luma+chroma noise; H.264 like a recorder.
ffmpeg -v error -y -loop 1 -framerate 25 -i "$photo" \
  -f lavfi -i "sine=frequency=220:sample_rate=48000" \
  -filter_complex "[0:v]crop=480:270:x='(iw-480)*t/${seconds}':y='(ih-270)/2+30*sin(t)',format=rgb24,colorchannelmixer=rr=0.09:gg=0.11:bb=0.12,eq=gamma=0.9,noise=c0s=14:c1s=10:c2s=10:allf=t+u,format=yuv420p[v]" \
  -map "[v]" -map 1:a -t "$seconds" -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 64k -shortest "$tmp"
mv "$tmp" "$out"
echo "$out"
