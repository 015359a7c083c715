"""The build and the notebook tests fail loudly, naming the notebook and the cell, when a cell raises."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CELLS = ["x = 1", "y = x / 0  # raises ZeroDivisionError", "z = 2"]


def throwaway_book(folder):
    """A one-page book with the real _config.yml (execution settings, extensions) and a failing cell."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["bibtex_bibfiles"] = ["references.bib"]
    config["sphinx"]["config"].pop("html_static_path")
    config["sphinx"]["local_extensions"] = {"api_links": str(ROOT / "tools")}  # the book's, from another folder
    (folder / "references.bib").write_text("")
    (folder / "_config.yml").write_text(yaml.safe_dump(config))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: broken\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken")]
                                        + [nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "broken.ipynb")


def test_build_fails_and_names_notebook_and_cell(tmp_path):
    throwaway_book(tmp_path)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"), "-W", "-n", "--keep-going",
                             "--source", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "FAILED broken.ipynb cell 2 (nbval: Cell 1): ZeroDivisionError" in result.stderr, result.stderr[-3000:]


def test_nbval_fails_and_names_cell(tmp_path):
    throwaway_book(tmp_path)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env",
                             "-p", "no:cacheprovider", str(tmp_path / "broken.ipynb")],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.ipynb::Cell 1" in result.stdout and "ZeroDivisionError" in result.stdout, result.stdout[-3000:]


def test_notebook_check_flags_outputs(tmp_path):
    throwaway_book(tmp_path)
    path = tmp_path / "broken.ipynb"
    notebook = json.loads(path.read_text())
    check = [sys.executable, str(ROOT / "tools" / "notebooks.py"), "check", str(tmp_path)]
    assert subprocess.run(check, capture_output=True).returncode == 0
    notebook["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]
    notebook["cells"][1]["execution_count"] = 1
    path.write_text(json.dumps(notebook))
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 1 and "broken.ipynb: cells [1]" in result.stdout
    subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), "strip", str(tmp_path)], check=True)
    assert subprocess.run(check, capture_output=True).returncode == 0


@pytest.mark.parametrize("workers", [[], ["-n", "2", "--dist", "loadfile"]], ids=["serial", "xdist"])
def test_nbval_fills_the_build_cache_with_the_notebooks_that_passed(tmp_path, workers):
    # serially, and as `make test-notebooks` runs it: two pytest-xdist workers, one notebook each
    from jupyter_cache import get_cache

    throwaway_book(tmp_path)
    old = 1_000_000_000  # a build long ago: the page of a stored notebook must be re-read
    fine = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ("x = 1", "x + 1", "x + 2;")])
    fine.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(fine, tmp_path / "fine.ipynb")
    for name in ("broken.ipynb", "fine.ipynb"):
        os.utime(tmp_path / name, (old, old))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "nbval_cache", "--nbval-lax",
                             "--nbval-current-env", "-p", "no:cacheprovider", *workers, "broken.ipynb", "fine.ipynb"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "tools")})
    assert result.returncode == 1 and "nbval_cache: 1 of 2 notebooks stored for the build: fine.ipynb" in \
        result.stdout, result.stdout[-3000:]
    assert (tmp_path / "fine.ipynb").stat().st_mtime > old == (tmp_path / "broken.ipynb").stat().st_mtime
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    with pytest.raises(KeyError):  # a notebook with a failing cell is left for the build to execute
        cache.match_cache_notebook(nbformat.read(tmp_path / "broken.ipynb", as_version=4))
    _, merged = cache.merge_match_into_notebook(nbformat.read(tmp_path / "fine.ipynb", as_version=4))
    assert merged.metadata["language_info"]["pygments_lexer"] == "ipython3"  # the page's code highlighting
    outputs = [c.outputs for c in merged.cells]
    assert outputs[0] == [] and outputs[2] == []  # an assignment, and a result hidden by its ';' as IPython does
    assert outputs[1][0]["output_type"] == "execute_result" and outputs[1][0]["data"]["text/plain"] == "2"
