"""Web explorers: self-contained HTML with labelled sliders, a live status, and the data of every grid setting."""
import html.parser
import re
import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

import optimlib as ol
from optimlib.explorers.sliders import _fmt

LR = [1e-4, 5e-4, 1e-3, 2e-3, 1e-2]
MOM = [0.5, 0.9, 0.99]
OPTIMIZERS = {
    "GD": lambda learning_rate: ol.sgd(learning_rate),
    "Momentum": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum),
    "Adam": lambda learning_rate: ol.adam(30 * learning_rate),
}


class _Page(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.data, self.stack, self.scripts = [], None, [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "script":
            if self.stack[-1][1].get("class") == "ol-data":
                self.data = json.loads(data)
            else:
                self.scripts.append(data)

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def rosen():
    return ol.rosenbrock()


@pytest.fixture(scope="module")
def explorer(rosen):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ol.web_explorer(rosen, OPTIMIZERS, {"learning_rate": LR, "momentum": MOM}, steps=80,
                               title="Rosenbrock", alt="Paths of GD, momentum and Adam on Rosenbrock.")


@pytest.fixture(scope="module")
def page(explorer):
    return _Page(explorer.html)


def _panel_box(page, i):
    """The viewBox rectangle (x, y, w, h) of panel ``i``: its clip path."""
    (uid,) = {a["id"] for a in page.find("div", **{"class": "ol-explorer"})}
    (clip,) = [j for j, (t, a) in enumerate(page.tags) if t == "clippath" and a.get("id") == f"{uid}-c{i}"]
    rect = page.tags[clip + 1][1]
    return tuple(float(rect[k]) for k in ("x", "y", "width", "height"))


def _series(page, name, panel):
    (s,) = [s for s in page.data["series"] if s["n"] == name and s["p"] == panel]
    return s


def test_structure_sliders_labels_and_live_text(page):
    (root,) = page.find("div", **{"class": "ol-explorer"})
    assert root["role"] == "figure" and root["aria-label"].startswith("Paths of GD")
    sliders = page.find("input", type="range")
    assert len(sliders) == 2
    labels = {a["for"] for a in page.find("label")}
    for s, grid in zip(sliders, (LR, MOM)):
        assert s["id"] in labels and s["min"] == "0" and s["max"] == str(len(grid) - 1) and s["aria-valuetext"]
    assert page.find("p", **{"class": "ol-status", "aria-live": "polite"})
    assert page.find("div", **{"class": "ol-figure"}) and page.find("svg", role="img")
    assert page.find("image")[0]["href"].startswith("data:image/png;base64,")


def test_every_grid_setting_is_in_the_data(page):
    assert [s["v"] for s in page.data["sl"]] == [["10⁻⁴", "5 × 10⁻⁴", "0.001", "0.002", "0.01"],
                                                 ["0.5", "0.9", "0.99"]]
    for name, size, uses in (("GD", 5, [0]), ("Momentum", 15, [0, 1]), ("Adam", 5, [0])):
        for panel in (0, 1):
            s = _series(page, name, panel)
            assert s["u"] == uses and len(s["pts"]) == size and all(len(p) >= 4 for p in s["pts"])
            assert all(len(p) <= 2 * ol.explorers.web.MAX_POINTS for p in s["pts"])
    assert _series(page, "Momentum", 0)["st"] == [3, 1]  # learning rate slowest


def test_paths_are_the_runs_of_optimlib(page, rosen):
    s = _series(page, "Momentum", 0)
    g = 2 * 3 + 1  # learning_rate 1e-3, momentum 0.9
    tr = ol.run(ol.sgd(1e-3, momentum=0.9), rosen, rosen.start, 80)
    pts = np.array(s["pts"][g]).reshape(-1, 2)
    # viewBox: the path panel is a square of side PH showing the domain [-2, 2] x [-1, 3]
    x0, y0, side, height = _panel_box(page, 0)
    assert side == height == ol.explorers.web.PH and y0 == ol.explorers.web.TOP
    px = lambda p: (x0 + (p[0] + 2) / 4 * side, y0 + (3 - p[1]) / 4 * side)  # noqa: E731
    for point, expected in ((pts[0], tr.path[0]), (pts[-1], tr.path[-1])):
        assert_allclose(point, px(expected), atol=0.6)
    assert s["f"][g] == f"reaches f − f* = {_fmt(tr.loss[-1], 2)}"


def test_divergence_at_the_top_of_every_slider_is_flagged(page, rosen):
    for name, g, lr, mom in (("GD", 4, 1e-2, None), ("Momentum", 4 * 3 + 2, 1e-2, 0.99),
                             ("Momentum", 3 * 3 + 2, 2e-3, 0.99)):
        opt = ol.sgd(lr) if mom is None else ol.sgd(lr, momentum=mom)
        tr = ol.run(opt, rosen, rosen.start, 80, bound=300.0)
        assert tr.diverged
        # diverged: out of bounds, or a loss gap above 100 times its start from then on (f* = 0), whichever first
        blowup = np.flatnonzero(np.flip(np.logical_and.accumulate(np.flip(tr.loss > 100 * tr.loss[0]))))
        expected = min(tr.diverged_at, blowup[0]) if blowup.size else tr.diverged_at
        for panel in (0, 1):
            dv = _series(page, name, panel)["dv"][g]
            assert dv[0] == expected
        k, x, y = _series(page, name, 0)["dv"][g]
        x0, y0, w, h = _panel_box(page, 0)
        assert x0 <= x <= x0 + w and y0 <= y <= y0 + h  # the mark sits on the plotted domain
    assert _series(page, "Adam", 0)["dv"][4] is None


def test_self_contained_and_deterministic(explorer, page, rosen):
    text = explorer.html
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no outside request
    assert "src=" not in text and "<link" not in text
    assert len(page.scripts) == 1 and "window.olExplorers" in page.scripts[0]  # the guarded loader, inlined
    args = (rosen, OPTIMIZERS, {"learning_rate": LR, "momentum": MOM})
    kwargs = dict(steps=80, title="Rosenbrock", alt="Paths of GD, momentum and Adam on Rosenbrock.")
    repeat = ol.web_explorer(*args, **kwargs)  # the same explorer twice on a page: distinct element ids
    assert _Page(repeat.html).data["uid"] == page.data["uid"] + "-2"
    ol.explorers.web._SEEN.clear()  # a new build (a new kernel)
    assert ol.web_explorer(*args, **kwargs).html == text  # gives the same page, byte for byte


def test_labels_can_be_overridden(rosen):
    ex = ol.web_explorer(rosen, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": LR},
                         steps=10, labels={"learning_rate": "step size α"})
    page = _Page(ex.html)
    assert page.data["sl"][0]["l"] == "step size α" and ">step size α</label>" in ex.html
    with pytest.raises(ValueError, match="Invalid labels"):
        ol.web_explorer(rosen, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": LR},
                        labels={"lr": "η"})


def test_size_budget(explorer):
    # 3 optimizers, 25 settings: a chapter page holds several such explorers under its 3 MB budget
    assert explorer.nbytes < 150_000


def test_race_has_a_step_slider_and_a_play_button(rosen):
    ex = ol.web_explorer(rosen, {"GD": ol.sgd(1e-3), "Momentum": ol.sgd(1e-3, momentum=0.9)}, {}, steps=300,
                         animate=True)
    page = _Page(ex.html)
    (step,) = page.find("input", type="range")
    assert step["class"] == "ol-step" and step["max"] == str(len(page.data["frames"]) - 1)
    assert page.find("button", **{"class": "ol-play", "aria-pressed": "false"})
    frames = page.data["frames"]
    assert frames[0] == 0 and frames[-1] == 300 and len(frames) <= ol.explorers.web.FRAMES
    for name, panel in (("GD", 0), ("Momentum", 0), ("Momentum", 1)):
        s = _series(page, name, panel)
        ks = s["ks"][0]  # the step of each drawn point: the scrubber cuts a path at its step
        assert len(s["pts"][0]) == 2 * len(ks) and ks == sorted(ks) and set(frames) <= set(ks)
    assert len(_series(page, "Momentum", 0)["ks"][0]) > len(frames)  # its swings between frames are drawn too


def test_one_dimensional_surface_and_static_flag(monkeypatch):
    monkeypatch.setenv("OPTIMLIB_STATIC", "1")
    ex = ol.explorer(ol.double_well(), {"GD": lambda learning_rate: ol.sgd(learning_rate)},
                     {"learning_rate": [0.1, 1.0, 3.0]}, steps=50)
    page = _Page(ex.html)
    assert isinstance(ex, ol.WebExplorer) and page.find("polyline")  # the curve f is drawn
    assert _series(page, "GD", 0)["dv"][2] is not None


def test_curve_explorer_holds_every_setting():
    x = np.linspace(0, 1, 5)

    def draw(learning_rate, batch_size):
        y = np.exp(-learning_rate * batch_size * x)
        return [{"fit": (x, y)}, {"loss": (x, y / (1 - learning_rate * batch_size * x))}]

    ex = ol.web_curve_explorer(draw, {"learning_rate": [0.1, 0.5, 1.0], "batch_size": [1, 2]},
                               panels=[{"xlabel": "x"}, {"xlabel": "x", "yscale": "log"}],
                               static=[{"data": (x, x)}, {}])
    page = _Page(ex.html)
    assert len(page.find("input", type="range")) == 2
    fit, loss = page.data["series"]
    assert len(fit["pts"]) == 6 and fit["st"] == [2, 1]
    assert loss["dv"][5][0] == "0.5"  # y / (1 - 2x) is infinite at x = 0.5: the curve is cut there, flagged
    assert loss["dw"] == "x =" and loss["dv"][0] is None
    assert len(page.find("circle")) == 5
    with pytest.raises(ValueError, match="not parameters of draw"):
        ol.web_curve_explorer(draw, {"learning_rate": [0.1, 0.5], "batch_size": [1, 2], "momentum": [0.1, 0.2]})


def test_factories_that_take_only_scalars_run_one_setting_at_a_time(rosen):
    def scalar_only(learning_rate):
        return ol.sgd(float(learning_rate))  # float() of a (K, 1) array raises TypeError: no batch

    page = _Page(ol.web_explorer(rosen, {"GD": scalar_only}, {"learning_rate": LR}, steps=40).html)
    batched = _Page(ol.web_explorer(rosen, {"GD": lambda learning_rate: ol.sgd(learning_rate)},
                                    {"learning_rate": LR}, steps=40).html)
    assert _series(page, "GD", 0)["pts"] == _series(batched, "GD", 0)["pts"]
    assert _series(page, "GD", 1)["dv"] == _series(batched, "GD", 1)["dv"]


def test_log_axes_are_labelled_in_powers_of_ten():
    steps = np.arange(1.0, 1001.0)

    def draw(learning_rate):
        return {"loss": (steps, 1.0 / (1.0 + learning_rate * steps))}

    ex = ol.web_curve_explorer(draw, {"learning_rate": [0.1, 1.0]},
                               panels=[{"xlabel": "step", "ylabel": "loss", "xscale": "log", "yscale": "log"}])
    ticks = re.findall(r'text-anchor="(middle|end)">(10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)</text>', ex.html)
    assert ("middle", "10⁰") in ticks and ("middle", "10³") in ticks  # x axis: 1 .. 1000 in decades
    assert ("end", "10⁻³") in ticks  # y axis: 1 .. 1e-3


# --------------------------------------------------------------------------- in the browser

CHROMIUM = "/usr/bin/chromium"
_WAIT_PAST = """(el, v) => new Promise(ok => {
  const t = setInterval(() => { if (+el.value > v) { clearInterval(t); ok(); } }, 10);
  setTimeout(() => { clearInterval(t); ok(); }, 3000); })"""  # until a slider is past v (at most 3 s)


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory, rosen):
    """Two explorers on one page, served on loopback and opened in headless Chromium (outside requests fail)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no browser at {CHROMIUM}")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    from sitecheck import CHROMIUM_ARGS, serve  # tools/, on the tests' pythonpath

    folder = tmp_path_factory.mktemp("explorers")
    two = ol.web_explorer(rosen, OPTIMIZERS, {"learning_rate": LR, "momentum": MOM}, steps=40)
    race = ol.web_explorer(rosen, {"GD": ol.sgd(1e-3), "Momentum": ol.sgd(1e-3, momentum=0.9)}, {}, steps=200,
                           animate=True)
    (folder / "index.html").write_text(
        f"<!doctype html><meta charset='utf-8'><body>{two.html}{race.html}{_twin_panels().html}</body>")
    outside = []
    with serve(folder) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                   else (outside.append(r.request.url), r.abort()))
        page.goto(base + "index.html", wait_until="load")
        yield page, outside
        browser.close()


def test_keyboard_moves_each_slider_and_the_figure_and_text_follow(browser_page):
    page, outside = browser_page
    root = page.locator(".ol-explorer").first
    figure, status = root.locator(".ol-figure"), root.locator(".ol-status")
    page.locator("body").focus()
    for i, grid in enumerate((LR, MOM)):
        page.keyboard.press("Tab")  # the sliders come first in the tab order, in their order
        slider = root.locator("input.ol-slider").nth(i)
        assert slider.evaluate("el => el === document.activeElement")
        before = (slider.input_value(), figure.inner_html(), status.text_content())
        page.keyboard.press("ArrowRight")
        after = (slider.input_value(), figure.inner_html(), status.text_content())
        assert int(after[0]) == int(before[0]) + 1
        assert after[1] != before[1] and after[2] != before[2]  # the figure and the aria-live sentence changed
        assert slider.get_attribute("aria-valuetext") == _fmt(grid[int(after[0])])
    assert outside == []


def test_play_animates_the_race_and_pause_stops_it(browser_page):
    page, outside = browser_page
    root = page.locator(".ol-explorer").nth(1)
    play, step, figure = root.locator("button.ol-play"), root.locator("input.ol-step"), root.locator(".ol-figure")
    play.click()  # from the last frame, Play starts over at step 0
    step.evaluate(_WAIT_PAST, 0)
    first = (int(step.input_value()), figure.inner_html())
    step.evaluate(_WAIT_PAST, first[0] + 2)
    second = (int(step.input_value()), figure.inner_html())
    assert play.text_content() == "Pause" and play.get_attribute("aria-pressed") == "true"
    assert 0 < first[0] < second[0] < int(step.get_attribute("max")) and first[1] != second[1]
    play.click()
    stopped = step.input_value()
    page.wait_for_timeout(200)
    assert step.input_value() == stopped and play.text_content() == "Play"
    frames = json.loads(root.locator("script.ol-data").text_content())["frames"]
    assert root.locator(".ol-status").text_content().startswith(f"step {frames[int(stopped)]} of 200.")
    assert outside == []


def test_the_web_sentence_is_the_live_explorers_sentence(browser_page, rosen):
    # at learning rate 2e-3 and momentum 0.99, momentum diverges between GD and Adam, which do not
    pytest.importorskip("ipywidgets")
    from optimlib.explorers.spec import Spec

    page, _ = browser_page
    root = page.locator(".ol-explorer").first
    for i, position in enumerate((LR.index(2e-3), MOM.index(0.99))):
        root.locator("input.ol-slider").nth(i).evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", position)
    live = ol.LiveExplorer(Spec(rosen, OPTIMIZERS, {"learning_rate": LR, "momentum": MOM}, steps=40,
                                initial={"learning_rate": 2e-3, "momentum": 0.99}))
    assert [n for n, tr in live.runs.items() if tr.diverged] == ["Momentum"]
    text = root.locator(".ol-status").text_content()
    assert f"<p aria-live=\"polite\">{text}</p>" == live.status.value


# --------------------------------------------------------------------------- what the reader sees, on every screen

def test_thinning_keeps_a_two_step_cycle_and_a_spike_that_a_stride_would_hide():
    from optimlib.explorers.thin import _thin

    k = np.arange(5000)
    X = 100 + 0.002 * k + np.where(k % 2, 6.0, 0.0)  # a bounce across a valley: two sides, 6 units apart
    Y = 200 - 0.01 * k
    stride = X[::50]  # the old thinning: every 50th iterate, all on one side of the bounce
    assert np.ptp(stride - 0.002 * k[::50]) < 1
    pts, idx = _thin(X, Y)
    P = np.array(pts).reshape(-1, 2)
    assert len(P) <= ol.explorers.web.MAX_POINTS and idx[0] == 0 and idx[-1] == len(X) - 1
    side = (X[idx] - 100 - 0.002 * k[idx]).round()
    assert {0.0, 6.0} <= set(side) and side[-2:].tolist() in ([0, 6], [6, 0])  # both sides, to the end
    loss = np.exp(-k / 1000) * 300
    loss[4000:4080] += np.hanning(80) * 120  # a bounce in the loss
    pts, idx = _thin(k / 10, 400 - loss)
    assert min(pts[1::2]) == round(400 - loss.max())  # the spike's top is drawn
    assert len(pts) // 2 < 200  # a smooth curve needs few points


def test_a_run_that_blows_up_in_bounds_is_diverged_not_a_number():
    ravine = ol.quadratic(condition_number=10.0)
    ex = ol.web_explorer(ravine, {"GD": lambda learning_rate: ol.sgd(learning_rate)},
                         {"learning_rate": [0.1, 0.205]}, steps=100)
    tr = ol.run(ol.sgd(0.205), ravine, ravine.start, 100)
    assert not tr.diverged and tr.loss[-1] > 1e4  # run() keeps it: it stays inside the bound
    expected = int(np.argmax(tr.loss > 100 * tr.loss[0]))
    page = _Page(ex.html)
    assert _series(page, "GD", 0)["dv"][1][0] == _series(page, "GD", 1)["dv"][1][0] == expected
    assert _series(page, "GD", 0)["f"][1] is None and "reaches" in _series(page, "GD", 0)["f"][0]
    from optimlib.explorers.spec import Spec

    live = Spec(ravine, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": [0.1, 0.205]},
                steps=100)
    one = live.run_one("GD", {"learning_rate": 0.205})
    assert one.diverged and one.diverged_at == expected and one.n_valid == expected  # the live explorer agrees
    assert np.all(one.loss[expected:] == one.loss[expected - 1])  # frozen at its last valid iterate, as run() does


def test_a_run_that_overshoots_and_recovers_is_not_diverged():
    from optimlib.explorers.spec import Spec

    bowl = ol.quadratic(condition_number=1.0)            # f = |x|^2 / 2: a rate of 1 lands on the minimum
    leap = ol.sgd(lambda step: 30.0 if step == 0 else 1.0)  # x_1 = -29 x_0 (gap x 841), then x_2 = 0
    spec = Spec(bowl, {"GD": leap}, {}, steps=5)
    one = spec.run_one("GD", {})
    assert one.loss[1] > 100 * one.loss[0] and one.loss[-1] < 1e-20
    assert not one.diverged and one.diverged_at is None


def test_floors_are_reported_as_below_a_threshold():
    from optimlib.explorers.spec import Spec

    bowl = ol.quadratic(condition_number=2.0)
    spec = Spec(bowl, {"Newton": ol.newton(bowl.hess)}, {}, steps=5)
    assert spec.result(0.0) == "f − f* below 10⁻¹²" and spec.result(3.2e-5) == "f − f* = 3.2 × 10⁻⁵"
    k = np.arange(1.0, 50.0)

    def draw(learning_rate):
        return {"GD": (k, np.maximum(np.exp(-learning_rate * k), 1e-12))}

    ex = ol.web_curve_explorer(draw, {"learning_rate": [0.1, 1.0]},
                               panels=[{"ylabel": "L", "yscale": "log", "ylim": (1e-6, 1.0)}])
    f = _Page(ex.html).data["series"][0]["f"]
    assert f == [f"ends at L = {_fmt(np.exp(-0.1 * 49), 2)}", "ends at L below 10⁻⁶"]


def test_numbers_are_typeset():
    assert [_fmt(v) for v in (2.5, 0.00123, 1.78e-4, 1e-4, -1.0, 8.6e4, 1e-12, 0)] == [
        "2.5", "0.00123", "1.78 × 10⁻⁴", "10⁻⁴", "−1", "8.6 × 10⁴", "10⁻¹²", "0"]
    assert "-" not in "".join(_fmt(v) for v in (-3e-7, -0.5, -1234.0))  # a true minus, never a hyphen


def test_sliders_show_their_range_and_a_stability_edge(rosen):
    ex = ol.web_explorer(rosen, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": LR},
                         steps=10, edges={"learning_rate": (2e-3, "2/λmax")})
    assert '<span class="ol-range" aria-hidden="true"><span>10⁻⁴</span><span>0.01</span></span>' in ex.html
    (edge,) = re.findall(r'class="ol-edge" style="left:calc\(8px \+ \(100% - 16px\) \* ([\d.]+)\)"', ex.html)
    assert float(edge) == pytest.approx(3 / 4)  # 0.002 is the 4th of 5 values
    assert "2/λmax = 0.002" in ex.html
    with pytest.raises(ValueError, match=r"Invalid edges\['momentum'\]"):
        ol.web_explorer(rosen, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": LR},
                        edges={"momentum": 0.5})


def test_the_initial_figure_is_drawn_without_javascript(page):
    # the markup explorer.js writes, already in the page: each curve of the initial setting, its points
    dyn = page.data["series"]
    at = [2, 1]  # the middle of both sliders
    drawn = [a.get("points", "") for t, a in page.tags if t == "polyline"]
    for s in dyn:
        g = sum(p * st for p, st in zip([at[u] for u in s["u"]], s["st"]))
        pts = " ".join(f"{x},{y}" for x, y in zip(s["pts"][g][::2], s["pts"][g][1::2]))
        if s["dv"][g] is None:
            assert pts in drawn
    assert sum(bool(p) for p in drawn) >= len(dyn) - 1


def test_the_page_states_the_initial_setting_before_any_script_runs(explorer, browser_page):
    # the sentence in the HTML is the one explorer.js writes at load (so a reader without JavaScript gets it too)
    import html as html_lib

    written = re.search(r'<p class="ol-status" aria-live="polite">(.*?)</p>', explorer.html).group(1)
    assert html_lib.unescape(written).startswith("learning rate η = 0.001, momentum μ = 0.9. After 80 steps: GD ")
    page, _ = browser_page
    fresh = ol.web_explorer(ol.rosenbrock(), OPTIMIZERS, {"learning_rate": LR, "momentum": MOM}, steps=40)
    text = re.search(r'<p class="ol-status" aria-live="polite">(.*?)</p>', fresh.html).group(1)
    root = page.locator(".ol-explorer").first  # the same explorer (40 steps) after explorer.js rendered it
    page.reload(wait_until="load")
    assert root.locator(".ol-status").text_content() == html_lib.unescape(text)


def test_two_panels_have_a_stacked_layout_for_phones(page):
    lay = page.data["lay"]
    assert lay["w"]["vb"][0] == ol.explorers.web.W and lay["n"]["vb"][0] < 600
    (dx0, dy0), (dx1, dy1) = lay["n"]["t"]
    assert dy0 == 0 and dy1 > ol.explorers.web.PH and lay["n"]["vb"][1] > 2 * ol.explorers.web.PH


def _twin_panels():
    """One name, "GD", in two panels for two different runs, which diverge at different steps (x_k = (1 - r)^k on
    x^2 / 2 leaves the bound 1e6 at step 20 for r = 3 and at step 9 for r = 6)."""
    quad = (lambda x: 0.5 * (x**2).sum(-1), lambda x: x)
    draw = lambda learning_rate: [{"GD": ol.run(ol.sgd(learning_rate), quad, np.ones(1), 30)},
                                  {"GD": ol.run(ol.sgd(2 * learning_rate), quad, np.ones(1), 30)}]
    return ol.web_curve_explorer(draw, {"learning_rate": [3.0, 3.5]}, initial={"learning_rate": 3.0},
                                 panels=[{"yscale": "log"}, {"yscale": "log"}])


def test_one_name_in_two_panels_reports_each_divergence():
    import html as html_lib

    written = re.search(r'<p class="ol-status" aria-live="polite">(.*?)</p>', _twin_panels().html).group(1)
    assert "GD diverged at step 20; GD diverged at step 9." in html_lib.unescape(written)


def test_one_name_in_two_panels_reports_each_divergence_in_the_browser(browser_page):
    page, _ = browser_page
    root = page.locator(".ol-explorer").nth(2)
    root.locator("input.ol-slider").first.evaluate(
        "el => el.dispatchEvent(new Event('input', {bubbles: true}))")  # explorer.js writes the sentence anew
    assert "GD diverged at step 20; GD diverged at step 9." in root.locator(".ol-status").text_content()
    assert root.locator("g.ol-top").inner_html().count("diverged at step") == 2  # both crosses are noted


def test_the_static_rendering_is_the_initial_figure_as_svg(explorer, page):
    # what a frontend without HTML (the book's PDF) shows: the SVG of the page, standalone, beside the HTML
    import xml.etree.ElementTree as ET

    from IPython.core.formatters import DisplayFormatter

    bundle, _ = DisplayFormatter().format(explorer)
    assert bundle["text/html"] == explorer.html and bundle["image/svg+xml"] == explorer.svg
    root = ET.fromstring(explorer.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert explorer.svg in explorer.html                       # the very figure the page draws first
    drawn = [a.get("points", "") for t, a in page.tags if t == "polyline" and a.get("points")]
    svg_points = [e.get("points") for e in root.iter("{http://www.w3.org/2000/svg}polyline") if e.get("points")]
    assert svg_points == drawn and len(svg_points) >= len(OPTIMIZERS)
