"""Live explorers: a slider move reruns optimlib and updates the same figure's artists; divergence is a state."""
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import optimlib as ol  # noqa: E402

pytest.importorskip("ipywidgets")

OPTIMIZERS = {
    "GD": lambda learning_rate: ol.sgd(learning_rate),
    "Momentum": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum),
    "Adam": lambda b1: ol.adam(0.05, b1=b1),
}
SLIDERS = {"learning_rate": [1e-4, 1e-3, 2e-3, 1e-2], "momentum": [0.5, 0.9, 0.99], "b1": [0.0, 0.9, 0.999]}


@pytest.fixture(autouse=True)
def _static_off(monkeypatch):
    monkeypatch.delenv("OPTIMLIB_STATIC", raising=False)


@pytest.fixture(scope="module")
def _live():
    import os

    os.environ.pop("OPTIMLIB_STATIC", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return ol.explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=60, initial={"learning_rate": 1e-3})


@pytest.fixture
def live(_live):
    _live.set(learning_rate=1e-3, momentum=0.9, b1=0.9)  # one explorer for the module, back at its start
    return _live


def test_log_grid():
    assert_allclose(ol.log_grid(1e-4, 1e-1, 4), [1e-4, 1e-3, 1e-2, 1e-1])
    assert_allclose(ol.log_grid(1, 10, 3), [1.0, 3.16, 10.0])
    with pytest.raises(ValueError, match="log_grid"):
        ol.log_grid(0.0, 1.0, 5)


def test_explorer_is_live_without_the_static_flag(live):
    assert isinstance(live, ol.LiveExplorer)
    assert set(live.sliders) == set(SLIDERS)
    assert live.sliders["learning_rate"].value == 1e-3 and live.sliders["momentum"].value == 0.9  # middle default
    assert "application/vnd.jupyter.widget-view+json" in live._repr_mimebundle_()


def test_slider_move_updates_the_same_figure(live):
    fig, line = live.figure, live.lines["GD"]["path"]
    before, image, text = line.get_xydata().copy(), live.image.value, live.status.value
    live.set(learning_rate=2e-3)
    assert live.figure is fig and live.lines["GD"]["path"] is line
    assert not np.array_equal(line.get_xydata(), before)
    assert live.image.value != image and live.status.value != text
    assert "learning rate η = 0.002" in live.status.value
    expected = ol.run(ol.sgd(2e-3), ol.rosenbrock(), ol.rosenbrock().start, 60)
    assert_allclose(line.get_xydata(), expected.path)  # the figure shows what optimlib computed
    assert_allclose(live.lines["GD"]["loss"].get_ydata(), expected.loss)


def test_redraw_leaves_no_trace_of_earlier_settings(live):
    # the figure is redrawn by blitting over a cached background: after two moves it must be pixel-identical
    # to an explorer that started at the final setting
    from io import BytesIO

    from PIL import Image

    live.set(learning_rate=1e-2, momentum=0.99)
    live.set(learning_rate=1e-4, momentum=0.5)
    fresh = ol.explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=60,
                        initial={"learning_rate": 1e-4, "momentum": 0.5})
    a, b = (np.asarray(Image.open(BytesIO(ex.image.value))) for ex in (live, fresh))
    assert a.shape == b.shape and np.array_equal(a, b)


def test_only_the_optimizers_using_a_slider_rerun(live):
    gd, adam = live.runs["GD"], live.runs["Adam"]
    live.set(b1=0.0)
    assert live.runs["GD"] is gd and live.runs["Adam"] is not adam


def test_set_rejects_values_off_the_grid(live):
    with pytest.raises(ValueError, match="Invalid learning_rate"):
        live.set(learning_rate=0.5)
    with pytest.raises(ValueError, match="Invalid slider"):
        live.set(beta=0.5)


