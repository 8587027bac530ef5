"""The ministerial briefing, section by section, written from the run folder's files.

Every function returns escaped HTML (built with :mod:`helpers.report`); every number it states comes
from a hand-over file in the run folder (see :mod:`helpers.stages`), and every quote cites its comment
id. The notebook ``90_briefing`` shows these sections in order; the runner renders that notebook.

Small corpora are described in counts ("3 of 7"), never in percentages, and carry a plain warning
(:func:`helpers.stats.describe_share`, :func:`helpers.stats.small_corpus_note`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import plots, provenance, report, stages
from .schema import EXCLUSION_REASONS
from .stats import SMALL_N, describe_share, small_corpus_note

__all__ = ["BriefingData", "load_briefing_data", "title_block", "summary_section", "key_numbers_section",
           "themes_section", "sentiment_section", "caveats_section", "methodology_section",
           "provenance_section", "all_sections"]

_KIND_WORDS = {"post": ("post", "posts"), "comment": ("comment", "comments"), "reply": ("reply", "replies"),
               "pingback": ("pingback", "pingbacks"), "trackback": ("trackback", "trackbacks"),
               "response": ("response", "responses")}


def _plural(n: int, kind: str) -> str:
    one, many = _KIND_WORDS.get(kind, (kind, kind + "s"))
    return f"{n:,} {one if n == 1 else many}"


@dataclass
class BriefingData:
    """Everything the briefing states, read from one run folder."""

    run: Path
    comments: pd.DataFrame
    exclusions: pd.DataFrame
    ingest: dict
    overview: dict
    themes: pd.DataFrame
    assignments: pd.DataFrame
    theme_notes: dict
    sentiment: pd.DataFrame
    sentiment_by_theme: pd.DataFrame
    sentiment_notes: dict
    coded: pd.DataFrame

    @property
    def corpus(self) -> str:
        return self.run.name

    @property
    def n_analysed(self) -> int:
        return int(self.theme_notes["n_analysed"])

    @property
    def post_title(self) -> str | None:
        posts = self.comments[self.comments["kind"] == "post"]
        if "title" in posts.columns and posts["title"].notna().any():
            return str(posts["title"].dropna().iloc[0])
        return None

    def text_of(self, comment_id: str) -> str:
        row = self.comments.loc[self.comments["comment_id"] == comment_id, "text"]
        return str(row.iloc[0]) if len(row) else ""


def load_briefing_data(run: str | os.PathLike) -> BriefingData:
    """Read every hand-over file the briefing needs (and write the coded table)."""
    run = Path(run)
    return BriefingData(
        run=run,
        comments=stages.load_comments(run),
        exclusions=stages.load_exclusions(run),
        ingest=stages.load(run, "ingest"),
        overview=stages.load(run, "overview"),
        themes=stages.load(run, "themes"),
        assignments=stages.load(run, "theme_assignments"),
        theme_notes=stages.load(run, "theme_model"),
        sentiment=stages.load(run, "sentiment"),
        sentiment_by_theme=stages.load(run, "sentiment_by_theme"),
        sentiment_notes=stages.load(run, "sentiment_notes"),
        coded=stages.coded_table(run),
    )


def _kind_counts(b: BriefingData) -> dict[str, int]:
    return {row["kind"]: int(row["count"]) for row in b.overview["by_kind"]}


def _respondent_noun(b: BriefingData) -> str:
    return "responses" if _kind_counts(b).get("response") else "comments"


def title_block(b: BriefingData, *, title: str = "") -> str:
    """The page's one ``h1`` and a line saying what was analysed."""
    if not title:
        title = f"Responses to \u201c{b.post_title}\u201d" if b.post_title else f"What people said: {b.corpus}"
    heading = title
    about = f"Analysis of {_plural(b.n_analysed, 'comment' if _respondent_noun(b) == 'comments' else 'response')}"
    if b.post_title:
        about += f" on \u201c{b.post_title}\u201d"
    return report.heading(heading, 1) + report.paragraph(about + ".")


def _theme_phrase(row: pd.Series, n: int) -> str:
    return f"\u201c{row['label']}\u201d ({describe_share(int(row['size']), n)})"


