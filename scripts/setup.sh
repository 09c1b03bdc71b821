#!/usr/bin/env bash
# Installs the system packages hepexc needs to build and test on a fresh
# Debian machine with Swift 6.3 (zlib for .npz/.gz data; pkg-config to find it).
# Idempotent: does nothing when everything is already installed.
set -euo pipefail
packages=(zlib1g-dev pkg-config libopenblas-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present (${packages[*]})"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
