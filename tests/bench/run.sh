#!/usr/bin/env bash
# National-scale benchmark (tests/bench/README.md). Generates the inputs
# that are missing, then runs tests/bench/run.py and prints a Markdown table.
#   tests/bench/run.sh [BUILD_DIR] [DATA_DIR] [run.py options...]
# BUILD_DIR: a Release build (default build-release, made when missing);
# DATA_DIR: where the generated inputs go (default /work/bench-data; about
# 6 GB for all three scales).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-release}
data=${2:-/work/bench-data}
shift $(( $# > 2 ? 2 : $# ))
if [ ! -x "$build/wijkscan" ] || [ ! -x "$build/wijkscan-nl-gen" ]; then
  nice -n 10 cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice -n 10 cmake --build "$build" -j"$(nproc)" >/dev/null
fi
gen=$build/wijkscan-nl-gen
mkdir -p "$data"
[ -f "$data/boce/bag-light-nl-synthetic.gpkg" ] ||
  "$gen" --gemeenten GM0109,GM0114,GM1681 "$data/boce"
[ -f "$data/1m/bag-light-nl-synthetic.gpkg" ] ||
  "$gen" --around GM0114 --vbo 1000000 "$data/1m"
[ -f "$data/nl/bag-light-nl-synthetic.gpkg" ] || "$gen" "$data/nl"
exec /usr/bin/python3 "$root/tests/bench/run.py" --data "$data" \
  --wijkscan "$build/wijkscan" --floor "$build/tests/bench_floor_arrow" "$@"