def summary_section(b: BriefingData) -> str:
    """About 250 words at most, written from the results: size, themes, tone, and what it can support."""
    n = b.n_analysed
    noun = _respondent_noun(b)
    kinds = _kind_counts(b)
    sentences = []
    opening = f"We analysed {n:,} {noun}"
    if b.post_title:
        opening += f" on the blog post \u201c{b.post_title}\u201d"
    others = [_plural(v, k) for k, v in kinds.items() if k in ("pingback", "trackback") and v]
    if others:
        opening += f"; the page also carried {' and '.join(others)} from other sites, counted but not analysed"
    sentences.append(opening + ".")
    ranked = b.themes.sort_values("size", ascending=False, kind="stable")
    if len(ranked) == 1:
        sentences.append(f"The theme model found one broad theme, {_theme_phrase(ranked.iloc[0], n)}, rather than "
                         "distinct groups: the comments share their vocabulary too much to be told apart.")
    elif len(ranked):
        top = ranked.iloc[0]
        s = f"The most common theme was {_theme_phrase(top, n)}"
        rest = [_theme_phrase(r, n) for _, r in ranked.iloc[1:3].iterrows()]
        if rest:
            s += "; others were " + " and ".join(rest)
        sentences.append(s + ".")
    not_assigned = int(b.theme_notes.get("n_not_assigned", 0))
    if not_assigned:
        share = describe_share(not_assigned, n)
        sentences.append(f"{share[:1].upper()}{share[1:]} {noun} did not fit any theme clearly.")
    counts = b.sentiment_notes["label_counts"]
    sentences.append(
        f"Automated sentiment scoring reads {describe_share(counts['positive'], n)} as positive in tone, "
        f"{describe_share(counts['negative'], n)} as negative and {describe_share(counts['neutral'], n)} as neutral; "
        "tone is not the same as agreement."
    )
    note = small_corpus_note(n)
    body = report.paragraph(" ".join(sentences))
    if note:
        body += report.callout(note, kind="warning")
    return report.section("Summary", body, id="summary")


def key_numbers_section(b: BriefingData) -> str:
    """Headline counts: read, kept, excluded by reason, analysed, themes."""
    ing = b.ingest
    items: list[tuple[str, Any]] = [
        ("Records read", f"{ing['records_read']:,}"),
        ("Kept", f"{ing['kept']:,}"),
        ("Excluded", f"{ing['excluded']:,}"),
    ]
    for reason, count in sorted(ing.get("excluded_by_reason", {}).items()):
        items.append((f"Excluded: {EXCLUSION_REASONS.get(reason, reason)}", f"{count:,}"))
    for row in b.overview["by_kind"]:
        items.append((f"Kept: {_KIND_WORDS.get(row['kind'], (row['kind'], row['kind']))[1]}", f"{row['count']:,}"))
    items += [
        (f"{_respondent_noun(b).capitalize()} analysed for themes and tone", f"{b.n_analysed:,}"),
        ("Themes found", f"{len(b.themes):,}"),
        ("Not assigned to any theme", f"{int(b.theme_notes.get('n_not_assigned', 0)):,}"),
    ]
    return report.section("Key numbers", report.key_numbers(items), id="key-numbers")


def _themes_overview_table(b: BriefingData, n: int) -> pd.DataFrame:
    rows = []
    for _, t in b.themes.iterrows():
        row = {"Theme": f"{int(t['theme_id'])}. {t['label']}", "Comments": int(t["size"])}
        if n >= SMALL_N:
            row["Share"] = f"{t['share']:.0%}"
            row["95% interval"] = f"{t['ci_low']:.0%} to {t['ci_high']:.0%}"
        rows.append(row)
    return pd.DataFrame(rows)


