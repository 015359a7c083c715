"""The reader's edition: every chapter as a notebook in plain Jupyter Markdown, for JupyterLab without extensions.

    python tools/reader_edition.py            # write _build/notebooks/ from the last `make book`
    python tools/reader_edition.py --stale    # exit 0 if the edition is missing or older than its sources

`make book` runs it after a successful build (tools/build_book.py). It reads the book's source notebooks, the run of
the same code that the website shows (the build's execution cache, `_build/.jupyter_cache`: the glued values) and the
built pages (`_build/html/`: the numbers of figures, algorithms and exercises, the titles of sections and pages), and
translates exactly the MyST set of PATTERN.md:

- `{glue:text}` -> the value of that run, formatted as the website formats it (myst-nb's own formatter);
- `{cite:t}` / `{cite:p}` -> "Author (year)" / "(Author, year)", linked to the website's references page;
- `{numref}`, `{ref}`, `{doc}` -> "Figure 3.2", the section's or page's title, linked to the website page;
- `{term}` -> the term's text, linked to its entry in the glossary (book/notation);
- `{glue:figure}` -> its numbered caption, placed under the cell that draws the figure;
- `{prf:algorithm}`, `{note}`, `{warning}` -> titled block quotes (math renders as everywhere else);
- `{exercise}` -> a numbered heading; `{solution-start}` ... `{solution-end}` -> a "Solution to Exercise n" heading,
  collapsed (JupyterLab's `jp-MarkdownHeadingCollapsed`: its cells and their outputs stay hidden after Run All),
  with the solution's prose inside `<details>` and its code cells collapsed too;
- `(label)=` lines are dropped; cells tagged `remove-cell` (the checks) and `hide-input` stay, collapsed.

Code cells are copied unchanged, without outputs. Anything else that looks like MyST is an error, and
:func:`raw_myst` lists what is left in a converted notebook (the test and the build both fail on any).
The website's address comes from `repository: url:` in _config.yml (GitHub Pages of that repository), or from
`html: baseurl:` when set.
"""
import argparse
import copy
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
LABEL_LINE = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
# A role, or a code span (whose content is literal): scanned left to right, so a role inside code stays code.
TOKEN = re.compile(r"(?P<role>\{(?P<name>[a-zA-Z][\w:-]*)\}`(?P<text>[^`]+)`)|(?P<code>(?P<ticks>`+).+?(?P=ticks))", re.S)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
ADMONITIONS = {"note": "Note", "warning": "Warning"}
COLLAPSED = "jp-MarkdownHeadingCollapsed"  # JupyterLab's cell metadata for a collapsed heading
HEADING = re.compile(r"^(#{1,6})\s")


# ---------------------------------------------------------------------------------------------------------------
# What the build knows: glued values, numbers and titles of targets, bibliography, the website's address.

class Refs:
    """Targets of cross-references (label -> page, kind, number, title), page titles, citations, the site URL,
    and the glossary's terms (lower-case term -> page, anchor)."""

    def __init__(self, site, targets, titles, bibliography, references_page="book/references", terms=None):
        self.site = site.rstrip("/") + "/"
        self.targets, self.titles, self.bib = targets, titles, bibliography
        self.references_page = references_page
        self.terms = terms or {}

    def url(self, page, anchor=None):
        return f"{self.site}{page}.html" + (f"#{anchor}" if anchor else "")

    def target(self, label):
        if label not in self.targets:
            raise ValueError(f"unknown cross-reference target {label!r}")
        return self.targets[label]

    def cite(self, keys, textual):
        parts = []
        for key in keys:
            if key not in self.bib:
                raise ValueError(f"unknown citation key {key!r}")
            authors, year = self.bib[key]
            text = f"{authors} ({year})" if textual else f"{authors}, {year}"
            parts.append(f"[{text}]({self.url(self.references_page)})")
        return "; ".join(parts) if textual else "(" + "; ".join(parts) + ")"

    @classmethod
    def from_build(cls, root=ROOT):
        """From the built pages of `root` (`_build/html`) and its bibliography and _config.yml."""
        import yaml
        from bs4 import BeautifulSoup

        config = yaml.safe_load((root / "_config.yml").read_text())
        html = root / "_build" / "html"
        targets, titles, terms = {}, {}, {}
        for path in sorted(html.rglob("*.html")):
            page = path.relative_to(html).with_suffix("").as_posix()
            if page.startswith(("_", "genindex", "search")):
                continue
            soup = BeautifulSoup(path.read_text(), "html.parser")
            h1 = soup.find("h1")
            if h1:
                titles[page] = _text(h1)
            for dt in soup.find_all("dt", id=re.compile(r"^term-")):  # a glossary entry
                terms.setdefault(_term_key(_text(dt)), (page, dt["id"]))
            for el in soup.find_all(id=True):
                kind, number, title = _describe(el)
                if kind:
                    targets.setdefault(el["id"], (page, kind, number, title))
        bibs = [root / f for f in config.get("bibtex_bibfiles", [])]
        refs_page = next((p for p in titles if p.endswith("references")), "book/references")
        return cls(site_url(config), targets, titles, read_bib(bibs), refs_page, terms)


