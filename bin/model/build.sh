#!/usr/bin/env bash
# Rebuilds the default embedding model (ct-static-v2) into src/embed/data: see bin/model/README.md.
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

# 2. Pairs (dev sets kept out), 3. token rows with the runtime's own mapping, 4. training and export.
# Debian's Python: python3-torch is installed for it, not for a pyenv or venv python3 on the PATH.
PY=/usr/bin/python3
start=$(date +%s)
"$PY" -W ignore bin/model/collect.py --out "$WORK/pairs.jsonl" --man-debs "$WORK/man/x"
node bin/model/prepare.mjs --work "$WORK"
nice -n 10 "$PY" bin/model/train.py --work "$WORK" --out "$OUT" --threads "$THREADS" "$@"
echo "build-model: done in $(( $(date +%s) - start )) s; model in $OUT/ct-static-v2.{bin,json}" >&2
