"""Keep committed notebooks clean: `check` fails if any carries outputs, `strip` removes them.

    python tools/notebooks.py check book      # exit 1 and name every notebook with outputs
    python tools/notebooks.py strip book      # clear outputs, execution counts and run-time metadata
"""
import json
import pathlib
import sys

RUNTIME_METADATA = ("execution", "collapsed", "scrolled")


def notebooks(folder):
    return sorted(p for p in pathlib.Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def dirty_cells(notebook):
    """Indices of code cells that carry outputs or an execution count."""
    return [i for i, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def strip(notebook):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in RUNTIME_METADATA:
            cell.get("metadata", {}).pop(key, None)
    notebook.get("metadata", {}).pop("widgets", None)
    return notebook


def main(command, folder):
    bad = []
    for path in notebooks(folder):
        notebook = json.loads(path.read_text())
        if command == "check":
            cells = dirty_cells(notebook)
            if cells:
                bad.append(f"{path}: cells {cells} carry outputs (run 'make strip')")
        elif command == "strip":
            path.write_text(json.dumps(strip(notebook), indent=1, ensure_ascii=False) + "\n")
        else:
            sys.exit(f"usage: notebooks.py check|strip FOLDER (got {command!r})")
    for line in bad:
        print(line)
    if command == "check":
        print(f"notebooks: {len(notebooks(folder)) - len(bad)} clean, {len(bad)} with outputs")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
