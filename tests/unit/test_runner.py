"""The runner's parameter routing, checked against the real pipeline notebooks."""

import pytest

from helpers import config, runner
from helpers.errors import ConfigError

EXPECTED = ["01_ingest", "02_overview", "03_campaigns", "04_themes", "05_sentiment", "06_opinion_groups",
            "07_codeframe", "90_briefing"]


def test_pipeline_order():
    assert [p.stem for p in runner.pipeline_notebooks()] == EXPECTED


def test_every_notebook_declares_corpus_and_run_dir():
    for nb in runner.pipeline_notebooks():
        declared = runner.notebook_parameters(nb)
        assert {"corpus", "run_dir"} <= set(declared), nb.name
        assert all(p["help"] for p in declared.values()), f"{nb.name}: every parameter needs a comment"


def test_routing_sends_keys_only_where_declared():
    routed = runner.route_parameters({"corpus": "x", "source": "s", "n_themes": 4}, runner.pipeline_notebooks())
    assert routed["01_ingest"] == {"corpus": "x", "source": "s"}
    assert routed["04_themes"] == {"corpus": "x", "n_themes": 4}
    assert routed["90_briefing"] == {"corpus": "x"}


def test_unknown_parameter_is_refused():
    with pytest.raises(ConfigError, match="'n_theme' is not declared"):
        runner.route_parameters({"corpus": "x", "n_theme": 4}, runner.pipeline_notebooks(), config_path="p.yaml")


def test_notebook_defaults_match_the_bundled_configuration():
    # Running a notebook on its own (JupyterLab, nbval) must analyse the same thing as `make report`.
    cfg = config.load_run_config("params/obama-toolkit.yaml")
    cfg["source"] = "data/raw/obama-toolkit/page.txt"
    for nb in runner.pipeline_notebooks():
        declared = runner.notebook_parameters(nb)
        for key, value in cfg.items():
            if key in declared:
                assert declared[key]["default"].strip("\"'") == str(value), (nb.name, key)


def test_a_new_run_clears_the_previous_runs_outputs_only(tmp_path):
    for name in ("themes.parquet", "briefing.html", "briefing.pdf", "04_themes.ipynb", "timings.json",
                 "my-notes.txt"):
        (tmp_path / name).write_text("old")
    # a notebook papermill executed under an earlier numbering goes; an analyst's own notebook stays
    (tmp_path / "03_themes.ipynb").write_text('{"metadata": {"papermill": {"version": "2"}}, "cells": []}')
    (tmp_path / "08_extra.ipynb").write_text('{"metadata": {}, "cells": []}')
    runner._clear_outputs(tmp_path, runner.pipeline_notebooks())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["08_extra.ipynb", "my-notes.txt"]


def test_a_new_run_leaves_the_analysts_codeframe_and_coding_sheets(tmp_path):
    # an audit filled coding_sheet.csv and re-ran with coded_sample pointing at it: the runner deleted it
    for name in ("codeframe.yaml", "coding_sheet.csv", "coding_sheet.xlsx", "codes.parquet"):
        (tmp_path / name).write_text("analysts' work")
    runner._clear_outputs(tmp_path, runner.pipeline_notebooks())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codeframe.yaml", "coding_sheet.csv", "coding_sheet.xlsx"]


def test_opinion_groups_run_only_when_the_run_has_votes(tmp_path):
    # 06_opinion_groups declares {"listening_post": {"requires": ["votes"]}} in its metadata.
    nb = runner.paths.notebooks_dir() / "06_opinion_groups.ipynb"
    assert runner.notebook_requirements(nb) == ["votes"]
    assert runner.missing_requirements(nb, tmp_path) == ["votes.parquet"]
    (tmp_path / "votes.parquet").write_text("x")
    assert runner.missing_requirements(nb, tmp_path) == []
    others = [p for p in runner.pipeline_notebooks() if p.stem != "06_opinion_groups"]
    assert all(runner.missing_requirements(p, tmp_path.parent) == [] for p in others)


def test_runner_skips_a_notebook_whose_requirements_are_missing(tmp_path, monkeypatch):
    import json

    nb = tmp_path / "nb" / "05_needs_votes.ipynb"
    nb.parent.mkdir()
    nb.write_text(json.dumps({"cells": [], "metadata": {"listening_post": {"requires": ["votes"]}},
                              "nbformat": 4, "nbformat_minor": 5}))
    executed, lines = [], []
    monkeypatch.setattr(runner, "_execute", lambda notebook, output, params, *kernels: executed.append(notebook.stem))
    monkeypatch.setattr(runner, "route_parameters", lambda config, notebooks, config_path=None:
                        {n.stem: {} for n in notebooks})
    with pytest.raises(ConfigError, match="no 90_briefing"):
        runner.run_pipeline({"corpus": "x", "source": "s"}, out=tmp_path / "run", notebooks=[nb], log=lines.append)
    assert executed == []
    assert any("05_needs_votes skipped: this corpus has no votes.parquet" in line for line in lines)


