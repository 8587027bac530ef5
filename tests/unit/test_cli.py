"""The command line: the ingest acceptance check, and errors as one line with exit code 2."""

import subprocess
import sys

import pandas as pd
import pytest

from helpers import cli, paths

ROOT = paths.project_root()
PAGE = "data/raw/obama-toolkit/page.txt"


def test_ingest_example_page_to_csv(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert cli.main(["ingest", PAGE, "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["kind"].value_counts().to_dict() == {"comment": 7, "pingback": 3, "post": 1}
    oops = table.loc[table["text"].str.startswith("oops, apologies for the cliff hanger")]
    assert oops["kind"].tolist() == ["comment"] and oops["comment_id"].tolist() == ["r7"]
    for boilerplate in ("Leave a Reply", "Fill in your details", "bloggers like this"):
        assert not table["text"].str.contains(boilerplate, regex=False).any()
    exclusions = pd.read_csv(tmp_path / "t.exclusions.csv", dtype=str)
    assert exclusions["reason"].tolist() == ["boilerplate"]
    printed = capsys.readouterr().out
    assert "read 12 records = 11 kept + 1 excluded" in printed


def test_ingest_to_parquet(tmp_path):
    out = tmp_path / "t.parquet"
    assert cli.main(["ingest", PAGE, "--format", "blog-page", "--out", str(out)]) == 0
    assert len(pd.read_parquet(out)) == 11


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
])
def test_bad_files_give_one_line_and_exit_2(tmp_path, capsys, content, words):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    out = tmp_path / "t.csv"
    assert cli.main(["ingest", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}") and words in err[0].lower()
    assert not out.exists()


def test_unknown_format_is_refused(tmp_path, capsys):
    assert cli.main(["ingest", PAGE, "--format", "nope", "--out", str(tmp_path / "t.csv")]) == 2
    assert "nope" in capsys.readouterr().err


def test_run_rejects_unknown_parameter_before_running_anything(tmp_path, capsys):
    code = cli.main(["run", "params/obama-toolkit.yaml", "-p", "n_theme=3", "--out", str(tmp_path / "r")])
    assert code == 2
    err = capsys.readouterr().err
    assert "'n_theme' is not declared" in err and not (tmp_path / "r").exists()
    # an audit: the error named the configuration file, though the typo was on the command line
    assert err.startswith("error: -p n_theme=3: parameter 'n_theme' is not declared")


def test_run_needs_a_config_or_source_and_corpus(capsys):
    assert cli.main(["run", "--source", PAGE]) == 2
    assert "--source and --corpus" in capsys.readouterr().err


def test_formats_lists_the_readers(capsys):
    assert cli.main(["formats"]) == 0
    assert {"blog-page", "csv", "xlsx", "jsonl"} <= set(capsys.readouterr().out.split())


def test_python_dash_m_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers", "ingest", "nowhere.txt", "--out", str(tmp_path / "t.csv")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "nowhere.txt" in result.stderr


def _two_topic_table(tmp_path):
    texts = ["The bus is late and the bus timetable is wrong.", "Train fares are high and the train is late.",
             "Run the bus more often; the timetable has gaps.", "The school needs teachers for its pupils.",
             "Pupils deserve a teacher with time for them.", "Pay every school teacher properly.", "!!!"]
    table = pd.DataFrame({"comment_id": [f"c{i}" for i in range(len(texts))], "text": texts})
    path = tmp_path / "comments.csv"
    table.to_csv(path, index=False)
    out = tmp_path / "ingested.parquet"
    assert cli.main(["ingest", str(path), "--format", "csv", "--text-column", "text", "--id-column",
                     "comment_id", "--out", str(out)]) == 0
    return out


def test_themes_command_writes_the_json_the_issue_asks_for(tmp_path, capsys):
    import json

    table = _two_topic_table(tmp_path)
    out = tmp_path / "themes.json"
    assert cli.main(["themes", str(table), "--k", "2", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert [t["theme_id"] for t in doc["themes"]] == [1, 2]
    for t in doc["themes"]:
        assert {"theme_id", "label", "top_terms", "size", "quotes"} <= set(t)
        assert len(t["top_terms"]) >= 10 and t["size"] == 3 and set(t["quotes"]) <= set(doc["assignments"])
    bus = doc["assignments"]["c0"]
    assert doc["assignments"]["c1"] == bus and doc["assignments"]["c2"] == bus
    assert doc["assignments"]["c3"] != bus and len(bus) == 1
    # "!!!" is kept by ingest as text, but it has no words: not assigned to any theme
    assert doc["assignments"].get("c6", []) == []
    assert "2 themes" in capsys.readouterr().out
    # a word named as a stop word is in no theme's terms (an audit: the consultation's own subject,
    # "franchising", made a catch-all theme)
    assert any("school" in t["top_terms"] for t in doc["themes"])
    assert cli.main(["themes", str(table), "--k", "2", "--stop-word", "School", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert not [term for t in doc["themes"] for term in t["top_terms"] if "school" in term.split()]


def test_sentiment_command_writes_one_row_per_comment(tmp_path):
    table = _two_topic_table(tmp_path)
    out = tmp_path / "scores.csv"
    assert cli.main(["sentiment", str(table), "--out", str(out)]) == 0
    scores = pd.read_csv(out)
    assert list(scores.columns[:2]) == ["comment_id", "compound"]
    assert scores["comment_id"].tolist()[:6] == [f"c{i}" for i in range(6)]
    assert set(scores["position"]) == {"none"}  # nobody says they support or oppose anything


def test_sentiment_command_gives_the_position_each_comment_states(tmp_path, capsys):
    texts = ["I oppose the 20 mph limit on Mill Lane.", "We support the plan.", "The buses are late."]
    source = tmp_path / "c.csv"
    pd.DataFrame({"comment_id": ["a", "b", "c"], "text": texts}).to_csv(source, index=False)
    table = tmp_path / "t.parquet"
    assert cli.main(["ingest", str(source), "--format", "csv", "--text-column", "text", "--id-column",
                     "comment_id", "--out", str(table)]) == 0
    out = tmp_path / "scores.csv"
    assert cli.main(["sentiment", str(table), "--proposal-term", "20 mph limit", "--out", str(out)]) == 0
    scores = pd.read_csv(out)
    assert scores["position"].tolist() == ["oppose", "support", "none"]
    assert scores["position_cue"].tolist()[:2] == texts[:2]
    assert "stating opposition 1, support 1, both 0" in capsys.readouterr().out


def test_sentiment_command_marks_evidence_rich_comments(tmp_path, capsys):
    # 54 words; a role with "I" after it (experience), "30%" and "20 minutes" (figures): two kinds
    rich = ("As a practice manager, I see the cost of wrong directory entries every week. Last year 30% of our "
            "referrals came back because the address listed for the specialist was out of date, and each one took "
            "our staff about 20 minutes to chase. One national directory, kept current, would save all of that.")
    assert len(rich.split()) == 54
    source = tmp_path / "c.csv"
    pd.DataFrame({"comment_id": ["a", "b"], "text": [rich, "The buses are late again."]}).to_csv(source, index=False)
    table = tmp_path / "t.parquet"
    assert cli.main(["ingest", str(source), "--format", "csv", "--text-column", "text", "--id-column",
                     "comment_id", "--out", str(table)]) == 0
    out = tmp_path / "scores.csv"
    assert cli.main(["sentiment", str(table), "--out", str(out)]) == 0
    scores = pd.read_csv(out, keep_default_na=False)
    assert scores["evidence"].tolist() == ["figures;experience", ""]
    assert scores["evidence_rich"].tolist() == [True, False]
    assert "evidence-rich 1;" in capsys.readouterr().out


def test_themes_command_with_a_bad_table_exits_2(tmp_path, capsys):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    assert cli.main(["themes", str(bad), "--out", str(tmp_path / "t.json")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


@pytest.mark.shared
def test_opinions_command_writes_participant_and_group(tmp_path, capsys):
    from tests.conftest import shared_corpus

    folder = shared_corpus("polis-opendata", "brexit-consensus")
    out = tmp_path / "groups.csv"
    assert cli.main(["opinions", str(folder), "--out", str(out)]) == 0
    groups = pd.read_csv(out, dtype={"participant_id": str})
    assert list(groups.columns[:2]) == ["participant_id", "group"]
    assert len(groups) == 204  # summary.csv: voters 204
    assert set(groups["group"].dropna()) == {"A", "B"}
    assert "grouped into 2 opinion groups" in capsys.readouterr().out


def test_opinions_command_on_a_missing_folder_exits_2(tmp_path, capsys):
    assert cli.main(["opinions", str(tmp_path / "nope"), "--out", str(tmp_path / "g.csv")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def _polis_folder(tmp_path, participants):
    folder = tmp_path / "conv"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1500000000000,x,0,1,1,0,1,More buses\n1500000060000,x,1,2,0,1,1,Fewer cars\n")
    (folder / "participants-votes.csv").write_text(participants)
    return folder


@pytest.mark.parametrize("group, row", [("a", 3), ("1.5", 3), ("inf", 3)])
def test_opinions_command_with_a_group_id_that_is_not_a_number_exits_2(tmp_path, capsys, group, row):
    folder = _polis_folder(tmp_path, "participant,group-id,n-comments,n-votes,0,1\n"
                                     f"1,0,1,2,1,-1\n2,{group},1,2,1,1\n")
    out = tmp_path / "g.csv"
    assert cli.main(["opinions", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {folder / 'participants-votes.csv'}: row {row}: group-id {group!r} is not a whole "
                   "number (Polis numbers its groups 0, 1, 2...; blank for a participant not grouped)"]
    assert not out.exists()


def test_opinions_command_reads_group_ids_written_as_whole_floats(tmp_path):
    # a participants-votes.csv saved again by a spreadsheet or pandas: 0.0, 1.0 and a blank
    from helpers.opinions.polis import load_export

    folder = _polis_folder(tmp_path, "participant,group-id,n-comments,n-votes,0,1\n"
                                     "1,0.0,1,2,1,-1\n2,1.0,1,2,1,1\n3,,0,1,1,\n")
    assert load_export(folder).polis_groups.to_dict() == {"1": 0, "2": 1}


@pytest.mark.parametrize("param, message", [
    ("n_themes=[unclosed", "error: -p n_themes: '[unclosed' is not a valid YAML value (expected ',' or ']', but got "
                           "'<stream end>')"),
    ('redact_personal_data="no"', "error: -p redact_personal_data=\"no\": parameter 'redact_personal_data' must be "
                                  "true or false, not 'no' (write true or false without quotes)"),
    ("timezone=Mars/Base", "error: -p timezone=Mars/Base: unknown timezone 'Mars/Base'; use an IANA name such as "
                           "'Europe/London'"),
    ("encoding=5", "error: -p encoding=5: parameter 'encoding': unknown encoding '5'"),  # -p text is taken as text
])
def test_run_with_a_bad_param_value_is_one_line_before_running_anything(tmp_path, capsys, param, message):
    out = tmp_path / "r"
    assert cli.main(["run", "params/obama-toolkit.yaml", "-p", param, "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not out.exists()


@pytest.mark.parametrize("command", ["themes", "sentiment", "campaigns"])
@pytest.mark.parametrize("name, content, words", [
    ("empty.csv", b"", "empty.csv: the file is empty"),
    ("cut.parquet", b"PAR1\x15\x04", "cut.parquet: cannot read the file as a Parquet table"),
    ("bad.csv", b"comment_id,text\n1,caf\xe9 \x81\n", "bad.csv: row 2: the table is not UTF-8 text (byte 0xe9"),
])
def test_table_commands_on_unreadable_tables_exit_2(tmp_path, capsys, command, name, content, words):
    table = tmp_path / name
    table.write_bytes(content)
    assert cli.main([command, str(table), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {tmp_path}") and words in err[0]


def test_output_in_a_folder_that_cannot_be_made_exits_2(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "t.csv"
    assert cli.main(["ingest", PAGE, "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {out}: cannot create the output folder: {tmp_path / 'a-file'} is a file, not a folder"]


def test_opinions_command_leaves_out_votes_on_statements_not_in_comments_csv(tmp_path, capsys):
    from helpers.opinions.polis import load_export

    folder = _polis_folder(tmp_path, "participant,group-id,n-comments,n-votes,0,1,99\n"
                                     "1,0,1,3,1,-1,1\n2,1,1,3,1,1,-1\n")
    export = load_export(folder)
    assert sorted(export.votes["comment_id"].unique()) == ["0", "1"]  # 99 is no statement
    assert cli.main(["opinions", str(folder), "--out", str(tmp_path / "g.csv")]) == 0
    out = capsys.readouterr().out
    assert "note: 2 vote(s) in participants-votes.csv on 1 statement id(s) that comments.csv does not hold ('99')" \
        in out


@pytest.mark.parametrize(("args", "out", "flag"), [
    # an audit's `code ... --coded sheet.csv --out sheet.csv` replaced the analysts' coding with the machine's
    (["code", "{t}", "--codeframe", "{f}", "--coded", "{s}"], "{s}", "--coded"),
    (["code", "{t}", "--codeframe", "{f}", "--coded", "{s}"], "{t}", "TABLE"),
    (["sentiment", "{t}"], "{t}", "TABLE"),
    (["campaigns", "{t}"], "{t}", "TABLE"),
])
def test_an_output_never_replaces_an_input(tmp_path, capsys, args, out, flag):
    files = {"t": tmp_path / "comments.csv", "f": tmp_path / "codes.yaml", "s": tmp_path / "sheet.csv"}
    for path in files.values():
        path.write_text("keep me\n")
    given = [a.format(**files) for a in args] + ["--out", out.format(**files)]
    assert cli.main(given) == 2
    err = capsys.readouterr().err.splitlines()
    target = out.format(**files)
    assert err == [f"error: {target}: this output would overwrite the input {flag} ({target}); write it elsewhere"]
    assert all(p.read_text() == "keep me\n" for p in files.values())


def test_a_table_written_beside_the_output_never_replaces_an_input(tmp_path, capsys):
    source = tmp_path / "t.exclusions.csv"  # what `ingest --out t.csv` writes beside its output
    source.write_text("keep me\n")
    assert cli.main(["ingest", str(source), "--out", str(tmp_path / "t.csv")]) == 2
    assert "would overwrite the input SOURCE" in capsys.readouterr().err
    assert source.read_text() == "keep me\n"