def themes_section(b: BriefingData) -> str:
    """Themes ranked by size, each with its key terms and two or three quotes cited by comment id."""
    n = b.n_analysed
    parts = [report.paragraph(
        f"Themes were found automatically in the words of the {n:,} {_respondent_noun(b)}; a comment can "
        f"belong to more than one theme. Sizes count the comments in each theme."
    )]
    table = _themes_overview_table(b, n)
    if n >= SMALL_N and len(b.themes):
        data = b.themes.assign(percent=(b.themes["share"] * 100).round(1),
                               low=(b.themes["ci_low"] * 100).round(1), high=(b.themes["ci_high"] * 100).round(1))
        largest = b.themes.iloc[0]
        fig = plots.bar_chart(data, label_col="label", value_col="percent", ci_low_col="low", ci_high_col="high",
                              title=f"\u201c{largest['label']}\u201d is the most common theme",
                              xlabel=f"Share of {n:,} {_respondent_noun(b)} (%), with 95% intervals")
        parts.append(plots.figure_html(
            fig, alt=f"Bar chart of the share of {_respondent_noun(b)} in each of {len(b.themes)} themes; "
                     f"the largest is {largest['label']} at {largest['share']:.0%}.",
            caption="Share of comments in each theme. Bars show the estimate; lines show the 95% interval.",
            data=table, data_caption="Themes and their sizes"))
    else:
        parts.append(report.table_html(table, caption="Themes and how many comments raised each",
                                       numeric=["Comments"]))
    by_theme = b.sentiment_by_theme.set_index("theme_id") if len(b.sentiment_by_theme) else None
    for _, t in b.themes.iterrows():
        body = report.paragraph(f"Raised in {describe_share(int(t['size']), n)} {_respondent_noun(b)}. "
                                f"Key terms: {', '.join(list(t['top_terms'])[:10])}.")
        if by_theme is not None and t["theme_id"] in by_theme.index:
            s = by_theme.loc[t["theme_id"]]
            body += report.paragraph(
                f"Tone in this theme: {int(s['n_positive'])} positive, {int(s['n_neutral'])} neutral, "
                f"{int(s['n_negative'])} negative.")
        for cid in list(t["quote_ids"]):
            body += report.quote_html(b.text_of(cid), cid)
        parts.append(report.section(f"Theme {int(t['theme_id'])}: {t['label']}", body, level=3,
                                    id=f"theme-{int(t['theme_id'])}"))
    return report.section("Themes", "".join(parts), id="themes")


def sentiment_section(b: BriefingData) -> str:
    """Tone of the comments overall and by theme, with what automated scoring cannot see."""
    n = b.n_analysed
    counts = b.sentiment_notes["label_counts"]
    body = report.paragraph(
        f"Of {n:,} {_respondent_noun(b)}, {describe_share(counts['positive'], n)} read as positive, "
        f"{describe_share(counts['neutral'], n)} as neutral and {describe_share(counts['negative'], n)} as negative "
        "(VADER scores of at least +0.05 or at most \u22120.05)."
    )
    if len(b.sentiment_by_theme):
        labels = dict(zip(b.themes["theme_id"], b.themes["label"], strict=True))
        table = pd.DataFrame({
            "Theme": [f"{int(t)}. {labels.get(t, '')}" for t in b.sentiment_by_theme["theme_id"]],
            "Comments": b.sentiment_by_theme["n"].astype(int),
            "Positive": b.sentiment_by_theme["n_positive"].astype(int),
            "Neutral": b.sentiment_by_theme["n_neutral"].astype(int),
            "Negative": b.sentiment_by_theme["n_negative"].astype(int),
            "Average score (\u22121 to +1)": b.sentiment_by_theme["mean_compound"].map("{:+.2f}".format),
        })
        body += report.table_html(table, caption="Tone by theme",
                                  numeric=["Comments", "Positive", "Neutral", "Negative",
                                           "Average score (\u22121 to +1)"])
    body += report.paragraph(
        "Automated scoring reads word choice, not meaning: it misses sarcasm and irony, negation that spans "
        "sentences, and words whose tone depends on the subject. Treat it as a rough guide to mood, "
        "not as a measure of support or opposition."
    )
    return report.section("Tone", body, id="tone")


