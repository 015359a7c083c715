"""The book's figures: each function returns axes holding the artists it promises, with the computed data."""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

import optimlib as ol  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def rosen():
    return ol.rosenbrock()


@pytest.fixture(scope="module")
def runs(rosen):
    return {"GD": ol.run(ol.sgd(1e-3), rosen, rosen.start, 60),
            "Momentum": ol.run(ol.sgd(1e-3, momentum=0.9), rosen, rosen.start, 60),
            "Nesterov": ol.run(ol.sgd(1e-2, momentum=0.9, nesterov=True), rosen, rosen.start, 60)}


def _lines_labelled(ax, label):
    return [ln for ln in ax.lines if ln.get_label() == label]


def test_contour_covers_the_domain_and_marks_the_minimum(rosen):
    ax = ol.plot_contour(rosen)
    assert ax.get_xlim() == rosen.domain[0] and ax.get_ylim() == rosen.domain[1]
    assert len(ax.collections) >= 2  # filled and line contours
    (star,) = _lines_labelled(ax, "minimum")
    assert_allclose(np.column_stack(star.get_data()), rosen.minima)


def test_contour_marks_saddle_points():
    s = ol.himmelblau()
    (cross,) = _lines_labelled(ol.plot_contour(s), "saddle point")
    assert_allclose(np.column_stack(cross.get_data()), s.saddles)


