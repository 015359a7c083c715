"""The reader's edition, live: each notebook opened in a real JupyterLab in headless Chromium and run with Run All.

No error output, no JavaScript error, every explorer draws a figure of nonzero size, and a key press on its first
slider changes that figure within a few seconds. A throw-away notebook with the bugs this must catch (the old
``Image(tooltip=...)`` explorer, an explorer that never redraws, a cell that raises) proves the check can fail.
Needs `make book` (the edition is built from its run) and requirements-lab.txt; `make test` provides both.
"""
import json
import os
import re
import shutil

import nbformat
import pytest

from labcheck import ROOT, LabPage, check_notebook, chromium, jupyterlab

EDITION = ROOT / "_build" / "notebooks"
# `make test` runs two (the gallery has every kind of explorer); `make test-lab-all` runs the whole edition.
NOTEBOOKS = (sorted(p.name for p in EDITION.glob("*.ipynb")) if os.environ.get("OPTIMLIB_LAB_ALL")
             else ["gallery.ipynb", "01_what_is_optimization.ipynb"])
SLIDER_EXPLORER = re.compile(r"\bol\.(curve_)?explorer\(")
BROKEN = [
    # the review's bug: the widgets frontend throws on Image(tooltip=...), the figure never draws
    "import ipywidgets as widgets\nimport optimlib as ol\n\n_Image = widgets.Image\n"
    "widgets.Image = lambda **kw: _Image(tooltip='the text alternative', **kw)\n"
    "ol.explorer(ol.quadratic(), {'GD': lambda learning_rate: ol.sgd(learning_rate)}, {'learning_rate': [0.1, 0.2]})",
    # an explorer whose figure never changes
    "widgets.Image = _Image\nfrozen = ol.explorer(ol.quadratic(), {'GD': lambda learning_rate: ol.sgd(learning_rate)},\n"
    "                      {'learning_rate': [0.1, 0.2]})\nfrozen.update = lambda: None\nfrozen",
    "1 / 0",
]

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    for name in NOTEBOOKS:  # copies: Run All must not touch the edition itself
        shutil.copy(EDITION / name, folder / name)
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in BROKEN])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, folder / "broken.ipynb")
    with jupyterlab(folder) as (base, token), chromium() as browser:
        page = LabPage(browser, base, token)
        yield page
        page.close()


def explorers_in(name):
    """Slider-explorer cells (``ol.explorer``, ``ol.curve_explorer``: ipywidgets live) outside the (collapsed)
    solutions: each must draw one explorer. ``ol.phase_explorer`` is kernel-free HTML, tested in Chromium on its own."""
    nb = json.loads((EDITION / name).read_text())
    return sum(bool(SLIDER_EXPLORER.search("".join(c["source"]))) for c in nb["cells"]
               if c["cell_type"] == "code" and "solution" not in c["metadata"].get("reader_edition", {}))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reader_edition_runs_live_in_jupyterlab(lab, name):
    report = check_notebook(lab, name)
    print(name, report.seconds, [round(e.get("seconds") or -1, 3) for e in report.explorers])
    expected = explorers_in(name)
    assert len(report.explorers) == expected and not report.problems(expected_explorers=expected), report.problems()
    assert report.page["math"] > 0  # MathJax rendered the Markdown's math (and report.problems counts its errors)


def test_the_check_catches_broken_explorers_and_errors(lab):
    problems = check_notebook(lab, "broken.ipynb").problems(expected_explorers=2)
    text = "\n".join(problems)
    print(text)
    assert "JavaScript: " in text, text                                   # the frontend's throw is seen
    assert "explorer 0: no figure image" in text or "1 explorers drawn" in text, text
    assert "the figure did not change" in text, text
    assert "ZeroDivisionError" in text, text
