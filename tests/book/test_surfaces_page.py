"""The test-surface catalogue (book/surfaces.ipynb) has a section for every surface of the library.

The page is generated from ``ol.surface_catalogue()``, but its headings, prose and figure blocks are Markdown cells:
a surface added to the library must get its own section, and this fails until it has one. For each surface the
notebook's source must hold a labelled ``##`` heading ``(surface-<name>)=``, a ``describe("<name>")`` cell, a
``views("<name>")`` cell glued as ``fig-surface-<name>``, and the ``{glue:figure}`` block that shows it. (The
notebook checks the same when it runs: its last cell asserts that every surface was described and drawn.)
"""
import json
import pathlib
import re

import optimlib as ol

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGE = ROOT / "book" / "surfaces.ipynb"


def sources(kind):
    cells = json.loads(PAGE.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == kind]


def missing_sections(names, markdown, code):
    """What each surface lacks on the page: ``{name: [missing parts]}`` (only the surfaces that lack something)."""
    text, program = "\n".join(markdown), "\n".join(code)
    problems = {}
    for name in names:
        parts = {
            "labelled ## heading": rf"^\(surface-{name}\)=\n## \S",
            "describe cell": rf"""^describe\(["']{name}["']\)""",
            "glued figure": rf"""views\(["']{name}["']\)\nglue\(["']fig-surface-{name}["']""",
        }
        lacking = [part for part, pattern in parts.items()
                   if not re.search(pattern, text if part.startswith("labelled") else program, re.M)]
        if f"```{{glue:figure}} fig-surface-{name}\n" not in text:
            lacking.append("{glue:figure} block")
        if lacking:
            problems[name] = lacking
    return problems


def test_every_surface_of_the_library_has_its_section():
    assert missing_sections(ol.surface_catalogue(), sources("markdown"), sources("code")) == {}


def test_the_page_is_in_the_reference_part_after_the_notation():
    toc = (ROOT / "_toc.yml").read_text()
    assert "      - file: book/notation\n      - file: book/surfaces\n" in toc


def test_a_surface_without_a_section_is_reported():
    names = [*ol.surface_catalogue(), "throwaway"]
    markdown, code = sources("markdown"), sources("code")
    assert missing_sections(names, markdown, code) == {
        "throwaway": ["labelled ## heading", "describe cell", "glued figure", "{glue:figure} block"]}
    no_figure = [m for m in markdown if "fig-surface-beale\n" not in m]  # the section keeps its heading only
    assert missing_sections(names[:-1], no_figure, code) == {"beale": ["{glue:figure} block"]}
