"""Machine coding (helpers.coding): agreement figures worked by hand, the classifier on invented text,
the 07_codeframe stage and the briefing built from it, and the NHS round trip on real human codes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import briefing, paths, stages
from helpers.codeframe import read_codeframe, read_coding_sheet, write_codeframe
from helpers.coding import (
    CodingModel,
    _best_threshold,
    agreement,
    analyst_agreement,
    code_comments,
    code_tables,
    estimated_shares,
    interleave,
    priority,
)
from helpers.errors import ConfigError
from tests.conftest import shared_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "coding"


# --- agreement, worked by hand ------------------------------------------------------------------

def test_agreement_by_hand():
    # A: truth 1,1,0,0,0 / predicted 1,0,1,0,0 -> tp 1, fp 1, fn 1, tn 2
    # B: truth 0,0,1,1,1 / predicted 0,0,1,1,0 -> tp 2, fp 0, fn 1, tn 2
    t = pd.DataFrame({"A": [1, 1, 0, 0, 0], "B": [0, 0, 1, 1, 1]})
    p = pd.DataFrame({"A": [1, 0, 1, 0, 0], "B": [0, 0, 1, 1, 0]})
    overall, per_code = agreement(t, p, n_boot=0)
    values = overall.set_index("metric")["value"]
    # micro: 2*3 / (2*3 + 1 + 2) = 6/9
    assert values["micro_f1"] == pytest.approx(6 / 9)
    # F1 A = 2/(2+1+1) = 0.5; F1 B = 4/(4+0+1) = 0.8; macro 0.65
    assert values["macro_f1"] == pytest.approx(0.65)
    # kappa A: po 3/5, pe (2*2 + 3*3)/25 = 13/25 -> (0.6-0.52)/0.48 = 1/6
    # kappa B: po 4/5, pe (2*3 + 3*2)/25 = 12/25 -> (0.8-0.48)/0.52 = 8/13
    assert per_code["kappa"].tolist() == pytest.approx([1 / 6, 8 / 13])
    assert values["mean_kappa"] == pytest.approx((1 / 6 + 8 / 13) / 2)
    assert per_code["precision"].tolist() == pytest.approx([0.5, 1.0])
    assert per_code["recall"].tolist() == pytest.approx([0.5, 2 / 3])
    assert per_code[["n_true", "n_predicted"]].to_numpy().tolist() == [[2, 2], [3, 2]]


def test_agreement_intervals_contain_the_estimate_and_are_seeded():
    rng = np.random.default_rng(3)
    t = pd.DataFrame(rng.integers(0, 2, size=(200, 3)), columns=list("abc"))
    p = t.where(rng.random((200, 3)) > 0.2, 1 - t)  # about 80% of decisions kept
    overall, per_code = agreement(t, p, n_boot=500, random_state=1)
    assert (overall["ci_low"] <= overall["value"]).all() and (overall["value"] <= overall["ci_high"]).all()
    assert (per_code["f1_low"] < per_code["f1_high"]).all()
    again, _ = agreement(t, p, n_boot=500, random_state=1)
    pd.testing.assert_frame_equal(overall, again)


def test_perfect_agreement_is_one_with_a_degenerate_interval():
    t = pd.DataFrame({"a": [1, 0, 1, 0], "b": [0, 1, 0, 1]})
    overall, _ = agreement(t, t, n_boot=200)
    assert overall["value"].tolist() == [1.0, 1.0, 1.0]
    assert overall["ci_low"].tolist() == [1.0, 1.0, 1.0]


def test_analyst_agreement_pairs_the_first_two_coders():
    hand = pd.DataFrame({"comment_id": ["x", "y", "x", "z", "y"], "coder": ["AB", "AB", "CD", "AB", "CD"],
                         "A": [1, 0, 1, 1, 1], "B": [0, 1, 1, 0, 1]})
    overall, per_code = analyst_agreement(hand, ["A", "B"], n_boot=0)
    # x: AB (1,0) vs CD (1,1); y: AB (0,1) vs CD (1,1) -> A: tp1 fp1; B: tp1 fp1 -> micro 4/(4+2)
    assert overall.set_index("metric").loc["micro_f1", "value"] == pytest.approx(4 / 6)
    assert int(overall["n"].iloc[0]) == 2
    assert analyst_agreement(hand.drop_duplicates("comment_id"), ["A", "B"]) is None


@pytest.mark.parametrize(("y", "p", "expected"), [
    ([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1], 0.55),   # perfect split between 0.8 and 0.3
    ([1, 0, 1, 0], [0.9, 0.7, 0.6, 0.1], 0.35),   # taking three (F1 0.8) beats one (F1 0.67)
    ([0, 0], [0.4, 0.2], 1.0),                     # no positives: never code
])
def test_best_threshold(y, p, expected):
    assert _best_threshold(np.array(y), np.array(p)) == pytest.approx(expected)


# --- the classifier on invented text ------------------------------------------------------------

LATE = ["the bus was late again", "bus cancelled without notice", "waited an hour for the bus",
        "always late in the morning", "the 8am service was cancelled", "we waited and waited, late bus"]
STAFF = ["the driver was rude to me", "friendly driver, very helpful", "staff at the station were rude",
         "a kind driver helped my mother", "rude driver shouted at us", "the staff were friendly"]
BOTH = ["late bus and a rude driver", "cancelled again and the staff were rude"]


def invented(repeat: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    texts = (LATE + STAFF + BOTH) * repeat
    codes = ([(1, 0)] * len(LATE) + [(0, 1)] * len(STAFF) + [(1, 1)] * len(BOTH)) * repeat
    X = pd.DataFrame({"text": [f"{t} ({i})" for i, t in enumerate(texts)]})
    return X, pd.DataFrame(codes, columns=["LATE", "STAFF"])


def test_model_learns_invented_codes_and_is_multi_label():
    X, Y = invented()
    model = CodingModel(cv=3).fit(X, Y)
    assert model.multi_label_ and model.at_least_one_ and model.untrained_ == []
    pred = model.predict(pd.DataFrame({"text": ["my bus was cancelled", "a rude driver", "late bus, rude driver"]}))
    assert pred.to_numpy().tolist() == [[1, 0], [0, 1], [1, 1]]
    assert list(model.cv_predictions_.columns) == ["LATE", "STAFF"] and len(model.cv_predictions_) == len(X)
    assert "driver" in model.top_terms()["STAFF"]
    # terms made only of stop words ("and", "were": an audit saw "is", "from", "go up") are not shown
    from helpers.themes import stop_words

    assert not [t for terms in model.top_terms().values() for t in terms if set(t.split()) <= stop_words()]


def test_copies_of_one_letter_stay_in_one_fold():
    # An audit's campaign letter, coded many times, was split across folds: the model was tested on copies of
    # a text it had been trained on. Here 10 copies of a letter coded LATE, with a word no other text has: kept
    # in one fold, the letter's copies are judged by a model that never saw it, so they score lower.
    X, Y = invented()
    letter = "Unacceptable timetable chaos: reinstate the evening route immediately"
    X = pd.concat([X, pd.DataFrame({"text": [letter] * 10})], ignore_index=True)
    Y = pd.concat([Y, pd.DataFrame({"LATE": [1] * 10, "STAFF": [0] * 10})], ignore_index=True)
    groups = pd.Series([f"r{i}" for i in range(len(X) - 10)] + ["letter"] * 10)
    apart = CodingModel(cv=3, random_state=0).fit(X, Y).cv_proba_["LATE"].iloc[-10:]
    together = CodingModel(cv=3, random_state=0).fit(X, Y, groups=groups).cv_proba_["LATE"].iloc[-10:]
    assert together.nunique() == 1  # one fold: one model judged every copy
    assert together.max() < apart.min()


def test_coding_sheets_list_a_campaign_letter_once(tmp_path):
    X, _ = invented()
    letter = ("I object to the new timetable because it cuts the evening buses that shift workers in our town "
              "depend on every single day")
    texts = list(X["text"]) + [letter] * 12
    source = tmp_path / "r.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts}).to_csv(source, index=False)
    run = tmp_path / "run"
    stages.ingest(run, source=str(source), format="csv", kind="response")
    stages.overview(run)
    stages.campaigns(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    stages.codeframe(run, n_sample=len(texts))  # room for every response: the letter still appears once
    sheet = pd.read_csv(stages.output_path(run, "coding_sheet"), dtype=str, keep_default_na=False)
    assert (sheet["text"] == letter).sum() == 1 and len(sheet) == len(X) + 1
    # the analysts code the letter once (LATE) with the other responses: its 11 other copies take their codes,
    # not the machine's (a review: identical letters could end up with different codes)
    truth = invented()[1]
    first_copy = sheet.loc[sheet["text"] == letter, "comment_id"].iloc[0]
    coded = pd.DataFrame({"comment_id": [f"r{i}" for i in range(len(X))] + [first_copy], "coder": "AB",
                          "LATE": [*truth["LATE"].map({1: "1", 0: ""}), "1"],
                          "STAFF": [*truth["STAFF"].map({1: "1", 0: ""}), ""]})
    coded.to_csv(tmp_path / "coded.csv", index=False)
    notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(tmp_path / "coded.csv"))
    assert notes["n_copies_of_hand_coded"] == 11 and notes["n_machine_coded"] == 0
    assigned = stages.load(run, "code_assignments")
    letters = assigned[assigned["comment_id"].isin([f"r{i}" for i in range(len(X), len(texts))])]
    assert set(letters["code_id"]) == {"LATE"} and set(letters["coded_by"]) == {"analyst"} and len(letters) == 12


def test_model_is_deterministic_for_a_seed():
    X, Y = invented()
    a = CodingModel(random_state=4).fit(X, Y).cv_proba_
    b = CodingModel(random_state=4).fit(X, Y).cv_proba_
    pd.testing.assert_frame_equal(a, b)


def test_rare_codes_are_left_to_analysts():
    X, Y = invented()
    Y["RARE"] = 0
    Y.loc[0, "RARE"] = 1
    model = CodingModel(cv=3).fit(X, Y)
    assert model.untrained_ == ["RARE"]
    assert model.predict(X)["RARE"].sum() == 0


def test_single_label_coding_gives_one_code_each():
    X, Y = invented()
    keep = Y.sum(axis=1) == 1
    model = CodingModel(cv=3).fit(X[keep].reset_index(drop=True), Y[keep].reset_index(drop=True))
    assert not model.multi_label_
    assert (model.predict(X).sum(axis=1) == 1).all()


def test_priority_prefers_unseen_text_over_copies_of_coded_text():
    X, Y = invented()
    model = CodingModel(cv=3).fit(X, Y)
    candidates = pd.DataFrame({"text": [X["text"].iloc[0], "tram platform flooded near the depot"]})
    score = priority(model, candidates, coded=X)
    assert score["coverage"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert score["coverage"].iloc[1] > 0.5
    assert set(score["target_code"]) <= {"LATE", "STAFF"}


def test_interleave_takes_seven_by_score_and_three_at_random_of_each_ten():
    score = np.linspace(1, 0, 100)  # item i is the i-th best by score
    chance = np.random.default_rng(5).permutation(100)  # numpy's own seeded order, worked out here
    first_random = [int(np.flatnonzero(chance == j)[0]) for j in range(3)]  # items whose random turn is 0..2
    ranked = interleave(score, 0.3, random_state=5)
    # turns: by score k / 0.7 (items 0-6: 0 to 8.6), at random j / 0.3 (0, 3.3, 6.7); the next is 10
    top = set(np.argsort(-ranked, kind="stable")[: len(set(range(7)) | set(first_random))].tolist())
    assert top == set(range(7)) | set(first_random)
    np.testing.assert_array_equal(interleave(score, 0.0), score)
    np.testing.assert_array_equal(interleave(score, 0.3, random_state=5), ranked)  # seeded


def test_the_responses_a_sheet_labels_at_random_are_a_random_sample_whatever_their_score():
    # a review: labelling "at random" only what the random order took before the scores did left out
    # the most uncertain responses (2% of the top tenth labelled random, 17% elsewhere). Now the
    # labelled ones are a prefix of a random permutation, so every score decile is labelled alike.
    from helpers.coding import _turns, sheet_draws

    score = np.linspace(1, 0, 200)
    labelled = np.zeros(200)
    seeds = 400
    for seed in range(seeds):
        turn, chance = _turns(score, 0.3, seed)
        order = pd.DataFrame({"turn": turn, "chance_turn": chance, "target_code": "A"})
        sheet = order.iloc[np.argsort(turn, kind="stable")[:100]]  # a sheet of 100
        labelled[sheet.index[sheet_draws(sheet) == "at random"]] += 1
    by_decile = labelled.reshape(10, 20).mean(axis=1) / seeds
    # the sheet's last turn is about 100: the random order's first ~30 of 200 (15% each), every decile
    assert np.abs(by_decile - 0.15).max() < 0.03, by_decile.round(3)


def test_priority_keeps_the_score_and_mixes_in_random_picks():
    X, Y = invented()
    model = CodingModel(cv=3).fit(X, Y)
    pure = priority(model, X, explore=0.0)
    np.testing.assert_array_equal(pure["priority"], pure["score"])
    mixed = priority(model, X, explore=0.3, random_state=1)
    np.testing.assert_array_equal(mixed["score"], pure["score"])
    np.testing.assert_array_equal(mixed["priority"], interleave(pure["score"].to_numpy(), 0.3, random_state=1))
    with pytest.raises(ConfigError, match="explore must be between 0 and 1"):
        priority(model, X, explore=1.5)


def test_code_tables_have_the_theme_tables_shape(tmp_path):
    frame = read_codeframe(FIXTURES / "codeframe.yaml")
    comments = pd.DataFrame({"comment_id": ["a", "b", "c", "d"],
                             "text": ["the bus was late this morning", "a rude driver shouted", "no idea at all",
                                      "late bus and a rude driver on it"]})
    hand = pd.DataFrame({"comment_id": ["a", "b"], "coder": ["", ""], "row": [2, 3], "LATE": [1, 0], "STAFF": [0, 1]})
    machine = pd.DataFrame({"LATE": [0, 1], "STAFF": [0, 1]}, index=["c", "d"])
    proba = pd.DataFrame({"LATE": [0.1, 0.9], "STAFF": [0.2, 0.6]}, index=["c", "d"])
    codes, assigned = code_tables(comments, frame, hand, machine, proba, n_quotes=2)
    # LATE: a (analyst) and d (machine) = 2 of 4; STAFF: b and d = 2 of 4; c has none
    assert codes[["code_id", "size", "n_analyst", "n_machine"]].to_numpy().tolist() == [
        ["LATE", 2, 1, 1], ["STAFF", 2, 1, 1]]
    assert codes["share"].tolist() == [0.5, 0.5]
    assert codes["quote_ids"].tolist() == [["a", "d"], ["b", "d"]]  # the analyst's example first
    assert {"theme_id", "label", "top_terms", "main_size", "ci_low", "ci_high"} <= set(codes.columns)
    none = assigned[assigned["comment_id"] == "c"]
    assert none["theme_id"].isna().all() and none["is_main"].all()
    d = assigned[assigned["comment_id"] == "d"].set_index("code_id")
    assert d["is_main"].to_dict() == {"LATE": True, "STAFF": False}  # 0.9 beats 0.6
    assert d["coded_by"].unique().tolist() == ["machine"]


def test_a_parent_code_counts_the_responses_of_the_codes_under_it(tmp_path):
    # an audit's "walking and cycling" (74 responses) was not counted under its parent "road safety"
    cf = tmp_path / "cf.yaml"
    cf.write_text("version: 1\ncodes:\n  - {id: SAFE, name: Road safety}\n  - {id: WALK, name: Walking, parent: SAFE}\n"
                  "  - {id: KIDS, name: Children walking, parent: WALK}\n  - {id: COST, name: Cost}\n", encoding="utf-8")
    frame = read_codeframe(cf)
    comments = pd.DataFrame({"comment_id": list("abcdef"), "text": ["some words here"] * 6})
    # a: SAFE; b: WALK; c: KIDS and SAFE (counted once under SAFE); d: COST; e, f: nothing
    hand = pd.DataFrame({"comment_id": list("abcd"), "coder": "", "row": [2, 3, 4, 5],
                         "SAFE": [1, 0, 1, 0], "WALK": [0, 1, 0, 0], "KIDS": [0, 0, 1, 0], "COST": [0, 0, 0, 1]})
    codes, _ = code_tables(comments, frame, hand, None, None)
    got = codes.set_index("code_id")[["size", "size_with_children"]].to_dict("index")
    assert got == {"SAFE": {"size": 2, "size_with_children": 3}, "WALK": {"size": 1, "size_with_children": 2},
                   "KIDS": {"size": 1, "size_with_children": 1}, "COST": {"size": 1, "size_with_children": 1}}


# --- the stage and the briefing, on an invented corpus -------------------------------------------

@pytest.fixture(scope="module")
def invented_run(tmp_path_factory):
    """A run folder from invented responses, machine-coded with the fixture codeframe."""
    folder = tmp_path_factory.mktemp("coding-run")
    X, Y = invented(repeat=4)
    source = folder / "responses.csv"
    pd.DataFrame({"id": [f"r{i}" for i in range(len(X))], "text": X["text"]}).to_csv(source, index=False)
    run = folder / "run"
    stages.ingest(run, source=str(source), format="csv", text_column="text", id_column="id", kind="response")
    stages.overview(run)
    stages.themes(run, n_themes=2)
    stages.sentiment(run)
    # Without a coded sample: a draft codeframe and a first sheet, no machine coding.
    draft = stages.codeframe(run, n_sample=20)
    assert not draft["machine_coding"] and not stages.output_path(run, "codes").exists()
    sheet = pd.read_csv(stages.output_path(run, "coding_sheet"), dtype=str, keep_default_na=False)
    assert len(sheet) == 20 and {"T1", "T2", "none", "coder"} <= set(sheet.columns)
    # The analysts' own codeframe, and half the responses coded by hand (two analysts on five).
    truth = Y.set_axis([f"r{i}" for i in range(len(X))])
    coded = truth.iloc[::2]
    filled = pd.DataFrame({"comment_id": coded.index, "coder": "AB", "text": "",
                           "LATE": coded["LATE"].map({1: "1", 0: ""}).to_numpy(),
                           "STAFF": coded["STAFF"].map({1: "x", 0: ""}).to_numpy()})
    second = filled.head(5).assign(coder="CD")
    second.loc[second.index[0], "STAFF"] = "1"  # the second analyst disagrees once
    sheet_path = folder / "filled.csv"
    pd.concat([filled, second]).to_csv(sheet_path, index=False)
    notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(sheet_path),
                             n_to_code=7)
    return {"run": run, "notes": notes, "truth": truth, "n": len(X)}


def test_stage_writes_codes_shaped_like_themes(invented_run):
    run, notes = invented_run["run"], invented_run["notes"]
    assert notes["machine_coding"] and notes["n_hand_coded"] == invented_run["n"] // 2
    assert notes["n_machine_coded"] == invented_run["n"] - invented_run["n"] // 2
    assert notes["n_coders"] == 2
    codes = stages.load(run, "codes")
    assert codes["code_id"].tolist() == ["LATE", "STAFF"] or codes["code_id"].tolist() == ["STAFF", "LATE"]
    assigned = stages.load(run, "code_assignments")
    assert set(assigned["comment_id"]) == {f"r{i}" for i in range(invented_run["n"])}
    assert read_codeframe(stages.output_path(run, "codeframe")).version == 2
    assert len(list((run / "codeframes").glob("codeframe-v*.yaml"))) == 2  # the draft and version 2
    nxt = pd.read_csv(stages.output_path(run, "coding_sheet"), dtype=str, keep_default_na=False)
    assert len(nxt) == 7 and not set(nxt["comment_id"]) & set(invented_run["truth"].index[::2])
    assert stages.output_path(run, "coding_sheet_xlsx").is_file()
    # Analysts: five responses compared; they differ on one STAFF decision of ten.
    a = {r["metric"]: r for r in notes["analyst_agreement"]}
    assert a["micro_f1"]["n"] == 5


def test_briefing_shows_codes_counts_quotes_and_agreement(invented_run):
    run, notes = invented_run["run"], invented_run["notes"]
    data = briefing.load_briefing_data(run)
    assert data.coding is not None
    html = briefing.themes_section(data)
    codes = stages.load(run, "codes")
    for row in codes.itertuples():
        assert f"Code {row.code_id}: {row.label}" in html
        assert f"{row.size:,}" in html
        if pd.notna(row.estimate):  # the machine's part estimated from its probabilities: estimate and interval
            assert f"{row.estimate:.0%} (estimated)" in html and f"{row.estimate_low:.0%} to {row.estimate_high:.0%}" in html
        else:
            assert f"{row.ci_low:.0%} to {row.ci_high:.0%}" in html  # counts with intervals
    assert html.count("<blockquote") >= 2  # quotes, cited by comment id
    micro = next(r for r in notes["agreement"] if r["metric"] == "micro_f1")
    assert f"{micro['value']:.2f} (95% interval {micro['ci_low']:.2f} to {micro['ci_high']:.2f})" in html
    assert f"Analysts coded {notes['n_hand_coded']:,} of the" in html
    method = briefing.methodology_section(data)
    assert "<h3>Coding</h3>" in method or ">Coding</h3>" in method
    assert "Machine vs analysts" in method and "Analyst vs analyst" in method
    assert "bootstrap" in method
    # each code's own agreement (an audit: only the averages were in the annex, though the README says to
    # check each code there)
    assert "Agreement of the machine with the analysts, code by code" in method
    for row in stages.load(run, "code_agreement").itertuples():
        assert f"<td>{row.code_id}</td>" in method
        assert f"{row.f1:.2f} ({row.f1_low:.2f} to {row.f1_high:.2f})" in method
    coded = pd.read_csv(stages.output_path(run, "coded"), dtype=str)
    assert set(coded["main_theme"].dropna()) <= set(codes["label"])


def test_briefing_counts_a_parent_code_with_the_codes_under_it(invented_run):
    data = briefing.load_briefing_data(invented_run["run"])
    t = data.themes.set_index("code_id")
    n = data.n_analysed
    t.loc["STAFF", "parent"] = "LATE"
    t.loc["LATE", "size_with_children"] = int(t.loc["LATE", "size"]) + 3  # three STAFF-only responses
    data.themes = t.reset_index()
    html = " ".join(briefing.themes_section(data).split())
    rolled = int(t.loc["LATE", "size"]) + 3
    from helpers.stats import describe_share

    assert f"With the codes under it (STAFF): {describe_share(rolled, n)} of" in html
    assert "Code STAFF (under LATE)" in html


def test_without_codes_the_briefing_keeps_the_themes(tmp_path, invented_run):
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    for name in ("codes", "code_assignments", "sentiment_by_code"):
        stages.output_path(run, name).unlink()
    data = briefing.load_briefing_data(run)
    assert data.coding is None
    assert "Themes were found automatically" in briefing.themes_section(data)
    assert ">Coding</h3>" not in briefing.methodology_section(data)


def test_rerunning_a_stage_with_the_same_parameters_keeps_what_was_made_from_it(tmp_path, invented_run):
    # an audit ran 04_themes again in JupyterLab to look at the themes: the themes came out byte for byte
    # the same, yet the tone tables, the machine coding and the briefing were deleted
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    (run / "briefing.html").write_text("old page")
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no StaleResultsRemoved (nor any other warning)
        stages.themes(run, n_themes=2)  # as the fixture made them
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before  # no temporary file left
    # and a run folder given relative to the project root is found from another working folder
    # (a notebook's is notebooks/): the docstring's theme_comments("reports/<corpus>", 1)
    inside = paths.project_root() / "reports" / f".test-{os.getpid()}"
    shutil.copytree(run, inside)
    try:
        here = os.getcwd()
        os.chdir(paths.project_root() / "notebooks")
        try:
            found = stages.theme_comments(inside.relative_to(paths.project_root()), 1)
        finally:
            os.chdir(here)
        pd.testing.assert_frame_equal(found, stages.theme_comments(run, 1))
    finally:
        shutil.rmtree(inside)


def test_rerunning_an_earlier_stage_removes_what_was_made_from_it(tmp_path, invented_run):
    # an audit re-ran 04_themes by hand with n_themes=12, then 90_briefing: its tone-by-theme table was the
    # old model's, under the new labels
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    (run / "briefing.html").write_text("old page")
    with pytest.warns(stages.StaleResultsRemoved) as said:
        stages.themes(run, n_themes=3)
    # one warning, at the first file that changed, naming what went and what to run again
    assert len(said) == 1
    assert str(said[0].message).startswith("04_themes wrote new results, so the files made from its old ones were "
                                           "removed (sentiment.parquet, ")
    assert str(said[0].message).endswith("briefing.html): run 05_sentiment, 07_codeframe and 90_briefing again, "
                                         "or `make report`")
    for name in ("sentiment", "sentiment_by_theme", "sentiment_notes", "codes", "code_assignments", "coding_notes",
                 "coded"):
        assert not stages.output_path(run, name).exists(), name
    assert not (run / "briefing.html").exists()
    for name in ("comments", "overview", "themes"):  # upstream and its own: kept
        assert stages.output_path(run, name).exists(), name
    for name in ("codeframe", "coding_sheet", "coding_sheet_xlsx"):  # analysts' files are never removed
        assert stages.output_path(run, name).exists(), name
    with pytest.raises(ConfigError, match=r"sentiment\.json is missing: run notebook 05_sentiment first"):
        briefing.load_briefing_data(run)
    assert stages.downstream("03_campaigns") == {"04_themes", "05_sentiment", "07_codeframe", "90_briefing"}
    assert stages.downstream("06_opinion_groups") == {"90_briefing"}


def test_the_next_sheet_says_why_each_response_is_on_it_and_shares_leave_out_the_samplers_picks(tmp_path,
                                                                                               invented_run):
    # a review: calibrating shares on responses the active sampler chose for sitting near the machine's
    # thresholds made their intervals hold the truth for about 3 codes in 4
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    nxt = pd.read_csv(stages.output_path(run, "coding_sheet"), dtype=str, keep_default_na=False)
    assert len(nxt) == 7
    chosen = nxt["drawn"].str.startswith("for code ")
    assert (nxt.loc[~chosen, "drawn"] == "at random").all()
    assert set(nxt.loc[chosen, "drawn"]) <= {"for code LATE", "for code STAFF"} and chosen.any()
    # the analysts code it and add it to their first sheet (which has no drawn column: read as random)
    truth = invented_run["truth"]
    first = truth.iloc[::2]
    done = pd.DataFrame({"comment_id": first.index, "coder": "AB", "text": "",
                         "LATE": first["LATE"].to_numpy(), "STAFF": first["STAFF"].to_numpy()})
    nxt["coder"], nxt["LATE"], nxt["STAFF"] = "AB", truth.loc[nxt["comment_id"], "LATE"].to_numpy(), \
        truth.loc[nxt["comment_id"], "STAFF"].to_numpy()
    both = tmp_path / "both.csv"
    pd.concat([done, nxt], ignore_index=True).to_csv(both, index=False)
    notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(both), n_to_code=7)
    assert notes["n_hand_coded"] == len(first) + 7
    assert notes["n_chosen_by_sampler"] == int(chosen.sum()) and notes["shares_calibrated_on_random"]
    html = briefing.themes_section(briefing.load_briefing_data(run))
    n_random = len(first) + 7 - int(chosen.sum())
    assert f"drawn at random (not the {int(chosen.sum())} the tool chose for being hard to code" in html
    assert f"on the {n_random} hand-coded responses drawn at random" in html
    # a code that no response drawn at random carries is calibrated on them all, and the page says so
    import dataclasses

    data = briefing.load_briefing_data(run)
    themes = data.themes.assign(calibrated_on=np.where(data.themes["code_id"].eq("STAFF"), "all", "random"))
    said = briefing._calibration_caution(dataclasses.replace(data, themes=themes))
    assert said == ("No hand-coded response drawn at random carries code STAFF, so its share is calibrated on "
                    "every hand-coded response, including those chosen for being hard to code: the interval may "
                    "be too narrow.")
    assert said in briefing.coding_method_html(dataclasses.replace(data, themes=themes))
    # every response chosen by the sampler: nothing to calibrate on but them, and the briefing says so
    pd.concat([done.assign(drawn="for code LATE"), nxt.assign(drawn="for code STAFF")],
              ignore_index=True).to_csv(both, index=False)
    notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(both), n_to_code=7)
    assert notes["n_chosen_by_sampler"] == len(first) + 7 and not notes["shares_calibrated_on_random"]
    data = briefing.load_briefing_data(run)
    assert "their intervals too narrow: code a sample drawn at random as well" in briefing.themes_section(data)
    assert "their intervals too narrow" in briefing.coding_method_html(data)


def test_a_code_left_to_analysts_is_counted_among_the_hand_coded_not_shown_as_a_share_of_all(tmp_path,
                                                                                             invented_run):
    # a review: a code with 2 hand-coded examples read "<1% (95% CI 0% to 1%)" of all responses, though
    # the machine never looked for it in the rest
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    frame = tmp_path / "codeframe.yaml"
    frame.write_text((FIXTURES / "codeframe.yaml").read_text(encoding="utf-8")
                     + "  - id: FARE\n    name: Fares\n", encoding="utf-8")
    truth = invented_run["truth"].iloc[::2]
    sheet = pd.DataFrame({"comment_id": truth.index, "coder": "AB", "LATE": truth["LATE"].to_numpy(),
                          "STAFF": truth["STAFF"].to_numpy(), "FARE": [1, 1] + [0] * (len(truth) - 2)})
    sheet.to_csv(tmp_path / "sheet.csv", index=False)
    notes = stages.codeframe(run, codeframe=str(frame), coded_sample=str(tmp_path / "sheet.csv"), n_to_code=3)
    assert notes["untrained_codes"] == ["FARE"]
    data = briefing.load_briefing_data(run)
    html = briefing.themes_section(data)
    fare = html[html.index("Code FARE: Fares"):]
    # 2 given by analysts, of the len(truth) they coded; the machine coded the other half
    assert f"Given by analysts to 2 of the {len(truth)} responses analysts coded" in fare
    assert f"the other {invented_run['n'] - len(truth)} were not coded for it" in fare
    table = briefing._themes_overview_table(data, data.n_analysed).set_index("Theme")
    row = table.loc[[t for t in table.index if t.endswith("Fares")][0]]
    assert row["Share"] == f"2 of the {len(truth)} responses analysts coded"
    assert row["95% interval"] == "not estimated (left to analysts)"
    assert "Not shown: 1 code left to analysts" in html  # not a bar on the chart
    assert "Fares" not in briefing.summary_section(data)  # nor among the most common


def test_a_filled_sheet_and_an_edited_codeframe_are_kept_before_new_ones_are_written(tmp_path, invented_run):
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    sheet = stages.output_path(run, "coding_sheet")
    # the analysts fill the sheet in the run folder, as 07_codeframe tells them to, and pass it back
    truth = invented_run["truth"].iloc[:24]
    filled = pd.DataFrame({"comment_id": truth.index, "text": "", "coder": "AB",
                           "LATE": truth["LATE"].map({1: "1", 0: ""}).to_numpy(),
                           "STAFF": truth["STAFF"].map({1: "x", 0: ""}).to_numpy()})
    filled.to_csv(sheet, index=False)
    before = sheet.read_bytes()
    blank = pd.read_excel(stages.output_path(run, "coding_sheet_xlsx"), dtype=str)  # nothing written in it
    # passed back as it is, the next run would read the blank next sheet written over it: refused, with what to do
    with pytest.raises(ConfigError, match="this run folder's coding_sheet.csv, which 07_codeframe rewrites"):
        stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(sheet))
    mine = tmp_path / "my-sheet.csv"
    shutil.copyfile(sheet, mine)
    notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(mine), n_to_code=3)
    kept = [run / k for k in notes["kept_files"]]
    assert [k.read_bytes() for k in kept] == [before] and kept[0].parent.name == "coding_sheets"
    assert sheet.read_bytes() != before  # the next sheet is in its place
    assert len(blank) and not any(p.suffix == ".xlsx" for p in kept)  # an untouched sheet is not kept
    # codeframe.yaml edited in place, then 07 re-run without it: the draft replaces it, the edit is kept
    cf = stages.output_path(run, "codeframe")
    cf.write_text(cf.read_text(encoding="utf-8").replace("version: 2", "version: 3"), encoding="utf-8")
    notes = stages.codeframe(run, n_sample=5)
    assert any(k.startswith("codeframes/codeframe-v3-") for k in notes["kept_files"])
    assert read_codeframe(run / next(k for k in notes["kept_files"] if k.startswith("codeframes/"))).version == 3
    assert stages.codeframe(run, n_sample=5)["kept_files"] == []  # nothing new to keep


def test_a_coded_sample_needs_its_codeframe(invented_run, tmp_path):
    from helpers.errors import ConfigError

    with pytest.raises(ConfigError, match="needs the codeframe"):
        stages.codeframe(invented_run["run"], coded_sample="x.csv")


# --- the command line ---------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "helpers", *args], cwd=paths.project_root(),
                          capture_output=True, text=True, timeout=300)


def test_cli_code_writes_codes_and_agreement(invented_run, tmp_path):
    table = stages.output_path(invented_run["run"], "comments")
    truth = invented_run["truth"].iloc[::2]
    sheet = tmp_path / "coded.csv"
    pd.DataFrame({"comment_id": truth.index, "LATE": truth["LATE"], "STAFF": truth["STAFF"]}).to_csv(sheet, index=False)
    out = tmp_path / "coded-all.csv"
    done = run_cli("code", str(table), "--codeframe", str(FIXTURES / "codeframe.yaml"), "--coded", str(sheet),
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert re.search(r"responses: \d+ coded by analysts, \d+ by machine", done.stdout)
    assert "micro_f1" in done.stdout
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(coded) == invented_run["n"] and set(coded["coded_by"]) == {"analyst", "machine"}
    assert (tmp_path / "coded-all.agreement.csv").is_file()
    assert "analyst vs analyst: no response was coded by two analysts" in done.stdout
    # a second analyst (CD) codes four of the responses: the same on three, LATE instead of STAFF on one.
    # Decisions (AB as reference): 3 agreed yes, 1 CD-only yes, 1 AB-only yes: micro F1 = 6 / (6 + 1 + 1) = 0.75
    late = [c for c in truth.index if truth.loc[c, "LATE"] and not truth.loc[c, "STAFF"]][:2]
    staff = [c for c in truth.index if truth.loc[c, "STAFF"] and not truth.loc[c, "LATE"]][:2]
    second = pd.DataFrame({"comment_id": late + staff, "coder": "CD", "LATE": [1, 1, 0, 1], "STAFF": [0, 0, 1, 0]})
    first = pd.DataFrame({"comment_id": truth.index, "coder": "AB", "LATE": truth["LATE"], "STAFF": truth["STAFF"]})
    pd.concat([first, second]).to_csv(sheet, index=False)
    done = run_cli("code", str(table), "--codeframe", str(FIXTURES / "codeframe.yaml"), "--coded", str(sheet),
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "analyst vs analyst (4 responses coded by both): micro_f1 0.750" in done.stdout
    per_code = pd.read_csv(tmp_path / "coded-all.agreement.csv")
    # LATE: CD says yes on 3, AB on 2, both on 2: F1 = 4 / 5; STAFF: both on 1, AB-only 1: F1 = 2 / 3
    assert per_code.set_index("code_id")["analysts_f1"].round(4).to_dict() == {"LATE": 0.8, "STAFF": 0.6667}


def test_the_code_command_gives_copies_the_analysts_codes_and_keeps_them_in_one_fold(monkeypatch):
    # as the 07 stage does: a word-for-word copy of a hand-coded response takes its codes, and copies
    # coded by hand are never split between training and checking
    X, Y = invented(repeat=2)
    ids = [f"r{i}" for i in range(len(X))]
    comments = pd.DataFrame({"comment_id": ids, "text": X["text"]})
    copy_of_r0 = pd.DataFrame({"comment_id": ["c1", "c2"], "text": ["  " + X["text"][0].upper(), X["text"][0] + " "]})
    comments = pd.concat([comments, copy_of_r0], ignore_index=True)
    hand = pd.DataFrame({"comment_id": ids[::2] + ["c1"], "coder": "", "row": range(2, len(ids[::2]) + 3)})
    for code in ("LATE", "STAFF"):
        hand[code] = [*Y[code].iloc[::2], Y[code].iloc[0]]
    seen = {}
    fit = CodingModel.fit

    def spy(self, X_, Y_, **kw):
        seen["groups"] = kw.get("groups")
        return fit(self, X_, Y_, **kw)

    monkeypatch.setattr(CodingModel, "fit", spy)
    coded, _, _ = code_comments(comments, read_codeframe(FIXTURES / "codeframe.yaml"), hand, n_boot=0)
    coded = coded.set_index("comment_id")
    assert coded.loc["c2", "coded_by"] == "analyst"  # a copy of r0, not coded by hand: r0's codes
    assert coded.loc["c2", ["LATE", "STAFF"]].tolist() == Y.loc[0, ["LATE", "STAFF"]].tolist()
    groups = pd.Series(seen["groups"], index=hand["comment_id"].to_numpy())
    assert groups["r0"] == groups["c1"]  # the same text: one group, one fold
    assert groups.drop(["r0", "c1"]).is_unique and groups["r2"] != groups["r0"]


def test_cli_code_bad_sheet_is_one_line_and_exit_2(invented_run, tmp_path):
    table = stages.output_path(invented_run["run"], "comments")
    sheet = tmp_path / "bad.csv"
    sheet.write_text("comment_id,LATE,STAFF\nr0,1,\nr1,,maybe\n", encoding="utf-8")
    done = run_cli("code", str(table), "--codeframe", str(FIXTURES / "codeframe.yaml"), "--coded", str(sheet),
                   "--out", str(tmp_path / "o.csv"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {sheet}: row 3: column 'STAFF': 'maybe' is not a mark (use 1 or x for " \
                                  "'applies', leave blank otherwise)"


# --- the acceptance round trip on real human codes ----------------------------------------------

NHS_CATEGORIES = ["Access", "Care received", "Communication", "Couldn't be improved", "Dignity",
                  "Environment/ facilities", "Miscellaneous", "Staff", "Transition/coordination"]


@pytest.mark.shared
def test_nhs_round_trip(tmp_path):
    """Draft a codeframe, export a coding sheet, fill it from the NHS human labels, read it back,
    train, code the rest, report agreement; then the briefing shows the codes and the agreement."""
    corpus = shared_corpus("nhs-patient-feedback", "text_data.csv")
    run = tmp_path / "nhs"
    stages.ingest(run, source=str(corpus), format="consultation",
                  question_map="params/question-maps/nhs-patient-feedback.yaml")
    stages.overview(run)
    stages.themes(run, n_themes=9)
    stages.sentiment(run)
    draft = stages.codeframe(run, n_sample=50)
    assert not draft["machine_coding"] and draft["codeframe"]["n_codes"] == 9
    # Analysts replace the drafted codes by their own (the corpus's nine major categories).
    frame = read_codeframe(stages.output_path(run, "codeframe"))
    frame.codes = pd.DataFrame({"code_id": [f"K{i + 1}" for i in range(9)], "name": NHS_CATEGORIES,
                                "description": "", "examples": [[] for _ in range(9)], "parent": None})
    frame.version = 2
    codeframe = tmp_path / "codes.yaml"
    write_codeframe(frame, codeframe)
    stages.codeframe(run, codeframe=str(codeframe), n_sample=1000)
    sheet_path = stages.output_path(run, "coding_sheet")
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    assert len(sheet) == 1000 and (sheet[frame.ids] == "").all().all()
    # Fill it in from the human labels (respondent id = the export's row_index).
    raw = pd.read_csv(corpus, usecols=["row_index", "label"], dtype=str).set_index("row_index")["label"].str.strip()
    respondent = stages.load_comments(run).set_index("comment_id")["respondent_id"]
    label = sheet["comment_id"].map(respondent).map(raw)
    for code, name in zip(frame.ids, NHS_CATEGORIES, strict=True):
        sheet[code] = np.where(label == name, "1", "")
    sheet["coder"] = "NHS"
    filled = tmp_path / "filled.csv"
    sheet.to_csv(filled, index=False)
    hand = read_coding_sheet(filled, frame)
    assert len(hand) == 1000 and (hand[frame.ids].sum(axis=1) == 1).all()
    notes = stages.codeframe(run, codeframe=str(codeframe), coded_sample=str(filled), n_to_code=100)
    n = notes["n_analysed"]
    # word-for-word copies (case and spacing aside) of a hand-coded response take its codes; the rest is the machine's
    analysed = stages.analysed_comments(stages.load_comments(run))
    fold = analysed["text"].str.lower().str.split().str.join(" ")
    on_sheet = analysed["comment_id"].isin(set(sheet["comment_id"]))
    copies = int((~on_sheet & fold.isin(set(fold[on_sheet]))).sum())
    assert copies > 0 and notes["n_copies_of_hand_coded"] == copies
    assert notes["n_hand_coded"] == 1000 and notes["n_machine_coded"] == n - 1000 - copies
    agree = {r["metric"]: r for r in notes["agreement"]}
    # Far better than chance, and short of the 5-fold figure on all the data (about 0.70 micro).
    assert 0.5 < agree["micro_f1"]["value"] < 0.8
    assert agree["micro_f1"]["ci_low"] < agree["micro_f1"]["value"] < agree["micro_f1"]["ci_high"]
    codes = stages.load(run, "codes")
    assert int(codes["size"].sum()) >= n  # single-label data: every response gets a code
    html = briefing.themes_section(briefing.load_briefing_data(run))
    assert "Code K2: Care received" in html and f"{agree['micro_f1']['value']:.2f}" in html


def test_a_consultation_sheet_with_nothing_written_in_it_is_not_kept(tmp_path):
    # a review: the question_id column every consultation sheet has made each blank sheet look filled in
    from helpers.coding import _written_in

    blank = pd.DataFrame({"comment_id": ["r1:q1", "r2:q1"], "question_id": ["q1", "q1"], "text": ["a", "b"],
                          "coder": ["", ""], "notes": ["", ""], "LATE": ["", ""], "none": ["", ""]})
    blank.to_csv(tmp_path / "blank.csv", index=False)
    assert not _written_in(tmp_path / "blank.csv")
    blank.assign(LATE=["1", ""]).to_csv(tmp_path / "filled.csv", index=False)
    assert _written_in(tmp_path / "filled.csv")


def test_analyst_agreement_does_not_depend_on_which_analyst_is_first():
    # X uses A and B, Y only A. Per code (X as truth): A tp 2 fp 0 fn 0, F1 1, kappa 1; B tp 0 fn 1, F1 0,
    # kappa 0 (po 2/3, pe 2/3). Averaged over the codes either used: macro F1 0.5, mean kappa 0.5 both
    # ways (over the truth's codes only, Y as truth gave 1.0).
    x = pd.DataFrame({"comment_id": list("abc"), "coder": "X", "A": [1, 1, 0], "B": [0, 0, 1]})
    y = pd.DataFrame({"comment_id": list("abc"), "coder": "Y", "A": [1, 1, 0], "B": [0, 0, 0]})
    for hand in (pd.concat([x, y]), pd.concat([y, x])):
        overall, _ = analyst_agreement(hand, ["A", "B"], n_boot=0)
        values = overall.set_index("metric")["value"].round(4).to_dict()
        assert values == {"micro_f1": 0.8, "macro_f1": 0.5, "mean_kappa": 0.5}


def test_a_rare_code_left_to_analysts_does_not_cut_the_folds():
    # An audit's code with 2 examples (too few to train: left to analysts) made every code's
    # cross-validation 2-fold; the README promises 5. 40 responses: LATE on 20, STAFF on 18, RARE on 2.
    texts = ([f"the bus was late again on route {i}" for i in range(20)]
             + [f"the driver was rude to me on trip {i}" for i in range(18)] + ["lost property office", "lost umbrella"])
    Y = pd.DataFrame({"LATE": [1] * 20 + [0] * 20, "STAFF": [0] * 20 + [1] * 18 + [0, 0],
                      "RARE": [0] * 38 + [1, 1]})
    model = CodingModel(random_state=0).fit(pd.DataFrame({"text": texts}), Y)
    assert model.untrained_ == ["RARE"] and model.n_folds_ == 5


def test_estimated_shares_scale_the_machines_probabilities_to_the_analysts_count():
    # Worked by hand. 6 analysts' responses: A on 2, whose cross-validated probabilities sum to 3.0, so
    # the machine overshoots by 3/2: factor 2/3. Its probabilities for the 100 responses it coded sum to
    # 30 (0.3 each): 20 of them carry A; with the analysts' 2 and 1 word-for-word copy of one (3), 23 of
    # the 6 + 1 + 100 = 107 responses.
    truth = pd.DataFrame({"A": [1, 1, 0, 0, 0, 0], "B": [1, 0, 0, 0, 0, 0]})
    cv = pd.DataFrame({"A": [0.9, 0.6, 0.6, 0.5, 0.2, 0.2], "B": [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]})
    rest = pd.DataFrame({"A": [0.3] * 100, "B": [0.02] * 100})
    e = estimated_shares(truth, cv, rest, [3, 1], 107, trained=[True, False], n_boot=300).set_index("code_id")
    assert e.loc["A", "estimate"] == pytest.approx(23 / 107)
    assert e.loc["A", "estimate_low"] < 23 / 107 < e.loc["A", "estimate_high"]
    assert e.loc["B", ["estimate", "estimate_low", "estimate_high"]].isna().all()  # not trained: no estimate
    assert e.loc["B", "calibrated_on"] == ""
    again = estimated_shares(truth, cv, rest, [3, 1], 107, trained=[True, False], n_boot=300).set_index("code_id")
    pd.testing.assert_frame_equal(e, again)  # seeded


def test_estimated_shares_are_calibrated_on_the_responses_drawn_at_random():
    # Worked by hand. 4 responses drawn at random: A on 1, probabilities summing to 1.5 (factor 2/3). 2
    # chosen by the active sampler near the threshold, both A at 0.5 each: the machine undershoots there.
    # Over all 6 the factor would be 3 / 2.5 = 1.2. The machine's 10 others: 0.3 each, 3 in all.
    truth = pd.DataFrame({"A": [1, 0, 0, 0, 1, 1]})
    cv = pd.DataFrame({"A": [0.5, 0.5, 0.25, 0.25, 0.5, 0.5]})
    rest = pd.DataFrame({"A": [0.3] * 10})
    random = [True, True, True, True, False, False]
    on_random = estimated_shares(truth, cv, rest, [3], 16, calibrate=random, n_boot=0)
    on_all = estimated_shares(truth, cv, rest, [3], 16, n_boot=0)
    assert on_random.loc[0, "estimate"] == pytest.approx((3 + 2 / 3 * 3) / 16)  # 5/16
    assert on_all.loc[0, "estimate"] == pytest.approx((3 + 1.2 * 3) / 16)
    assert on_random.loc[0, "calibrated_on"] == "random" and on_all.loc[0, "calibrated_on"] == "all"
    # a code no random response carries (the sampler looks for rare codes): calibrated on every row,
    # and said so. All 6: A on 2, probabilities 2.5: factor 0.8; (2 + 0.8 * 3) / 16
    rare = estimated_shares(truth.assign(A=[0, 0, 0, 0, 1, 1]), cv, rest, [2], 16, calibrate=random, n_boot=200)
    assert rare.loc[0, "estimate"] == pytest.approx(4.4 / 16) and rare.loc[0, "calibrated_on"] == "all"
    assert rare.loc[0, "estimate_low"] <= 4.4 / 16 <= rare.loc[0, "estimate_high"]


def test_estimated_shares_are_close_to_the_human_coding_of_the_nhs_feedback():
    # An audit coded 181 NHS responses (a stratified sample) by the human labels; the machine then gave
    # "Care received" to 60% of the rest, where the human coding of those responses has 36%. The
    # estimated shares must lie within 5 points of the human share on the whole corpus, code by code.
    folder = shared_corpus("nhs-patient-feedback")
    data = pd.read_csv(folder / "text_data.csv").dropna(subset=["feedback"])
    data = data[data["feedback"].str.split().str.len() >= 3].reset_index(drop=True)
    data["comment_id"], data["text"] = data["row_index"].astype(str), data["feedback"]
    labels = pd.get_dummies(data["label"]).astype(int)
    sample = data.groupby("label", group_keys=False).apply(lambda g: g.sample(frac=0.02, random_state=0)).index
    Y = labels.loc[sample].reset_index(drop=True)
    X = data.loc[sample].reset_index(drop=True)
    model = CodingModel(random_state=0).fit(X, Y, corpus=data)
    rest = data.drop(index=sample)
    decided = model.predict(rest).to_numpy().mean(axis=0)
    est = estimated_shares(Y, model.cv_proba_, model.predict_proba(rest), Y.sum().to_numpy(), len(data),
                           trained=[c not in model.untrained_ for c in Y.columns], n_boot=0)
    truth = labels.mean().to_numpy()
    done = est["estimate"].notna().to_numpy()
    assert done.sum() >= 6
    assert np.abs(est["estimate"].to_numpy()[done] - truth[done]).max() < 0.05
    # and closer than counting the machine's decisions
    assert np.abs(est["estimate"].to_numpy()[done] - truth[done]).mean() < np.abs(decided[done] - truth[done]).mean()


def test_a_codeframe_edited_in_place_keeps_the_analysts_comments(tmp_path, invented_run):
    # an audit added "# FOOD agreed with policy team" to the run folder's codeframe.yaml, bumped the version
    # and passed it back: the file was rewritten and every kept copy lost the comment
    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    in_place = stages.output_path(run, "codeframe")
    text = (FIXTURES / "codeframe.yaml").read_text(encoding="utf-8").replace("version: 2", "version: 3")
    text += "# STAFF agreed with the policy team on 3 March\n"
    in_place.write_text(text, encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    truth = invented_run["truth"].iloc[::2]
    pd.DataFrame({"comment_id": truth.index, "coder": "AB", "LATE": truth["LATE"].to_numpy(),
                  "STAFF": truth["STAFF"].to_numpy()}).to_csv(sheet, index=False)
    stages.codeframe(run, codeframe=str(in_place), coded_sample=str(sheet), n_to_code=5)
    assert in_place.read_text(encoding="utf-8") == text  # not rewritten
    kept = list((run / "codeframes").glob("codeframe-v3-*.yaml"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == text  # kept byte for byte


def test_the_runner_says_what_coding_did_and_where_the_next_sheet_is(invented_run):
    # an audit: the console showed only "07_codeframe done"; agreement and the sheet were in the notebook
    from helpers.coding import console_lines

    run, n = invented_run["run"], invented_run["n"]
    lines = console_lines(run)
    assert lines[0].startswith(f"  coding: {n // 2} responses coded by analysts, {n - n // 2} by machine; agreement")
    assert lines[-1] == f"  coding: the next 7 responses to code: {stages.output_path(run, 'coding_sheet')} (and .xlsx)"


def test_the_runner_says_which_rows_of_filled_down_zeros_were_read_as_not_coded(tmp_path, invented_run):
    from helpers.coding import console_lines

    run = tmp_path / "copy"
    shutil.copytree(invented_run["run"], run)
    truth = invented_run["truth"].iloc[::2]
    sheet = pd.DataFrame({"comment_id": truth.index, "coder": "AB", "LATE": truth["LATE"].to_numpy(),
                          "STAFF": truth["STAFF"].to_numpy()})
    sheet.loc[sheet.index[-3:], ["coder", "LATE", "STAFF"]] = ["", 0, 0]  # the last 3: 0s ahead of the coding
    sheet.to_csv(tmp_path / "sheet.csv", index=False)
    with pytest.warns(UserWarning, match="3 row"):
        notes = stages.codeframe(run, codeframe=str(FIXTURES / "codeframe.yaml"), coded_sample=str(tmp_path / "sheet.csv"),
                                 n_to_code=3)
    rows = [len(truth) - 1, len(truth), len(truth) + 1]  # spreadsheet rows: the header is row 1
    assert notes["prefilled_rows"] == rows and notes["n_hand_coded"] == len(truth) - 3
    assert (f"  coding: 3 sheet row(s) with 0 in every code column and no coder read as not coded yet (rows "
            f"{rows[0]}, {rows[1]}, {rows[2]})") in console_lines(run)


def test_a_code_with_few_examples_gets_no_interval_that_looks_certain(invented_run):
    # an audit's codes with 3-5 examples read "F1 0.00 (0.00 to 0.00)": a bootstrap of a handful
    import dataclasses

    data = briefing.load_briefing_data(invented_run["run"])
    per = data.code_agreement.copy()
    per.loc[per.index[0], ["n_true", "f1", "f1_low", "f1_high"]] = [3, 0.0, 0.0, 0.0]
    method = briefing.methodology_section(dataclasses.replace(data, code_agreement=per))
    assert "0.00 (too few examples for an interval)" in method and "0.00 (0.00 to 0.00)" not in method


def test_a_code_nobody_was_given_says_so_plainly(invented_run):
    # an audit: a code with no responses and no terms read "Key terms: ." and "cannot be quoted (none whose
    # author agreed to publication ...)"
    import dataclasses

    data = briefing.load_briefing_data(invented_run["run"])
    themes = data.themes.copy()
    themes.loc[themes.index[0], ["size", "share", "ci_low", "ci_high"]] = [0, 0.0, 0.0, 0.05]
    themes.at[themes.index[0], "top_terms"] = []
    themes["estimate"] = np.nan  # shown as counted
    html = briefing.themes_section(dataclasses.replace(data, themes=themes))
    first = html[html.index(f"Code {themes['code_id'].iloc[0]}:"):]
    first = first[:first.index("</section>")]
    assert "Key terms" not in first and "can be quoted" not in first


def test_cli_code_with_too_few_coded_names_the_sheet(invented_run, tmp_path):
    # an audit: "only 0 response(s) are coded" named no file, unlike every other error
    table = stages.output_path(invented_run["run"], "comments")
    truth = invented_run["truth"].iloc[:3]
    sheet = tmp_path / "few.csv"
    pd.DataFrame({"comment_id": truth.index, "LATE": truth["LATE"], "STAFF": truth["STAFF"]}).to_csv(sheet, index=False)
    done = run_cli("code", str(table), "--codeframe", str(FIXTURES / "codeframe.yaml"), "--coded", str(sheet),
                   "--out", str(tmp_path / "out.csv"))
    assert done.returncode == 2
    rows = int((truth[["LATE", "STAFF"]].sum(axis=1) > 0).sum())  # rows with no mark are not coded yet
    assert done.stderr.strip() == (f"error: {sheet}: only {rows} response(s) are coded in the sheet: machine "
                                   "coding needs at least 10")