def _text(el):
    """An element's text without Sphinx's '#' permalinks."""
    el = copy.copy(el)
    for a in el.find_all("a", class_="headerlink"):
        a.decompose()
    return " ".join(el.get_text(" ", strip=True).split()).replace(" ,", ",").replace("( ", "(").replace(" )", ")")


def _term_key(term):
    """A glossary term as the {term} role matches it: case, spacing and Sphinx's curly apostrophes ignored."""
    return " ".join(term.replace("\u2019", "'").split()).lower()


def _describe(el):
    """(kind, number, title) of a labelled element of a built page, or (None, ...) for any other id."""
    number_span = el.find(class_="caption-number") if el.name in ("figure", "div", "table") else None
    if number_span is not None and number_span.find_parent(id=True) is el:
        words = number_span.get_text(" ", strip=True).rstrip(". ").split()
        kind, number = " ".join(words[:-1]), words[-1]
        head = number_span.parent
        rest = _text(head).replace(number_span.get_text(" ", strip=True), "", 1).strip()
        return kind, number, rest.strip("() ") or None
    section = None
    if el.name == "section":
        section = el
    elif el.name == "span" and not el.contents:  # a MyST label target: its section, or the one after it
        section = el.parent if el.parent.name == "section" else el.find_next_sibling("section")
    heading = section.find(re.compile(r"h[1-6]")) if section else None
    if heading is None:
        return None, None, None
    number = heading.find(class_="section-number")
    title = _text(heading)
    if number is not None:  # as the website's {ref} shows it: the title without its number
        title = title.removeprefix(number.get_text(" ", strip=True)).strip()
    return "section", None, title


def site_url(config):
    """The website's address: `html: baseurl:` if set, else the GitHub Pages address of `repository: url:`."""
    base = (config.get("html") or {}).get("baseurl")
    if base:
        return base
    url = (config.get("repository") or {}).get("url", "")
    m = re.match(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    if not m:
        raise ValueError(f"Invalid repository url: {url!r} in _config.yml (expected https://github.com/ORG/REPO)")
    return f"https://{m.group(1)}.github.io/{m.group(2)}/"


def read_bib(paths):
    """{key: (author text, year)} in author-year style: 'Cauchy', 'Robbins and Monro', 'Rumelhart et al.'."""
    from pybtex.database import parse_file

    out = {}
    for path in paths:
        for key, entry in parse_file(str(path)).entries.items():
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            last = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people]
            if not last:
                names = _plain(entry.fields.get("organization", entry.fields.get("title", key)))
            elif len(last) == 1:
                names = last[0]
            elif len(last) == 2:
                names = f"{last[0]} and {last[1]}"
            else:
                names = f"{last[0]} et al."
            out[key] = (names, entry.fields.get("year", "n.d."))
    return out


def _plain(latex):
    """BibTeX text to plain text: accents such as {\\'e} and braces."""
    from pybtex.richtext import Text

    return Text.from_latex(latex).render_as("text")


