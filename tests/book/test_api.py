"""The API reference (book/api/): every public name has an entry, and chapters link their first mention of each name.

The pages list their entries by hand (`.. autofunction:: adam`, the text comes from the docstrings at build time);
these tests hold the list to optimlib's name table. The link step (tools/api_links.py) is tested on a small Sphinx
project built here; tests/book/test_api_site.py checks both on the built book.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import types

import pytest

import optimlib as ol
from api_links import target

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = ROOT / "book" / "api"
DIRECTIVE = re.compile(r"^\s*\.\. (auto(?:function|class|data|exception|module)|(?:py:)?currentmodule)::\s*(\S+)",
                       re.M)


def public_names():
    """Every public name of the flat namespace: the lazy table, and the eager names that are not modules."""
    eager = {n for n, v in vars(ol).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    return eager | set(ol._LAZY)


def documented(pages=PAGES):
    """The full names the pages document (``optimlib.adam``), following ``currentmodule`` as Sphinx does."""
    names = set()
    for page in sorted(pages.glob("*.md")):
        module = None
        for match in DIRECTIVE.finditer(page.read_text()):
            kind, name = match.groups()
            if kind.endswith("module"):  # automodule, currentmodule: the names after it are in that module
                module = name
            else:
                names.add(name if "." in name or module is None else f"{module}.{name}")
    return names


def mismatch(public, entries):
    """(public names without an ``optimlib.<name>`` entry, top-level entries that name no public name)."""
    top = {e.split(".", 1)[1] for e in entries if e.count(".") == 1 and e.startswith("optimlib.")}
    return sorted(public - top), sorted(top - public)


def test_every_public_name_has_an_entry_and_every_entry_a_name():
    missing, extra = mismatch(public_names(), documented())
    assert missing == [], f"public names without an entry in book/api/: {missing}"
    assert extra == [], f"entries in book/api/ for names optimlib does not export: {extra}"


def test_a_name_left_out_of_the_pages_is_reported(tmp_path):
    shutil.copytree(PAGES, tmp_path / "api")
    optim = tmp_path / "api" / "optim.md"
    text = optim.read_text()
    assert ".. autofunction:: adam\n" in text
    optim.write_text(text.replace(".. autofunction:: adam\n", ""))
    assert mismatch(public_names(), documented(tmp_path / "api")) == (["adam"], [])


def test_the_name_table_counts_lazy_eager_and_data_names():
    names = public_names()
    assert {"adam", "run", "Trajectory", "rosenbrock", "explorer", "REGIMES", "NS_COEFFICIENTS"} <= names
    assert not {"base", "optim", "problems", "importlib"} & names  # modules are not entries


@pytest.mark.parametrize("code, expected", [
    ("ol.adam", "optimlib.adam"),
    ("ol.sgd(..., nesterov=True)", "optimlib.sgd"),
    ("ol.Trajectory.valid()", "optimlib.Trajectory.valid"),
    ("ol.Trajectory.nothing", "optimlib.Trajectory"),
    ("ol.nope", None),
    ("np.ol.adam", None),
    ("adam", None),
])
def test_target_is_the_longest_documented_prefix(code, expected):
    entries = {"optimlib.adam", "optimlib.sgd", "optimlib.Trajectory", "optimlib.Trajectory.valid"}
    assert target(code, entries) == expected


CHAPTER = """# A chapter

Use `ol.scale`, then `ol.scale` again, `ol.chain(first, second)`, `ol.Trajectory.valid()` and `ol.nope`.

## About `ol.chain` in a title

Later, `ol.chain` and `ol.scale` stay plain code.
"""

REFERENCE = """# Reference

Here `ol.scale` stays code: the reference does not link to itself.

```{eval-rst}
.. currentmodule:: optimlib

.. autofunction:: scale

.. autofunction:: chain

.. autoclass:: Trajectory
   :members:

.. py:currentmodule:: optimlib.optim.weight_decay

A module's own view of the flat namespace: :func:`scale`.
```
"""


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    """A three-page Sphinx project (MyST, autodoc, napoleon, api_links), built under -W -n."""
    source = tmp_path_factory.mktemp("small_book")
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx.ext.autodoc', 'sphinx.ext.napoleon', 'api_links']\n"
        "autodoc_typehints = 'none'\nnitpick_ignore_regex = [('py:class', r'numpy\\..*')]\n")
    (source / "index.md").write_text("# Book\n\n```{toctree}\nchapter\nbook/api/reference\n```\n")
    (source / "chapter.md").write_text(CHAPTER)
    (source / "book" / "api").mkdir(parents=True)
    (source / "book" / "api" / "reference.md").write_text(REFERENCE)
    out = source / "_html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "-q", str(source), str(out)],
                            capture_output=True, text=True, timeout=300,
                            env={"PYTHONPATH": str(ROOT / "tools"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def links(html):
    """(href, text) of each link the extension made, in page order."""
    return [(href, re.sub(r"<[^>]+>", "", text)) for href, text in
            re.findall(r'<a class="ol-api-link reference internal" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)]


def test_first_mention_of_each_name_links_to_its_entry(small_book):
    html = (small_book / "chapter.html").read_text()
    assert links(html) == [("book/api/reference.html#optimlib.scale", "ol.scale"),
                           ("book/api/reference.html#optimlib.chain", "ol.chain(first, second)"),
                           ("book/api/reference.html#optimlib.Trajectory.valid", "ol.Trajectory.valid()")]
    assert html.count('<span class="pre">ol.scale</span>') == 3  # one link, two plain mentions after it
    assert '<span class="pre">ol.nope</span></code>' in html  # no entry: plain code, no warning


def test_the_reference_itself_is_not_linked_and_flat_names_resolve(small_book):
    html = (small_book / "book" / "api" / "reference.html").read_text()
    assert links(html) == []
    assert re.search(r'<a class="reference internal" href="#optimlib.scale"[^>]*><code[^>]*><span class="pre">'
                     r"scale\(\)", html)  # :func:`scale` from optimlib.optim.weight_decay reaches optimlib.scale
