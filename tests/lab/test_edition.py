"""The reader's edition that `make book` wrote: one notebook per chapter, no raw MyST, the website's numbers.

Needs `make book`; `make test` runs it after the build. The scan itself is tested on broken cases in
tests/test_reader_edition.py.
"""
import json
import re

import pytest
from bs4 import BeautifulSoup

from labcheck import ROOT

import sys

sys.path.insert(0, str(ROOT / "tools"))
import reader_edition  # noqa: E402

EDITION = ROOT / "_build" / "notebooks"
PAGES = reader_edition.chapters(ROOT)
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")


def edition(page):
    return json.loads((EDITION / (page.rsplit("/", 1)[-1] + ".ipynb")).read_text())


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_myst_and_no_visible_solution(page):
    assert reader_edition.raw_myst(edition(page)) == []


@pytest.mark.parametrize("page", PAGES)
def test_code_is_the_chapter_code(page):
    source = json.loads((ROOT / f"{page}.ipynb").read_text())
    assert [c["source"] for c in edition(page)["cells"] if c["cell_type"] == "code"] == \
        [c["source"] for c in source["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("page", PAGES)
def test_numbers_are_the_websites(page):
    # the website's glued values, in its order, are the edition's
    html = BeautifulSoup((ROOT / "_build" / "html" / f"{page}.html").read_text(), "html.parser")
    pasted = [" ".join(s.get_text().split()) for s in html.select("span.pasted-text")]
    source = json.loads((ROOT / f"{page}.ipynb").read_text())
    roles = [m for c in source["cells"] if c["cell_type"] == "markdown" for m in GLUE.findall("".join(c["source"]))]
    text = "\n".join("".join(c["source"]) for c in edition(page)["cells"] if c["cell_type"] == "markdown")
    assert len(pasted) == len(roles)
    at = 0
    for value in pasted:  # in the page's order
        at = text.find(value, at)
        assert at >= 0, value
        at += len(value)


def test_downloads_are_the_edition():
    for page in PAGES:
        download = ROOT / "_build" / "html" / "_sources" / f"{page}.ipynb"
        assert json.loads(download.read_text()) == edition(page), page