def glue_values(executed):
    """{name: output data} of every glued value in an executed notebook (myst-nb's papermill records)."""
    values = {}
    for cell in executed["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if meta:
                cut = len(meta.get("mime_prefix", ""))
                values[meta["name"]] = {k[cut:]: v for k, v in out.get("data", {}).items()}
    return values


# ---------------------------------------------------------------------------------------------------------------
# Markdown: inline roles, then directive blocks.

def convert_inline(text, page, glue, refs):
    """Replace every role in `text` (outside code spans)."""
    from myst_nb.core.variables import format_plain_text

    def role(m):
        name, body = m.group("name"), m.group("text")
        if name == "glue:text" or name == "glue":
            key, _, fmt = body.rpartition(":") if ":" in body else (body, "", "s")
            if key not in glue:
                raise ValueError(f"no glued value {key!r}")
            return format_plain_text(glue[key]["text/plain"], fmt or "s")
        if name in ("cite:t", "cite:p", "cite"):
            return refs.cite([k.strip() for k in body.split(",")], textual=name == "cite:t")
        explicit = EXPLICIT.match(body)
        text, label = (explicit.group("text"), explicit.group("target")) if explicit else (None, body.strip())
        if name == "doc":
            target = _resolve_doc(page, label)
            if target not in refs.titles:
                raise ValueError(f"unknown document {label!r}")
            return f"[{text or refs.titles[target]}]({refs.url(target)})"
        if name == "term":
            key = _term_key(label)
            if key not in refs.terms:
                raise ValueError(f"unknown glossary term {label!r}")
            return f"[{text or label}]({refs.url(*refs.terms[key])})"
        if name in ("numref", "ref"):
            tpage, kind, number, title = refs.target(label)
            if name == "numref":
                shown = (text.replace("%s", number).replace("{number}", number) if text
                         else f"{kind} {number}")
            else:
                shown = text or title or label
            return f"[{shown}]({refs.url(tpage, label)})"
        raise ValueError(f"unsupported role {{{name}}}")

    return TOKEN.sub(lambda m: role(m) if m.group("role") else m.group(0), text)


def _resolve_doc(page, name):
    name = name.removesuffix(".ipynb").removesuffix(".md")
    if name.startswith("/"):
        return name.lstrip("/")
    base = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
    parts = []
    for part in (base + name).split("/"):
        if part == "..":
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def split_blocks(source):
    """A markdown cell as a list of ("text", str) and ("directive", name, arg, options, body) pieces.

    Plain code fences stay inside text pieces (they are Markdown already); label lines are dropped."""
    lines, blocks, buf, i = source.split("\n"), [], [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            fence, info = m.group("fence"), m.group("info").strip()
            j = i + 1
            while j < len(lines) and not (lines[j].startswith(fence[0] * len(fence))
                                          and lines[j].strip() == fence[0] * len(lines[j].strip())
                                          and len(lines[j].strip()) >= len(fence)):
                j += 1
            d = DIRECTIVE.match(info)
            if d:
                if buf:
                    blocks.append(("text", "\n".join(buf)))
                    buf = []
                options, body = _options(lines[i + 1:j])
                blocks.append(("directive", d.group("name"), d.group("arg").strip(), options, body))
            else:
                buf.extend(lines[i:j + 1])
            i = j + 1
            continue
        if not LABEL_LINE.match(lines[i]):
            buf.append(lines[i])
        i += 1
    if buf:
        blocks.append(("text", "\n".join(buf)))
    return blocks


def _options(lines):
    """A directive's options (`:key: value` lines or a `---` YAML block) and its body."""
    import yaml

    if lines and lines[0].strip() == "---":
        end = next(k for k in range(1, len(lines)) if lines[k].strip() == "---")
        return yaml.safe_load("\n".join(lines[1:end])) or {}, "\n".join(lines[end + 1:]).strip("\n")
    options, k = {}, 0
    while k < len(lines) and re.match(r"^:[\w-]+:", lines[k]):
        key, _, value = lines[k][1:].partition(":")
        options[key] = value.strip()
        k += 1
    return options, "\n".join(lines[k:]).strip("\n")


def quote(title, body):
    """A titled block quote: how algorithms and admonitions read in plain Markdown."""
    lines = [f"> **{title}**", ">"] + [f"> {line}" if line.strip() else ">" for line in body.split("\n")]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Notebooks.

def convert(source, executed, page, refs):
    """The reader's edition of one notebook (nbformat dicts): `source` as committed, `executed` from the build."""
    import nbformat

    glue = glue_values(executed)
    cells, captions, solution = [], [], None  # solution: the open exercise's number, inside a solution
    glued_at = {}  # figure name -> index in `cells` of the code cell that glues it

    def md(text, **meta):
        text = convert_inline(text.strip("\n"), page, glue, refs)
        if text.strip():
            cell = nbformat.v4.new_markdown_cell(text)
            cell.metadata.update(meta)
            cells.append(cell)

    def solution_md(text):
        if not text.strip():
            return
        md(f"<details>\n<summary>Show the solution's text</summary>\n\n{text.strip()}\n\n</details>",
           reader_edition={"solution": solution})

    def convert_cell(cell):
        nonlocal solution
        if cell["cell_type"] == "code":
            new = nbformat.v4.new_code_cell(cell["source"])
            new.metadata = copy.deepcopy(cell.get("metadata", {}))
            tags = new.metadata.get("tags", [])
            if solution is not None:
                new.metadata["jupyter"] = {"source_hidden": True}
                new.metadata["reader_edition"] = {"solution": solution}
            elif "remove-cell" in tags or "hide-input" in tags:
                new.metadata["jupyter"] = {"source_hidden": True}
            cells.append(new)
            for name in re.findall(r"""\bglue\(\s*["']([^"']+)["']""", "".join(cell["source"])):
                glued_at[name] = len(cells) - 1
            return
        if cell["cell_type"] != "markdown":
            cells.append(nbformat.from_dict(copy.deepcopy(cell)))
            return
        text_parts = []

        def flush():
            text = "\n".join(text_parts)
            text_parts.clear()
            (solution_md if solution is not None else md)(text)

        for block in split_blocks("".join(cell["source"])):
            if block[0] == "text":
                text_parts.append(block[1])
                continue
            _, name, arg, options, body = block
            label = options.get("label") or options.get("name")
            if name == "glue:figure":
                flush()
                _, kind, number, _ = refs.targets.get(options.get("name", arg), (None, "Figure", None, None))
                caption = convert_inline(body, page, glue, refs)
                text = f"**{kind} {number}.** {caption}" if number else caption
                cells.append(nbformat.v4.new_markdown_cell(text))
                captions.append((arg, len(cells) - 1))
            elif name == "prf:algorithm":
                number = refs.target(label)[2] if label else None
                title = f"Algorithm {number}" + (f" ({arg})" if arg else "") if number else f"Algorithm: {arg}"
                text_parts.append(quote(title, body))
            elif name in ADMONITIONS:
                text_parts.append(quote(ADMONITIONS[name] + (f": {arg}" if arg else ""), body))
            elif name == "exercise":
                flush()
                number = refs.target(label)[2] if label else ""
                text_parts.append(f"### Exercise {number}" + (f": {arg}" if arg else "") + "\n\n" + body)
                flush()
            elif name == "solution-start":
                flush()
                solution = refs.target(arg)[2] if arg in refs.targets else arg
                # A collapsed heading hides the whole solution, its code cells and their outputs, in JupyterLab
                # (Run All leaves it collapsed; running a cell would un-hide its own outputs); one click opens it.
                md(f"#### Solution to Exercise {solution}", **{COLLAPSED: True})
                text_parts.append(body)
            elif name == "solution-end":
                flush()
                solution = None
            else:
                raise ValueError(f"unsupported directive {{{name}}}")
        flush()

    for index, cell in enumerate(source["cells"]):
        try:
            convert_cell(cell)
        except ValueError as error:
            raise ValueError(f"{page} cell {index}: {error}") from None
    _place_captions(cells, captions, glued_at)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.get("metadata", {})))
    nb.metadata["reader_edition"] = {"source": f"{page}.ipynb", "website": refs.url(page)}
    nb.cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, nbformat.v4.new_markdown_cell(
        f"*Reader's edition, generated from the book's source for Jupyter: numbers are those of the built book, "
        f"hidden cells (the checks and the figure code) are collapsed, and links lead to "
        f"[the website]({refs.url(page)}). Run all cells to bring the figures and explorers to life.*"))
    problems = raw_myst(nb)
    if problems:
        raise ValueError(f"{page}: MyST left in the reader's edition: {problems[:5]}")
    return nb


