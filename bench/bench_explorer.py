"""Explorer speed and weight: the live update time in Jupyter and the HTML size of a web explorer.

Live: six optimizers x 200 steps on Rosenbrock, Agg backend; each slider move reruns the optimizers that use
the slider (through optimlib) and redraws the figure to PNG. Target: median under 50 ms over 20 moves.
Web: the same explorer precomputed over 11 learning rates x 5 momenta. Target: under 600 kB, so that a chapter
page with a few explorers stays under its 3 MB budget.

Run: .venv/bin/python bench/bench_explorer.py
"""
import os
import statistics
import time

import matplotlib

matplotlib.use("Agg")
os.environ.pop("OPTIMLIB_STATIC", None)

import optimlib as ol  # noqa: E402

LIVE_TARGET_MS, HTML_TARGET_KB = 50.0, 600.0

OPTIMIZERS = {
    "GD": lambda learning_rate: ol.sgd(learning_rate),
    "Momentum": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum),
    "Nesterov": lambda learning_rate, momentum: ol.sgd(learning_rate, momentum=momentum, nesterov=True),
    "Adagrad": lambda learning_rate: ol.adagrad(300 * learning_rate),
    "RMSProp": lambda learning_rate: ol.rmsprop(10 * learning_rate),
    "Adam": lambda learning_rate: ol.adam(30 * learning_rate),
}
SLIDERS = {"learning_rate": ol.log_grid(1e-4, 3e-3, 11), "momentum": [0.5, 0.8, 0.9, 0.95, 0.99]}


def bench_live(moves=20):
    ex = ol.explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=200)
    rates, moms = list(SLIDERS["learning_rate"]), list(SLIDERS["momentum"])
    times = []
    for i in range(moves):  # alternate the sliders: a learning-rate move reruns all six, a momentum move two
        move = {"learning_rate": rates[(3 + 5 * i) % len(rates)]} if i % 2 == 0 else \
            {"momentum": moms[(1 + 2 * i) % len(moms)]}
        t = time.perf_counter()
        ex.set(**move)
        times.append(1e3 * (time.perf_counter() - t))
    return statistics.median(times), max(times)


def bench_web():
    t = time.perf_counter()
    ex = ol.web_explorer(ol.rosenbrock(), OPTIMIZERS, SLIDERS, steps=200, title="Six optimizers on Rosenbrock")
    build = time.perf_counter() - t
    race = ol.web_explorer(ol.rosenbrock(), {name: f(1e-3, 0.9) if name in ("Momentum", "Nesterov") else f(1e-3)
                                             for name, f in OPTIMIZERS.items()}, {}, steps=200, animate=True)
    return ex.nbytes / 1024, build, race.nbytes / 1024


def main():
    median, worst = bench_live()
    print(f"live explorer update (6 optimizers x 200 steps, compute + redraw, Agg): median {median:.1f} ms, "
          f"max {worst:.1f} ms (target < {LIVE_TARGET_MS:.0f} ms): {'PASS' if median < LIVE_TARGET_MS else 'MISS'}")
    kb, build, race_kb = bench_web()
    print(f"web explorer (6 optimizers, 11 x 5 settings, 200 steps): {kb:.0f} kB of HTML, built in {build:.2f} s "
          f"(target < {HTML_TARGET_KB:.0f} kB): {'PASS' if kb < HTML_TARGET_KB else 'MISS'}")
    print(f"web race (6 optimizers, step scrubber): {race_kb:.0f} kB of HTML "
          f"(target < {HTML_TARGET_KB:.0f} kB): {'PASS' if race_kb < HTML_TARGET_KB else 'MISS'}")


if __name__ == "__main__":
    main()
