"""`make bench`: every speed figure of the project, measured in one run, printed with its target.

Build times are measured on a throw-away copy of the build folder, so `_build/` is left as it was.
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
PY = sys.executable
LIBRARY_BENCHES = ["bench_optimizers.py", "bench_newton.py", "bench_explorer.py"]
sys.path.insert(0, str(ROOT / "tests" / "site"))


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


def page_weights(site, pages):
    """Bytes transferred to open each page in a fresh browser (HTML, scripts, styles, fonts, images, data)."""
    from playwright.sync_api import sync_playwright
    from sitecheck import CHROMIUM, CHROMIUM_ARGS, serve

    weights = {}
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            sizes = []
            page.on("response", lambda r: sizes.append(len(r.body())) if r.ok and r.status != 204 else None)
            page.goto(base + page_path, wait_until="networkidle")
            weights[page_path] = sum(sizes)
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
    for page, size in weights.items():
        print(f"page weight {page:42s} {size / 1e6:5.2f} MB (target < 3 MB)  {verdict(size < 3e6)}")

    print("\n== Test suite ==")
    elapsed = timed(["make", "--no-print-directory", "test"])
    print(f"make test (with cached build):       {elapsed:6.1f} s   (target < 300 s) {verdict(elapsed < 300)}")

    for script in LIBRARY_BENCHES:
        print(f"\n== {script} ==", flush=True)
        subprocess.run([PY, str(ROOT / "bench" / script)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
