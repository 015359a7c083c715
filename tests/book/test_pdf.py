"""The book's PDF (`make pdf`, tools/build_pdf.py): it builds, has a sane number of pages, every page of the table of
contents is in it under its title, every explorer is a figure (its first frame, not a line of text), the LaTeX log
has no missing glyph, and the bibliography is there.

Needs Debian's TeX (`make tex`: xelatex, latexmk, rsvg-convert, pdftotext): skips without it, except under
OPTIMLIB_REQUIRE_PDF=1 (`make test-pdf`, as in CI), where a missing tool is a failure. Not part of `make test`.
The build re-uses the website build's execution cache (run `make book` first, or every notebook is executed).
OPTIMLIB_PDF_BUILD=0 checks the PDF already in _build/pdf without building it.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_pdf  # noqa: E402
from test_site import toc_files  # noqa: E402

TOOLS = ("xelatex", "latexmk", "rsvg-convert", "pdftotext", "pdfinfo")
PAGES = (340, 480)  # measured: 396 pages (1 December 2026, with the surface catalogue); a chapter is 10 to 40
# what an output shows when the LaTeX build falls back to its text/plain form instead of a figure
FALLBACKS = ("<WebExplorer", "<PhaseExplorer", "<LiveExplorer", "<IPython.core.display", "<Figure size",
             "Widget(", "HTML object", "<matplotlib.")


def title(page):
    """The first `# ` heading of a page of the table of contents (a notebook or a Markdown file)."""
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = (ROOT / f"{page}.md").read_text()
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def normal(text):
    """Text as compared: Unicode compatibility forms (ligatures), straight quotes, one space for any whitespace."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text)


def missing_titles(pdf_text, pages):
    """The pages whose title does not appear in the PDF's text."""
    text = normal(pdf_text)
    return [(page, title(page)) for page in pages if normal(title(page)) not in text]


def page_count(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def explorer_outputs():
    """How many explorer outputs the executed notebooks carry (in the execution cache the PDF build read)."""
    from jupyter_cache import get_cache

    cache, count = get_cache(str(ROOT / "_build" / ".jupyter_cache")), 0
    for record in cache.list_cache_records():
        notebook = cache.get_cache_bundle(record.pk).nb
        for cell in notebook.cells:
            for out in cell.get("outputs", []):
                html = out.get("data", {}).get("text/html", "")
                count += 'class="ol-explorer"' in html or 'class="olp"' in html
    return count


@pytest.fixture(scope="module")
def pdf():
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        message = f"no TeX for the PDF ({', '.join(missing)} not found): run 'make tex' (Debian's TeX, ~370 MB)"
        if os.environ.get("OPTIMLIB_REQUIRE_PDF", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    if os.environ.get("OPTIMLIB_PDF_BUILD", "1") != "0":
        env = dict(os.environ, OPTIMLIB_STATIC="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_pdf.py"), "-W", "-n", "--keep-going"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, (result.stdout[-4000:], result.stderr[-4000:])
    assert build_pdf.PDF.exists(), f"no {build_pdf.PDF}"
    return build_pdf.PDF


@pytest.fixture(scope="module")
def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_page_count(pdf):
    assert PAGES[0] <= page_count(pdf) <= PAGES[1]


def test_every_page_of_the_toc_is_there(pdf_text):
    assert not missing_titles(pdf_text, toc_files())


def test_explorers_are_figures(pdf, pdf_text):
    """Every explorer is drawn (its SVG converted to PDF and included), none fell back to a line of text."""
    fallbacks = [f for f in FALLBACKS if f in pdf_text]
    assert not fallbacks, fallbacks
    tex = (build_pdf.LATEX / f"{build_pdf.NAME}.tex").read_text()
    included = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+?)\}?\}", tex)
    svg_figures = [f for f in included if (build_pdf.LATEX / f"{f}.pdf").exists() or f.endswith(".pdf")]
    assert explorer_outputs() > 0
    assert len(svg_figures) >= explorer_outputs(), (len(svg_figures), explorer_outputs())


def test_no_missing_glyph_and_no_raw_markup(pdf_text):
    log = (build_pdf.LATEX / f"{build_pdf.NAME}.log").read_text(errors="replace")
    assert "Missing character" not in log, re.findall(r"Missing character: .*", log)[:10]
    # MyST left as text, or a reference LaTeX could not resolve ("??"); code cells may hold LaTeX, so not \\frac
    for raw in ("{glue:", "{cite", "{numref}", "{ref}", "{prf:", "{exercise", "{solution", "??"):
        assert raw not in pdf_text, raw


def test_bibliography(pdf_text):
    text = normal(pdf_text)
    references = text[text.rfind("References"):]
    assert "Kingma" in references and "Cauchy" in references
