"""Live explorer latency in a real JupyterLab: key press on a slider to the new figure shown, in headless Chromium.

The explorer of bench_explorer.py (six optimizers x 200 steps on Rosenbrock); its first slider, the learning rate,
reruns all six on every move. Each press of an arrow key is timed in the page, from the keydown event to the `load`
event of the figure's new image (the kernel round trip, the runs, the redraw, the PNG transfer and its decoding).
Target: median under 100 ms.

Run: .venv/bin/python bench/bench_lab.py   (needs requirements-lab.txt; `make bench` installs it)
"""
import pathlib
import statistics
import sys
import tempfile

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lab"))
from labcheck import EXPLORERS, LabPage, NotebookReport, chromium, jupyterlab, run_all  # noqa: E402

TARGET_MS, PRESSES = 100.0, 30
CELL = f"""import sys
sys.path.insert(0, {str(ROOT / 'bench')!r})
import optimlib as ol
from bench_explorer import OPTIMIZERS, SLIDERS
ol.explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=200, title="Six optimizers on Rosenbrock")"""

TIMER = """() => {
  const box = document.querySelector('[data-ol-explorer="0"]'), img = box.querySelector('img');
  window.__ol = {times: [], t0: null};
  document.addEventListener('keydown', () => { window.__ol.t0 = performance.now(); }, true);
  img.addEventListener('load', () => {
    if (window.__ol.t0 !== null) { window.__ol.times.push(performance.now() - window.__ol.t0); window.__ol.t0 = null; }
  });
}"""


def measure(presses=PRESSES):
    with tempfile.TemporaryDirectory() as folder:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, f"{folder}/latency.ipynb")
        with jupyterlab(folder) as (base, token), chromium() as browser:
            report = NotebookReport("latency.ipynb")
            lab = LabPage(browser, base, token)
            page = lab.open("latency.ipynb", report)
            run_all(page, report)
            page.wait_for_timeout(1000)
            [explorer] = page.evaluate(EXPLORERS)
            assert explorer["img"] and explorer["width"], explorer
            page.evaluate(TIMER)
            handle = page.locator('[data-ol-explorer="0"] .widget-slider .noUi-handle').first
            handle.focus()
            for i in range(presses):  # back and forth across the middle of the 11 learning rates
                page.keyboard.press("ArrowRight" if (i // 4) % 2 == 0 else "ArrowLeft")
                page.wait_for_function(f"window.__ol.times.length > {i}", timeout=10000)
            times = page.evaluate("window.__ol.times")
            lab.close()
    return times


def main():
    times = sorted(measure())
    median, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
    print(f"live explorer in JupyterLab (6 optimizers x 200 steps, key press to new figure, {len(times)} presses): "
          f"median {median:.0f} ms, p90 {p90:.0f} ms, max {times[-1]:.0f} ms "
          f"(target median < {TARGET_MS:.0f} ms): {'PASS' if median < TARGET_MS else 'MISS'}")


if __name__ == "__main__":
    main()
