"""Peer pipeline: openpyxl + pandas, doing what `posture validate` / `posture score` do.

usage: openpyxl_pandas.py DIR validate|score FRAMEWORK.toml

The pipeline an analyst would write without posture: openpyxl in read-only, cached-values
mode reads each workbook (only the Profile and Assessment sheets are parsed), the SPEC
section 4 rules run over the rows (common.py), and pandas computes SPEC section 5 scores
and the per-cycle national statistics. Known gaps against posture, all in the peer's
favour: a formula without a cached value reads as blank (openpyxl's data_only mode cannot
tell), and no trends, crosswalks or gap lists are computed.
"""

import math

import numpy as np
import openpyxl
import pandas as pd

import common


def read(path, fw):
    sub = common.Submission(file=path, sha256=common.sha256_of(path))
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file is a one-line reject
        sub.error(None, None, f"not a readable workbook ({e})")
        return sub
    try:
        names = wb.sheetnames
        for wanted, check, limit in (("profile", common.check_profile, 50),
                                     ("assessment", common.check_assessment, None)):
            name = common.find_sheet(names, wanted)
            if name is None:
                sub.error(wanted.capitalize(), None, f"missing sheet {wanted.capitalize()}")
                continue
            rows = list(wb[name].iter_rows(max_row=limit, values_only=True))
            check(sub, name, rows, fw)
    finally:
        wb.close()
    return sub


def score(subs, fw):
    """SPEC section 5 per agency, then per-cycle national statistics, all in pandas."""
    scored = [s for s in subs if s.status == "scored"]
    if not scored:
        return {}
    nq = len(fw.questions)
    level = np.empty(len(scored) * nq)
    na = np.zeros(len(scored) * nq, dtype=bool)
    answered = np.zeros(len(scored) * nq, dtype=bool)
    for i, s in enumerate(scored):
        for j, a in enumerate(s.answers):
            k = i * nq + j
            if a == "na":
                na[k] = True
                level[k] = np.nan
            else:
                answered[k] = a is not None
                level[k] = a or 0
    answers = pd.DataFrame({
        "sub": np.repeat(np.arange(len(scored)), nq),
        "question": np.tile([q["id"] for q in fw.questions], len(scored)),
        "level": level, "na": na, "answered": answered,
    })
    questions = pd.DataFrame(fw.questions).rename(columns={"id": "question", "weight": "wq"})
    categories = pd.DataFrame(fw.categories).rename(columns={"id": "category", "weight": "wc"})
    domains = pd.DataFrame(fw.domains).rename(columns={"id": "domain", "weight": "wd"})
    agencies = pd.DataFrame({
        "sub": range(len(scored)),
        "agency_id": [s.profile["agency_id"] for s in scored],
        "sector": [s.profile["sector"] for s in scored],
        "cycle": [s.profile["cycle"] for s in scored],
    })
    agencies["target"] = agencies["sector"].map(fw.target_for)

    app = answers[~answers["na"]].merge(questions[["question", "category", "wq"]], on="question")
    app["wl"] = app["wq"] * app["level"]
    cat = app.groupby(["sub", "category"], as_index=False)[["wl", "wq"]].sum()
    cat["score"] = cat["wl"] / cat["wq"]
    cat = cat.merge(categories, on="category")
    cat["ws"] = cat["wc"] * cat["score"]
    dom = cat.groupby(["sub", "domain"], as_index=False)[["ws", "wc"]].sum()
    dom["score"] = dom["ws"] / dom["wc"]
    dom = dom.merge(domains, on="domain")
    dom["ws"] = dom["wd"] * dom["score"]
    overall = dom.groupby("sub")[["ws", "wd"]].sum()
    agencies["overall"] = agencies["sub"].map(overall["ws"] / overall["wd"])
    agencies["completeness"] = agencies["sub"].map(app.groupby("sub")["answered"].mean())
    agencies["index"] = agencies["overall"] / fw.max_level * 100
    agencies["tier"] = np.floor(agencies["overall"] + 1e-9)
    agencies["on_target"] = agencies["overall"] + 1e-9 >= agencies["target"]

    wide = agencies.set_index("sub")[["cycle", "sector", "overall", "index", "on_target"]].join(
        dom.pivot(index="sub", columns="domain", values="score")).join(
        cat.pivot(index="sub", columns="category", values="score"))
    metrics = ["overall", "index"] + [d["id"] for d in fw.domains] + [c["id"] for c in fw.categories]
    stats = ["count", "mean", "median", q25, q75, "min", "max"]
    per_cycle = wide.groupby("cycle")[metrics].agg(stats)
    on_target = wide.groupby("cycle")["on_target"].mean()
    sectors = wide.groupby(["cycle", "sector"])["overall"].agg(stats)

    national = {}
    for cycle, row in per_cycle.iterrows():
        national[cycle] = {
            "count": int(row[("overall", "count")]),
            "mean": row[("overall", "mean")],
            "median": row[("overall", "median")],
            "at_or_above_target": float(on_target[cycle]),
            "domains_mean": {d["id"]: nan_none(row[(d["id"], "mean")]) for d in fw.domains},
            "sectors": int((sectors.index.get_level_values(0) == cycle).sum()),
        }
    return national


def q25(x):
    return x.quantile(0.25)


def q75(x):
    return x.quantile(0.75)


def nan_none(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def main():
    root, mode, fw = common.args()
    subs = [read(p, fw) for p in common.discover(root)]
    common.apply_duplicates(subs)
    national = score(subs, fw) if mode == "score" else None
    common.report(subs, mode, "openpyxl+pandas", national)


if __name__ == "__main__":
    main()
