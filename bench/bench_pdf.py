"""The book's PDF (`make pdf`): its build time, size and page count. Figures, no target.

Times tools/build_pdf.py (what `make pdf` runs) twice on the project's own build folder: every page read again from
the execution cache (`--all`: the case after `make book` re-executed the notebooks), then again with nothing changed.
Neither executes a notebook if `make book` has filled the cache; the count of cached notebooks is printed.
A cold PDF build (no cache) costs the website's cold build (notebook execution, `make bench`'s first figure) plus the
first of these.

Run: .venv/bin/python bench/bench_pdf.py   (needs Debian's TeX: `make tex`)
"""
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests" / "book")]
import build_pdf  # noqa: E402
from test_pdf import TOOLS, page_count  # noqa: E402


def timed_build(*flags):
    env = dict(os.environ, OPTIMLIB_STATIC="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_pdf.py"), "-W", "-n", "--keep-going", *flags],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit("bench_pdf: make pdf failed")
    executed = result.stdout.count("Executing notebook")
    return elapsed, executed


def main():
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        print(f"skipped: no TeX ({', '.join(missing)} not found; `make tex` installs it)")
        return
    cache = ROOT / "_build" / ".jupyter_cache" / "executed"
    cached = len(list(cache.iterdir())) if cache.is_dir() else 0
    print(f"execution cache: {cached} notebooks (filled by `make book`)")
    full, executed = timed_build("--all")
    print(f"make pdf, every page re-read:        {full:6.1f} s   ({executed} notebooks executed)")
    again, executed = timed_build()
    print(f"make pdf, nothing changed:           {again:6.1f} s   ({executed} notebooks executed)")
    pdf = build_pdf.PDF
    print(f"PDF: {pdf.relative_to(ROOT)}, {pdf.stat().st_size / 1e6:.1f} MB, {page_count(pdf)} pages")


if __name__ == "__main__":
    main()
