"""Speed of optimlib's optimizers, each figure printed against its target.

1. Adam's update on 10 million float32 parameters, against torch.optim.Adam(foreach=True) (within 3x; stays float32).
2. The per-step overhead, update + apply_updates, on a 2-D problem (under 30 microseconds).
3. A 2,000-setting x 200-step momentum sweep on a 2-D quadratic, batched (params (2000, 2), learning rate and
   momentum (2000, 1)) against a Python loop over the settings (at least 50x faster; same numbers).

Run: .venv/bin/python bench/bench_optimizers.py   (about 20 s; timings depend on the machine and its load)
"""
import time
import timeit

import numpy as np

import optimlib as ol


def verdict(ok):
    return "PASS" if ok else "MISS"


def median_ms(step, repeats):
    step()                                           # warm-up: first-touch page faults, lazy initialization
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def adam_large(n=10_000_000, repeats=7):
    rng = np.random.default_rng(0)
    params = rng.standard_normal(n, dtype=np.float32)
    grads = rng.standard_normal(n, dtype=np.float32)
    opt = ol.adam(1e-3)
    box = [params, opt.init(params)]

    def ours():
        updates, box[1] = opt.update(grads, box[1], box[0])
        box[0] = ol.apply_updates(box[0], updates)

    ours_ms = median_ms(ours, repeats)
    dtypes = {box[0].dtype, box[1][0].m.dtype, box[1][0].v.dtype}
    print(f"Adam, {n:,} float32 parameters: optimlib {ours_ms:7.1f} ms/step   dtypes {sorted(map(str, dtypes))}  "
          f"{verdict(dtypes == {np.dtype(np.float32)})} (stays float32)")
    try:
        import torch
    except ImportError:
        print("torch is not installed: the comparison with torch.optim.Adam(foreach=True) is skipped")
        return
    p = torch.from_numpy(params.copy()).requires_grad_(True)
    p.grad = torch.from_numpy(grads.copy())
    topt = torch.optim.Adam([p], lr=1e-3, foreach=True)
    with torch.no_grad():
        torch_ms = median_ms(topt.step, repeats)
    ratio = ours_ms / torch_ms
    print(f"                                 torch    {torch_ms:7.1f} ms/step   ({torch.get_num_threads()} threads)")
    print(f"                                 ratio    {ratio:7.2f}x  (target <= 3x)  {verdict(ratio <= 3)}")


def overhead(steps=5000):
    for name, opt in [("sgd", ol.sgd(0.1)), ("momentum", ol.sgd(0.1, momentum=0.9)), ("adam", ol.adam(0.1))]:
        params, grads = np.array([1.0, -2.0]), np.array([0.5, 0.25])
        box = [params, opt.init(params)]

        def step():
            updates, box[1] = opt.update(grads, box[1], box[0])
            box[0] = ol.apply_updates(box[0], updates)

        us = 1e6 * min(timeit.repeat(step, number=steps, repeat=5)) / steps
        print(f"per-step overhead, 2-D, {name:9s} {us:6.1f} us   (target < 30 us)  {verdict(us < 30)}")


def sweep(K=2000, steps=200):
    rng = np.random.default_rng(0)
    lam = np.array([1.0, 10.0])                      # f(x) = (x1^2 + 10 x2^2) / 2
    lr = rng.uniform(0.01, 0.19, size=(K, 1))
    momentum = rng.uniform(0.0, 0.95, size=(K, 1))
    x0 = np.array([1.0, 1.0])

    def run(opt, x):
        state = opt.init(x)
        for _ in range(steps):
            updates, state = opt.update(lam * x, state, x)
            x = ol.apply_updates(x, updates)
        return x

    start = time.perf_counter()
    batched = run(ol.sgd(lr, momentum=momentum), np.tile(x0, (K, 1)))
    t_batched = time.perf_counter() - start
    start = time.perf_counter()
    looped = np.array([run(ol.sgd(lr[k, 0], momentum=momentum[k, 0]), x0) for k in range(K)])
    t_looped = time.perf_counter() - start
    same = np.allclose(batched, looped, rtol=1e-12, atol=1e-300)
    speedup = t_looped / t_batched
    print(f"momentum sweep, {K:,} settings x {steps} steps: batched {t_batched:6.3f} s, looped {t_looped:6.2f} s")
    print(f"    speed-up {speedup:6.0f}x  (target >= 50x)  {verdict(speedup >= 50)};  "
          f"same final iterates: {verdict(same)}")


def main():
    start = time.perf_counter()
    adam_large()
    overhead()
    sweep()
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