def test_paths_draw_each_run_with_its_own_look(rosen, runs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = ol.plot_paths(rosen, runs, max_points=1000)
    assert runs["Nesterov"].diverged and not runs["GD"].diverged
    for name in ("GD", "Momentum"):
        (line,) = _lines_labelled(ax, name)
        assert_allclose(np.column_stack(line.get_data()), runs[name].path)
        st = ol.optimizer_style(name)
        assert matplotlib.colors.to_hex(line.get_color()).upper() == st["color"].upper()
    assert ax.get_xlim() == rosen.domain[0] and ax.get_ylim() == rosen.domain[1]  # divergence keeps the axes
    notes = [t.get_text() for t in ax.texts]
    assert notes == [f"Nesterov diverged at step {runs['Nesterov'].diverged_at}"]


def test_diverged_run_gets_a_cross_inside_the_axes(rosen, runs):
    ax = ol.plot_paths(rosen, {"Nesterov": runs["Nesterov"]})
    crosses = [ln for ln in ax.lines if ln.get_marker() == "X"]
    assert len(crosses) == 1
    x, y = crosses[0].get_data()
    assert rosen.domain[0][0] <= x[0] <= rosen.domain[0][1] and rosen.domain[1][0] <= y[0] <= rosen.domain[1][1]


def test_paths_are_thinned_to_max_points(rosen, runs):
    (line,) = _lines_labelled(ol.plot_paths(rosen, {"GD": runs["GD"]}, max_points=20), "GD")
    assert len(line.get_xdata()) == 20
    assert_allclose(line.get_xydata()[[0, -1]], runs["GD"].path[[0, -1]])


def test_loss_is_the_gap_to_the_minimum_on_a_log_scale(rosen, runs):
    ax = ol.plot_loss(runs, surface=rosen)
    assert ax.get_yscale() == "log"
    (line,) = _lines_labelled(ax, "Momentum")
    assert_allclose(line.get_ydata(), runs["Momentum"].loss - 0.0)
    assert any("Nesterov diverged at step" in t.get_text() for t in ax.texts)
    lo, hi = ax.get_ylim()  # the diverged run does not stretch the axis far above the start
    assert hi <= 100 * runs["GD"].loss[0]


def test_loss_accepts_plain_arrays():
    ax = ol.plot_loss({"Adam": np.array([4.0, 2.0, 1.0])})
    assert_allclose(ax.lines[0].get_ydata(), [4.0, 2.0, 1.0])


def test_distance_to_the_minimum(rosen, runs):
    ax = ol.plot_distance({"GD": runs["GD"]}, rosen)
    expected = np.linalg.norm(runs["GD"].path - rosen.minima[0], axis=1)
    assert_allclose(ax.lines[0].get_ydata(), expected)
    with pytest.raises(ValueError, match="no minima"):
        ol.plot_distance({"GD": runs["GD"]}, ol.saddle())


def test_surface3d_has_a_surface_and_paths_inside_the_domain(rosen, runs):
    ax = ol.plot_surface3d(rosen, runs=runs)
    assert ax.name == "3d"
    assert len(ax.collections) == 1
    for line in ax.lines:
        x, y, _ = line.get_data_3d()
        assert np.all((x >= -2) & (x <= 2) & (y >= -1) & (y <= 3))


def test_hessian_directions_label_the_eigenvalues(rosen):
    p = np.array([0.0, 0.5])
    ax = ol.plot_hessian_directions(rosen, p)
    lam = np.linalg.eigvalsh(rosen.hess(p))
    labels = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert labels == sorted(f"$\\lambda_{i + 1} = {v:.3g}$" for i, v in enumerate(lam))
    arrows = [t for t in ax.texts if type(t).__name__ == "Annotation"]
    assert len(arrows) == 4  # each eigenvector, both ways


def test_taylor_models_on_a_quadratic_are_exact():
    s = ol.quadratic(condition_number=5.0, angle=0.3)
    ax = ol.plot_taylor(s, np.array([1.0, -0.5]))
    f_line, tangent, quad = ax.lines[:3]
    assert_allclose(quad.get_ydata(), f_line.get_ydata(), atol=1e-12)  # second order is exact on a quadratic
    s_vals = tangent.get_xdata()
    g = s.grad(np.array([1.0, -0.5]))
    assert_allclose(tangent.get_ydata(), s.f(np.array([1.0, -0.5])) - np.linalg.norm(g) * s_vals)
    with pytest.raises(ValueError, match="direction"):
        ol.plot_taylor(s, np.zeros(2))


def test_small_multiples_one_panel_per_setting(rosen):
    panels = {f"η = {lr}": {"GD": ol.run(ol.sgd(lr), rosen, rosen.start, 20)} for lr in (1e-4, 1e-3, 2e-3)}
    axes = ol.small_multiples(rosen, panels, ncols=2)
    visible = [ax for ax in axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == list(panels)
    assert len(axes) == 4 and not axes[3].get_visible()


def test_race_frames_cut_each_path_at_the_step(rosen, runs):
    axes = ol.plot_race_frames(rosen, {"GD": runs["GD"]}, steps=(5, 30))
    for ax, t in zip(axes, (5, 30)):
        (line,) = _lines_labelled(ax, "GD")
        assert len(line.get_xdata()) == t + 1


def test_styles_are_distinct_and_stable():
    names = ["GD", "Momentum", "Nesterov", "Adagrad", "Adadelta", "RMSProp", "Adam", "AdamW", "Newton"]
    looks = {(ol.optimizer_style(n)["color"], ol.optimizer_style(n)["dashes"], ol.optimizer_style(n)["marker"])
             for n in names}
    assert len(looks) == len(names)
    assert ol.optimizer_style("full-batch GD") == ol.optimizer_style("GD")  # one look per method, whatever its name
    assert ol.optimizer_style("mini-batch SGD") == ol.optimizer_style("SGD") != ol.optimizer_style("GD")
    assert ol.optimizer_style("Noisy GD")["color"] == ol.optimizer_style("GD")["color"]  # a variant keeps its colour
    assert ol.optimizer_style("my method") == ol.optimizer_style("my method")  # unknown names: still stable
    assert all(ol.optimizer_style(n)["color"] in ol.OKABE_ITO.values() for n in names)


def test_book_style_is_applied_only_in_its_block():
    # that importing styles nothing is checked in a fresh interpreter: tests/test_package.py
    before = dict(matplotlib.rcParams)
    with ol.book_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert dict(matplotlib.rcParams) == before


def test_exit_point_is_where_the_path_crosses_the_border():
    from optimlib.viz.geometry import exit_point

    path = np.array([[0.0, 0.0], [0.5, 0.5], [3.0, 1.0], [50.0, -80.0]])
    e = exit_point(path, (-1, -1), (1, 1))
    assert_allclose(e, [1.0, 0.6])  # on the segment (0.5, 0.5) -> (3, 1), at x = 1
    assert_allclose(exit_point(path[:2], (-1, -1), (1, 1)), [0.5, 0.5])  # still inside: its last point


def test_newton_family_differs_by_colour_and_every_look_is_unique():
    from optimlib.viz.style import _CYCLE, _STYLES

    family = ["Newton", "Damped Newton", "Saddle-free Newton", "Levenberg-Marquardt", "Gauss-Newton"]
    assert len({ol.optimizer_style(n)["color"] for n in family}) == len(family)
    assert len({ol.optimizer_style(n)["marker"] for n in family}) == len(family)
    looks = [(c, d) for c, d, _ in _STYLES.values()]
    assert len(set(_STYLES.values())) == len(_STYLES) and len(set(looks)) == len(looks)
    assert not set(looks) & {(c, d) for c, d, _ in _CYCLE}  # a name outside the registry never looks like one in it
    assert all(c in ol.OKABE_ITO.values() and c != ol.OKABE_ITO["yellow"] for c, _, _ in [*_STYLES.values(), *_CYCLE])


def test_names_match_ignoring_case_and_dash_kind():
    assert ol.optimizer_style("damped Newton") == ol.optimizer_style("Damped Newton")
    assert ol.optimizer_style("Levenberg–Marquardt") == ol.optimizer_style("Levenberg-Marquardt")
    assert ol.optimizer_style("sgd") == ol.optimizer_style("SGD")


def test_every_marker_has_its_own_shape_on_the_web():
    from optimlib.viz.style import _CYCLE, _STYLES
    from optimlib.explorers.svg import _marker_path

    markers = {m for _, _, m in [*_STYLES.values(), *_CYCLE]}
    shapes = {_marker_path(m) for m in markers}
    assert len(shapes) == len(markers)  # none falls back to another's shape


def test_legend_shows_each_optimizer_with_its_marker(rosen, runs):
    ax = ol.plot_paths(rosen, runs)
    for handle, name in zip(*ax.get_legend_handles_labels()):
        if name in runs:
            assert handle.get_marker() == ol.optimizer_style(name)["marker"]
    axes = ol.plot_race_frames(rosen, runs, steps=(5, 30))
    (legend,) = axes[0].figure.legends  # one legend under the panels, none over the paths
    assert [t.get_text() for t in legend.get_texts()] == ["minimum", *runs] and axes[0].get_legend() is None


def test_surface3d_flags_a_diverged_run_and_keeps_each_look(rosen, runs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = ol.plot_surface3d(rosen, runs=runs)
    assert [t.get_text() for t in ax.texts] == [f"Nesterov diverged at step {runs['Nesterov'].diverged_at}"]
    for line in ax.lines:
        st = ol.optimizer_style(line.get_label())
        assert line.get_marker() == st["marker"] and line.get_linestyle() == ("-" if st["dashes"] is None else "--")
