"""The built website at a desktop, a tablet and a phone width (1366, 768 and 390 px), in headless Chromium.

At each width: the table of contents and the page contents open from their buttons, no page scrolls sideways,
explorer text is big enough to read and no two axis labels collide, and a race's sentence follows its step while
it plays. Each check is also run on a deliberately broken copy of a page (dead toggle buttons, a too-wide element,
an explorer squeezed small, a y label pushed onto its tick labels, a race whose sentence stays put) and must
report it: a check that cannot fail proves nothing.

After loading a page (or resizing the window) a check runs once MathJax has typeset, the fonts are in and the
explorers have laid themselves out for the width (two animation frames: their ResizeObserver has run).
"""
import os
import pathlib
import shutil

import pytest

from screens import (WIDTHS, explorer_text_problems, explorer_text_sizes, navigation_problems, no_script_problems,
                     overflow_problems, race_problems, tab_stop_problems)
from sitecheck import serve
from test_site import toc_pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
GALLERY = "book/gallery.html"  # an explorer of each kind, a race, and the book's table of contents


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """A copy of the site, to which the tests add broken copies of the gallery page."""
    if not (SITE / "index.html").exists():
        message = "no built site in _build/html: run 'make book' first (make test builds it, then runs these)"
        if os.environ.get("OPTIMLIB_REQUIRE_SITE", "") not in ("", "0"):
            pytest.fail(message)  # make test-site: the site must be there
        pytest.skip(message)
    copy = tmp_path_factory.mktemp("screens") / "html"
    shutil.copytree(SITE, copy, ignore=shutil.ignore_patterns(".buildinfo", "reports", "*.ipynb", "_sources"))
    return copy


@pytest.fixture(scope="module")
def browser(broken_site, chromium):
    with serve(broken_site) as base:
        yield chromium, base


# The page settled: MathJax has typeset (formulas change the layout), the fonts are in, and two animation frames
# have passed, so the explorers' ResizeObserver has laid them out for the width.
SETTLED = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""


def _open(browser, page, width, script=True):
    chromium, base = browser
    context = chromium.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    tab = context.new_page()
    tab.goto(base + page, wait_until="load")
    if script:  # (without scripts the page is as built once loaded)
        tab.evaluate(SETTLED)
    return context, tab


def _check(browser, page, width, check, script=True):
    context, tab = _open(browser, page, width, script)
    try:
        return check(tab, width)
    finally:
        context.close()


def _broken(site, name, edit, page=GALLERY):
    """A copy of `page` next to it (same assets), as `edit` changes its HTML; returns its path in the site."""
    source = site / page
    text = source.read_text()
    changed = edit(text)
    assert changed != text, f"the breakage '{name}' did not apply"
    target = source.with_name(f"_broken_{name}.html")
    target.write_text(changed)
    return str(target.relative_to(site))


def _before_body_end(snippet):
    return lambda text: text.replace("</body>", snippet + "</body>")


# --------------------------------------------------------------------------- the site as built

@pytest.mark.parametrize("width", WIDTHS)
def test_navigation_opens(browser, width):
    assert _check(browser, GALLERY, width, navigation_problems) == []


def _has_explorer(page):
    return not (SITE / page).exists() or "ol-explorer" in (SITE / page).read_text()  # (unbuilt: the fixture says)


def _explorer_pages():
    return [p for p in toc_pages() if _has_explorer(p)]


@pytest.mark.parametrize("page", toc_pages())
def test_no_page_scrolls_sideways_and_explorer_text_is_legible(browser, page):
    # each page, loaded once on a phone and then viewed wider (the layout follows the window, as on a tablet
    # turned or a desktop window widened); the pages without explorers only need checking on the phone
    problems = []
    context, tab = _open(browser, page, WIDTHS[-1])
    try:
        for width in WIDTHS[::-1] if _has_explorer(page) else WIDTHS[-1:]:
            tab.set_viewport_size({"width": width, "height": 900})
            tab.evaluate(SETTLED)
            problems += [f"{page}: {p}" for p in overflow_problems(tab, width) + explorer_text_problems(tab, width)]
    finally:
        context.close()
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_race_sentence_follows_the_step_during_play(browser, width):
    assert _check(browser, GALLERY, width, race_problems) == []


def test_formulas_are_not_tab_stops(browser):
    assert _check(browser, "book/02_first_and_second_order.html", 1366, tab_stop_problems) == []