@pytest.mark.parametrize("slider", ["learning_rate", "momentum"])
def test_divergence_at_the_top_of_every_slider_is_drawn_and_flagged(live, slider):
    # at the top of these ranges GD or momentum diverges: marked, noted and stated, with no warning.
    # (Adam's steps are bounded by its rate: b1 = 0.999 slows it but cannot make it diverge; see below.)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        live.set(**{"learning_rate": 2e-3, slider: SLIDERS[slider][-1]})
    diverged = [n for n, tr in live.runs.items() if tr.diverged]
    users = [n for n in OPTIMIZERS if slider in live.spec.uses[n]]
    assert set(users) & set(diverged)
    for name in diverged:
        k = live.runs[name].diverged_at
        assert live.lines[name]["note"].get_text() == f"{name} diverged at step {k}"
        assert len(live.lines[name]["cross"].get_xdata()) == 1
        x, y = live.lines[name]["cross"].get_xdata()[0], live.lines[name]["cross"].get_ydata()[0]
        assert -2 <= x <= 2 and -1 <= y <= 3
        assert f"{name} diverged at step {k}" in live.status.value
    assert live.axes[0].get_xlim() == (-2.0, 2.0) and live.axes[0].get_ylim() == (-1.0, 3.0)


def test_adam_at_the_top_of_b1_stays_on_the_surface(live):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        live.set(b1=0.999)
    assert not live.runs["Adam"].diverged and live.lines["Adam"]["note"].get_text() == ""
    assert "Adam reaches f − f* = " in live.status.value


def test_step_slider_scrubs_the_race():
    ex = ol.explorer(ol.quadratic(), {"GD": ol.sgd(0.1), "Momentum": ol.sgd(0.1, momentum=0.9)}, {},
                     steps=40, animate=True)
    ex.set(step=10)
    assert len(ex.lines["GD"]["path"].get_xdata()) == 11
    assert "step 10 of 40" in ex.title.get_text()


def test_race_status_describes_the_step_shown():
    # as the web explorer: mid-race the head names the step and only divergences so far are stated
    ex = ol.explorer(ol.quadratic(), {"GD": ol.sgd(0.1), "Wild": ol.sgd(5.0)}, {}, steps=40, animate=True)
    k = ex.runs["Wild"].diverged_at
    assert k is not None and 0 < k < 40
    ex.set(step=0)
    assert "step 0 of 40" in ex.status.value and "After 40 steps" not in ex.status.value
    assert "GD reaches" not in ex.status.value and "Wild diverged" not in ex.status.value
    ex.set(step=k)
    assert f"Wild diverged at step {k}" in ex.status.value and "GD reaches" not in ex.status.value
    ex.set(step=40)
    assert "step 40 of 40. After 40 steps: GD reaches f − f* = " in ex.status.value


def test_image_has_no_tooltip_and_the_alt_text_is_in_the_widget():
    # ipywidgets.Image(tooltip=...) throws in the JupyterLab widgets frontend: the figure would never draw
    ex = ol.explorer(ol.quadratic(), {"GD": lambda learning_rate: ol.sgd(learning_rate)},
                     {"learning_rate": [0.1, 0.2]}, title="A <b>title</b>", alt="Paths & losses")
    assert ex.image.tooltip is None
    assert ex.alt in ex.widget.children and "Paths &amp; losses" in ex.alt.value
    assert ex.figure.get_suptitle() == "A <b>title</b>"


def test_one_dimensional_surface():
    s = ol.double_well()
    ex = ol.explorer(s, {"GD": lambda learning_rate: ol.sgd(learning_rate)}, {"learning_rate": [0.1, 0.5, 3.0]})
    tr = ol.run(ol.sgd(0.5), s, s.start, 200)
    assert_allclose(ex.lines["GD"]["path"].get_xydata(), np.column_stack([tr.path[:, 0], tr.loss]))
    ex.set(learning_rate=3.0)
    assert ex.runs["GD"].diverged and "diverged at step" in ex.lines["GD"]["note"].get_text()


