#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100.3, from npm) into
# <repo>/.code-server for the end-to-end tests, plus the Debian packages it and the
# headless browser need. Idempotent: a finished install (stamp file + a working
# `--version`) is left alone. Steps follow shared/vscode-e2e-recipe.md: the package's own
# postinstall downloads ripgrep from GitHub, which this network cannot reach, so the
# install is done by hand with --ignore-scripts and the native modules are rebuilt
# against the installed Node headers.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
APT_PACKAGES=(libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev pkg-config ripgrep
  build-essential python3 chromium)

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$REPO_ROOT/.code-server"
STAMP="$DEST/.installed-$CODE_SERVER_VERSION"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"

# node-gyp builds against the headers of the Node on this machine instead of downloading them;
# node-pty's install script runs `npx node-gyp`, which would prompt without `yes`.
export npm_config_nodedir=/usr
export npm_config_yes=true
export npm_config_fund=false
export npm_config_audit=false
export npm_config_update_notifier=false
export DEBIAN_FRONTEND=noninteractive

log() { printf '[ensure-code-server] %s\n' "$*"; }

# Runs a command quietly; shows its output only when it fails. With WI_FULL_OUTPUT=1 (what
# `npm start` sets: it writes everything to its log file and shows only the lines of log()) the
# command's whole output is passed on.
quiet() {
  if [ "${WI_FULL_OUTPUT:-}" = 1 ]; then
    "$@" 2>&1 || { log "FAILED: $*"; return 1; }
    return 0
  fi
  local out
  out="$(mktemp)"
  if ! "$@" >"$out" 2>&1; then
    tail -n 60 "$out" >&2
    rm -f "$out"
    log "FAILED: $*"
    return 1
  fi
  rm -f "$out"
}

ensure_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
      missing+=("$p")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo -E); else
      log "missing apt packages (${missing[*]}) and not root: install them first"; return 1
    fi
  fi
  log "apt-get install ${missing[*]}"
  quiet "${sudo[@]}" apt-get update
  quiet "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# The version line; the first run of code-server also prints a note about its config file.
code_server_version() {
  node "$ENTRY" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -n 1
}

installed_version_ok() {
  [ -f "$STAMP" ] && [ -f "$ENTRY" ] || return 1
  local v
  v="$(code_server_version)" || return 1
  case "$v" in "$CODE_SERVER_VERSION"*) return 0 ;; *) return 1 ;; esac
}

ensure_apt_packages

if installed_version_ok; then
  log "code-server $CODE_SERVER_VERSION already installed in .code-server"
  exit 0
fi

start=$SECONDS
log "installing code-server $CODE_SERVER_VERSION into .code-server"
# An unfinished earlier attempt is thrown away rather than patched up.
rm -rf "$DEST"
mkdir -p "$DEST"
# A package.json of its own, so npm installs here and not into the repo (npm walks up to the
# nearest folder with a package.json otherwise).
printf '{ "name": "code-server-cache", "private": true }\n' >"$DEST/package.json"

log "npm install code-server@$CODE_SERVER_VERSION --ignore-scripts"
(cd "$DEST" && quiet npm install "code-server@$CODE_SERVER_VERSION" --ignore-scripts --no-package-lock)

VSCODE_DIR="$DEST/node_modules/code-server/lib/vscode"
log "lib/vscode: npm install --omit=dev --ignore-scripts"
(cd "$VSCODE_DIR" && quiet npm install --omit=dev --ignore-scripts)
# @vscode/ripgrep's postinstall skips its GitHub download when bin/ exists.
mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"
log "lib/vscode: npm rebuild (native modules)"
(cd "$VSCODE_DIR" && quiet npm rebuild)
ln -sfn node_modules "$VSCODE_DIR/node_modules.asar"

log "lib/vscode/extensions: npm install --omit=dev --ignore-scripts"
(cd "$VSCODE_DIR/extensions" && quiet npm install --omit=dev --ignore-scripts)

log "npm rebuild argon2 --build-from-source"
(cd "$DEST" && quiet npm rebuild argon2 --build-from-source)

version="$(code_server_version || true)"
case "$version" in
  "$CODE_SERVER_VERSION"*) ;;
  *) log "unexpected version output: $version"; exit 1 ;;
esac
date -u +%FT%TZ >"$STAMP"
log "done in $((SECONDS - start))s: $version"
