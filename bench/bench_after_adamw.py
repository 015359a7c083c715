"""Step time of Lion and Muon on one 1024 x 1024 float32 matrix, against their reference implementations.

1. ol.lion against lion-pytorch's Lion (within 3x).
2. ol.muon (Newton-Schulz in float32 NumPy) against torch.optim.Muon (Newton-Schulz in bfloat16; within 3x).
Both sides are timed on the same matrix and gradient, after a warm-up step; torch uses its default threads.

Run: .venv/bin/python bench/bench_after_adamw.py   (about 20 s; timings depend on the machine and its load)
"""
import time

import numpy as np

import optimlib as ol
from bench_optimizers import median_ms, verdict

N = 1024


def ours_ms(opt, params, grads, repeats):
    box = [params, opt.init(params)]

    def step():
        updates, box[1] = opt.update(grads, box[1], box[0])
        box[0] = ol.apply_updates(box[0], updates)

    ms = median_ms(step, repeats)
    return ms, box[0].dtype


def torch_ms(torch, make, params, grads, repeats):
    p = torch.from_numpy(params.copy()).requires_grad_(True)
    p.grad = torch.from_numpy(grads.copy())
    opt = make([p])
    with torch.no_grad():
        return median_ms(opt.step, repeats)


def compare(name, opt, reference, make, repeats):
    rng = np.random.default_rng(0)
    params = rng.standard_normal((N, N), dtype=np.float32)
    grads = rng.standard_normal((N, N), dtype=np.float32)
    ms, dtype = ours_ms(opt, params, grads, repeats)
    print(f"{name}, {N}x{N} float32: optimlib {ms:8.1f} ms/step   (stays {dtype})")
    try:
        import torch
        theirs = torch_ms(torch, make(), params, grads, repeats)
    except ImportError as error:
        print(f"    {reference} is not installed ({error.name}): the comparison is skipped")
        return
    ratio = ms / theirs
    print(f"    {reference:28s} {theirs:8.1f} ms/step   ({torch.get_num_threads()} threads)")
    print(f"    ratio {ratio:6.2f}x  (target <= 3x)  {verdict(ratio <= 3)}")


def lion_reference():
    from lion_pytorch import Lion
    return lambda ps: Lion(ps, lr=1e-4, weight_decay=0.1)


def muon_reference():
    import torch
    return lambda ps: torch.optim.Muon(ps, lr=0.02, weight_decay=0.1)


def main():
    start = time.perf_counter()
    compare("Lion", ol.lion(1e-4, weight_decay=0.1), "lion-pytorch Lion", lion_reference, repeats=15)
    compare("Muon", ol.muon(0.02, weight_decay=0.1), "torch.optim.Muon (bfloat16 NS)", muon_reference, repeats=7)
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
