#!/usr/bin/env bash
# Installs what kind-pipe needs on a fresh Debian 12 machine, skipping what is already there:
# system packages (ffmpeg; with --training also PyTorch and onnx for the parity test and
# training; with --gstreamer the GStreamer 1.22 tools, plugins and headers, meson, ninja and gcc
# for the kindenhance element; with --browser Debian's chromium, which test/preview.test.ts drives
# through playwright-core; with --redis Debian's redis-server for the queue tests), node modules
# (npm ci) and the build.
set -euo pipefail
cd "$(dirname "$0")/.."
want=(ffmpeg)
[[ " $* " == *" --training "* ]] && want+=(python3-torch python3-onnx python3-numpy python3-pil)
[[ " $* " == *" --redis "* ]] && want+=(redis-server)   # BullMQ's Redis, for kind-pipe submit/worker and test/queue.test.ts (started by the tests, not as a service)
[[ " $* " == *" --browser "* ]] && want+=(chromium)   # headless, for the sink.preview page test; never `npx playwright install`
gstreamer=false; [[ " $* " == *" --gstreamer "* ]] && gstreamer=true
$gstreamer && want+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev meson ninja-build pkg-config gcc
  gstreamer1.0-plugins-ugly g++ make python3)   # x264enc for sink.gst examples; node-gyp builds gstreamer-superficial
$gstreamer && want+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp)   # the RTSP camera of test/rtsp.test.ts (test/fixtures/rtsp-server.py; x264enc from -ugly)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
# node-gyp (the optional gstreamer-superficial) builds against this Node's own headers, never downloaded ones.
[[ -f /usr/include/node/node.h ]] && export npm_config_nodedir="${npm_config_nodedir:-/usr}"
# The GStreamer headers go in above, before npm ci, so that the optional native binding builds; a
# node_modules made before them lacks it (npm skips an optional package whose build fails).
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]] ||
  { $gstreamer && ! node -e "require('gstreamer-superficial')" 2>/dev/null; }; then
  npm ci --no-audit --no-fund >&2
fi
npm run --silent build >&2
if $gstreamer; then npm run --silent build:gst >/dev/null; fi
