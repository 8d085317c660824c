#!/usr/bin/env bash
# The benchmark, in one command (see bench/README.md):
#
#   bench/run.sh [--sizes 1000,10000] [--full] [--hugo] [--rounds N] [--work DIR]
#
# Builds the release binary, the floor and the writing reference, then
# times clean builds of generated sites (bench/runner.py) and prints a
# Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet --bin briefing --example floor --example write_tree
exec python3 bench/runner.py "$@"
