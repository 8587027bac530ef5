"""The command line: ``python -m helpers <command>``.

Commands
--------
ingest   read a source into the canonical comments table (plus its exclusions log)
run      run the whole notebook chain on a corpus and render the briefing
formats  list the input formats Listening Post reads
themes   themes of a comments table, as JSON (labels, top terms, sizes, quote ids, comment -> themes)
sentiment  VADER tone of each comment of a comments table, as CSV or Parquet
opinions  Polis-style opinion groups from a Polis export folder: participant id and group, as CSV
code     code a comments table with analysts' codeframe and coded sample; agreement printed

Errors a user can cause print one line on stderr (``error: FILE: row N: what is wrong``) and exit
with code 2. Tracebacks are for bugs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .errors import ConfigError, ListeningPostError

__all__ = ["main", "build_parser"]

EXIT_USER_ERROR = 2


def _column_pair(text: str) -> tuple[str, str]:
    name, sep, column = text.partition("=")
    if not sep or not name or not column:
        raise argparse.ArgumentTypeError(f"expected CANONICAL=SOURCE_COLUMN, got {text!r}")
    return name.strip(), column.strip()


def _add_reader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", help="reader name (see `formats`); detected from the content when omitted")
    p.add_argument("--text-column", help="CSV/XLSX/JSONL: the column holding the comment text")
    p.add_argument("--id-column", help="CSV/XLSX/JSONL: the column holding a unique id")
    p.add_argument("--column", action="append", type=_column_pair, default=[], metavar="NAME=COLUMN",
                   help="CSV/XLSX/JSONL: map a canonical column (author, created_at, parent_id, thread_id, "
                        "question_id, respondent_id, ...) to a source column; repeatable")
    p.add_argument("--kind", help="CSV/XLSX/JSONL: kind of rows without a parent (comment or response)")
    p.add_argument("--timezone", help="timezone of dates written without one (default UTC)")
    p.add_argument("--sheet", help="XLSX: the sheet to read (name; default the first)")
    p.add_argument("--encoding", help="text files: the encoding (default UTF-8, falling back to Windows-1252)")
    p.add_argument("--question-map", help="consultation spreadsheets: YAML file naming the open and closed "
                                          "questions and the respondent columns")


def _reader_options(args: argparse.Namespace) -> dict:
    options = {
        "format": args.format,
        "text_column": args.text_column,
        "id_column": args.id_column,
        "columns": dict(args.column) or None,
        "kind": args.kind,
        "timezone": args.timezone,
        "sheet": args.sheet,
        "encoding": args.encoding,
        "question_map": args.question_map,
    }
    return {k: v for k, v in options.items() if v is not None}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read a source into the canonical comments table")
    p.add_argument("source", help="input file or folder")
    _add_reader_options(p)
    p.add_argument("--out", required=True, help="output table, .parquet or .csv; the exclusions log is "
                                                "written beside it as <name>.exclusions.<suffix>")

    p = sub.add_parser("run", help="run the notebook chain and render the briefing")
    p.add_argument("config", nargs="?", help="run configuration, e.g. params/obama-toolkit.yaml")
    p.add_argument("--source", help="input file or folder (instead of a configuration file)")
    p.add_argument("--corpus", help="short name for the corpus (with --source); names the run folder")
    _add_reader_options(p)
    p.add_argument("--out", default="", help="run folder (default reports/<corpus>)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter (YAML value), e.g. -p n_themes=5; repeatable")

    from .campaigns import DEFAULTS as CAMPAIGN

    p = sub.add_parser("campaigns", help="find organised campaigns and near-duplicate responses in a comments table")
    p.add_argument("table", help="comments table written by `python -m helpers ingest` (.parquet or .csv)")
    p.add_argument("--out", required=True, help="one row per comment with its campaign id (.csv or .parquet); "
                                                "the summary per campaign goes beside it as <name>.summary.<suffix>")
    p.add_argument("--shingle-size", type=int, default=CAMPAIGN["shingle_size"], help="words per shingle")
    p.add_argument("--threshold", type=float, default=CAMPAIGN["threshold"],
                   help="smallest estimated overlap of two texts' shingles to count as copies (0-1)")
    p.add_argument("--min-size", type=int, default=CAMPAIGN["min_campaign_size"],
                   help="fewest submissions that make a campaign")
    p.add_argument("--min-words", type=int, default=CAMPAIGN["min_words"],
                   help="fewest words a campaign's template needs")
    p.add_argument("--seed", type=int, default=0, help="seed of the MinHash functions")

    p = sub.add_parser("themes", help="find themes in a comments table and write them as JSON")
    p.add_argument("table", help="comments table written by `python -m helpers ingest` (.parquet or .csv)")
    p.add_argument("--k", type=int, default=0, help="number of themes; 0 (default) chooses it automatically")
    p.add_argument("--method", choices=["nmf", "embeddings"], default="nmf",
                   help="nmf: TF-IDF + NMF (default); embeddings: MiniLM sentence embeddings + k-means "
                        "(needs pip install -e '.[embeddings]')")
    p.add_argument("--seed", type=int, default=0, help="random_state of the theme model")
    p.add_argument("--quotes", type=int, default=3, help="quotes (comment ids) per theme")
    p.add_argument("--stop-word", action="append", default=[], metavar="WORD",
                   help="a word no theme is built on, such as the consultation's own subject (repeatable)")
    p.add_argument("--out", required=True, help="output JSON file")

    p = sub.add_parser("sentiment", help="VADER tone of each comment of a comments table")
    p.add_argument("table", help="comments table written by `python -m helpers ingest` (.parquet or .csv)")
    p.add_argument("--unit", choices=["sentence", "comment"], default="sentence",
                   help="score sentences and average them (default), or each text whole")
    p.add_argument("--proposal-term", action="append", default=[], metavar="PHRASE",
                   help="a phrase naming the proposal, for stated positions (beside proposal, rule, plan...); "
                        "repeatable")
    p.add_argument("--out", required=True, help="output table, .csv or .parquet: one row per comment, with its "
                   "tone, the position it states on the proposal and the evidence it gives")

    p = sub.add_parser("opinions", help="opinion groups from the votes of a Polis export (participant id, group)")
    p.add_argument("folder", help="Polis export folder (comments.csv with votes.csv or participants-votes.csv)")
    p.add_argument("--out", required=True, help="output CSV: participant_id, group (A, B...; empty when not "
                                                "grouped), n_votes, x, y")
    p.add_argument("--min-votes", type=int, default=7, help="fewest votes to be grouped (default 7, as Polis)")
    p.add_argument("--max-groups", type=int, default=5, help="most opinion groups considered (default 5)")
    p.add_argument("--groups", type=int, default=0, help="fix the number of groups; 0 (default) chooses it")
    p.add_argument("--seed", type=int, default=0, help="random_state of the group clustering's restarts")

    sub.add_parser("formats", help="list the input formats")

    p = sub.add_parser("code", help="code a comments table: analysts' codes where given, a classifier elsewhere")
    p.add_argument("table", help="comments table written by `python -m helpers ingest` (.parquet or .csv)")
    p.add_argument("--codeframe", required=True, help="the codeframe YAML (see helpers.codeframe)")
    p.add_argument("--coded", required=True, help="the coding sheet analysts filled in (.csv or .xlsx)")
    p.add_argument("--out", required=True, help="one row per response with its codes (.csv or .parquet); the "
                                                "agreement per code goes beside it as <name>.agreement.<suffix>")
    p.add_argument("--seed", type=int, default=0, help="seed of the cross-validation folds and bootstrap")
    return parser


def _cmd_ingest(args: argparse.Namespace) -> int:
    from . import ingest

    result = ingest.read(args.source, **_reader_options(args))
    written = ingest.write_result(result, args.out)
    print(result.summary_line())
    for note in result.notes:
        print(f"note: {note}")
    for name, path in written.items():
        print(f"wrote {name}: {path}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    import yaml

    from .config import (
        PARAMETER_TYPES,
        check_parameter_types,
        load_run_config,
        make_run_config,
        validate_run_config,
    )
    from .errors import ConfigError
    from .runner import check_declared, declared_parameters, run_pipeline

    reader = _reader_options(args)
    if args.config:
        if args.source or args.corpus:
            raise ConfigError("give either a configuration file or --source/--corpus, not both")
        config = load_run_config(args.config)
        config.update(check_parameter_types(reader, path="the command line"))
    else:
        if not (args.source and args.corpus):
            raise ConfigError("give a configuration file, or both --source and --corpus")
        config = make_run_config(source=args.source, corpus=args.corpus, **reader)
    known = None  # the notebooks' parameters, read once when a -p is given
    for item in args.param:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"--param expects NAME=VALUE, got {item!r}")
        known = known if known is not None else declared_parameters()
        check_declared([name], known, path=f"-p {item}")  # the typo is here, not in the configuration file
        try:
            parsed = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
            raise ConfigError(f"-p {name}: {value!r} is not a valid YAML value ({reason})") from None
        if PARAMETER_TYPES.get(name) is str and isinstance(parsed, int | float | bool) and name != "sheet":
            parsed = value.strip()  # -p briefing_title=2024 means the text, as -p text_column=5 does
        config.update(check_parameter_types({name: parsed}, path=f"-p {item}"))
    config = validate_run_config(config, path=args.config)
    briefing = run_pipeline(config, out=args.out, config_path=args.config)
    print(briefing)
    return 0


def _cmd_campaigns(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .campaigns import campaign_counts, detect_campaigns
    from .stages import read_comments_table
    from .tables import beside, write_table

    comments = read_comments_table(args.table)
    members, campaigns = detect_campaigns(
        comments, shingle_size=args.shingle_size, threshold=args.threshold, min_campaign_size=args.min_size,
        min_words=args.min_words, random_state=args.seed)
    out = Path(args.out)
    summary = beside(out, "summary")
    write_table(members, out)
    write_table(campaigns, summary)
    c = campaign_counts(comments, members, campaigns)
    print(f"{c['n_responses']} responses ({c['n_compared']} with text compared): {c['n_in_campaigns']} "
          f"({c['share_in_campaigns']:.1%}) in {c['n_campaigns']} campaign(s), largest {c['largest']}; "
          f"{c['n_distinct_content']} distinct pieces of content counting each campaign once")
    print(f"wrote campaign of each comment: {out}")
    print(f"wrote summary per campaign: {summary}")
    return 0


def _cmd_themes(args: argparse.Namespace) -> int:
    from .stages import analysed_comments, read_comments_table
    from .tables import write_json
    from .themes import make_theme_model, summarise_themes, themes_json

    comments = analysed_comments(read_comments_table(args.table))
    model = make_theme_model(args.method, n_themes=args.k, random_state=args.seed,
                             extra_stop_words=tuple(w for p in args.stop_word for w in p.lower().split())
                             ).fit(comments["text"])
    table, assignments = summarise_themes(model, comments, n_quotes=args.quotes)
    doc = themes_json(table, assignments, model=model, method=args.method)
    write_json(doc, args.out)
    print(f"{doc['n_themes']} themes in {doc['n_comments']} comments ({doc['n_not_assigned']} not assigned); "
          f"wrote {args.out}")
    return 0


def _cmd_sentiment(args: argparse.Namespace) -> int:
    from .sentiment import score_comments
    from .stages import analysed_comments, positions_and_evidence, read_comments_table
    from .stance import position_counts
    from .tables import write_table

    comments = analysed_comments(read_comments_table(args.table))
    scores = score_comments(comments, unit=args.unit)
    scores = scores.join(positions_and_evidence(comments["text"], proposal_terms=args.proposal_term))
    write_table(scores, args.out)
    counts = scores["label"].value_counts()
    stated = position_counts(scores["position"])
    print(f"{len(scores)} comments scored: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in
                                                         ("positive", "neutral", "negative"))
          + f"; stating opposition {stated['oppose']}, support {stated['support']}, both {stated['mixed']}"
          + f"; evidence-rich {int(scores['evidence_rich'].sum())}; wrote {args.out}")
    return 0


def _cmd_opinions(args: argparse.Namespace) -> int:
    import pandas as pd

    from .errors import InputError
    from .opinions import analyse
    from .opinions.polis import load_export
    from .tables import write_table

    export = load_export(args.folder)
    for note in export.notes:
        print(f"note: {note}")
    if not len(export.votes):
        raise InputError("the export has no votes (neither votes.csv nor participants-votes.csv)", path=args.folder)
    result = analyse(export.votes, exclude=export.moderated_out, min_votes=args.min_votes,
                     max_groups=args.max_groups, n_groups=args.groups, random_state=args.seed)
    p = result.participants
    out = pd.DataFrame({"participant_id": p["participant_id"], "group": p["group_name"],
                        "n_votes": p["n_votes"], "x": p["x"].round(4), "y": p["y"].round(4)})
    write_table(out, args.out)
    sizes = ", ".join(f"{r.group_name} {int(r.size):,}" for r in result.groups.itertuples())
    print(f"{len(p):,} participants, {result.notes['n_clustered']:,} grouped into {result.notes['n_groups']} "
          f"opinion groups ({sizes}); wrote {args.out}")
    return 0


def _cmd_code(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .codeframe import read_codeframe, read_coding_sheet
    from .coding import MIN_HAND_CODED, analyst_agreement, code_comments
    from .stages import analysed_comments, read_comments_table
    from .tables import beside, write_table

    comments = analysed_comments(read_comments_table(args.table))
    frame = read_codeframe(args.codeframe)
    hand = read_coding_sheet(args.coded, frame, comment_ids=comments["comment_id"])
    n_coded = int(hand["comment_id"].nunique())
    if n_coded < MIN_HAND_CODED:
        raise ConfigError(f"only {n_coded} response(s) are coded in the sheet: machine coding needs at least "
                          f"{MIN_HAND_CODED}", path=args.coded)
    coded, overall, per_code = code_comments(comments, frame, hand, random_state=args.seed)
    out = Path(args.out)
    agreement_path = beside(out, "agreement")
    write_table(coded, out)
    n_hand = int((coded["coded_by"] == "analyst").sum())
    copies = f" ({n_hand - n_coded:,} of them word-for-word copies of a response they coded)" if n_hand > n_coded else ""
    print(f"{len(coded):,} responses: {n_hand:,} coded by analysts{copies}, {len(coded) - n_hand:,} by machine")
    for r in overall.itertuples():
        print(f"machine vs analysts (cross-validated): {r.metric} {r.value:.3f} "
              f"(95% interval {r.ci_low:.3f} to {r.ci_high:.3f})")
    analysts = analyst_agreement(hand, frame.ids, random_state=args.seed)
    if analysts:  # two analysts coded some of the same responses: their agreement, beside the machine's
        per_code = per_code.merge(analysts[1][["code_id", "f1", "kappa"]].rename(
            columns={"f1": "analysts_f1", "kappa": "analysts_kappa"}), on="code_id", how="left")
        for r in analysts[0].itertuples():
            print(f"analyst vs analyst ({int(r.n):,} responses coded by both): {r.metric} {r.value:.3f} "
                  f"(95% interval {r.ci_low:.3f} to {r.ci_high:.3f})")
    else:
        print("analyst vs analyst: no response was coded by two analysts")
    write_table(per_code, agreement_path)
    print(f"wrote codes of each response: {out}")
    print(f"wrote agreement per code: {agreement_path}")
    return 0


def _cmd_formats(args: argparse.Namespace) -> int:
    from . import ingest

    for name in ingest.available_formats():
        print(name)
    return 0


#: Each command's inputs (argument names) and the tables it writes beside ``--out`` (see
#: :func:`helpers.tables.beside`): an output never replaces an input.
_INPUTS = {"ingest": ("source",), "campaigns": ("table",), "themes": ("table",), "sentiment": ("table",),
           "opinions": ("folder",), "code": ("table", "codeframe", "coded")}
_BESIDE_OUT = {"ingest": ("exclusions", "votes", "respondents"), "campaigns": ("summary",), "code": ("agreement",)}


def _check_outputs_apart(args: argparse.Namespace) -> None:
    """Refuse an ``--out`` (or a table written beside it) that is one of the command's input files: an
    audit's ``code ... --coded sheet.csv --out sheet.csv`` replaced the analysts' coding with the machine's."""
    from pathlib import Path

    from .tables import beside

    names = _INPUTS.get(args.command, ())
    if not names or not getattr(args, "out", ""):
        return
    out = Path(args.out)
    outputs = [out] + [beside(out, c) for c in _BESIDE_OUT.get(args.command, ())]
    for name in names:
        given = Path(getattr(args, name))
        for target in outputs:
            same = (os.path.samefile(target, given) if target.exists() and given.exists()
                    else target.resolve() == given.resolve())
            if same:
                flag = name.upper() if name in ("table", "source", "folder") else f"--{name}"
                raise ConfigError(f"this output would overwrite the input {flag} ({given}); write it elsewhere",
                                  path=str(target))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    handler = {"ingest": _cmd_ingest, "run": _cmd_run, "formats": _cmd_formats,
               "campaigns": _cmd_campaigns, "themes": _cmd_themes, "sentiment": _cmd_sentiment,
               "opinions": _cmd_opinions, "code": _cmd_code}[args.command]
    try:
        _check_outputs_apart(args)
        return handler(args)
    except ListeningPostError as exc:
        print(f"error: {exc}", file=sys.stderr)
        # A notebook that failed on something other than the user's input is a bug: exit 1.
        return EXIT_USER_ERROR if getattr(exc, "user_error", True) else 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
