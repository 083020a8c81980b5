#!/usr/bin/env bash
# Comparative benchmark: posture against the Python pipelines a user would otherwise write
# (benches/peers/), on one synthetic corpus, in one run, so only the ratios matter.
#
# usage: benches/compare.sh [N] [--corpus DIR] [--runs R]
#   N         workbooks to generate with posture-gen (default 1000); posture also runs on 2×N
#             to show whether its peak memory grows with the number of workbooks
#   --corpus  use an existing folder of workbooks instead of generating one (no 2×N run)
#   --runs    timed runs per command, the median is reported (default 3)
#   --no-build  use the release binaries already built
#
# Writes benches/results/compare-<N>.md and prints it. Needs python3 (a venv with the
# pinned peers is created in .venv) and GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail

ARGS="$*"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=1000
CORPUS=""
RUNS=3
BUILD=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) CORPUS=$(cd "$2" && pwd); shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) N=$1; shift ;;
    esac
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release
FRAMEWORK=$ROOT/frameworks/kh-ncmf.toml
VENV=$ROOT/.venv
PY=$VENV/bin/python

if [ ! -x /usr/bin/time ]; then
    echo "error: GNU time is missing at /usr/bin/time (hint: apt-get install time)" >&2
    exit 2
fi
if [ ! -x "$PY" ]; then
    echo "creating $VENV" >&2
    python3 -m venv "$VENV"
fi
"$PY" -m pip install --quiet --disable-pip-version-check -r benches/peers/requirements.txt

if [ "$BUILD" = yes ]; then
    echo "building posture (release)" >&2
    cargo build --quiet --release --bins
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/posture-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

has_command() { "$BIN/posture" "$1" --help >/dev/null 2>&1; }

if [ -z "$CORPUS" ]; then
    if [ ! -x "$BIN/posture-gen" ]; then
        echo "error: $BIN/posture-gen was not built; pass --corpus DIR" >&2
        exit 2
    fi
    echo "generating $N and $((2 * N)) workbooks" >&2
    "$BIN/posture-gen" corpus --count "$N" --out "$WORK/corpus-1x" >/dev/null
    "$BIN/posture-gen" corpus --count "$((2 * N))" --out "$WORK/corpus-2x" >/dev/null
    CORPUS=$WORK/corpus-1x
    CORPUS2=$WORK/corpus-2x
else
    CORPUS2=""
fi
FILES=$(find "$CORPUS" -iname '*.xlsx' ! -name '~$*' | wc -l)

# measure NAME CMD...: RUNS timed runs; appends "NAME wall_s user_s sys_s peak_rss_kib" to
# $WORK/times. Exit status 1 means "some workbooks rejected" and is expected.
measure() {
    local name=$1 rc
    shift
    for _ in $(seq "$RUNS"); do
        rc=0
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
        if [ "$rc" -gt 1 ]; then
            echo "error: $name exited with $rc:" >&2
            tail -5 "$WORK/$name.err" >&2
            exit 1
        fi
        echo "$name $(tail -1 "$WORK/time")" >>"$WORK/times"
    done
    echo "  $name done" >&2
}

echo "timing on $FILES workbooks, $RUNS runs each" >&2
: >"$WORK/times"
POSTURE=no
if has_command validate && has_command score; then
    POSTURE=yes
    measure posture-validate "$BIN/posture" validate "$CORPUS"
    measure posture-score "$BIN/posture" score "$CORPUS" --out "$WORK/posture.json"
    measure posture-score-1thread env RAYON_NUM_THREADS=1 "$BIN/posture" score "$CORPUS" --out "$WORK/posture1.json"
    if [ -n "$CORPUS2" ]; then
        measure posture-validate-2x "$BIN/posture" validate "$CORPUS2"
        measure posture-score-2x "$BIN/posture" score "$CORPUS2" --out "$WORK/posture2.json"
    fi
else
    echo "  posture has no validate/score command in this build: peers only" >&2
fi
for peer in openpyxl_pandas calamine_polars; do
    measure "$peer-validate" "$PY" "benches/peers/$peer.py" "$CORPUS" validate "$FRAMEWORK"
    measure "$peer-score" "$PY" "benches/peers/$peer.py" "$CORPUS" score "$FRAMEWORK"
done

mkdir -p benches/results
OUT=benches/results/compare-$N.md
"$PY" - "$WORK" "$ARGS" "$FILES" "$RUNS" "$POSTURE" "$OUT" <<'PYEOF'
"""Median of the runs, the table, the ratios and a cross-check of the results."""
import json
import os
import platform
import statistics
import subprocess
import sys
from importlib.metadata import version

work, args, files, runs, posture, out = sys.argv[1:7]
times = {}
for line in open(os.path.join(work, "times")):
    name, wall, user, system, rss = line.split()
    times.setdefault(name, []).append((float(wall), float(user) + float(system), int(rss)))
# index 0: wall seconds, 1: CPU seconds (user + system), 2: peak RSS KiB
med = {k: tuple(statistics.median(run[i] for run in v) for i in range(3)) for k, v in times.items()}


def cell(name, i):
    if name not in med:
        return "–"
    return f"{med[name][i]:.2f}" if i < 2 else f"{med[name][i] / 1024:.0f}"


