"""The zip of `make dist`, unpacked and opened from disk (file://) in Chromium with the network cut.

The zip is built from the current `_build/` by tools/dist.py (the code `make dist` runs) into a temporary folder and
unpacked there. Then:

- the zip holds one folder: the site byte for byte as built, the reader's edition, the wheel, README.txt;
- every link and asset of every page resolves to a file of the unpacked folder (no link to a folder, no <base>, no
  script, style or image from another site);
- Chromium, with every request that is not file:// aborted and recorded and no host name resolvable, opens
  index.html, checks that its sidebar links to every page of the toc and opens a set of them (every one with
  OPTIMLIB_DIST_ALL_PAGES=1): no request leaves the disk, no console or page error, no failed file load, no broken
  image or font, MathJax renders the math;
- on the momentum chapter, MathJax's fonts and the theme's icons load from disk, every slider redraws its
  explorer, and the phase-diagram explorer answers a click, a key and its select;
- the search box finds a word, and the result's page opens without error (with the word highlighted);
- a page's download button opens the reader's edition, a file of the zip, the same as in notebooks/;
- optimlib's wheel installs from the zip, and every package the notebooks and optimlib import is in the zip's
  requirements.txt (or required by one there).

The last tests break a copy on purpose (a CDN script, a font preload, a link to a folder, a fetch() of data, a
removed asset) and check that the checks report each.
"""
import ast
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import urllib.parse
import warnings
import zipfile
from importlib import metadata

import pytest

import dist
from sitecheck import BROKEN_IMAGES, CHROMIUM, MATH_STATE, MOVE_SLIDERS
from test_site import toc_pages

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
NO_NETWORK = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]
EXPLORER_PAGE = "book/06_momentum.html"   # a web explorer with sliders, and the phase-diagram explorer
SEARCH_WORD, SEARCH_HIT = "nesterov", "book/07_nesterov.html"
DOWNLOAD_PAGE = "book/bridge.html"
# The pages opened one by one after index.html (the preface): one of each kind (a chapter with SymPy math, one with
# an animated explorer, an API page, the glossary, the errata, the gallery, the references, the indexes). A page
# costs 0.3-1.7 s (MathJax), all 31 about 27 s: OPTIMLIB_DIST_ALL_PAGES=1 opens every page of the toc. The other
# tests open the momentum chapter (explorers), the Nesterov chapter (from the search) and the bridge (download).
REPRESENTATIVE = ["book/02_first_and_second_order.html", "book/13_surfaces.html", "book/api/core.html",
                  "book/notation.html", "book/errata.html", "book/gallery.html", "book/references.html",
                  "genindex.html", "py-modindex.html", "prf-prf.html"]
LINK = re.compile(r"""<(a|link|script|img|iframe|source|video|audio|embed|object)\b[^>]*?\s(href|src|data)"""
                  r"""=["']([^"']*)["']""", re.I)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The unpacked book folder (index.html, README.txt, notebooks/, the wheel)."""
    if not (SITE / "index.html").exists() or not any((ROOT / "_build" / "notebooks").glob("*.ipynb")):
        message = "no built site in _build/html: run 'make book' first (make test builds it, then runs these)"
        if os.environ.get("OPTIMLIB_REQUIRE_SITE", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    tmp = tmp_path_factory.mktemp("dist")
    archive = dist.build(ROOT, tmp / "zip", compresslevel=1)  # the same files as `make dist`, compressed faster
    with zipfile.ZipFile(archive) as z:
        tops = {name.split("/")[0] for name in z.namelist()}
        assert tops == {archive.stem}, f"the zip must hold one folder, {archive.stem}/: {sorted(tops)[:5]}"
        z.extractall(tmp / "unpacked")
    return tmp / "unpacked" / archive.stem


# ---------------------------------------------------------------------------------------------------------------
# What is checked, as functions of an unpacked folder, so that the broken copies at the end go through the same code.

def static_problems(folder):
    """Links and assets of every HTML page that do not resolve to a file in `folder`, or come from another site
    (the pages: not the themes' Jinja macros that Sphinx copies into _static/)."""
    problems = []
    for page in sorted(p for p in folder.rglob("*.html") if p.relative_to(folder).parts[0] != "_static"):
        text = page.read_text(errors="replace")
        if re.search(r"<base\b", text, re.I):
            problems.append(f"{page.relative_to(folder)}: a <base> tag")
        for tag, attr, url in LINK.findall(text):
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("http", "https") or url.startswith("//"):
                if tag.lower() != "a":  # a link to another site is fine; a script, style or image from one is not
                    problems.append(f"{page.relative_to(folder)}: <{tag} {attr}> from another site: {url[:100]}")
                continue
            if parts.scheme or not parts.path:  # mailto:, javascript:, data:, or an anchor on the page
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve()
            if not target.is_file():
                why = "a folder (file:// shows no index.html)" if target.is_dir() else "missing"
                problems.append(f"{page.relative_to(folder)}: {url[:100]} -> {why}")
    return problems


def open_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=NO_NETWORK)


