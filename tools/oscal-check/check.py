#!/usr/bin/env python3
"""Load OSCAL JSON files in compliance-trestle's models and fail loudly on the first problem.

Usage: check.py FILE.json... (or folders, searched for *.json)

Each file must hold one `assessment-results` or `plan-of-action-and-milestones` document,
and must load in trestle.oscal.assessment_results.AssessmentResults or
trestle.oscal.poam.PlanOfActionAndMilestones, the pydantic models of OSCAL 1.2.1 that
compliance-trestle 5.2 publishes (tools/oscal-check/requirements.txt). Beyond the models,
it checks what they cannot: that every UUID is unique in its document and that every
reference to an observation, a back-matter resource or a local objective resolves.

Exit status: 0 every file loads; 1 some file does not (each one is named with why);
2 usage error or trestle missing (run scripts/setup.sh).
"""

import json
import sys
from pathlib import Path

try:
    import trestle
    from trestle.oscal import OSCAL_VERSION
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones
except ImportError as e:  # pragma: no cover - depends on the environment
    print(f"error: failed to import compliance-trestle ({e})", file=sys.stderr)
    print("hint: run scripts/setup.sh, then use the venv's python", file=sys.stderr)
    sys.exit(2)

MODELS = {
    "assessment-results": AssessmentResults,
    "plan-of-action-and-milestones": PlanOfActionAndMilestones,
}


def walk(value, path=""):
    """Every (path, key, value) of a JSON tree."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k, v
            yield from walk(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}/{i}")


def references(root):
    """Problems the models do not check: duplicate UUIDs and dangling references."""
    problems = []
    uuids = {}
    for path, key, value in walk(root):
        if key == "uuid":
            if value in uuids:
                problems.append(f"uuid {value} at {path} already at {uuids[value]}")
            uuids[value] = path
    objectives = set()
    for path, key, value in walk(root):
        if key == "objectives-and-methods":
            for o in value:
                objectives.update(p["id"] for p in o.get("parts", []) if "id" in p)
    for path, key, value in walk(root):
        if key == "observation-uuid" and value not in uuids:
            problems.append(f"{path}: observation {value} is not in the document")
        if key == "href" and isinstance(value, str) and value.startswith("#"):
            if value[1:] not in uuids:
                problems.append(f"{path}: {value} points at no resource")
        if key == "target" and isinstance(value, dict) and value.get("type") == "objective-id":
            if objectives and value.get("target-id") not in objectives:
                problems.append(f"{path}: objective {value.get('target-id')} is not defined")
    return problems


def check(path):
    """None when the file loads, else why not."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"failed to read JSON ({e})"
    if not isinstance(data, dict) or len(data) != 1:
        return "expected one top-level key"
    (root, doc), = data.items()
    model = MODELS.get(root)
    if model is None:
        return f"unknown document `{root}` (expected one of {', '.join(MODELS)})"
    try:
        # trestle's own reader: the file's single top-level key, then the model.
        model.oscal_read(path)
    except Exception as e:  # TrestleError, pydantic.ValidationError, what a validator raises
        return f"failed to load in {model.__module__}.{model.__name__}:\n{e}"
    version = doc.get("metadata", {}).get("oscal-version")
    if version != OSCAL_VERSION:
        return f"oscal-version is {version!r}, trestle's models are {OSCAL_VERSION}"
    problems = references(doc)
    if problems:
        return "\n".join(problems)
    return None


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    files = []
    for arg in argv:
        p = Path(arg)
        files.extend(sorted(p.rglob("*.json")) if p.is_dir() else [p])
    if not files:
        print(f"error: no JSON files in {' '.join(argv)}", file=sys.stderr)
        return 2
    failed = 0
    for f in files:
        why = check(f)
        if why:
            failed += 1
            print(f"FAIL {f}: {why}", file=sys.stderr)
    print(
        f"oscal-check: {len(files) - failed} of {len(files)} file(s) load in "
        f"compliance-trestle {trestle.__version__} (OSCAL {OSCAL_VERSION})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
