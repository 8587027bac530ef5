"""The briefing in a real browser: headless Chromium, driven by tests/browser/check.mjs (playwright-core).

For each corpus (the bundled example, a hostile fixture, a large real corpus, a planted-personal-data
fixture) the whole chain runs once into a temporary run folder, then the page is opened with every
request but its own file aborted and recorded, alert/confirm/prompt/open replaced by recorders before
any page script could run, and axe-core (WCAG 2.0/2.1/2.2 A and AA) run at 1280 and 390 px wide.
Screenshots at both widths are written into the run folder.

Skipped, with the reason, when Chromium or node_modules (``npm ci``) is missing, unless
LP_REQUIRE_BROWSER=1 (set by CI), which turns the skip into a failure.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import paths
from helpers.render import check_self_contained, find_chromium, print_pdf
from tests.conftest import shared_corpus

pytestmark = pytest.mark.slow
ROOT = paths.project_root()
HERE = Path(__file__).resolve().parent
CHECK = HERE / "check.mjs"
FIXTURES = ROOT / "tests" / "fixtures"
HOSTILE_MARKERS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
                   "{{ 7*7 }}", "![x](http://evil.example/x.png)", "</style>", "]]>", "<!--")


def _require_browser() -> None:
    problems = []
    if find_chromium() is None:
        problems.append("Chromium is not installed (Debian: apt-get install chromium)")
    if shutil.which("node") is None:
        problems.append("Node.js is not installed")
    for package in ("playwright-core", "axe-core"):
        if not (ROOT / "node_modules" / package / "package.json").is_file():
            problems.append(f"node_modules/{package} is missing (run `npm ci` at the project root)")
    if problems:
        reason = "browser tests need: " + "; ".join(problems)
        if os.environ.get("LP_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (LP_REQUIRE_BROWSER=1 makes the browser tests mandatory)")
        pytest.skip(reason)


def run_chain(out: Path, *args: str) -> Path:
    done = subprocess.run([sys.executable, "-m", "helpers", "run", *args, "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    return out / "briefing.html"


def check_in_browser(page: Path) -> dict:
    env = {**os.environ}
    chromium = find_chromium()
    if chromium:
        env["LP_CHROMIUM"] = chromium
    done = subprocess.run(["node", str(CHECK), str(page), str(page.parent)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.stdout.strip(), f"check.mjs printed nothing; stderr: {done.stderr}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "fatal" not in result, result["fatal"]
    return result


def write_hostile_corpus(folder: Path) -> Path:
    """The hostile fixture plus one comment of 1 MB (generated, so the fixture stays small)."""
    unit = "The park lighting is broken <script>alert(6)</script> {{ 7*7 }} \u202e\u200b. "
    big = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    source = folder / "hostile.jsonl"
    text = (FIXTURES / "hostile" / "comments.jsonl").read_text(encoding="utf-8")
    source.write_text(text + json.dumps({"id": "h-big", "text": big, "author": "x", "question_id": "Q1"}) + "\n",
                      encoding="utf-8")
    return source


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    _require_browser()
    out = tmp_path_factory.mktemp("browser") / "obama-toolkit"
    page = run_chain(out, "params/obama-toolkit.yaml")
    return page, check_in_browser(page)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    _require_browser()
    base = tmp_path_factory.mktemp("browser-hostile")
    source = write_hostile_corpus(base)
    page = run_chain(base / "hostile", "--source", str(source), "--corpus", "hostile", "--format", "jsonl")
    return page, check_in_browser(page)


@pytest.fixture(scope="module")
def personal(tmp_path_factory):
    _require_browser()
    out = tmp_path_factory.mktemp("browser-personal") / "personal"
    page = run_chain(out, "--source", str(FIXTURES / "personal" / "responses.csv"), "--corpus", "personal",
                     "--format", "csv", "--id-column", "response_id")
    return page, check_in_browser(page)


@pytest.fixture(scope="module")
def nhs(tmp_path_factory):
    source = shared_corpus("nhs-patient-feedback", "text_data.csv")
    _require_browser()
    out = tmp_path_factory.mktemp("browser-nhs") / "nhs-patient-feedback"
    # 10,302 answers to five questions from three NHS trusts; `code` repeats, `row_index` is unique.
    page = run_chain(out, "--source", str(source), "--corpus", "nhs-patient-feedback", "--format", "csv",
                     "--text-column", "feedback", "--id-column", "row_index", "--column", "question_id=question")
    return page, check_in_browser(page)


CORPORA = ["example", "hostile", "personal", "nhs"]


def _violations(result: dict) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
                     for v in result["violations"])


# ---------------------------------------------------------------------------------- every briefing


@pytest.mark.parametrize("corpus", CORPORA)
def test_no_console_errors_no_requests_no_side_effects(corpus, request):
    page, result = request.getfixturevalue(corpus)
    assert result["consoleErrors"] == []
    assert result["externalRequests"] == []
    assert result["requests"] == [page.resolve().as_uri()]  # the page itself, nothing else
    assert result["sideEffects"] == []
    assert result["injected"] == []


@pytest.mark.parametrize("corpus", CORPORA)
def test_axe_reports_no_wcag_a_or_aa_violations(corpus, request):
    _, result = request.getfixturevalue(corpus)
    assert result["axePasses"] > 10  # axe really ran
    assert result["violations"] == [], _violations(result)


@pytest.mark.parametrize("corpus", CORPORA)
def test_structure_reflow_focus_and_screenshots(corpus, request):
    page, result = request.getfixturevalue(corpus)
    assert result["lang"] == "en"
    assert result["h1Count"] == 1 and result["headingLevels"][0] == 1
    levels = result["headingLevels"]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), f"skipped heading level: {levels}"
    assert result["title"] and result["title"] != "Briefing"  # the page title says what it is about
    assert result["scrollWidth390"] <= 390  # no horizontal scrolling on a phone (WCAG 1.4.10)
    focus = result["focus"]
    assert focus["text"] == "Skip to main content" and focus["width"] > 100 and focus["height"] > 20
    for image in result["images"]:
        assert image["alt"] and len(image["alt"]) > 20 and image["natural"] > 0
    for width in ("1280", "390"):
        shot = page.parent / f"screenshot-{width}.png"
        assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html_text = page.read_text(encoding="utf-8")
    assert check_self_contained(html_text) == []
    assert "Content-Security-Policy" in html_text


def test_example_briefing_is_under_2_mb(example):
    page, _ = example
    assert page.stat().st_size < 2_000_000


# ------------------------------------------------------------------------------------------ hostile


def test_hostile_text_is_shown_as_text(hostile):
    page, result = hostile
    shown = [m for m in HOSTILE_MARKERS if m in result["text"]]
    assert shown, "no hostile text was quoted at all; the fixture should put payloads in every comment"
    source = page.read_text(encoding="utf-8")
    main = source[source.index("<main "):source.index("</main>")]
    for marker in HOSTILE_MARKERS:
        assert marker.startswith(("{", "!", "j", "]")) or marker not in main  # markup only ever escaped
    assert "&lt;script&gt;" in main
    text = result["text"]
    assert text.count("7*7") == text.count("{{ 7*7 }}")  # template syntax shown as typed, never evaluated
    assert "\u202e" not in result["text"] and "\u200b" not in result["text"]


def test_hostile_one_megabyte_comment_is_cut(hostile):
    page, _ = hostile
    assert page.stat().st_size < 2_000_000


def test_print_pdf_writes_an_a4_pdf(example):
    page, _ = example
    pdf = print_pdf(page, page.parent / "briefing.pdf")
    assert pdf is not None and pdf.read_bytes()[:5] == b"%PDF-"
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12]", pdf.read_bytes())  # A4: 595 x 842 points


# ------------------------------------------------------------------------------------ personal data


def planted() -> list[tuple[str, str]]:
    with open(FIXTURES / "personal" / "planted.csv", newline="", encoding="utf-8") as f:
        return [(row["kind"], row["value"]) for row in csv.DictReader(f)]


def test_planted_personal_data_appears_nowhere(personal):
    page, result = personal
    html_text = page.read_text(encoding="utf-8").lower()
    coded = (page.parent / "coded_comments.csv").read_text(encoding="utf-8").lower()
    shown = result["text"].lower()
    for kind, value in planted():
        for form in {value.lower(), html.escape(value).lower()}:
            assert form not in html_text, (kind, value)
            assert form not in coded, (kind, value)
            assert form not in shown, (kind, value)


def test_quotes_only_from_those_who_consented(personal):
    page, result = personal
    data = pd.read_csv(FIXTURES / "personal" / "responses.csv", dtype=str, keep_default_na=False)
    refused = set(data.loc[data["consent_to_publish"] == "no", "response_id"])
    cited = {line.removeprefix("Comment ").strip() for line in result["text"].splitlines()
             if line.startswith("Comment ")}
    assert cited, "the briefing should quote someone"
    assert not cited & refused
    assert "[phone number removed]" in result["text"] or "[email removed]" in result["text"]
    assert "never quoted because their author did not agree" in result["text"]