def ratio(peer, base, i=0):
    if peer not in med or base not in med or med[base][i] == 0:
        return "–"
    return f"{med[peer][i] / med[base][i]:.1f}×"


def summary(name):
    lines = open(os.path.join(work, name + ".out")).read().splitlines()
    return json.loads(lines[-1]) if lines else {}


def posture_summary(path):
    doc = json.load(open(path))
    counts = {k: 0 for k in ("scored", "rejected", "duplicate")}
    for s in doc["submissions"]:
        counts[s["status"]] += 1
    counts["national"] = {c: {"count": v["overall"]["count"], "mean": v["overall"]["mean"]}
                          for c, v in doc["national"].items()}
    return counts


def posture_version():
    try:
        return subprocess.run([os.environ["CARGO_TARGET_DIR"] + "/release/posture", "--version"],
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "posture not built"


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
           platform.processor())
load = open("/proc/loadavg").read().split()[:3]
rows = [("posture", "posture-validate", "posture-score"),
        ("posture, 1 thread (score)", None, "posture-score-1thread"),
        ("openpyxl + pandas", "openpyxl_pandas-validate", "openpyxl_pandas-score"),
        ("python-calamine + polars", "calamine_polars-validate", "calamine_polars-score")]
md = [f"# posture vs Python peers, {files} workbooks", "",
      f"Command: `benches/compare.sh {args}` — median of {runs} runs of each command; wall "
      "seconds, CPU seconds (user + system) and peak RSS (MiB) from "
      "`/usr/bin/time -f '%e %U %S %M'`.", "",
      f"Machine: {os.cpu_count()} cores ({cpu}), load average at the end {' '.join(load)} "
      "(the machine is shared, so compare ratios, not absolute times; CPU seconds suffer "
      "less from other load than wall seconds). posture uses every core (rayon); the "
      "Python peers use one; the 1-thread row is posture with `RAYON_NUM_THREADS=1`.", "",
      "Versions: " + posture_version() + f", Python {platform.python_version()}, "
      + ", ".join(f"{p} {version(p)}" for p in ("openpyxl", "pandas", "python-calamine", "polars")),
      "", "| pipeline | validate wall s | validate CPU s | validate MiB "
      "| score wall s | score CPU s | score MiB |", "|---|---:|---:|---:|---:|---:|---:|"]
for label, v, s in rows:
    md.append(f"| {label} | " + " | ".join(cell(v, i) if v else "–" for i in range(3)) + " | "
              + " | ".join(cell(s, i) for i in range(3)) + " |")
md += ["", "Ratios, peer / posture (targets: ≥20× for openpyxl+pandas, ≥2× for "
       "python-calamine+polars, on wall time):", "",
       "| peer | validate wall | score wall | validate CPU | score CPU | score wall vs 1-thread posture |",
       "|---|---:|---:|---:|---:|---:|"]
for label, peer in (("openpyxl + pandas", "openpyxl_pandas"),
                    ("python-calamine + polars", "calamine_polars")):
    md.append(f"| {label} | {ratio(peer + '-validate', 'posture-validate')} | "
              f"{ratio(peer + '-score', 'posture-score')} | "
              f"{ratio(peer + '-validate', 'posture-validate', 1)} | "
              f"{ratio(peer + '-score', 'posture-score', 1)} | "
              f"{ratio(peer + '-score', 'posture-score-1thread')} |")
if "posture-score-2x" in med:
    md += ["", f"Memory against workbook count (posture, {files} vs twice as many workbooks):", "",
           "| command | time 1× s | time 2× s | peak MiB 1× | peak MiB 2× | peak ratio 2×/1× |",
           "|---|---:|---:|---:|---:|---:|"]
    for cmd in ("validate", "score"):
        a, b = f"posture-{cmd}", f"posture-{cmd}-2x"
        md.append(f"| posture {cmd} | {cell(a, 0)} | {cell(b, 0)} | {cell(a, 2)} | {cell(b, 2)} | "
                  f"{ratio(b, a, 2)} |")

md += ["", "Cross-check (files scored / rejected / duplicate; national mean of overall per cycle):", ""]
results = {"openpyxl + pandas": summary("openpyxl_pandas-score"),
           "python-calamine + polars": summary("calamine_polars-score")}
if posture == "yes":
    results = {"posture": posture_summary(os.path.join(work, "posture.json")), **results}
for label, r in results.items():
    nat = ", ".join(f"{c}: n={v['count']} mean={v['mean']:.6f}" for c, v in sorted(r.get("national", {}).items()))
    md.append(f"- {label}: {r.get('scored')} / {r.get('rejected')} / {r.get('duplicate')}; {nat}")
base = next(iter(results.values()))
agree = all(
    (r.get("scored"), r.get("rejected"), r.get("duplicate")) == (base.get("scored"), base.get("rejected"), base.get("duplicate"))
    and r.get("national", {}).keys() == base.get("national", {}).keys()
    and all(abs(r["national"][c]["mean"] - base["national"][c]["mean"]) < 1e-9 for c in base.get("national", {}))
    for r in results.values())
md += ["", "All pipelines agree." if agree else "**The pipelines disagree: see above.**", ""]
text = "\n".join(md)
open(out, "w").write(text)
print(text)
PYEOF
