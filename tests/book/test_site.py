"""Browser tests of the built website (`make book` first; `make test` runs them after the build).

Every page in _toc.yml must exist and load with no request to another host, no console or page error, rendered math
with no MathJax error, no broken image, and sliders that change their figures. Two tests prove that the checker
catches a page that pulls a script from a CDN and a slider that changes nothing.

Each page is loaded once, in its own test, which checks all of that (so pytest-xdist can share the pages out).
"""
import pathlib
import shutil

import pytest
import yaml
from bs4 import BeautifulSoup

from sitecheck import check_pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"


def toc_files():
    """Every page of `_toc.yml`, in the book's order, as its path without suffix (`book/03_gradient_descent`)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files += [section["file"] for section in chapter.get("sections", [])]
    return files


def toc_pages():
    return [f"{f}.html" for f in toc_files()]


def explorer_sliders(page):
    """The range sliders of the page's explorers, as built (the HTML before any script runs)."""
    return len(BeautifulSoup((SITE / page).read_text(), "html.parser").select(".ol-explorer input[type=range]"))


def test_every_toc_page_is_built(site):
    missing = [p for p in toc_pages() if not (site / p).exists()]
    assert not missing


@pytest.mark.parametrize("page", toc_pages())
def test_page_is_self_contained_and_works(site, chromium, page):  # and its math is the site's MathJax 3
    [report] = check_pages(site, [page], browser=chromium)
    assert report.problems() == [], f"{page}:\n  " + "\n  ".join(report.problems())
    # every slider the browser found moved its figure (problems() says which did not); and it found them all
    assert len(report.sliders) >= explorer_sliders(page)
    math = report.math
    if math["hasMath"]:
        assert math["mathjax"] and math["version"].startswith("3."), math
        assert math["rendered"] > 0 and math["errors"] == 0, math


def test_book_has_sliders_that_move_figures(site):
    # that each of them moves its figure in the browser is checked page by page, above
    assert sum(explorer_sliders(page) for page in toc_pages()) >= 2


def _copy_with(site, tmp_path, page, snippet):
    """A copy of the site in which `page` carries an extra HTML snippet before </body>."""
    copy = tmp_path / "html"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".buildinfo", "reports", "*.ipynb"))
    path = copy / page
    path.write_text(path.read_text().replace("</body>", snippet + "</body>"))
    return copy


def test_checker_catches_a_cdn_script(site, chromium, tmp_path):
    page = toc_pages()[0]
    copy = _copy_with(site, tmp_path, page,
                      '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>')
    [report] = check_pages(copy, [page], move_sliders=False, browser=chromium)
    assert report.outside_requests == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"]
    assert any("outside request" in p for p in report.problems())


def test_checker_catches_a_slider_that_changes_nothing(site, chromium, tmp_path):
    page = toc_pages()[0]
    lying = ('<div class="ol-explorer"><label for="lie">rate</label>'
             '<input id="lie" type="range" min="0" max="4" value="1"><div class="ol-figure"><svg></svg></div></div>')
    copy = _copy_with(site, tmp_path, page, lying)
    [report] = check_pages(copy, [page], browser=chromium)
    assert [s["label"] for s in report.sliders if not s["changed"]] == ["rate"]
    assert any("slider 'rate'" in p for p in report.problems())


def test_checker_catches_a_broken_image_and_a_page_error(site, chromium, tmp_path):
    page = toc_pages()[0]
    copy = _copy_with(site, tmp_path, page, '<img src="missing.png" alt="x"><script>undefinedName();</script>')
    [report] = check_pages(copy, [page], move_sliders=False, browser=chromium)
    problems = " ".join(report.problems())
    assert "missing.png" in problems and "undefinedName" in problems