def test_runner_writes_how_long_each_step_took(tmp_path, monkeypatch):
    # A fake clock that only the fake steps move: 01 takes 2.5 s, the briefing notebook 4 s, the HTML
    # 1 s and the PDF 0.5 s; 06 is skipped (no votes). Wall-clock time starts at 1000.
    import json
    import types

    from helpers import render

    clock = {"now": 0.0}
    monkeypatch.setattr(runner, "time", types.SimpleNamespace(perf_counter=lambda: clock["now"],
                                                               time=lambda: 1000.0 + clock["now"]))
    cost = {"01_read": 2.5, "90_briefing": 4.0}
    folder = tmp_path / "nb"
    folder.mkdir()
    notebooks = []
    for name, meta in (("01_read", {}), ("06_needs_votes", {"listening_post": {"requires": ["votes"]}}),
                       ("90_briefing", {})):
        notebooks.append(folder / f"{name}.ipynb")
        notebooks[-1].write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))

    def fake_execute(notebook, output, params, kernels=None, following=None):
        clock["now"] += cost[notebook.stem]
        output.write_text("{}")

    def fake_render(notebook, html):
        clock["now"] += 1.0
        html.write_text("<html></html>")
        return html

    def fake_pdf(html, pdf):
        clock["now"] += 0.5
        pdf.write_bytes(b"%PDF-")
        return pdf

    monkeypatch.setattr(runner, "_execute", fake_execute)
    monkeypatch.setattr(runner, "route_parameters", lambda config, notebooks, config_path=None:
                        {n.stem: {} for n in notebooks})
    monkeypatch.setattr(render, "render_briefing", fake_render)
    monkeypatch.setattr(render, "check_self_contained", lambda text: [])
    monkeypatch.setattr(render, "print_pdf", fake_pdf)
    lines = []
    runner.run_pipeline({"corpus": "x", "source": "s"}, out=tmp_path / "run", notebooks=notebooks,
                        log=lines.append)
    timings = json.loads((tmp_path / "run" / "timings.json").read_text())
    assert timings == {"complete": True, "total_seconds": 8.0, "stages": [
        {"stage": "01_read", "status": "ran", "started": 1000.0, "seconds": 2.5},
        {"stage": "06_needs_votes", "status": "skipped", "started": 1002.5, "seconds": 0.0},
        {"stage": "90_briefing", "status": "ran", "started": 1002.5, "seconds": 4.0},
        {"stage": "render", "status": "ran", "started": 1006.5, "seconds": 1.0},
        {"stage": "pdf", "status": "ran", "started": 1007.5, "seconds": 0.5},
    ]}
    assert "[1/3] 01_read done in 2.5 s" in lines and "[3/3] 90_briefing done in 4.0 s" in lines


def test_a_failed_run_leaves_timings_up_to_the_failure(tmp_path, monkeypatch):
    import json

    notebooks = [tmp_path / "01_read.ipynb", tmp_path / "02_fail.ipynb", tmp_path / "90_briefing.ipynb"]
    for nb in notebooks:
        nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))

    def execute(notebook, output, params, *kernels):
        if notebook.stem == "02_fail":
            raise runner.RunFailed(notebook.stem, "ValueError", "boom", output)

    monkeypatch.setattr(runner, "_execute", execute)
    monkeypatch.setattr(runner, "route_parameters", lambda config, notebooks, config_path=None:
                        {n.stem: {} for n in notebooks})
    with pytest.raises(runner.RunFailed):
        runner.run_pipeline({"corpus": "x", "source": "s"}, out=tmp_path / "run", notebooks=notebooks,
                            log=lambda line: None)
    timings = json.loads((tmp_path / "run" / "timings.json").read_text())
    assert timings["complete"] is False
    assert [(s["stage"], s["status"]) for s in timings["stages"]] == [("01_read", "ran")]


def test_the_run_folder_comes_from_out_then_the_configurations_run_dir(tmp_path, monkeypatch):
    # an audit set run_dir in its params file; the run went to reports/<corpus>, clearing an earlier run
    import json

    notebook = tmp_path / "01_read.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    seen = []
    monkeypatch.setattr(runner, "_execute", lambda nb, output, params, *kernels: seen.append(params["run_dir"]))
    monkeypatch.setattr(runner, "route_parameters", lambda config, notebooks, config_path=None:
                        {n.stem: {} for n in notebooks})
    config = {"corpus": "x", "source": "s", "run_dir": str(tmp_path / "from-config")}
    for out, expected in (("", tmp_path / "from-config"), (tmp_path / "from-out", tmp_path / "from-out")):
        with pytest.raises(ConfigError, match="no 90_briefing notebook"):  # the folder is what is tested
            runner.run_pipeline(config, out=out, notebooks=[notebook], log=lambda line: None)
        assert seen[-1] == str(expected) and (expected / "run_config.yaml").is_file()


