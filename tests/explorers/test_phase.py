"""The interactive phase diagram: its data are optimlib's rates and runs, and in Chromium the pointer, the keys and
the condition-number menu change what is shown."""
import json
import os
import re

import numpy as np
import pytest

import optimlib as ol

KAPPAS, NE, NM, STEPS = [10.0, 100.0], 6, 5, 40


def diagrams(steps=STEPS):
    maps = {k: ol.phase_diagram([1.0, k], np.linspace(0.0, 4.2, 31)[1:] / k, np.linspace(0.0, 0.99, 25), steps=100,
                                window=30) for k in KAPPAS}
    runs = {k: ol.phase_diagram([1.0, k], np.linspace(0.3, 3.9, NE) / k, np.linspace(0.05, 0.95, NM), steps=steps,
                                window=steps // 3) for k in KAPPAS}
    return maps, runs


@pytest.fixture(scope="module")
def explorer():
    maps, runs = diagrams()
    return ol.phase_explorer(maps, runs, optima={k: ol.optimal_momentum(1.0, k)[:2] for k in KAPPAS}, title="test")


def test_data_are_the_closed_forms_and_the_runs(explorer):
    data = explorer.data
    assert [k["kappa"] for k in data["kappas"]] == ["10", "100"]
    for k, block in zip(KAPPAS, data["kappas"]):
        assert len(block["cells"]) == NE * NM and block["png"].startswith("data:image/png;base64,")
        for cell in block["cells"]:
            eta_l, mu, rho = float(cell[0]), float(cell[1]), float(cell[2])
            exact = ol.momentum_rate(eta_l / k, mu, np.array([1.0, k])).max()
            assert abs(rho - exact) < 6e-3                     # printed to 3 decimals from rounded settings
            assert (cell[5] >= 0) <= (rho > 1)                 # a run flagged diverged is a divergent setting
            assert (data["regimes"][cell[4]] == "divergent") == (exact >= 1)
    best = data["kappas"][data["k0"]]["cells"][data["c0"]]
    assert float(best[2]) == min(float(c[2]) for c in data["kappas"][data["k0"]]["cells"])


def test_runs_match_a_batched_run(explorer):
    block, k = explorer.data["kappas"][0], KAPPAS[0]
    eta_l, mu = float(block["cells"][0][0]), float(block["cells"][0][1])
    run = ol.run(ol.sgd(eta_l / k, momentum=mu), (lambda x: 0.5 * (np.array([1.0, k]) * x * x).sum(-1),
                                                    lambda x: np.array([1.0, k]) * x), np.ones(2), STEPS)
    rel = np.log10(np.linalg.norm(run.path, axis=-1) / np.sqrt(2))
    ys = np.array(block["cells"][0][6])
    from optimlib.explorers.phase import PH, TOP

    expected = np.round(TOP + PH * (2 - np.clip(rel[:: max(1, STEPS // 40)], -13, 3)) / 14)
    np.testing.assert_array_equal(ys, expected[: len(ys)])


def test_bad_arguments():
    maps, runs = diagrams()
    with pytest.raises(ValueError, match="maps/runs"):
        ol.phase_explorer(maps, {10.0: runs[10.0]})
    with pytest.raises(ValueError, match=r"runs\[10.0\]"):
        ol.phase_explorer(maps, {10.0: "a diagram", 100.0: runs[100.0]})
    with pytest.raises(ValueError, match="optima"):
        ol.phase_explorer(maps, runs, optima={10.0: (0.1, 0.5)})


def test_in_the_browser(explorer, tmp_path):
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("no browser")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    from sitecheck import CHROMIUM_ARGS, serve  # tools/, on the tests' pythonpath

    (tmp_path / "index.html").write_text(f"<!doctype html><meta charset='utf-8'><body>{explorer.html}</body>")
    outside, errors = [], []
    with serve(tmp_path) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                   else (outside.append(r.request.url), r.abort()))
        page.goto(base + "index.html", wait_until="load")
        status, run = page.locator(".olp-status"), page.locator(".olp-run")
        first = status.text_content()
        assert first.startswith("κ = 100") and run.get_attribute("points")
        box = page.locator(".olp-hit").bounding_box()
        page.mouse.click(box["x"] + 0.05 * box["width"], box["y"] + 0.05 * box["height"])   # top left
        top_left = status.text_content()
        mu = float(re.search(r"μ = ([0-9.]+)", top_left).group(1))
        eta_l = float(re.search(r"η λmax = ([0-9.]+)", top_left).group(1))
        assert mu > 0.8 and eta_l < 0.5 and top_left != first
        page.locator(".olp-hit").focus()
        page.keyboard.press("ArrowRight")
        moved = status.text_content()
        assert float(re.search(r"η λmax = ([0-9.]+)", moved).group(1)) > eta_l
        before = page.locator("image.olp-img").get_attribute("href")
        page.select_option("select", "0")
        assert status.text_content().startswith("κ = 10,")
        assert page.locator("image.olp-img").get_attribute("href") != before
        browser.close()
    assert outside == [] and errors == []


def test_the_map_is_drawn_on_svg_axes_with_whole_ticks_of_eta_lambda(explorer):
    html = explorer.html
    svg_map = html[html.index('<svg class="olp-svg-map"'):html.index('<svg class="olp-svg-run"')]
    labels = re.findall(r'text-anchor="middle">([^<]*)</text>', svg_map)
    assert labels[:4] == ["1", "2", "3", "4"] and "η λmax" in labels   # the edges 2 and 2(1 + μ) on whole ticks
    from optimlib.explorers.svg import FS
    assert f'font-size="{FS}"' in svg_map and html.count('class="olp-data"') == 1


def test_the_static_rendering_draws_the_pinned_run(explorer):
    # the book's PDF shows `_repr_svg_`: the map and the run of the pinned setting, drawn (the page's script draws
    # them in a browser), and the sentence the script writes for it
    import xml.etree.ElementTree as ET

    from IPython.core.formatters import DisplayFormatter

    bundle, _ = DisplayFormatter().format(explorer)
    assert bundle["text/html"] == explorer.html and bundle["image/svg+xml"] == explorer.svg
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(explorer.svg)
    data = explorer.data
    cell = data["kappas"][data["k0"]]["cells"][data["c0"]]
    (run,) = [e for e in root.iter(f"{ns}polyline") if e.get("class") == "olp-run"]
    ys = [int(p.split(",")[1]) for p in run.get("points").split()]
    assert ys == cell[6]
    (mark,) = [e for e in root.iter(f"{ns}circle") if e.get("class") == "olp-mark"]
    assert float(mark.get("cx")) == data["cx"][data["c0"] % data["ne"]]
    status = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    assert f"η λmax = {cell[0]}, μ = {cell[1]}: closed-form rate {cell[2]}" in status
    # the page's own markup is unchanged: its run is empty until the script draws it
    assert '<polyline class="olp-run" fill="none"' in explorer.html
