"""Cost of a Newton step against dimension: Hessian memory (expect d^2) and solve time (expect d^3).

A gradient step x - eta * g is timed for contrast (expect d^1, dominated by overhead at small d).
BLAS runs single-threaded here (set before NumPy loads; override with OPENBLAS_NUM_THREADS) so that the
growth measured is the algorithm's, not the thread scheduler's on a shared machine.
Run: .venv/bin/python bench/bench_newton.py   (a few seconds; timings depend on the machine and its load)
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

import optimlib as ol  # noqa: E402

DIMS = [50, 100, 200, 400, 800, 1600, 3200]


def main():
    start = time.perf_counter()
    cost = ol.newton_cost(DIMS, rng=np.random.default_rng(0), repeats=5)
    print("Newton step vs gradient step, per step")
    print(f"{'d':>6} {'gradient bytes':>15} {'Hessian bytes':>15} {'solve (ms)':>11} {'grad step (us)':>15}")
    for d, gb, hb, solve, step in zip(*cost):
        print(f"{d:>6} {gb:>15,} {hb:>15,} {1e3 * solve:>11.3f} {1e6 * step:>15.2f}")
    large = cost.d >= 800
    print("fitted exponents k in cost ~ d^k (d >= 800):")
    print(f"  Hessian memory  {ol.loglog_slope(cost.d, cost.hessian_bytes):.2f}   (theory 2)")
    print(f"  Newton solve    {ol.loglog_slope(cost.d[large], cost.solve_seconds[large]):.2f}   (theory 3; "
          f"cache and BLAS-3 efficiency bend the measured curve at moderate d)")
    print(f"  gradient step   {ol.loglog_slope(cost.d[large], cost.gradient_step_seconds[large]):.2f}   "
          "(theory 1; at these sizes the ~1 us call overhead dominates)")
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
