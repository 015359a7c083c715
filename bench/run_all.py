"""`make bench`: every speed figure of the project, measured in one run, printed with its target.

Build times are measured on a throw-away copy of the build folder, so `_build/` is left as it was.
"""
import gzip
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
PY = sys.executable
LIBRARY_BENCHES = ["bench_optimizers.py", "bench_after_adamw.py", "bench_newton.py", "bench_explorer.py",
                   "bench_digits.py", "bench_phase.py", "bench_lab.py"]
LIBRARY_BENCHES += ["bench_dist.py", "bench_pdf.py"]  # make dist (the zip's size and time), make pdf (time, size, pages)
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests" / "book")]  # sitecheck, and test_site's toc_pages


def verdict(ok):
    return "PASS" if ok else "MISS"


def timed(command, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode:
        print(result.stdout[-3000:], result.stderr[-3000:])
        raise SystemExit(f"bench: {' '.join(map(str, command))} failed")
    return elapsed


def build_times(output):
    env = dict(os.environ, OPTIMLIB_STATIC="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    command = [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going",
               "--path-output", str(output)]
    cold = timed(command, env=env)
    notebook = next((ROOT / "book").glob("0*.ipynb"))
    cached = timed(command, env=env)
    notebook.touch()  # a source change with unchanged code: re-rendered from the execution cache
    touched = timed(command, env=env)
    return cold, cached, touched


COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt")


def transfer_size(url, body):
    """Bytes a static host sends with gzip (as GitHub Pages, Netlify or nginx do) for one response."""
    path = url.split("?")[0]
    return len(gzip.compress(body, 6)) if path.endswith(COMPRESSIBLE) or path.endswith("/") else len(body)


def page_weights(site, pages):
    """(raw, gzip) bytes to open each page in a fresh browser: HTML, scripts, styles, fonts, images, data."""
    from playwright.sync_api import sync_playwright
    from sitecheck import CHROMIUM, CHROMIUM_ARGS, serve

    weights = {}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            responses = []
            page.on("response", lambda r: responses.append(r) if r.ok and r.status != 204 else None)
            page.goto(base + page_path, wait_until="networkidle")
            bodies = [(r.url, r.body()) for r in responses]  # read before the page closes
            weights[page_path] = (sum(len(b) for _, b in bodies), sum(transfer_size(u, b) for u, b in bodies))
            context.close()
        browser.close()
    return weights


def main():
    from test_site import toc_pages

    print("== Book ==")
    with tempfile.TemporaryDirectory() as tmp:
        cold, cached, touched = build_times(pathlib.Path(tmp))
        print(f"cold build of the whole book:        {cold:6.1f} s   (target < 60 s)  {verdict(cold < 60)}")
        print(f"cached rebuild, nothing changed:     {cached:6.1f} s   (target < 15 s)  {verdict(cached < 15)}")
        print(f"cached rebuild, one notebook edited: {touched:6.1f} s   (target < 15 s)  {verdict(touched < 15)}")
        weights = page_weights(pathlib.Path(tmp) / "_build" / "html", toc_pages())
    print("page weight: bytes sent with gzip (target < 3 MB), and uncompressed; the theme's Font Awesome (1.5 MB) and")
    print("MathJax (1.2 MB) are the same on every page and cached after the first")
    for page, (raw, sent) in weights.items():
        print(f"  {page:42s} {sent / 1e6:5.2f} MB sent  {verdict(sent < 3e6)}   ({raw / 1e6:5.2f} MB uncompressed)")

    print("\n== Test suite ==")
    elapsed = timed(["make", "--no-print-directory", "test"])
    print(f"make test (with cached build):       {elapsed:6.1f} s   (target < 300 s) {verdict(elapsed < 300)}")

    for script in LIBRARY_BENCHES:
        print(f"\n== {script} ==", flush=True)
        subprocess.run([PY, str(ROOT / "bench" / script)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
