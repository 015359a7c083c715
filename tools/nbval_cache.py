"""A pytest plugin for `make test`: the notebooks nbval runs fill the book's execution cache, so that the site build
after it re-uses their outputs instead of executing every notebook a second time.

    OPTIMLIB_STATIC=1 PYTHONPATH=tools pytest -p nbval_cache --nbval-lax --nbval-current-env book

nbval stays the notebook test runner (one pytest item per cell, failures named by cell). Run it as the build executes
(``OPTIMLIB_STATIC=1``, the explorers' web form, which the site shows; BLAS on one thread). A notebook whose cells all
ran and passed is stored in ``_build/.jupyter_cache`` (jupyter-cache, keyed by its code cells, as the build looks it
up); a notebook with a failed or skipped cell is not, so the build executes it and fails there too. The cache is first
emptied if optimlib changed since it was filled (``build_book.refresh_cache``). Each stored notebook is touched, so
that Sphinx re-reads its page: otherwise a page built before keeps its older outputs (timings) while the reader's
edition, made from the cache, shows the new ones.

With pytest-xdist (``-n 2 --dist loadfile``: each notebook runs whole, in order, on one worker), the workers attach
each cell's outputs to its test report and the controller, which receives every report, alone empties and fills the
cache.
"""
import io
import json
import pathlib
import tokenize

import nbformat
import pytest

from build_book import refresh_cache

_cells = {}  # notebook path -> {code cell number: its outputs, or None if it did not pass}


def _worker(config):
    return hasattr(config, "workerinput")  # a pytest-xdist worker (the controller stores)


def pytest_sessionstart(session):
    if not _worker(session.config):
        refresh_cache(pathlib.Path(session.config.rootpath), force=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if hasattr(item, "cell_num") and (report.when == "call" or report.outcome != "passed"):
        outputs = item.test_outputs if report.passed and report.when == "call" else None
        cell = {"notebook": str(item.fspath), "cell": item.cell_num,
                "outputs": None if outputs is None else json.loads(json.dumps(outputs))}  # plain data: xdist sends it
        report.user_properties = [*report.user_properties, ("nbval_cache", cell)]  # a new list: not the item's


def pytest_runtest_logreport(report):
    for name, cell in report.user_properties:
        if name == "nbval_cache":
            outputs = cell["outputs"]
            outputs = None if outputs is None else [nbformat.from_dict(o) for o in outputs]
            _cells.setdefault(pathlib.Path(cell["notebook"]), {})[cell["cell"]] = outputs


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
    if _worker(session.config):
        return
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
            path.touch()  # Sphinx re-reads a page only when its source is newer: the site must show these outputs
    session.config.pluginmanager.get_plugin("terminalreporter").write_line(
        f"nbval_cache: {len(stored)} of {len(_cells)} notebooks stored for the build: {', '.join(stored)}")
