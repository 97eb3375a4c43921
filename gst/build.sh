#!/usr/bin/env bash
# Builds the kindenhance element into dist/gst (npm run build:gst). Needs meson, ninja, gcc and
# the GStreamer development headers: bash scripts/setup.sh --gstreamer installs them.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in meson ninja pkg-config; do
  command -v "$tool" >/dev/null || { echo "build:gst: $tool is missing. Fix: bash scripts/setup.sh --gstreamer" >&2; exit 1; }
done
pkg-config --exists gstreamer-video-1.0 || { echo "build:gst: GStreamer headers are missing (libgstreamer-plugins-base1.0-dev). Fix: bash scripts/setup.sh --gstreamer" >&2; exit 1; }
[[ -f dist/gst/build.ninja ]] || meson setup dist/gst gst >&2
ninja -C dist/gst >&2
echo dist/gst/libgstkindenhance.so
