"""The appendix "What the popular summaries get wrong" (book/errata.md) names, for every entry, the checks behind it.

A check is either a test of the library, `tests/<path>.py::test_name` (the file must define that function), or a
value a chapter computes, `<chapter>::name` (the notebook book/<chapter>.ipynb must glue that name, or show it
through a `{glue:...}` role, which the build under -W fails on when the name is not glued). Each entry must also
cite a source and link to the section that treats it.
"""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
ERRATA = ROOT / "book" / "errata.md"

CHECK = re.compile(r"`(?P<where>[\w./-]+)::(?P<name>[\w.-]+)`")
GLUE_CALL = re.compile(r"""glue\(\s*f?["'](?P<name>[^"'{}]+)["']""")
GLUE_ROLE = re.compile(r"\{glue(?::text|:figure|:any)?\}\s*`?(?P<name>[\w.-]+)")


def entries(text):
    """(title, body) for every `###` entry of the appendix."""
    parts = re.split(r"^### +(.+)$", text, flags=re.M)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


def checks_of(body):
    """The checks an entry names: the code spans `where::name` after its "Checked by" label."""
    _, _, after = body.partition("**Checked by:**")
    return [(m["where"], m["name"]) for m in CHECK.finditer(after)]


def glue_names(notebook):
    nb = json.loads(notebook.read_text())
    names = set()
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        pattern = GLUE_CALL if cell["cell_type"] == "code" else GLUE_ROLE
        names |= {m["name"] for m in pattern.finditer(source)}
    return names


def check_exists(where, name, root=ROOT):
    if where.startswith("tests/"):
        path = root / where
        return path.is_file() and re.search(rf"^def {re.escape(name)}\(", path.read_text(), re.M) is not None
    notebook = root / "book" / f"{where}.ipynb"
    return notebook.is_file() and name in glue_names(notebook)


def missing_checks(text, root=ROOT):
    """Entries without a check, a source or a section link, and named checks that do not exist."""
    problems = []
    for title, body in entries(text):
        named = checks_of(body)
        if not named:
            problems.append(f"{title}: names no check")
        if "{cite:" not in body:
            problems.append(f"{title}: cites no source")
        if "**Treated in:**" not in body or not re.search(r"\{(ref|doc)\}`", body.partition("**Treated in:**")[2]):
            problems.append(f"{title}: links to no section")
        problems += [f"{title}: {w}::{n} does not exist" for w, n in named if not check_exists(w, n, root)]
    return problems


def test_every_entry_names_checks_that_exist():
    text = ERRATA.read_text()
    assert len(entries(text)) >= 20
    assert missing_checks(text) == []


def test_a_made_up_check_is_reported():
    good = ("### A claim\n- **Source:** {cite:t}`ruder2016`.\n- **Treated in:** {ref}`sec-ch7-notes-sign`.\n"
            "- **Checked by:** `tests/optim/test_facts.py::test_the_notes_minus_sign_look_ahead_is_not_nag`, "
            "`07_nesterov::notes-div`.\n")
    assert missing_checks(good) == []
    made_up_test = good.replace("test_the_notes_minus_sign_look_ahead_is_not_nag", "test_nag_is_made_up")
    made_up_glue = good.replace("notes-div", "notes-made-up")
    made_up_file = good.replace("test_facts.py", "test_made_up.py")
    for text, name in ((made_up_test, "test_nag_is_made_up"), (made_up_glue, "notes-made-up"),
                       (made_up_file, "test_made_up.py")):
        problems = missing_checks(text)
        assert len(problems) == 1 and name in problems[0], problems
    assert missing_checks(good.replace("- **Checked by:**", "- **Seen in:**")) == ["A claim: names no check"]
    assert missing_checks(good.replace("{cite:t}`ruder2016`", "Ruder")) == ["A claim: cites no source"]


def _bib_entry(key):
    text = (ROOT / "book" / "references.bib").read_text()
    m = re.search(rf"@\w+\{{{key},(.*?)\n\}}", text, re.S)
    assert m, f"no entry {key} in references.bib"
    return " ".join(m.group(1).split())


def test_the_adamw_paper_and_wilson_et_al_are_told_apart():
    """AdamW is Loshchilov & Hutter's; "The Marginal Value of Adaptive Gradient Methods" is Wilson et al.'s."""
    wilson, adamw = _bib_entry("wilson2017"), _bib_entry("loshchilov2019")
    assert re.search(r"author\s*=\s*\{Wilson, Ashia", wilson) and "Recht" in wilson
    assert "The Marginal Value of Adaptive Gradient Methods" in wilson
    assert re.search(r"author\s*=\s*\{Loshchilov, Ilya and Hutter, Frank\}", adamw)
    assert "Decoupled Weight Decay Regularization" in adamw and "Marginal" not in adamw
    # Chapter 12's section on who proposed what credits AdamW to loshchilov2019 and the other paper to wilson2017.
    nb = json.loads((ROOT / "book" / "12_adamw.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    section = text.partition("(sec-ch12-who)=\n## ")[2].partition("\n## ")[0]
    assert "{cite:p}`loshchilov2019`" in section and "{cite:p}`wilson2017`" in section
