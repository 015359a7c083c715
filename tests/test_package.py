"""The package contract: importing optimlib has no side effects and loads NumPy only; one table lists the lazy names;
the layers import only downwards. Import-time checks run in a fresh interpreter (a subprocess), since this one has
long imported everything."""
import ast
import importlib
import json
import pathlib
import subprocess
import sys

import pytest

import optimlib as ol

PACKAGE = pathlib.Path(ol.__file__).parent
HEAVY = ("sympy", "matplotlib", "ipywidgets", "PIL")


def fresh(code):
    """Run ``code`` in a new interpreter; it prints one JSON value, returned here."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


LOADED = f"print(__import__('json').dumps(sorted(m for m in {HEAVY!r} if m in __import__('sys').modules)))"


def test_import_loads_numpy_only():
    assert fresh("import optimlib\n" + LOADED) == []


@pytest.mark.parametrize("use", ["dir(ol)", "hasattr(ol, 'adma')", "ol.log_grid", "ol.linear_regression",
                                 "ol.adam(0.1)", "ol.run", "ol.Trajectory", "ol.explorers", "ol.viz"])
def test_dir_a_typo_and_numpy_names_load_nothing_heavy(use):
    assert fresh(f"import optimlib as ol\n{use}\n" + LOADED) == []


def test_a_name_that_needs_sympy_loads_sympy_and_nothing_else():
    assert fresh("import optimlib as ol\nol.rosenbrock\n" + LOADED) == ["sympy"]


def test_import_changes_no_seed_and_no_rcparams():
    code = """
import json, numpy as np, matplotlib
state = np.random.get_state()
rc = dict(matplotlib.rcParams)
import optimlib, optimlib.viz, optimlib.explorers, optimlib.problems.surfaces  # every layer
same_seed = all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
                for a, b in zip(state, np.random.get_state()))
print(json.dumps([same_seed, [k for k in rc if matplotlib.rcParams[k] != rc[k]]]))
"""
    assert fresh(code) == [True, []]


def test_the_table_lists_each_lazy_module_public_names_exactly():
    for module, names in ol._LAZY_MODULES.items():
        assert set(names) == set(importlib.import_module(f"optimlib.{module}").__all__), module
    eager = set(ol.__dict__) - set(ol._LAZY)
    assert not eager & set(ol._LAZY), "a name is both eager and lazy"


def test_every_listed_name_resolves_and_an_unknown_one_raises():
    for name in dir(ol):
        assert getattr(ol, name) is not None or name.startswith("_"), name
    with pytest.raises(AttributeError, match="module 'optimlib' has no attribute 'adma'"):
        ol.adma


def test_every_chapter_name_is_in_the_namespace():
    names = set()
    for path in (PACKAGE.parent / "book").glob("*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        names |= {n.split(".")[1] for n in __import__("re").findall(r"\bol\.[A-Za-z_]\w*", source)}
    assert names and names <= set(dir(ol)), sorted(names - set(dir(ol)))


def modules():
    """Every module of the package, as (dotted name, path)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_every_public_submodule_is_an_attribute_of_its_package():
    for dotted, _ in modules():
        parent, _, name = dotted.rpartition(".")
        if not parent or name.startswith("_"):
            continue
        module = importlib.import_module(dotted)
        attribute = getattr(importlib.import_module(parent), name)
        # ol.run, ol.optim.sgd, .adam, .newton: the function of the module's own name stands in front of it
        assert attribute is module or attribute is getattr(module, name, None), dotted


LAYERS = {  # what each layer may import from optimlib (itself included)
    "base": {"_validate"}, "_validate": set(), "schedules": {"_validate"}, "run": {"_validate", "base"},
    "optim": {"_validate", "base", "optim"}, "rates": {"run", "optim"}, "tune": {"run"},
    "problems": {"_validate", "problems"},
    "viz": {"viz"},
    "explorers": {"run", "viz", "explorers"},
}


def imports(dotted, path):
    """(layer imported, names imported) for each ``from optimlib... import`` in a module."""
    package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("optimlib")):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + (node.module.split(".") if node.module else [])).split(".")
            target = target[1:] if target[0] == "optimlib" else target
            yield (target[0] if target else ""), [a.name for a in node.names]


def test_layers_import_only_downwards_and_no_private_name_crosses_a_subpackage():
    for dotted, path in modules():
        layer = dotted.split(".")[1] if "." in dotted else ""
        if not layer:
            continue  # the package's __init__ assembles the namespace
        for target, names in imports(dotted, path):
            if not target:  # `from . import x` inside a subpackage
                continue
            assert target in LAYERS[layer], f"{dotted} imports from {target}"
            if target != layer:
                private = [n for n in names if n.startswith("_") and n != "__all__"]
                assert not private, f"{dotted} imports {private} from {target}"
