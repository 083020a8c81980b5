"""Shared, reader-independent half of the Python peer pipelines (see benches/README.md).

What a careful analyst would write once and reuse from both the openpyxl+pandas and the
python-calamine+polars pipelines: the framework read with tomllib, input discovery, the
SPEC section 4 rules for the Profile and Assessment sheets over plain rows of Python
values, and the duplicate rules. Each peer supplies the rows from its own reader and does
its own scoring and aggregation with its own dataframe library.
"""

import hashlib
import json
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field

PROFILE_FIELDS = ("agency_id", "agency_name", "sector", "cycle", "framework_id", "framework_version")
OPTIONAL_FIELDS = ("submitted_by", "submitted_on")
NA_FORMS = {"n/a", "na", "not applicable"}
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
WHOLE = re.compile(r"([0-9]+)(?:\.0*)?")
LABEL = re.compile(r"([0-9]+)\s*[-–—]")
DECIMAL = re.compile(r"[0-9]*\.[0-9]+")
MAX_ROWS = 100_000


@dataclass
class Framework:
    id: str
    version: str
    max_level: int
    default_target: int
    targets: dict
    questions: list  # dicts: id, category, weight, allow_na
    categories: list  # dicts: id, domain, weight
    domains: list  # dicts: id, weight
    index: dict  # question id -> position

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        qs = [
            {"id": q["id"], "category": q["category"], "weight": float(q.get("weight", 1.0)),
             "allow_na": bool(q.get("allow_na", False))}
            for q in doc["questions"]
        ]
        return cls(
            id=doc["framework"]["id"],
            version=doc["framework"]["version"],
            max_level=max(s["level"] for s in doc["scale"]),
            default_target=doc["framework"]["default_target"],
            targets=doc.get("targets", {}),
            questions=qs,
            categories=[{"id": c["id"], "domain": c["domain"], "weight": float(c.get("weight", 1.0))}
                        for c in doc["categories"]],
            domains=[{"id": d["id"], "weight": float(d.get("weight", 1.0))} for d in doc["domains"]],
            index={q["id"]: i for i, q in enumerate(qs)},
        )

    def target_for(self, sector):
        return self.targets.get(sector, self.default_target)


@dataclass
class Submission:
    file: str
    sha256: str
    status: str = "scored"
    profile: dict = field(default_factory=dict)
    # Per framework question: a level (int), "na", or None (unanswered).
    answers: list = None
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def error(self, sheet, cell, message):
        self.errors.append({"sheet": sheet, "cell": cell, "message": message})

    def warning(self, sheet, cell, message):
        self.warnings.append({"sheet": sheet, "cell": cell, "message": message})


def discover(root):
    """Every .xlsx under root (any case), lock files skipped, in path order."""
    found = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            if name.lower().endswith(".xlsx") and not name.startswith("~$"):
                found.append(os.path.join(dirpath, name))
    return sorted(found)


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def col_letter(col):
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def find_sheet(names, wanted):
    for name in names:
        if name.strip().lower() == wanted:
            return name
    return None