@pytest.mark.parametrize("page", _explorer_pages())
def test_without_javascript_each_explorer_shows_its_initial_figure(browser, page):
    assert _check(browser, page, 1366, no_script_problems, script=False) == [], page


def test_favicon_is_served_at_the_root_and_linked(broken_site):  # (the fixture: skip or fail without a site)
    assert (SITE / "favicon.ico").stat().st_size > 0  # browsers ask for /favicon.ico on the root redirect page
    assert 'rel="icon" href="../_static/favicon.ico"' in (SITE / GALLERY).read_text()


def test_explorer_text_as_measured(browser):
    # the figures that record it: the smallest explorer text on the gallery page at each width
    sizes = {w: min(_check(browser, GALLERY, w, lambda tab, _: explorer_text_sizes(tab))) for w in WIDTHS}
    print("smallest explorer text (CSS px):", {w: round(s, 1) for w, s in sizes.items()})
    assert sizes[1366] >= 12 and sizes[768] >= 12 and sizes[390] >= 11


# --------------------------------------------------------------------------- each check fails on a broken page

def test_navigation_check_catches_dead_toggle_buttons(browser, broken_site):
    # the pydata-sphinx-theme 0.17 bug: the visible buttons get no listener (here: their clicks are swallowed)
    dead = _broken(broken_site, "nav", _before_body_end(
        "<script>document.addEventListener('click', e => { if (e.target.closest('.primary-toggle, "
        ".secondary-toggle')) { e.stopImmediatePropagation(); e.preventDefault(); } }, true);</script>"))
    for width in WIDTHS:
        problems = _check(browser, dead, width, navigation_problems)
        assert problems and all(f"{width} px" in p for p in problems), (width, problems)
    phone = _check(browser, dead, 390, navigation_problems)
    assert any("does not open the table of contents" in p for p in phone)
    assert any("does not open the page contents" in p for p in phone)


def test_overflow_check_catches_a_too_wide_element(browser, broken_site):
    wide = _broken(broken_site, "wide", lambda text: text.replace(
        '<article class="bd-article">', '<article class="bd-article"><div style="width:397px;height:4px"></div>'))
    assert _check(browser, wide, 1366, overflow_problems) == []
    assert "scrolls sideways" in " ".join(_check(browser, wide, 390, overflow_problems))


def test_text_check_catches_a_squeezed_explorer_and_a_label_on_its_ticks(browser, broken_site):
    small = _broken(broken_site, "small", _before_body_end("<style>.ol-explorer{max-width:300px}</style>"))
    assert any("px (< 12)" in p for p in _check(browser, small, 1366, explorer_text_problems))
    # the y label moved right by 40 units, onto the tick labels (as explorers drew it before)
    onto = _broken(broken_site, "overlap", _before_body_end(
        "<script>addEventListener('load', () => document.querySelectorAll('g.ol-p > text[transform]').forEach("
        "t => t.setAttribute('transform', t.getAttribute('transform').replace(/translate\\(([\\d.]+)/, "
        "(m, x) => 'translate(' + (+x + 40)))));</script>"))
    assert any("overlaps" in p for p in _check(browser, onto, 1366, explorer_text_problems))


def test_race_check_catches_a_stale_sentence(browser, broken_site):
    # the race as it was: the frames advance quietly, the sentence keeps saying "step 300 of 300"
    stale = _broken(broken_site, "race", lambda text: text.replace(
        "step.value = +step.value + 1;\n          render(false);", "step.value = +step.value + 1;\n          render(true);"))
    problems = _check(browser, stale, 1366, race_problems)
    assert any("but the sentence says 'step 300 of 300" in p for p in problems), problems


def test_tab_stop_check_catches_formulas_in_the_tab_order(browser, broken_site):
    page = "book/02_first_and_second_order.html"
    tabbed = _broken(broken_site, "tabs", lambda text: text.replace('"inTabOrder": false', '"inTabOrder": true'),
                     page=page)
    assert "formulas are Tab stops" in " ".join(_check(browser, tabbed, 1366, tab_stop_problems))


def test_no_script_check_catches_empty_axes(browser, broken_site):
    import re

    empty = _broken(broken_site, "nojs", lambda text: re.sub(r'(<g class="ol-dyn">).*?(</g></g>)', r"\1\2", text))
    problems = _check(browser, empty, 1366, no_script_problems, script=False)
    assert problems and all("shows empty axes" in p for p in problems)
