"""The build and the notebook tests fail loudly, naming the notebook and the cell, when a cell raises."""
import json
import pathlib
import shutil
import subprocess
import sys

import nbformat
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CELLS = ["x = 1", "y = x / 0  # raises ZeroDivisionError", "z = 2"]


def throwaway_book(folder):
    """A one-page book with the real _config.yml (execution settings, extensions) and a failing cell."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["bibtex_bibfiles"] = ["references.bib"]
    config["sphinx"]["config"].pop("html_static_path")
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