class Visit:
    """One browser context with the network cut; records what pages opened in it ask for and report."""

    def __init__(self, browser):
        self.outside, self.errors, self.failed = [], [], []
        self.context = browser.new_context(viewport={"width": 1366, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.watch(self.context.new_page())

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, page):
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{page.url}: {m.text[:300]}"))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: uncaught {str(e)[:300]}"))
        page.on("requestfailed", lambda r: r.url.startswith("file://")
                and self.failed.append(f"{r.url} ({r.failure})"))
        return page

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def problems(self):
        return ([f"request left the disk: {u}" for u in self.outside] + [f"console: {e}" for e in self.errors]
                + [f"failed file load: {u}" for u in self.failed])

    def open(self, url):
        """Open `url`; return (math state, broken images) once MathJax has finished."""
        self.page.goto(url, wait_until="load")
        return self.page.evaluate(MATH_STATE), self.page.evaluate(BROKEN_IMAGES)

    def close(self):
        self.context.close()


FONTS = """async () => { await document.fonts.ready;
  return Array.from(document.fonts).filter(f => f.status !== 'unloaded').map(f => [f.family, f.status]); }"""


def page_problems(visit, url):
    math, images = visit.open(url)
    found = [f"image did not load: {s}" for s in images]
    found += [f"font did not load: {family}" for family, status in visit.page.evaluate(FONTS) if status == "error"]
    if math["hasMath"] and not math["rendered"]:
        found.append("math on the page but MathJax rendered none")
    if math["errors"]:
        found.append(f"{math['errors']} MathJax errors")
    return found


def toc_links(page):
    """The pages the sidebar's table of contents links to, as file:// URLs (the sidebar of the current page)."""
    return page.eval_on_selector_all("nav.bd-docs-nav a.reference.internal", "els => els.map(a => a.href)")


@pytest.fixture(scope="module")
def browser():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (make test installs it)")
    with sync_playwright() as p:
        b = open_browser(p)
        yield b
        b.close()


# ---------------------------------------------------------------------------------------------------------------
# The zip as shipped.

