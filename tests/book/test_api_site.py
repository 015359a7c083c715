"""The API reference as built (`make book` first; `make test-site` runs these after the build).

The site's index of Python objects (objects.inv, what Sphinx generated from the pages) has an entry for every public
name of optimlib; in every chapter the first inline mention of each documented `ol.` name links to its entry, and no
later mention does.
"""
import os
import pathlib
import posixpath

import pytest
from bs4 import BeautifulSoup

from api_links import target
from test_api import mismatch, public_names
from test_site import toc_pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
KINDS = ("py:function", "py:class", "py:data", "py:method", "py:attribute", "py:property", "py:module")


@pytest.fixture(scope="module")
def site():
    if not (SITE / "objects.inv").exists():
        message = "no built site in _build/html: run 'make book' first (make test builds it, then runs these)"
        if os.environ.get("OPTIMLIB_REQUIRE_SITE", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    return SITE


def inventory(site, kinds=KINDS):
    """{full name: page URI#anchor} of every Python object (of these kinds) in the built site's objects.inv."""
    from sphinx.util.inventory import InventoryFile

    with open(site / "objects.inv", "rb") as stream:
        data = InventoryFile.load(stream, "", posixpath.join)
    return {name: entry[2] for kind in kinds for name, entry in data.get(kind, {}).items()}


def test_the_built_index_has_every_public_name(site):
    entries = inventory(site, [k for k in KINDS if k != "py:module"])  # optimlib.base is a module, not a name
    missing, extra = mismatch(public_names(), entries)
    assert missing == [], f"public names with no entry in the built API reference: {missing}"
    assert extra == []
    assert entries["optimlib.adam"] == "book/api/optim.html#optimlib.adam"


def chapter_pages():
    return [p for p in toc_pages() if not p.startswith("book/api/")]


def mentions(html, entries):
    """(target, linked href or None) of each inline-code ``ol.`` mention in the page's article, in order."""
    article = BeautifulSoup(html, "html.parser").select_one("article.bd-article")
    found = []
    for code in article.select("code.literal"):
        if code.find_parent(["h1", "h2", "h3", "h4", "h5", "h6"]) or code.find_parent(class_="admonition-title"):
            continue
        name = target(code.get_text(), entries)
        if name:
            link = code.find_parent("a")
            found.append((name, link["href"] if link else None))
    return found


@pytest.mark.parametrize("page", chapter_pages())
def test_first_mention_of_each_name_links_to_its_entry(site, page):
    entries = inventory(site)
    seen, problems = set(), []
    for name, href in mentions((site / page).read_text(), entries):
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), href)) if href else None
        if name not in seen and resolved != entries[name]:
            problems.append(f"first {name}: link {href}, expected {entries[name]}")
        if name in seen and href is not None:
            problems.append(f"later {name} is linked too ({href})")
        seen.add(name)
    assert problems == []


def test_a_chapter_links_its_tools(site):
    found = mentions((site / "book" / "11_adam.html").read_text(), inventory(site))
    assert ("optimlib.adam", "api/optim.html#optimlib.adam") in found