def test_static_flag_gives_the_web_explorer_and_no_widget(monkeypatch):
    monkeypatch.setenv("OPTIMLIB_STATIC", "1")
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # any import of ipywidgets would now fail
    ex = ol.explorer(ol.quadratic(), {"GD": lambda learning_rate: ol.sgd(learning_rate)},
                     {"learning_rate": [0.1, 0.5]}, steps=20)
    assert isinstance(ex, ol.WebExplorer) and 'class="ol-explorer"' in ex._repr_html_()


@pytest.mark.parametrize("bad, match", [
    (dict(optimizers={"GD": lambda lr: ol.sgd(lr)}), "takes 'lr', which is not a slider"),
    (dict(sliders={"learning_rate": [0.1, 0.2], "momentum": [0.5, 0.9]}), "change no optimizer"),
    (dict(sliders={"learning_rate": [0.1]}), "at least two"),
    (dict(initial={"learning_rate": 0.3}), "Invalid initial"),
    (dict(steps=0), "Invalid steps"),
    (dict(x0=np.zeros(3)), "Invalid x0"),
])
def test_bad_arguments_raise_value_errors(bad, match):
    args = dict(optimizers={"GD": lambda learning_rate: ol.sgd(learning_rate)},
                sliders={"learning_rate": [0.1, 0.2]}, steps=10)
    args.update(bad)
    with pytest.raises(ValueError, match=match):
        ol.explorer(ol.quadratic(), args.pop("optimizers"), args.pop("sliders"), **args)


def _fit(learning_rate):
    """GD on least squares for a line: the fitted line and the loss curve (a Trajectory, with its divergence)."""
    x = np.linspace(-1, 1, 21)
    y = 2 * x + 0.5
    f = lambda w: 0.5 * np.mean((w[..., :1] * x + w[..., 1:] - y) ** 2, axis=-1)  # noqa: E731
    grad = lambda w: np.stack([np.mean((w[..., :1] * x + w[..., 1:] - y) * x, -1),  # noqa: E731
                               np.mean(w[..., :1] * x + w[..., 1:] - y, -1)], -1)
    tr = ol.run(ol.sgd(learning_rate), (f, grad), np.zeros(2), 50)
    w = tr.path[-1]
    return [{"GD": (x, w[0] * x + w[1])}, {"GD": tr}]


def test_curve_explorer_live_updates_lines_and_flags_divergence():
    ex = ol.curve_explorer(_fit, {"learning_rate": [0.1, 1.0, 4.0]}, initial={"learning_rate": 0.1},
                           panels=[{"xlabel": "x"}, {"xlabel": "step", "yscale": "log"}])
    assert isinstance(ex, ol.LiveCurveExplorer)
    line = ex.lines[1]["GD"][0]
    before = line.get_ydata().copy()
    ex.set(learning_rate=1.0)
    assert not np.array_equal(before, line.get_ydata())
    assert_allclose(line.get_ydata(), _fit(1.0)[1]["GD"].loss)
    ex.set(learning_rate=4.0)
    assert "GD diverged at step" in ex.status.value


def test_live_and_web_renderings_show_the_same_runs(live):
    # one Spec behind both: at the live setting, the web data holds the same divergence steps and the same words
    import json
    import re

    live.set(learning_rate=2e-3, momentum=0.99, b1=0.999)
    web = ol.web_explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=60)
    data = json.loads(re.search(r'class="ol-data">(.*?)</script>', web.html).group(1))
    position = {"learning_rate": 2, "momentum": 2, "b1": 2}
    for name, tr in live.runs.items():
        (s,) = [s for s in data["series"] if s["n"] == name and s["p"] == 0]
        g = sum(position[u] * st for u, st in zip(live.spec.uses[name], s["st"]))
        if tr.diverged:
            assert s["f"][g] is None and s["dv"][g][0] == tr.diverged_at
            assert f"{name} diverged at step {tr.diverged_at}" in live.status.value
        else:
            assert s["dv"][g] is None and f"{name} {s['f'][g]}" in live.status.value
    assert any(tr.diverged for tr in live.runs.values()) and not all(tr.diverged for tr in live.runs.values())