def test_the_zip_holds_the_site_the_notebooks_and_a_readme(book):
    built = {p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file()
             and p.relative_to(SITE).parts[0] not in dist.SKIP}
    shipped = {p.relative_to(book).as_posix() for p in book.rglob("*") if p.is_file()}
    assert built <= shipped, sorted(built - shipped)[:10]
    different = [f for f in sorted(built) if (book / f).read_bytes() != (SITE / f).read_bytes()]
    assert different == [], f"the zip's site differs from _build/html: {different[:10]}"
    notebooks = sorted(p.name for p in (ROOT / "_build" / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (book / "notebooks").glob("*.ipynb")) == notebooks
    readme = (book / "README.txt").read_text()
    assert "index.html" in readme and "notebooks/" in readme and "pip install optimlib-" in readme
    extra = shipped - built - {f"notebooks/{n}" for n in notebooks}
    assert sorted(extra) == sorted(["README.txt", "requirements.txt", next(book.glob("optimlib-*.whl")).name])


def test_every_link_and_asset_resolves_on_disk(book):
    assert static_problems(book) == []


def test_the_toc_pages_from_index_html_offline(book, browser):
    with Visit(browser) as visit:
        visit.page.goto((book / "index.html").as_uri())
        visit.page.wait_for_url((book / "book" / "preface.html").as_uri())  # index.html redirects to the preface
        visit.page.wait_for_load_state("load")
        links = list(dict.fromkeys(u.split("#")[0] for u in toc_links(visit.page)))
        expected = [(book / p).as_uri() for p in toc_pages()]
        assert sorted(set(expected) - set(links)) == [], "pages of the toc missing from the sidebar"
        problems = page_problems(visit, visit.page.url)
        every = os.environ.get("OPTIMLIB_DIST_ALL_PAGES", "") not in ("", "0")
        chosen = [(book / p).as_uri() for p in REPRESENTATIVE]
        assert every or set(chosen) - {(book / p).as_uri() for p in ("genindex.html", "py-modindex.html",
                                                                       "prf-prf.html")} <= set(links), chosen
        for url in links[1:] if every else chosen:
            problems += [f"{url.removeprefix(book.as_uri())}: {p}" for p in page_problems(visit, url)]
        problems += visit.problems()
    assert problems == [], "\n".join(problems)


def test_an_explorer_and_the_phase_diagram_work_offline(book, browser):
    with Visit(browser) as visit:
        visit.open((book / EXPLORER_PAGE).as_uri())
        page = visit.page
        fonts = dict(page.evaluate(FONTS))  # MathJax's TeX fonts and the theme's icons, from disk
        assert fonts.get("MJXTEX") == "loaded" and fonts.get("Font Awesome 6 Free") == "loaded", fonts
        sliders = page.evaluate(MOVE_SLIDERS)
        assert len(sliders) >= 2 and all(s["changed"] for s in sliders), sliders
        status = page.locator(".olp-status").first
        page.locator(".olp-hit").first.scroll_into_view_if_needed()
        first = status.text_content()
        box = page.locator(".olp-hit").first.bounding_box()
        page.mouse.click(box["x"] + 0.05 * box["width"], box["y"] + 0.05 * box["height"])
        clicked = status.text_content()
        assert clicked and clicked != first, (first, clicked)
        page.locator(".olp-hit").first.focus()
        page.keyboard.press("ArrowRight")
        assert status.text_content() != clicked
        image = page.locator("image.olp-img").first
        before = image.get_attribute("href")
        select = page.locator(".olp select").first
        options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        select.select_option(next(v for v in options if v != select.input_value()))
        assert image.get_attribute("href") != before
        problems = visit.problems()
    assert problems == [], "\n".join(problems)


def test_search_finds_a_word_and_opens_its_page_offline(book, browser):
    with Visit(browser) as visit:
        visit.open((book / "book" / "preface.html").as_uri())
        page = visit.page
        page.locator("button.search-button__button:visible").first.click()
        page.locator("#search-input").fill(SEARCH_WORD)
        page.locator("#search-input").press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q="))
        # Sphinx lists the results one by one (every 5 ms) and then says "Search finished": read and click after that,
        # or a link still moving as results arrive may take the click
        page.wait_for_function("() => /Search finished/.test("
                               "document.querySelector('#search-results .search-summary')?.textContent || '')")
        results = page.locator("#search-results ul.search li a")
        hrefs = results.evaluate_all("els => els.map(a => a.href.split('#')[0])")
        assert (book / SEARCH_HIT).as_uri() in hrefs, hrefs
        results.nth(hrefs.index((book / SEARCH_HIT).as_uri())).click()
        page.wait_for_url(re.compile(re.escape(SEARCH_HIT)))
        page.wait_for_load_state("load")
        page.evaluate(MATH_STATE)
        page.wait_for_timeout(100)  # the highlighting of the found word runs 10 ms after load
        highlighted = page.locator("span.highlighted").count()
        problems = visit.problems()
    assert problems == [], "\n".join(problems)
    assert highlighted > 0


def test_a_page_download_is_the_reader_edition_in_the_zip(book, browser):
    with Visit(browser) as visit:
        visit.open((book / DOWNLOAD_PAGE).as_uri())
        page = visit.page
        page.locator(".dropdown-download-buttons button").first.click()  # the page's download menu, then .ipynb
        with page.context.expect_page() as opened:  # from file://, Chromium opens the file in a new tab
            page.locator("a[href$='.ipynb']:visible").first.click()
        url = opened.value.url
        problems = visit.problems()
    assert url.startswith("file://"), url
    path = pathlib.Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
    assert path.is_file() and path.is_relative_to(book), path
    notebook = json.loads(path.read_text())
    assert "reader_edition" in notebook["metadata"], "the download is not the reader's edition"
    assert path.read_bytes() == (book / "notebooks" / path.name).read_bytes()
    assert problems == []


def test_the_wheel_installs_from_the_zip_and_the_notebooks_imports_are_pinned(book, tmp_path):
    [wheel] = book.glob("optimlib-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(tmp_path / "lib"), str(wheel)], check=True)
    code = "import optimlib as ol, optimlib.explorers.page as page; assert page._JS; print(ol.__file__)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(tmp_path / "lib"))).stdout
    assert out.startswith(str(tmp_path / "lib")), out
    pinned = with_dependencies(re.split(r"[=<>!\[ ]", line)[0] for line in
                               (book / "requirements.txt").read_text().splitlines() if line and line[0] != "#")
    unpinned = sorted({(module, dists) for module, dists in imported_distributions(book) if not set(dists) & pinned})
    assert unpinned == [], f"imported by the notebooks or optimlib, not in the zip's requirements.txt: {unpinned}"


def imported_distributions(book):
    """(module, its distributions) for every top-level module the zip's notebooks and optimlib import that is
    neither the standard library nor optimlib (an import under `try: ... except ImportError` is optional)."""
    sources = [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
               for nb in (book / "notebooks").glob("*.ipynb") for c in json.loads(nb.read_text())["cells"]
               if c["cell_type"] == "code"]
    sources += [p.read_text() for p in (ROOT / "optimlib").rglob("*.py")]
    modules = set()
    for source in sources:
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        with warnings.catch_warnings():  # a cell's own warnings (an invalid escape in a string) are not ours
            warnings.simplefilter("ignore")
            modules |= _required_imports(ast.parse(source))
    owners = metadata.packages_distributions()
    return [(m, tuple(_norm(d) for d in owners.get(m, [m]))) for m in sorted(modules)
            if m not in sys.stdlib_module_names and m != "optimlib"]


def _required_imports(node, optional=False):
    if isinstance(node, ast.Try):
        optional = optional or any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                                   for h in node.handlers)
    found = set()
    if isinstance(node, ast.Import) and not optional:
        found = {a.name.split(".")[0] for a in node.names}
    elif isinstance(node, ast.ImportFrom) and not node.level and not optional:
        found = {node.module.split(".")[0]}
    for child in ast.iter_child_nodes(node):
        found |= _required_imports(child, optional)
    return found


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def with_dependencies(names):
    """`names` and every distribution they require (without extras), as installed here."""
    seen, todo = set(), [_norm(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_norm(re.match(r"[A-Za-z0-9_.-]+", r).group(0)) for r in requires if "extra ==" not in r]
    return seen


# ---------------------------------------------------------------------------------------------------------------
# The checker fails on broken copies.

def _copy(book, tmp_path):
    """A copy of the unpacked book made of hard links (instant); a file to be edited is replaced, not written in."""
    copy = tmp_path / book.name
    shutil.copytree(book, copy, copy_function=os.link)
    return copy


def _inject(copy, page, snippet):
    path = copy / page
    text = path.read_text().replace("</body>", snippet + "</body>", 1)
    path.unlink()  # a hard link: write a new file
    path.write_text(text)


BROKEN = {
    "a CDN script": ('<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>',
                     ["from another site", "request left the disk"]),
    "a font preload": ('<link rel="preload" as="font" type="font/woff2" crossorigin '
                       'href="../_static/vendor/fontawesome/6.5.2/webfonts/fa-solid-900.woff2" />',
                       ["console:", "Access to font", "failed file load"]),
    "a link to a folder": ('<a href="../book/">the chapters</a>', ["a folder"]),  # file:// lists the folder
    "a fetch() of data": ('<script>fetch("../searchindex.js").then(r => r.text())</script>',
                          ["console:", "Access to fetch", "uncaught Failed to fetch"]),
    "a removed asset": (None, ["missing", "failed file load", "MathJax rendered none"]),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_the_checks_fail_on_a_broken_copy(book, browser, tmp_path, case):
    snippet, expected = BROKEN[case]
    copy = _copy(book, tmp_path)
    page = "book/preface.html"
    if snippet is None:
        (copy / "_static" / "vendor" / "mathjax" / "tex-chtml.js").unlink()
    else:
        _inject(copy, page, snippet)
    found = [p for p in static_problems(copy) if p.startswith(page) or snippet is None]
    if case != "a link to a folder":  # which Chromium opens as a listing of the folder: only the static check sees it
        with Visit(browser) as visit:
            found += page_problems(visit, (copy / page).as_uri())
            visit.page.wait_for_timeout(200)  # a fetch() or a font load may report after load
            found += visit.problems()
    text = "\n".join(found)
    print(f"{case}:\n  " + "\n  ".join(found))
    assert all(e in text for e in expected), f"{case}: expected {expected} among:\n{text}"