def _place_captions(cells, captions, glued_at):
    """Move each figure caption right under the code cell that glues the figure (past collapsed code cells only)."""
    for name, at in sorted(captions, key=lambda c: -c[1]):
        src = glued_at.get(name)
        if src is None or src >= at or any(c.cell_type != "code" for c in cells[src + 1:at]):
            continue
        cells.insert(src + 1, cells.pop(at))
        for other, k in glued_at.items():  # later moves see the shifted positions
            if src < k < at:
                glued_at[other] = k + 1


def raw_myst(nb):
    """Every MyST construct left in a notebook's Markdown, and every solution or check cell left in plain view."""
    problems, collapsed = [], None  # collapsed: the level of the collapsed heading the cells are under
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        meta = cell.get("metadata", {})
        heading = HEADING.match(source) if cell["cell_type"] == "markdown" else None
        if heading and collapsed is not None and len(heading.group(1)) <= collapsed:
            collapsed = None
        folded = collapsed is not None  # hidden under a collapsed heading
        if heading and meta.get(COLLAPSED) and collapsed is None:
            collapsed = len(heading.group(1))
        solution = "solution" in meta.get("reader_edition", {})
        if solution and not folded:
            problems.append(f"cell {i}: solution in plain view (not under a collapsed heading)")
        if folded and not solution:
            problems.append(f"cell {i}: not a solution, but hidden under a collapsed solution heading")
        if cell["cell_type"] == "code":
            if "remove-cell" in meta.get("tags", []) and not meta.get("jupyter", {}).get("source_hidden"):
                problems.append(f"cell {i}: check cell (remove-cell) not collapsed")
            continue
        if cell["cell_type"] != "markdown":
            continue
        prose = _outside_code(source)
        for m in TOKEN.finditer(prose):
            if m.group("role"):
                problems.append(f"cell {i}: role {m.group(0)[:60]!r}")
        for line in source.split("\n"):
            m = FENCE.match(line) or re.match(r"^(?P<fence>:{3,})(?P<info>.*)$", line)
            if m and (DIRECTIVE.match(m.group("info").strip()) or m.group("fence").startswith(":")):
                problems.append(f"cell {i}: directive fence {line.strip()[:60]!r}")
        for line in prose.split("\n"):
            if LABEL_LINE.match(line):
                problems.append(f"cell {i}: label target {line.strip()!r}")
            elif re.match(r"^:[\w-]+:\s", line):
                problems.append(f"cell {i}: directive option {line.strip()[:60]!r}")
        if solution and not re.match(r"^<details>", source.strip()):
            problems.append(f"cell {i}: solution text outside <details>")
    return problems


