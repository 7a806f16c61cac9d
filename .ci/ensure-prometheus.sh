#!/usr/bin/env bash
# Makes sure `prometheus` and `promtool` are on PATH before `npm run test:e2e`, installing Debian's
# package when they are missing (needs root; there is no Docker here). The package's own service
# is not used: the test starts its own Prometheus on a free loopback port.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "prometheus and promtool are not installed; install them (Debian/Ubuntu: sudo apt-get install -y prometheus) and rerun." >&2
  exit 1
fi
echo "Installing Debian's prometheus package for the end-to-end test..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v prometheus >/dev/null && command -v promtool >/dev/null
