"""The digits experiment of chapter 12 (AdamW): its run time, and the whole chapter's, against the 15 s target.

The experiment (3 methods x 25 settings x 3 seeds of a 64-32-10 MLP on scikit-learn's bundled digits, mini-batches)
is the book's heaviest computation. This runs the chapter's notebook twice, as the build does (BLAS on one thread,
OPTIMLIB_STATIC=1), and reports wall and CPU time for the whole notebook and for the experiment's cell alone.
Timings depend on the machine and its load; on a shared machine compare the CPU time with the target.

Run: .venv/bin/python bench/bench_digits.py
"""
import os
import pathlib
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ["OPTIMLIB_STATIC"] = "1"

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "12_adamw.ipynb"
TARGET_S = 15.0
MARK = "results = {name: train_grid("   # the experiment's cell


def run_once():
    nb = nbformat.read(CHAPTER, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith(MARK))
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("_bench_t1 = time.perf_counter(); "
                                                         "_bench_c1 = time.process_time()"))
    nb.cells.insert(index, nbformat.v4.new_code_cell("import time; _bench_t0 = time.perf_counter(); "
                                                     "_bench_c0 = time.process_time()"))
    nb.cells.append(nbformat.v4.new_code_cell("print(_bench_t1 - _bench_t0, _bench_c1 - _bench_c0, "
                                              "time.process_time())"))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(CHAPTER.parent)}})
    start, cpu = time.perf_counter(), time.process_time()
    client.execute()
    wall = time.perf_counter() - start
    wall_exp, cpu_exp, cpu_all = map(float, nb.cells[-1].outputs[0]["text"].split())
    return wall, cpu_all, wall_exp, cpu_exp


def main():
    for attempt in (1, 2):
        wall, cpu_all, wall_exp, cpu_exp = run_once()
        verdict = "PASS" if wall < TARGET_S else "MISS"
        print(f"run {attempt}: chapter 12 executes in {wall:5.1f} s wall, kernel CPU {cpu_all:4.1f} s "
              f"(target < {TARGET_S:.0f} s) {verdict}; digits experiment {wall_exp:4.1f} s wall, "
              f"{cpu_exp:4.1f} s CPU", flush=True)


if __name__ == "__main__":
    main()
