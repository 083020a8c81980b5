"""Peer pipeline: python-calamine + polars, doing what `posture validate` / `posture score` do.

usage: calamine_polars.py DIR validate|score FRAMEWORK.toml

The fast Python pipeline: python-calamine (Rust's calamine underneath) reads the Profile
and Assessment sheets as cached values, the SPEC section 4 rules run over the rows
(common.py), and polars' lazy engine computes SPEC section 5 scores and the per-cycle
national statistics. Known gaps against posture, all in the peer's favour:
python-calamine returns error cells (#REF!) and formulas without a cached value as empty
strings, so they read as blank; no trends, crosswalks or gap lists are computed.
"""

import polars as pl
import python_calamine

import common


def read(path, fw):
    sub = common.Submission(file=path, sha256=common.sha256_of(path))
    try:
        wb = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file is a one-line reject
        sub.error(None, None, f"not a readable workbook ({e})")
        return sub
    with wb:
        names = wb.sheet_names
        for wanted, check, limit in (("profile", common.check_profile, 50),
                                     ("assessment", common.check_assessment, None)):
            name = common.find_sheet(names, wanted)
            if name is None:
                sub.error(wanted.capitalize(), None, f"missing sheet {wanted.capitalize()}")
                continue
            try:
                rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limit)
            except Exception as e:  # noqa: BLE001
                sub.error(name, None, f"unreadable sheet ({e})")
                continue
            check(sub, name, rows, fw)
    return sub


STATS = [
    pl.len().alias("count"), pl.col("score").mean().alias("mean"),
    pl.col("score").median().alias("median"),
    pl.col("score").quantile(0.25, "linear").alias("p25"),
    pl.col("score").quantile(0.75, "linear").alias("p75"),
    pl.col("score").min().alias("min"), pl.col("score").max().alias("max"),
]


def score(subs, fw):
    """SPEC section 5 per agency, then per-cycle national statistics, all in polars."""
    scored = [s for s in subs if s.status == "scored"]
    if not scored:
        return {}
    qids = [q["id"] for q in fw.questions]
    sub_col, q_col, level_col, na_col, answered_col = [], [], [], [], []
    for i, s in enumerate(scored):
        sub_col.extend([i] * len(qids))
        q_col.extend(qids)
        for a in s.answers:
            na_col.append(a == "na")
            answered_col.append(a is not None and a != "na")
            level_col.append(None if a == "na" else (a or 0))
    answers = pl.LazyFrame({"sub": sub_col, "question": q_col, "level": level_col,
                            "na": na_col, "answered": answered_col},
                           schema_overrides={"level": pl.Float64})
    questions = pl.LazyFrame(fw.questions).select(
        pl.col("id").alias("question"), "category", pl.col("weight").alias("wq"))
    categories = pl.LazyFrame(fw.categories).rename({"id": "category", "weight": "wc"})
    domains = pl.LazyFrame(fw.domains).rename({"id": "domain", "weight": "wd"})
    agencies = pl.LazyFrame({
        "sub": range(len(scored)),
        "agency_id": [s.profile["agency_id"] for s in scored],
        "sector": [s.profile["sector"] for s in scored],
        "cycle": [s.profile["cycle"] for s in scored],
        "target": [fw.target_for(s.profile["sector"]) for s in scored],
    })

    app = answers.filter(~pl.col("na")).join(questions, on="question")
    cat = (app.group_by("sub", "category")
           .agg(score=(pl.col("wq") * pl.col("level")).sum() / pl.col("wq").sum())
           .join(categories, on="category"))
    dom = (cat.group_by("sub", "domain")
           .agg(score=(pl.col("wc") * pl.col("score")).sum() / pl.col("wc").sum())
           .join(domains, on="domain"))
    overall = dom.group_by("sub").agg(
        overall=(pl.col("wd") * pl.col("score")).sum() / pl.col("wd").sum())
    completeness = app.group_by("sub").agg(completeness=pl.col("answered").mean())
    per_agency = (agencies.join(overall, on="sub", how="left")
                  .join(completeness, on="sub", how="left")
                  .with_columns(index=pl.col("overall") / fw.max_level * 100,
                                tier=(pl.col("overall") + 1e-9).floor(),
                                on_target=pl.col("overall") + 1e-9 >= pl.col("target"))
                  ).collect()

    keys = pl.LazyFrame(per_agency.select("sub", "cycle", "sector"))
    long = pl.concat([
        per_agency.lazy().select("sub", kind=pl.lit("overall"), id=pl.lit("overall"),
                                 score="overall"),
        per_agency.lazy().select("sub", kind=pl.lit("index"), id=pl.lit("index"), score="index"),
        dom.select("sub", kind=pl.lit("domain"), id="domain", score="score"),
        cat.select("sub", kind=pl.lit("category"), id="category", score="score"),
    ]).join(keys, on="sub")
    stats, sectors, on_target = pl.collect_all([
        long.drop_nulls("score").group_by("cycle", "kind", "id").agg(STATS),
        long.filter(pl.col("kind") == "overall").drop_nulls("score")
            .group_by("cycle", "sector").agg(STATS),
        per_agency.lazy().group_by("cycle").agg(pl.col("on_target").mean()),
    ])

    national = {}
    on_target = dict(on_target.iter_rows())
    for row in stats.filter(pl.col("kind") == "overall").iter_rows(named=True):
        national[row["cycle"]] = {"count": row["count"], "mean": row["mean"],
                                  "median": row["median"],
                                  "at_or_above_target": on_target[row["cycle"]],
                                  "domains_mean": {}, "sectors": 0}
    for row in stats.filter(pl.col("kind") == "domain").iter_rows(named=True):
        national[row["cycle"]]["domains_mean"][row["id"]] = row["mean"]
    for cycle in sectors["cycle"]:
        national[cycle]["sectors"] += 1
    return national


def main():
    root, mode, fw = common.args()
    subs = [read(p, fw) for p in common.discover(root)]
    common.apply_duplicates(subs)
    national = score(subs, fw) if mode == "score" else None
    common.report(subs, mode, "python-calamine+polars", national)


if __name__ == "__main__":
    main()
