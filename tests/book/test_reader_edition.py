"""The reader's-edition converter (tools/reader_edition.py) on a fixture with one of each construct it translates."""
import copy
import functools
import json
import pathlib
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import reader_edition as re_  # noqa: E402

FIXTURE = ROOT / "tests" / "book" / "fixtures" / "reader_edition.ipynb"
SITE = "https://example.org/book/"
PAGE = "book/fixture"


def fixture_refs():
    targets = {"fig-fixture": (PAGE, "Figure", "1.1", None), "explorer-fixture": (PAGE, "Figure", "1.2", None),
               "alg-fixture": (PAGE, "Algorithm", "1.1", None), "sec-fixture-values": (PAGE, "section", None, "Values"),
               "ex-fixture-1": (PAGE, "Exercise", "1.1", None), "ex-fixture-2": (PAGE, "Exercise", "1.2", None)}
    bib = re_.read_bib([ROOT / "book" / "references.bib"])
    terms = {"learning rate": ("book/notation", "term-Learning-rate")}
    return re_.Refs(SITE, targets, {PAGE: "A fixture chapter", "book/other": "Another chapter"}, bib, terms=terms)


@pytest.fixture(scope="module")
def converted():
    from nbclient import NotebookClient

    source = nbformat.read(FIXTURE, nbformat.NO_CONVERT)
    executed = copy.deepcopy(source)
    NotebookClient(executed, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return source, re_.convert(source, executed, PAGE, fixture_refs())


def markdown(nb):
    return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def cell_with(nb, text):
    return next(c for c in nb["cells"] if text in "".join(c["source"]))


def test_code_cells_are_unchanged_and_have_no_outputs(converted):
    source, out = converted
    assert [c["source"] for c in out["cells"] if c["cell_type"] == "code"] == \
        [c["source"] for c in source["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in out["cells"] if c["cell_type"] == "code")


def test_nothing_of_myst_is_left(converted):
    text = markdown(converted[1])
    assert re_.raw_myst(converted[1]) == []
    for construct in ["{glue", "{cite", "{numref}", "{ref}", "{doc}", "```{", "(sec-fixture-values)=", ":label:",
                      ":class:", ":name:", "alt: >-"]:
        literal = ["`{glue:text}`", "``{cite:t}`key` ``", "print('{numref}`not-a-role`')"]  # code stays code
        assert construct not in functools.reduce(lambda t, s: t.replace(s, ""), literal, text), construct


def test_glued_values_citations_and_cross_references(converted):
    text = markdown(converted[1])
    assert "Glued: 0.1 and 0.12 and 7." in text
    refs = f"{SITE}book/references.html"
    assert f"by\n[Cauchy (1847)]({refs}), in parentheses by ([Robbins and Monro, 1951]({refs}); " \
           f"[Rumelhart et al., 1986]({refs}))." in text
    assert f"[Figure 1.1]({SITE}book/fixture.html#fig-fixture) and [Listing 1.1]({SITE}book/fixture.html#fig-fixture)" \
        in text
    assert f"See [Values]({SITE}book/fixture.html#sec-fixture-values), [the values]({SITE}book/fixture.html" \
           f"#sec-fixture-values) and [Another chapter]({SITE}book/other.html)." in text
    glossary = f"{SITE}book/notation.html#term-Learning-rate"
    assert f"Terms: [Learning rate]({glossary}) and [rates]({glossary})." in text
    assert "`{glue:text}` and ``{cite:t}`key` ``" in text and "print('{numref}`not-a-role`')" in text  # literal code


def test_captions_sit_under_their_figures(converted):
    cells = converted[1]["cells"]
    fig = cells.index(cell_with(converted[1], 'glue("fig-fixture", fig)'))
    assert "".join(cells[fig + 1]["source"]) == "**Figure 1.1.** A falling line, with $\\eta =$ 0.1."
    assert "Text after the figure" in "".join(cells[fig + 3]["source"])  # after the (collapsed) check cell
    explorer = cells.index(cell_with(converted[1], 'glue("explorer-fixture", ex)'))
    assert "".join(cells[explorer + 1]["source"]) == "**Figure 1.2.** An explorer."


def test_algorithms_and_admonitions_are_titled_quotes_with_math(converted):
    text = markdown(converted[1])
    assert "> **Algorithm 1.1 (Gradient descent)**\n>\n> **Inputs** a start $\\theta_0$.\n>\n" \
           "> 1. For $t = 1, \\ldots, T$: $\\theta_t = \\theta_{t-1} - \\eta\\, g_t$." in text
    assert "> **Note**\n>\n> A note with $x^2$." in text and "> **Warning**\n>\n> A warning." in text
    assert "$$\nf(\\theta) = \\tfrac12 \\theta^2.\n$$" in text


def test_exercises_have_headings_and_collapsed_solutions(converted):
    nb = converted[1]
    assert "### Exercise 1.1\n\nCompute $1 + 1$." in markdown(nb)
    for n, answer in (("1.1", "1 + 1"), ("1.2", "2 + 2")):
        heading = cell_with(nb, f"#### Solution to Exercise {n}")
        assert heading["metadata"][re_.COLLAPSED] is True
        code = next(c for c in nb["cells"] if c["cell_type"] == "code" and c["source"] == answer)
        assert code["metadata"]["jupyter"]["source_hidden"] and code["metadata"]["reader_edition"]["solution"] == n
    prose = cell_with(nb, "It is two:")
    assert "".join(prose["source"]).startswith("<details>\n<summary>") and prose["metadata"]["reader_edition"]
    assert "So the answer is $2$." in "".join(cell_with(nb, "So the answer").get("source"))


def test_hidden_cells_stay_collapsed(converted):
    nb = converted[1]
    assert cell_with(nb, "assert loss < 1")["metadata"]["jupyter"] == {"source_hidden": True}
    assert cell_with(nb, 'glue("fig-fixture", fig)')["metadata"]["jupyter"] == {"source_hidden": True}
    assert "jupyter" not in cell_with(nb, "rate = 0.1")["metadata"]


@pytest.mark.parametrize("markup, error", [
    ("{eq}`my-eq`", "unsupported role {eq}"),
    ("```{figure} x.png\nA figure.\n```", "unsupported directive {figure}"),
    ("{numref}`no-such-label`", "unknown cross-reference target 'no-such-label'"),
    ("{cite:p}`nobody2099`", "unknown citation key 'nobody2099'"),
    ("{glue:text}`never_glued`", "no glued value 'never_glued'"),
    ("{term}`no such term`", "unknown glossary term 'no such term'"),
])
def test_anything_else_is_an_error(markup, error):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markup)])
    with pytest.raises(ValueError, match=error.replace("{", r"\{").replace("}", r"\}")):
        re_.convert(nb, nb, PAGE, fixture_refs())


