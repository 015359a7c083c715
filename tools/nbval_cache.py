"""A pytest plugin for `make test`: the notebooks nbval runs fill the book's execution cache, so that the site build
after it re-uses their outputs instead of executing every notebook a second time.

    OPTIMLIB_STATIC=1 PYTHONPATH=tools pytest -p nbval_cache --nbval-lax --nbval-current-env book

nbval stays the notebook test runner (one pytest item per cell, failures named by cell). Run it as the build executes
(``OPTIMLIB_STATIC=1``, the explorers' web form, which the site shows; BLAS on one thread). A notebook whose cells all
ran and passed is stored in ``_build/.jupyter_cache`` (jupyter-cache, keyed by its code cells, as the build looks it
up); a notebook with a failed or skipped cell is not, so the build executes it and fails there too. The cache is first
emptied if optimlib changed since it was filled (``build_book.refresh_cache``).
"""
import io
import pathlib
import tokenize

import pytest

from build_book import refresh_cache

_cells = {}  # notebook path -> {code cell number: its outputs, or None if it did not pass}


def pytest_sessionstart(session):
    refresh_cache(pathlib.Path(session.config.rootpath), force=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if hasattr(item, "cell_num") and (report.when == "call" or report.outcome != "passed"):
        outputs = item.test_outputs if report.passed and report.when == "call" else None
        _cells.setdefault(pathlib.Path(str(item.fspath)), {})[item.cell_num] = outputs


def quiet(source):
    """Whether IPython hides the cell's result (its last token is ``;``); nbval runs cells without history, which
    shows it, so the cached notebook drops it as a build would."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    skip = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    last = next((t for t in reversed(tokens) if t.type not in skip), None)
    return last is not None and last.type == tokenize.OP and last.string == ";"


def executed(path, outputs):
    """The notebook at ``path`` with the outputs nbval collected, or ``None`` unless every code cell passed."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if len(outputs) != len(code) or any(o is None for o in outputs.values()):
        return None
    from ipykernel.ipkernel import IPythonKernel

    notebook.metadata["language_info"] = IPythonKernel.language_info  # as an executed notebook has (the lexer)
    for n, cell in enumerate(code):
        cell.outputs = [o for o in outputs[n] if not (o.output_type == "execute_result" and quiet(cell.source))]
        cell.execution_count = n + 1
        for o in cell.outputs:
            if o.output_type == "execute_result":
                o.execution_count = n + 1
    return notebook


def pytest_sessionfinish(session):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(pathlib.Path(session.config.rootpath) / "_build" / ".jupyter_cache"))
    stored = []
    for path, outputs in sorted(_cells.items()):
        notebook = executed(path, outputs)
        if notebook is not None:
            cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path), data={"executed_by": "nbval"}),
                                        check_validity=False, overwrite=True)
            stored.append(path.name)
    session.config.pluginmanager.get_plugin("terminalreporter").write_line(
        f"nbval_cache: {len(stored)} of {len(_cells)} notebooks stored for the build: {', '.join(stored)}")
