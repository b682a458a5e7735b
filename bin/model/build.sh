#!/usr/bin/env bash
# Rebuilds the default embedding model (ct-static-v3) into src/embed/data: see bin/model/README.md.
#   npm run build:model   (CT_MODEL_WORK: scratch folder; CT_MODEL_THREADS: torch threads, default 2;
#                          CT_MODEL_OUT: output folder, default src/embed/data)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${CT_MODEL_WORK:-${TMPDIR:-/tmp}/ct-model-build}"
THREADS="${CT_MODEL_THREADS:-2}"
OUT="${CT_MODEL_OUT:-src/embed/data}"
mkdir -p "$WORK/man"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# 1. Debian packages: the Python sources to learn from, and python3-torch to train with.
missing=$(grep -v '^#' bin/model/apt-packages.txt | while read -r p; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
# English long descriptions come from apt's Translation-en lists, which docker images often skip.
$SUDO apt-get update -qq -o Acquire::Languages=en
if [ -n "$missing" ]; then
  echo "build-model: installing $(echo "$missing" | wc -l) Debian packages" >&2
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Man pages may be stripped from the image: the Linux man-pages debs are extracted, not installed.
(cd "$WORK/man" && apt-get download -qq manpages manpages-dev 2>/dev/null && for f in *.deb; do dpkg-deb -x "$f" x; done)

# More Python to learn from: every architecture-independent python3-* package of the release
# (~3,200 debs, ~630 MB), downloaded (not installed) and only their .py files extracted.
if [ ! -f "$WORK/pyextra/.done" ]; then
  mkdir -p "$WORK/pydebs" "$WORK/pyextra"
  apt-cache dumpavail | awk '/^Package: /{p=$2} /^Architecture: /{a=$2} /^$/{if (p ~ /^python3-/ && p !~ /-(dbg|doc|dev)$/ && a == "all") print p; p=""}' \
    | sort -u > "$WORK/python-extra.txt"
  echo "build-model: downloading $(wc -l < "$WORK/python-extra.txt") python3 packages for their sources" >&2
  # In batches; a batch that fails (a package gone from the mirror) is retried one package at a time.
  (cd "$WORK/pydebs" && xargs -n 100 sh -c 'apt-get download -qq "$@" 2>/dev/null || for p in "$@"; do apt-get download -qq "$p" 2>/dev/null || echo "build-model: skipped $p" >&2; done' _ < "$WORK/python-extra.txt")
  for f in "$WORK"/pydebs/*.deb; do dpkg-deb --fsys-tarfile "$f" | tar -x -C "$WORK/pyextra" --wildcards '*.py' 2>/dev/null || true; done
  touch "$WORK/pyextra/.done"
fi

# 2. Pairs (dev sets kept out), 3. token rows with the runtime's own mapping, 4. training and export.
# Debian's Python: python3-torch is installed for it, not for a pyenv or venv python3 on the PATH.
PY=/usr/bin/python3
start=$(date +%s)
"$PY" -W ignore bin/model/collect.py --out "$WORK/pairs.jsonl" --man-debs "$WORK/man/x" --py-extra "$WORK/pyextra"
node bin/model/prepare.mjs --work "$WORK"
nice -n 10 "$PY" bin/model/train.py --work "$WORK" --out "$OUT" --threads "$THREADS" "$@"
echo "build-model: done in $(( $(date +%s) - start )) s; model in $OUT/ct-static-v3.{bin,json}" >&2
