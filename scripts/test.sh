#!/usr/bin/env bash
# The test command (README, CI): system packages, the layering check (and its
# self-test), then the whole Swift test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/check-layering.sh
scripts/check-layering.sh --self-test
swift test
