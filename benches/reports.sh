#!/usr/bin/env bash
# Report rendering time: `posture report` on a synthetic corpus of N agencies (default 200,
# with the generator's registry), which renders the national report, the brief and one gap
# analysis per scored agency in one command.
#
# usage: benches/reports.sh [N] [--runs R] [--no-build]
#
# Prints wall seconds, CPU seconds and peak RSS (median of R runs, default 1 because a run
# renders hundreds of PDFs) and writes benches/results/reports-<N>.md. Needs the typst CLI
# that scripts/setup.sh installs, and GNU time at /usr/bin/time (Debian package `time`).
set -euo pipefail

ARGS="$*"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

N=200
RUNS=1
BUILD=yes
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS=$2; shift 2 ;;
        --no-build) BUILD=no; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) N=$1; shift ;;
    esac
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release
if [ ! -x /usr/bin/time ]; then
    echo "error: GNU time is missing at /usr/bin/time (hint: apt-get install time)" >&2
    exit 2
fi
if [ "$BUILD" = yes ]; then
    echo "building posture (release)" >&2
    cargo build --quiet --release --bins
fi
if ! "$BIN/posture" report --help >/dev/null 2>&1; then
    echo "error: this build of posture has no report command" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/posture-reports.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "generating $N workbooks" >&2
"$BIN/posture-gen" corpus --count "$N" --out "$WORK/corpus" >/dev/null

: >"$WORK/times"
for run in $(seq "$RUNS"); do
    rm -rf "$WORK/out"
    rc=0
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
        "$BIN/posture" report "$WORK/corpus" --registry "$WORK/corpus/agencies.csv" --out "$WORK/out" >"$WORK/report.out" 2>"$WORK/report.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "error: posture report exited with $rc:" >&2
        tail -5 "$WORK/report.err" >&2
        exit 1
    fi
    tail -1 "$WORK/time" >>"$WORK/times"
    echo "  run $run: $(tail -1 "$WORK/time")" >&2
done
PDFS=$(find "$WORK/out" -name '*.pdf' | wc -l)
AGENCY_PDFS=$(find "$WORK/out/agencies" -name '*.pdf' 2>/dev/null | wc -l)

mkdir -p benches/results
OUT=benches/results/reports-$N.md
read -r WALL CPU RSS < <(sort -n "$WORK/times" | awk '{w[NR]=$1; c[NR]=$2+$3; r[NR]=$4}
    END {m=int((NR+1)/2); printf "%s %.2f %d\n", w[m], c[m], r[m]/1024}')
{
    echo "# posture report, $N workbooks"
    echo
    echo "Command: \`benches/reports.sh $ARGS\` — $RUNS run(s), median; $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)."
    echo "$("$BIN/posture" --version), $(typst --version 2>/dev/null || echo 'typst not on PATH')."
    echo
    echo "| what | wall s | CPU s | peak MiB | PDFs |"
    echo "|---|---:|---:|---:|---:|"
    echo "| posture report (national report, brief, agency reports) | $WALL | $CPU | $RSS | $PDFS ($AGENCY_PDFS agency) |"
    echo
    echo "posture's closing output:"
    echo
    echo '```'
    tail -20 "$WORK/report.err"
    echo '```'
} >"$OUT"
cat "$OUT"
