"""The decision brief as a district head meets it: opened in headless Chromium, in both
languages; every number on the page equals the results tables', every figure loads
from the page itself (no file or network access), and the texts are in the page's
language. Needs Chromium (see tests/test_app_browser.py); skipped without one,
except in CI."""

import json
import tempfile

import pandas as pd
import pytest

from benchmarks import appdriver as drv
from ovopsim.experiments.decide import discover, optimize, report, robust
from ovopsim.experiments.decide.texts import TEXT, number
from tests.test_decide import budget_spec

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(drv.chromium() is None and not __import__("os").environ.get("CI"),
                                 reason="no Chromium here (install it: apt-get install chromium)")]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("decision")
    spec = budget_spec(
        uncertainties={"cut": {"bounds": [0.0, 1.0], "reference": 0.0}},
        outcomes={"income": {"direction": "max", "target": 35.0},
                  "jobs": {"direction": "max", "target": 25.0}},
        optimize={"population": 8, "generations": 4}, robust={"futures": 30, "max_candidates": 4},
        report={"question_en": "Which split of 100?", "question_id": "Pembagian 100 yang mana?",
                "title_en": "What {budget} a year buys", "title_id": "Apa yang dibeli {budget} per tahun"})
    optimize(spec, out_dir=root / "optimize", executor="serial", progress=False)
    robust(spec, out_dir=root / "robust", candidates=root / "optimize" / "pareto.parquet",
           executor="serial", progress=False)
    discover(root / "robust", "income < 36")
    return root


def _page_cells(html_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = drv.launch(p, profile)
        try:
            pg = ctx.new_page()
            requests = []
            pg.on("request", lambda r: requests.append(r.url))
            pg.goto(html_path.as_uri())
            pg.wait_for_load_state("load")
            cells = pg.eval_on_selector_all(
                "[data-value]", "els => els.map(e => ({label: e.closest('tr') ? "
                "e.closest('tr').dataset.label : null, key: e.dataset.key, value: e.dataset.value,"
                " text: e.innerText, table: e.closest('table') ? e.closest('table').id : null}))")
            images = pg.eval_on_selector_all(
                "img", "els => els.map(e => [e.naturalWidth, e.src.slice(0, 22)])")
            lang = pg.eval_on_selector("html", "e => e.lang")
            body = pg.inner_text("body")
            stats = pg.eval_on_selector("#prim-stats", "e => [e.dataset.coverage, e.dataset.density]")
        finally:
            ctx.close()
    return cells, images, lang, body, stats, requests


@pytest.mark.parametrize("lang", ["en", "id"])
def test_report_numbers_equal_the_tables(results, lang):
    path = report(results, lang)[0]
    cells, images, page_lang, body, stats, requests = _page_cells(path)
    assert page_lang == lang
    assert all(u.startswith(("file:", "data:")) for u in requests)  # nothing fetched
    assert len(images) >= 4 and all(w > 100 and src.startswith("data:image/png") for w, src in images)
    summary = pd.read_parquet(results / "robust" / "summary.parquet").set_index("label")
    pareto = pd.read_parquet(results / "optimize" / "pareto.parquet").set_index("label")
    checked = 0
    for c in cells:
        table = summary if c["table"] == "mixes" else pareto
        col = c["key"]
        want = float(table.loc[c["label"], col])
        assert float(c["value"]) == want, c  # the page holds the table's number exactly
        shown = c["text"].split()[0]
        if col.startswith("share."):  # whole percents that add up to 100 (below)
            if shown == "<1%":  # a share that rounds to 0 is not shown as none
                assert 0 < want < 0.01, c
            else:
                assert abs(int(shown.rstrip("%")) - 100 * want) < 1, c
        elif col == "satisficing":
            assert shown == f"{100 * want:.0f}%", c
        else:
            assert shown == number(want, lang), c  # 0.272 in English, 0,272 in Bahasa Indonesia
        checked += 1
    assert checked >= len(summary.head(5)) * 5
    for label in summary.head(5).index:  # each mix's shares, as shown, are the whole budget
        assert sum(int(c["text"].split()[0].rstrip("%").replace("<1", "0")) for c in cells
                   if c["label"] == label and c["key"].startswith("share.")) == 100, label
    assert {c["table"] for c in cells} == {"mixes", "expected"}  # no cost outcomes here
    disc = json.loads((results / "robust" / "discovery" / "discovery.json").read_text())
    assert [float(s) for s in stats] == [disc["prim"]["coverage"], disc["prim"]["density"]]
    t = TEXT[lang]
    for heading in ("question", "answer", "recommended", "break", "assumptions",
                    "provenance"):
        assert t[heading] in body
    assert ("Pembagian 100 yang mana?" if lang == "id" else "Which split of 100?") in body
    # the title's {budget}, written in as the reader writes the budget
    assert ("Apa yang dibeli Rp 100 per tahun" if lang == "id" else "What Rp 100 a year buys") in body
    best = summary.index[0]
    assert f"{best}" in body and f"{100 * summary['satisficing'].iloc[0]:.0f}%" in body