def test_a_pandas_run_or_a_remote_scheduler_starts_no_cluster(monkeypatch):
    import os

    from helpers.dask_engine import SHARED_CLUSTER_ENV

    monkeypatch.delenv(SHARED_CLUSTER_ENV, raising=False)
    for cfg in ({"corpus": "x"}, {"engine": "pandas"}, {"engine": "dask", "dask_scheduler": "tcp://h:8786"}):
        with runner.shared_dask_cluster(cfg) as address:
            assert address is None and SHARED_CLUSTER_ENV not in os.environ


def test_a_local_dask_run_shares_one_cluster_and_leaves_nothing_behind(monkeypatch):
    import os

    import distributed

    from helpers import dask_engine

    monkeypatch.delenv(dask_engine.SHARED_CLUSTER_ENV, raising=False)
    dask_engine.disconnect("local")
    lines = []
    with runner.shared_dask_cluster({"engine": "dask"}, lines.append) as address:
        assert os.environ[dask_engine.SHARED_CLUSTER_ENV] == address
        client = dask_engine.connect("local")  # what a notebook's kernel does with dask_scheduler: local
        assert client.scheduler.address == address and client.cluster is None  # not a cluster of its own
        assert client.submit(sum, [1, 2]).result() == 3
        dask_engine.disconnect("local")  # the notebook is done: the shared cluster stays up
        assert dask_engine.connect("local").submit(len, "abc").result() == 3
        dask_engine.disconnect("local")
    assert dask_engine.SHARED_CLUSTER_ENV not in os.environ
    assert lines and lines[0].startswith("Dask: one local cluster of ")
    with pytest.raises(OSError):
        distributed.Client(address, timeout="2s")  # closed with the run


def test_hand_over_files_by_key_or_file_name_and_clear_errors(tmp_path):
    from helpers import stages
    from helpers.errors import ConfigError

    stages.save(tmp_path, "ingest", {"kept": 3})
    assert stages.load(tmp_path, "ingest") == stages.load(tmp_path, "ingest.json") == {"kept": 3}
    with pytest.raises(ConfigError, match="no hand-over file called 'themes.csv'; the run folder holds: comments, "):
        stages.load(tmp_path, "themes.csv")
    with pytest.raises(ConfigError, match="themes.parquet is missing: run notebook 04_themes first"):
        stages.load(tmp_path, "themes.parquet")
    with pytest.raises(ConfigError, match="no such run folder: check the path") as err:
        stages.load(tmp_path / "nowhere", "themes")
    assert err.value.path == str(tmp_path / "nowhere")


def test_a_bad_coded_sample_stops_the_run_before_any_notebook(tmp_path):
    # an audit's bad sheet was caught only by 07_codeframe, after six notebooks had run in full
    from helpers.errors import ConfigError, InputError

    codeframe = runner.paths.project_root() / "tests" / "fixtures" / "coding" / "codeframe.yaml"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("comment_id,text,LATE,STAFF\na,x,1,\nb,y,maybe,\n", encoding="utf-8")
    lines: list[str] = []
    config = {"corpus": "x", "source": "s", "codeframe": str(codeframe), "coded_sample": str(sheet)}
    with pytest.raises(InputError, match="'maybe' is not a mark") as err:
        runner.run_pipeline(config, out=tmp_path / "run", log=lines.append)
    assert err.value.row == 3 and lines == [] and not list((tmp_path / "run").glob("*.ipynb"))
    with pytest.raises(ConfigError, match="needs the codeframe"):
        runner.run_pipeline({"corpus": "x", "source": "s", "coded_sample": str(sheet)}, out=tmp_path / "run")
    sheet.write_text("comment_id,text,LATE,STAFF\na,x,1,\nb,y,,\nc,z,x,\n", encoding="utf-8")  # 2 coded rows
    with pytest.raises(ConfigError, match="only 2 response"):
        runner.run_pipeline(config, out=tmp_path / "run", log=lines.append)


def test_every_pipeline_notebook_says_which_notebooks_it_reads():
    from helpers import stages

    assert set(stages.DEPENDS_ON) == {nb.stem for nb in runner.pipeline_notebooks()}
    assert {nb for _, nb in stages.FILES.values()} <= set(stages.DEPENDS_ON)
    for notebook, needs in stages.DEPENDS_ON.items():  # only earlier notebooks
        assert all(n < notebook for n in needs), notebook