def caveats_section(b: BriefingData) -> str:
    """What the analysis cannot tell you."""
    n = b.n_analysed
    items = [
        "The people who commented chose to do so: they are not a representative sample of the public, "
        "and their views cannot be generalised to the population.",
        "This is not a vote. The number of people making a point shows how often it was made, not how "
        "much support it has; one well-argued comment can matter more than many brief ones.",
        "Themes and tone were found by automated methods and should be read alongside the comments themselves.",
    ]
    note = small_corpus_note(n)
    if note:
        items.insert(0, note)
    if int(b.overview["authors"]["n_with_author"]) == 0:
        items.append("The source does not record who wrote each comment, so we cannot tell whether "
                     "one person wrote several of them.")
    if int(b.overview["dates"]["n_dated"]) == 0:
        items.append("The source does not record when comments were written.")
    body = "<ul>" + "".join(f"<li>{report.esc(i)}</li>" for i in items) + "</ul>"
    return report.section("Caveats", body, id="caveats")


def methodology_section(b: BriefingData) -> str:
    """Methods, parameters, exclusions and limits: enough to repeat the analysis."""
    ing, notes, sn = b.ingest, b.theme_notes, b.sentiment_notes
    excl = ", ".join(f"{c:,} {EXCLUSION_REASONS.get(r, r)}" for r, c in sorted(ing.get("excluded_by_reason", {}).items()))
    chosen = ("chosen automatically" if notes["chosen_automatically"] else "set by parameter")
    lo, hi = notes["bounds"]
    parts = [
        report.heading("Reading the data", 3),
        report.paragraph(
            f"The source ({ing['parameters']['source']}) was read with the \u201c{ing['format']}\u201d reader: "
            f"{ing['records_read']:,} records read, {ing['kept']:,} kept and {ing['excluded']:,} excluded"
            + (f" ({excl})" if excl else "") + ". Every excluded record is listed with its reason in "
            "exclusions.parquet in the run folder."),
        report.heading("Themes", 3),
        report.paragraph(
            "Each comment was turned into TF-IDF weights over words and two-word phrases (English stop words "
            "removed), and non-negative matrix factorisation (scikit-learn NMF, seeded, so the result is the "
            f"same on every run) found {notes['n_themes']} theme(s), {chosen} within the bounds {lo} to {hi} "
            "that this corpus size allows. A comment belongs to every theme that carries at least "
            f"{notes['parameters']['assign_threshold']:.0%} of its weight; comments below that for every theme "
            "are reported as not assigned. Labels are built from each theme's most distinctive phrases and terms; "
            "quotes are the comments most typical of the theme, skipping near-copies."),
        report.heading("Tone", 3),
        report.paragraph(
            f"Sentiment was scored with VADER, using the reference implementation from the vaderSentiment "
            f"package (scores by {sn['parameters']['unit']}, averaged per comment). NLTK's copy of VADER scores "
            "long texts differently; the reference behaviour is used here."),
        report.heading("Intervals", 3),
        report.paragraph(
            f"Where at least {SMALL_N} comments were analysed, shares carry 95% Wilson intervals; below that "
            "only counts are given, because percentages of a handful of comments suggest a precision the data "
            "cannot carry."),
    ]
    k_scores = pd.DataFrame(notes.get("k_scores", []))
    if len(k_scores) > 1:
        parts.append(report.table_html(k_scores.round(4), caption="How the number of themes was chosen",
                                       numeric=[c for c in k_scores.columns if c != "chosen"]))
    return report.section("Methodology", "".join(parts), id="methodology")


def provenance_section(b: BriefingData) -> str:
    """Code version, input checksums, parameters and package versions; plus the marked generation time."""
    source = b.ingest["parameters"]["source"]
    parameters = {
        "01_ingest": b.ingest["parameters"],
        "03_themes": b.theme_notes["parameters"],
        "04_sentiment": b.sentiment_notes["parameters"],
    }
    prov = provenance.collect(inputs=[source], parameters=parameters)
    body = provenance.provenance_html(prov)
    body += report.paragraph(
        "Coded table: coded_comments.csv in the run folder lists every contribution's id, themes and tone, "
        "with no names or text.")
    body += f'<p class="generated">Generated at: {report.esc(provenance.generated_at())}</p>'
    return report.section("Provenance", body, id="provenance")


def all_sections(b: BriefingData) -> list[str]:
    """The briefing in order: title, summary first, then numbers, themes, tone, caveats, annexes."""
    return [title_block(b), summary_section(b), key_numbers_section(b), themes_section(b),
            sentiment_section(b), caveats_section(b), methodology_section(b), provenance_section(b)]
