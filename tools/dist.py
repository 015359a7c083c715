"""The website as one zip that a reader unpacks and opens from disk (file://): `make dist`, after `make book`.

    python tools/dist.py [--out DIR]      # writes DIR/<name>-<version>.zip (default DIR: _build/dist)

The zip holds one folder, `<name>-<version>/`, with:

- the website, byte for byte as `make book` built it in `_build/html` (less Sphinx's `.buildinfo` and the build's
  error `reports/`): `index.html` opens the book. Nothing in it is rewritten: the site itself is made to work from
  file:// (no links to folders, no fetch of data, MathJax and fonts served from the site), so the zip and the served
  website are the same pages;
- `notebooks/`: the reader's edition of every chapter (`_build/notebooks/`, the same notebooks the pages' download
  buttons serve from `_sources/`);
- `optimlib-<v>-py3-none-any.whl`, the library the notebooks import, and `requirements.txt`, the pinned packages
  the notebooks need to run (from the book's own pins), so `pip install optimlib-*.whl -r requirements.txt` then
  `jupyter lab notebooks/` runs them;
- `README.txt`: what to open, and how to run the notebooks.

`<version>` is `git describe --tags --always --dirty` (optimlib's version outside a git checkout). Entries are
written in sorted order with one timestamp (the last commit's, or SOURCE_DATE_EPOCH), so two runs on the same tree
give the same zip.
"""
import argparse
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import metadata

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIP = {".buildinfo", "reports"}          # top-level entries of _build/html that are the build's, not the reader's
STORED = {".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".whl", ".zip", ".gz"}  # already compressed
# What the reader's notebooks import, by distribution (the versions come from the book's own pin files).
READER_PACKAGES = ["numpy", "scipy", "sympy", "matplotlib", "ipywidgets", "pillow", "scikit-learn", "myst-nb",
                   "threadpoolctl", "ipykernel", "jupyterlab"]
PIN_FILES = ["requirements.txt", "requirements-lab.txt"]

README = """\
{title}
{underline}

A copy of the book's website that works without a network and without a server.

Read it: open index.html (in this folder) in a web browser.
  Math, the interactive figures and the search work from disk; nothing is fetched from any other site.

Run the chapters: notebooks/ holds every chapter as a plain Jupyter notebook (the "reader's edition", the same
file each page's download button gives). With Python {python}:

  python -m venv .venv && . .venv/bin/activate
  pip install {wheel} -r requirements.txt
  jupyter lab notebooks/

then Run > Run All Cells. {wheel} is optimlib, the library the chapters import
(`import optimlib as ol`); requirements.txt pins the packages the notebooks use. pip needs a package index (or a
local mirror) for those; optimlib itself installs from this folder. The notebooks' links to figures, sections and
references point to the book's website; the same pages are in book/ here.

Built from {describe}.
"""


def git(*args, root=ROOT):
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def project(root=ROOT):
    """(name, version, title): the book's name (the repository's, from _config.yml), its version, its title."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text())
    url = (config.get("repository") or {}).get("url", "")
    name = url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1] or "book"
    meta = metadata.metadata("optimlib")  # installed (editable) by `make setup`
    version = git("describe", "--tags", "--always", "--dirty", root=root) or meta["Version"]
    return name, version, config.get("title", name), meta


def timestamp(root=ROOT):
    """One date for every entry: SOURCE_DATE_EPOCH, else the last commit's, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct", root=root) or time.time()
    return max(int(epoch), 315532800)  # zip dates start in 1980


WHEEL_INPUTS = ("pyproject.toml", "README.md", "LICENSE")


def build_wheel(root=ROOT):
    """optimlib's wheel, built by pip from a copy of its sources (setuptools leaves build/ in the folder it builds
    in) and kept in _build/.dist-wheel/ until optimlib or its packaging changes."""
    sys.path.insert(0, str(ROOT / "tools"))
    from build_book import library_hash

    key = hashlib.sha256(library_hash().encode() + b"".join((root / n).read_bytes() for n in WHEEL_INPUTS))
    cache = root / "_build" / ".dist-wheel" / key.hexdigest()[:16]
    wheels = sorted(cache.glob("optimlib-*.whl"))
    if wheels:
        return wheels[0]
    shutil.rmtree(cache.parent, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "src"
        shutil.copytree(root / "optimlib", src / "optimlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in WHEEL_INPUTS:
            shutil.copy2(root / name, src / name)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(timestamp(root)))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, str(src)],
                       check=True, env=env)
        [wheel] = pathlib.Path(tmp).glob("optimlib-*.whl")
        cache.mkdir(parents=True)
        return pathlib.Path(shutil.copy2(wheel, cache / wheel.name))


def reader_requirements(root=ROOT):
    """The pins (name==version) of READER_PACKAGES, read from the book's pin files."""
    pins = {}
    for name in PIN_FILES:
        for line in (root / name).read_text().splitlines():
            m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
            if m:
                pins.setdefault(m.group(1).lower().replace("_", "-"), line.strip())
    missing = [p for p in READER_PACKAGES if p not in pins]
    if missing:
        raise SystemExit(f"dist: no pin for {', '.join(missing)} in {' or '.join(PIN_FILES)}")
    head = "# The packages the reader's notebooks need, pinned as the book was built (pip install -r requirements.txt)."
    return "\n".join([head] + [pins[p] for p in READER_PACKAGES]) + "\n"


def files(site, notebooks):
    """(path inside the book folder, file on disk) for everything the zip holds but the wheel and the texts."""
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if path.is_file() and rel.parts[0] not in SKIP:
            yield rel.as_posix(), path
    for path in sorted(notebooks.glob("*.ipynb")):
        yield f"notebooks/{path.name}", path


def build(root=ROOT, out=None, compresslevel=6):
    """Write the zip; return its path. Needs a finished `make book` (the site and the reader's edition)."""
    root = pathlib.Path(root)
    site, notebooks = root / "_build" / "html", root / "_build" / "notebooks"
    if not (site / "index.html").exists() or not any(notebooks.glob("*.ipynb")):
        raise SystemExit("dist: no built site in _build/html or no reader's edition in _build/notebooks: "
                         "run `make book` first")
    name, version, title, meta = project(root)
    out = pathlib.Path(out or root / "_build" / "dist")
    out.mkdir(parents=True, exist_ok=True)
    folder = f"{name}-{version}"
    target = out / f"{folder}.zip"
    date = time.gmtime(timestamp(root))[:6]
    wheel = build_wheel(root)
    readme = README.format(title=title, underline="=" * len(title), wheel=wheel.name, describe=folder,
                           python=meta.get("Requires-Python", "3"))
    entries = [(rel, path.read_bytes()) for rel, path in files(site, notebooks)]
    entries += [(wheel.name, wheel.read_bytes()), ("requirements.txt", reader_requirements(root).encode()),
                ("README.txt", readme.encode())]
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for rel, data in sorted(entries):
            info = zipfile.ZipInfo(f"{folder}/{rel}", date_time=date)
            info.external_attr = 0o644 << 16
            stored = pathlib.PurePosixPath(rel).suffix.lower() in STORED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=None if stored else compresslevel)
    partial.replace(target)
    for old in out.glob(f"{name}-*.zip"):  # one zip: the newest build's
        if old != target:
            old.unlink()
    return target


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="folder for the zip (default: _build/dist)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    target = build(ROOT, args.out)
    print(f"dist: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
          f"({target.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