def text_of(value):
    """A Profile value as trimmed text; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def show(value):
    return json.dumps(value, ensure_ascii=False, default=str)


def check_profile(sub, sheet, rows, fw):
    """rows: the first 50 rows of Profile as sequences of cell values (column A, B, ...)."""
    cells = {}
    for r, row in enumerate(rows):
        if not row:
            continue
        name = row[0]
        if isinstance(name, str):
            key = name.strip().lower()
            if key in PROFILE_FIELDS or key in OPTIONAL_FIELDS:
                if key not in cells:
                    cells[key] = (text_of(row[1] if len(row) > 1 else None), f"B{r + 1}")
    for key in PROFILE_FIELDS + OPTIONAL_FIELDS:
        value, cell = cells.get(key, (None, None))
        if value is None and key in PROFILE_FIELDS:
            sub.error(sheet, None, f"missing Profile field {key}")
        sub.profile[key] = value
        sub.profile[key + "@"] = cell
    fid = sub.profile.get("framework_id")
    if fid is not None and fid != fw.id:
        sub.error(sheet, sub.profile["framework_id@"], f"found framework_id {show(fid)}; expected {show(fw.id)}")
    ver = sub.profile.get("framework_version")
    if ver is not None and ver != fw.version:
        mine, theirs = fw.version.split("."), ver.split(".")
        if len(theirs) == 3 and theirs[:2] == mine[:2]:
            sub.warning(sheet, sub.profile["framework_version@"],
                        f"framework_version {ver} differs from {fw.version} only in the patch number")
        else:
            sub.error(sheet, sub.profile["framework_version@"],
                      f"found framework_version {show(ver)}; expected {fw.version}")


def parse_level(value, allow_na, max_level):
    """Returns (answer, problem): answer is an int level, "na" or None (unanswered)."""
    expected = f"expected a whole level 0–{max_level}, a label like \"3 - Defined\"" + (
        ", or N/A" if allow_na else "")
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"found {str(value).upper()}; {expected}"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return None, f"found {value}; {expected}"
        if 0 <= value <= max_level:
            return int(value), None
        return None, f"found {value:g}; {expected}"
    if not isinstance(value, str):  # dates, times, durations
        return None, f"found a date {show(value)}; {expected}"
    text = value.strip().translate(KHMER_DIGITS)
    if not text:
        return None, None
    if text.lower() in NA_FORMS:
        if allow_na:
            return "na", None
        return None, f"found {show(value)}; N/A is not allowed for this question; {expected}"
    m = WHOLE.fullmatch(text) or LABEL.match(text)
    if m:
        level = int(m.group(1))
        if level <= max_level:
            return level, None
    return None, f"found {show(value)}; {expected}"


def check_assessment(sub, sheet, rows, fw):
    """rows: every row of the Assessment sheet as sequences of cell values."""
    header_at = None
    for r, row in enumerate(rows[:20]):
        if any(isinstance(v, str) and v.strip().lower() == "question_id" for v in row):
            header_at = r
            break
    if header_at is None:
        sub.error(sheet, None, "no header row with question_id in the first 20 rows")
        return
    if len(rows) > MAX_ROWS:
        sub.error(sheet, None, f"more than {MAX_ROWS} rows")
        return
    cols = {}
    for c, v in enumerate(rows[header_at]):
        if isinstance(v, str):
            name = v.strip().lower()
            if name in ("question_id", "level", "evidence", "comment"):
                if name in cols:
                    sub.error(sheet, f"{col_letter(c)}{header_at + 1}", f"second column headed {name}")
                else:
                    cols[name] = c
    if "level" not in cols:
        sub.error(sheet, None, "no level column in the header row")
        return
    qc, lc = cols["question_id"], cols["level"]
    answers = [None] * len(fw.questions)
    seen = {}
    answered = 0
    for r in range(header_at + 1, len(rows)):
        row = rows[r]
        qid = text_of(row[qc]) if qc < len(row) else None
        if qid is None:
            continue
        at = fw.index.get(qid)
        if at is None:
            sub.error(sheet, f"{col_letter(qc)}{r + 1}", f"unknown question id {show(qid)}")
            continue
        if at in seen:
            sub.error(sheet, f"{col_letter(qc)}{r + 1}", f"question {qid} appears again (first at row {seen[at]})")
            continue
        seen[at] = r + 1
        q = fw.questions[at]
        answer, problem = parse_level(row[lc] if lc < len(row) else None, q["allow_na"], fw.max_level)
        if problem:
            sub.error(sheet, f"{col_letter(lc)}{r + 1}", problem)
        answers[at] = answer
        if isinstance(answer, int):
            answered += 1
    missing = [q["id"] for i, q in enumerate(fw.questions) if i not in seen]
    if missing:
        sub.warning(sheet, None, f"{len(missing)} questions have no row: {', '.join(missing)}")
    if answered == 0:
        sub.error(sheet, None, "no answers")
    sub.answers = answers


def apply_duplicates(subs):
    """Same agency and cycle twice: identical bytes -> later ones duplicate; else reject all."""
    for sub in subs:
        if sub.errors:
            sub.status = "rejected"
    groups = {}
    for sub in subs:
        if sub.status == "scored":
            groups.setdefault((sub.profile["agency_id"], sub.profile["cycle"]), []).append(sub)
    for group in groups.values():
        if len(group) < 2:
            continue
        if len({s.sha256 for s in group}) == 1:
            for s in group[1:]:
                s.status = "duplicate"
                s.warning(None, None, f"identical to {group[0].file}")
        else:
            names = ", ".join(s.file for s in group)
            for s in group:
                s.status = "rejected"
                s.error(None, None, f"different workbooks for the same agency and cycle: {names}")


def report(subs, mode, peer, national):
    """Validate mode prints every diagnostic, like `posture validate`; the last line is JSON."""
    out = sys.stdout
    if mode == "validate":
        lines = []
        for s in subs:
            lines.append(f"{s.file}: {s.status} ({len(s.errors)} errors, {len(s.warnings)} warnings)")
            for kind, items in (("error", s.errors), ("warning", s.warnings)):
                for d in items:
                    where = "!".join(x for x in (d["sheet"], d["cell"]) if x)
                    lines.append(f"  {kind}: {where}: {d['message']}")
        out.write("\n".join(lines) + "\n")
    counts = {k: sum(s.status == k for s in subs) for k in ("scored", "rejected", "duplicate")}
    summary = {"peer": peer, "mode": mode, "files": len(subs), **counts,
               "errors": sum(len(s.errors) for s in subs)}
    if national is not None:
        summary["national"] = national
    out.write(json.dumps(summary, sort_keys=True) + "\n")


def args():
    if len(sys.argv) != 4 or sys.argv[2] not in ("validate", "score"):
        sys.exit(f"usage: {sys.argv[0]} DIR validate|score FRAMEWORK.toml")
    return sys.argv[1], sys.argv[2], Framework.load(sys.argv[3])
