"""Build the book with Jupyter Book and, if a notebook fails, say which notebook and which cell.

    python tools/build_book.py [jupyter-book build flags...] [--source DIR] [--force]

Jupyter Book logs each failing notebook with the source of the cell that raised; this wrapper finds that cell in the
notebook and prints `FAILED <notebook> cell <n>: <error>` for each (cells counted from 0 with markdown, and as nbval counts them).
"""
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys

FAILED_NOTEBOOK = re.compile(r"^(\S+\.ipynb): WARNING: Executing notebook failed", re.M)
CELL_SOURCE = re.compile(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n", re.S)
ERROR_LINE = re.compile(r"^(\w*(?:Error|Exception|Interrupt)\b:?.*)$", re.M)
ROOT = pathlib.Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failing_cells(log, source_dir):
    """Yield (notebook, cell index, error line) for each notebook whose execution failed in the build log."""
    log = ANSI.sub("", log)
    starts = [(m.start(), m.group(1)) for m in FAILED_NOTEBOOK.finditer(log)]
    for n, (start, path) in enumerate(starts):
        chunk = log[start: starts[n + 1][0] if n + 1 < len(starts) else len(log)]
        match = CELL_SOURCE.search(chunk)
        code = match.group(1).strip() if match else None
        after = chunk[match.end():] if match else chunk
        errors = ERROR_LINE.findall(after)
        error = next((e for e in errors if ":" in e), errors[0] if errors else "error")
        notebook = pathlib.Path(path)
        cells = json.loads(notebook.read_text())["cells"] if notebook.exists() else []
        index = next((i for i, c in enumerate(cells) if code and "".join(c["source"]).strip() == code), None)
        if index is not None:  # also as nbval counts: code cells only
            index = (index, sum(c["cell_type"] == "code" for c in cells[:index]))
        try:
            notebook = notebook.resolve().relative_to(source_dir)
        except ValueError:
            pass
        yield notebook, index, error


def library_hash():
    """A hash of optimlib's sources: the execution cache keys on notebook code only, so a library change must clear it."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "optimlib").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".js", ".css"}:
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def refresh_cache(source, force):
    """Drop the execution cache when forced or when optimlib changed since the cache was filled; True if dropped
    (Sphinx must then re-read every page too, or the pages it thinks unchanged keep their old outputs)."""
    cache, stamp = source / "_build" / ".jupyter_cache", source / "_build" / ".optimlib-hash"
    current = library_hash()
    stale = force or not stamp.exists() or stamp.read_text() != current
    if stale:
        if cache.exists():
            print("build_book: optimlib changed (or FORCE): re-executing every notebook")
        shutil.rmtree(cache, ignore_errors=True)
        # and Sphinx's environment: else it re-reads only the notebooks whose source changed, and every other page
        # (and the reader's edition, which needs each notebook's run in the cache) keeps the old library's outputs
        shutil.rmtree(source / "_build" / ".doctrees", ignore_errors=True)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(current)
    return stale


def main(argv):
    source = pathlib.Path(".")
    if "--source" in argv:
        i = argv.index("--source")
        source = pathlib.Path(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    force = "--force" in argv
    argv = [a for a in argv if a != "--force"]
    if refresh_cache(source, force) and "--all" not in argv:
        argv.append("--all")
    command = [str(pathlib.Path(sys.executable).with_name("jupyter-book")), "build", str(source), *argv]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    log = []
    for line in process.stdout:  # show the build as it happens, and keep it to name the failures
        sys.stdout.write(line)
        log.append(line)
    code = process.wait()
    if not code and source.resolve() == ROOT and "--builder" not in argv:  # the website (not a scratch page, not
        # the PDF: tools/build_pdf.py): its reader's edition
        import reader_edition
        reader_edition.build(ROOT)
    if code:
        sys.stdout.flush()
        for notebook, index, error in failing_cells("".join(log), source.resolve()):
            where = f"cell {index[0]} (nbval: Cell {index[1]})" if index else "a cell"
            print(f"FAILED {notebook} {where}: {error}", file=sys.stderr)
        print("The book did not build: see the warnings above.", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