@pytest.mark.parametrize("cell, found", [
    (nbformat.v4.new_markdown_cell("As {cite:t}`cauchy1847` showed."), "role '{cite:t}`cauchy1847`'"),
    (nbformat.v4.new_markdown_cell("```{prf:algorithm} GD\n1. step\n```"), "directive fence '```{prf:algorithm} GD'"),
    (nbformat.v4.new_markdown_cell(":::{note}\nx\n:::"), "directive fence ':::{note}'"),
    (nbformat.v4.new_markdown_cell("(sec-x)=\n## A section"), "label target '(sec-x)='"),
    (nbformat.v4.new_markdown_cell(":class: dropdown"), "directive option ':class: dropdown'"),
    (nbformat.v4.new_code_cell("assert True", metadata={"tags": ["remove-cell"]}), "check cell (remove-cell) not"),
    (nbformat.v4.new_code_cell("1 + 1", metadata={"reader_edition": {"solution": "1.1"}}), "solution in plain view"),
])
def test_the_scan_finds_raw_myst_and_visible_solutions(cell, found):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"), cell])
    assert any(found in p for p in re_.raw_myst(nb)), re_.raw_myst(nb)


def test_the_scan_finds_prose_hidden_by_a_solution_heading():
    cells = [nbformat.v4.new_markdown_cell("#### Solution to Exercise 1.1"),
             nbformat.v4.new_markdown_cell("Text that is not part of the solution.")]
    cells[0].metadata[re_.COLLAPSED] = True
    assert any("hidden under a collapsed" in p for p in re_.raw_myst(nbformat.v4.new_notebook(cells=cells)))


def test_site_url_and_bibliography():
    assert re_.site_url({"repository": {"url": "https://github.com/org/book"}}) == "https://org.github.io/book/"
    assert re_.site_url({"html": {"baseurl": "https://x.org/"}, "repository": {"url": "?"}}) == "https://x.org/"
    with pytest.raises(ValueError, match="Invalid repository url"):
        re_.site_url({"repository": {"url": "somewhere"}})
    bib = re_.read_bib([ROOT / "book" / "references.bib"])
    assert bib["cauchy1847"] == ("Cauchy", "1847") and bib["robbins1951"] == ("Robbins and Monro", "1951")


def test_fixture_is_clean():
    nb = json.loads(FIXTURE.read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