def _outside_code(source):
    """The text outside fenced code blocks (code spans are skipped by TOKEN)."""
    prose, inside = [], None
    for line in source.split("\n"):
        m = FENCE.match(line)
        if inside is None and m and not DIRECTIVE.match(m.group("info").strip()):
            inside = m.group("fence")
        elif inside is not None:
            if line.strip() == inside[0] * len(line.strip()) and len(line.strip()) >= len(inside):
                inside = None
        else:
            prose.append(line)
    return "\n".join(prose)


# ---------------------------------------------------------------------------------------------------------------
# The book.

def chapters(root=ROOT):
    """The notebooks of the table of contents, as pages ('book/01_what_is_optimization')."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", [toc]) for c in part.get("chapters", [])]
    return [f.removesuffix(".ipynb") for f in files if (root / f"{f.removesuffix('.ipynb')}.ipynb").exists()]


def out_dir(root=ROOT):
    return root / "_build" / "notebooks"


def build(root=ROOT):
    """Write the reader's edition of every chapter into _build/notebooks/ and over the pages' download copies."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import library_hash

    from jupyter_cache import get_cache

    refs = Refs.from_build(root)
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    out = out_dir(root)
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for page in chapters(root):
        source = json.loads((root / f"{page}.ipynb").read_text())
        try:  # the run the website shows (the pages' own copies have the glued values taken out)
            _, executed = cache.merge_match_into_notebook(nbformat.reads(json.dumps(source), nbformat.NO_CONVERT))
        except KeyError:
            raise SystemExit(f"reader_edition: no executed run of {page} in the build's cache: run `make book`")
        try:
            nb = convert(source, executed, page, refs)
        except ValueError as error:  # the others are still written; the build fails below
            failed.append(str(error))
            continue
        name = pathlib.Path(page).name + ".ipynb"
        nbformat.write(nb, out / name)
        download = root / "_build" / "html" / "_sources" / f"{page}.ipynb"
        if download.parent.exists():  # the page's download button serves this copy
            nbformat.write(nb, download)
    if failed:
        raise SystemExit("reader_edition: cannot convert\n  " + "\n  ".join(failed))
    (out / ".optimlib-hash").write_text(library_hash())
    print(f"reader_edition: {len(chapters(root))} notebooks in {out.relative_to(root)}")


def stale(root=ROOT):
    """True if the reader's edition is missing or older than a chapter, the converter or the library."""
    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import library_hash

    out = out_dir(root)
    stamp = out / ".optimlib-hash"
    if not stamp.exists() or stamp.read_text() != library_hash():
        return True
    newest_input = max([(root / f"{p}.ipynb").stat().st_mtime for p in chapters(root)]
                       + [pathlib.Path(__file__).stat().st_mtime, (root / "book" / "references.bib").stat().st_mtime])
    edition = [out / (pathlib.Path(p).name + ".ipynb") for p in chapters(root)]
    return any(not e.exists() or e.stat().st_mtime < newest_input for e in edition)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stale", action="store_true", help="exit 0 if the edition must be regenerated, else 1")
    args = parser.parse_args(argv)
    if args.stale:
        return 0 if stale() else 1
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
