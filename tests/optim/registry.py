"""The optimizers under test, one entry each (as Optax's ``_OPTIMIZERS_UNDER_TEST`` and PyTorch's ``optim_db``).

Adding an optimizer is one entry here: the generic tests of ``test_optimizers.py`` (convergence, the naive loop,
batched = looped, state fields, no mutation, no aliasing, float32, schedules, the sign), the step-for-step comparisons
of ``test_torch.py`` and the random grids of ``test_properties.py`` all read it.
"""
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Optional

from hypothesis import strategies as st

import optimlib as ol
from naive import naive_adadelta, naive_adagrad, naive_adam, naive_momentum, naive_nesterov, naive_rmsprop


@dataclass(frozen=True, kw_only=True)
class Case:
    make: Callable                 # make(**hyperparameters) -> GradientTransformation; takes learning_rate
    quad: dict                     # converges to the minimum of the rotated quadratic in 300 steps
    rosen: dict                    # converges to (1, 1) on Rosenbrock from (-1.2, 1) in rosen_steps
    rosen_steps: int
    naive: Callable                # naive(grad, x0, steps, **settings): the paper's loop (naive.py)
    settings: dict                 # non-default hyperparameters, for the naive loop and the purity tests
    grid: dict                     # three values of every hyperparameter: a batch equals a loop over them
    states: tuple                  # the fields of each state in the chain, in order
    direction: Optional[Callable] = None   # () -> the transform before scale_by_learning_rate (keeps g's sign)
    torch: tuple = ()              # (our hyperparameters, torch.optim class name, its arguments): step for step
    torch_rtol: float = 1e-11
    strategies: Callable = field(default=lambda: {})  # () -> {hyperparameter: hypothesis strategy}


BETAS = st.floats(0.0, 0.999)
LR = ("count",)                    # the state of scale_by_learning_rate


def adam_no_bias(learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    return ol.chain(ol.scale_by_adam(b1, b2, eps, bias_correction=False), ol.scale_by_learning_rate(learning_rate))


_ADAM_GRID = dict(learning_rate=[0.01, 0.1, 0.3], b1=[0.0, 0.5, 0.9], b2=[0.9, 0.99, 0.999], eps=[0.0, 1e-8, 0.1])
_ADAM_SETTINGS = dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3)
_ADAM_TORCH = ((dict(), dict()),
               (dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3), dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3)),
               (dict(learning_rate=0.01, b1=0.0, b2=0.5, eps=1e-6), dict(lr=0.01, betas=(0.0, 0.5), eps=1e-6)))


def _adam_strategies():
    return dict(learning_rate=st.floats(0.0, 0.3), b1=BETAS, b2=BETAS, eps=st.floats(1e-8, 1.0))


OPTIMIZERS = {
    "sgd": Case(
        make=ol.sgd, quad=dict(learning_rate=0.18), rosen=dict(learning_rate=2e-3), rosen_steps=10000,
        naive=naive_momentum, settings=dict(learning_rate=1e-3), grid=dict(learning_rate=[0.01, 0.1, 0.15]),
        states=(LR,), torch=((dict(learning_rate=0.05), "SGD", dict(lr=0.05)),
                             (dict(learning_rate=0.02), "SGD", dict(lr=0.02))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3))),
    "momentum": Case(
        make=ol.sgd, quad=dict(learning_rate=0.05, momentum=0.7), rosen=dict(learning_rate=1e-3, momentum=0.95),
        rosen_steps=3000, naive=naive_momentum, settings=dict(learning_rate=1e-3, momentum=0.8),
        grid=dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.0, 0.5, 0.9]), states=(("b",), LR),
        direction=lambda: ol.trace(0.9),
        torch=((dict(learning_rate=0.03, momentum=0.9), "SGD", dict(lr=0.03, momentum=0.9)),
               (dict(learning_rate=0.01, momentum=0.5), "SGD", dict(lr=0.01, momentum=0.5))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), momentum=st.floats(0.01, 0.99))),
    "nesterov": Case(
        make=partial(ol.sgd, nesterov=True), quad=dict(learning_rate=0.1, momentum=0.7),
        rosen=dict(learning_rate=1e-3, momentum=0.95), rosen_steps=3000, naive=naive_nesterov,
        settings=dict(learning_rate=1e-3, momentum=0.8),
        grid=dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.3, 0.5, 0.9]), states=(("b",), LR),
        direction=lambda: ol.trace(0.5, nesterov=True),
        torch=((dict(learning_rate=0.01, momentum=0.9), "SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
               (dict(learning_rate=0.02, momentum=0.3), "SGD", dict(lr=0.02, momentum=0.3, nesterov=True))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), momentum=st.floats(0.01, 0.99))),
    "heavy_ball": Case(  # the velocity form: equal to torch's SGD while the rate is constant
        make=ol.heavy_ball, quad=dict(learning_rate=0.05, momentum=0.7), rosen=dict(learning_rate=1e-3, momentum=0.95),
        rosen_steps=3000, naive=naive_momentum, settings=dict(learning_rate=1e-3, momentum=0.8),
        grid=dict(learning_rate=[0.01, 0.05, 0.1], momentum=[0.0, 0.5, 0.9]), states=(LR, ("b",)),
        torch=((dict(learning_rate=0.03, momentum=0.9), "SGD", dict(lr=0.03, momentum=0.9)),
               (dict(learning_rate=0.02, momentum=0.6, nesterov=True), "SGD",
                dict(lr=0.02, momentum=0.6, nesterov=True))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), momentum=st.floats(0.0, 0.99))),
    "adagrad": Case(
        make=ol.adagrad, quad=dict(learning_rate=2.0), rosen=dict(learning_rate=0.5), rosen_steps=10000,
        naive=naive_adagrad, settings=dict(learning_rate=0.3, eps=1e-3, initial_accumulator_value=0.5),
        grid=dict(learning_rate=[0.1, 0.5, 1.0], eps=[0.0, 1e-3, 0.1], initial_accumulator_value=[0, 0.1, 1]),
        states=(("G",), LR), direction=ol.scale_by_adagrad,
        torch=((dict(learning_rate=0.1), "Adagrad", dict(lr=0.1)),
               (dict(learning_rate=0.3, eps=1e-3, initial_accumulator_value=0.5), "Adagrad",
                dict(lr=0.3, eps=1e-3, initial_accumulator_value=0.5)),
               (dict(learning_rate=1.0, eps=0.0, initial_accumulator_value=0.1), "Adagrad",
                dict(lr=1.0, eps=0.0, initial_accumulator_value=0.1))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 1.0), eps=st.floats(1e-10, 1.0),
                                initial_accumulator_value=st.floats(0.0, 1.0))),
    "adadelta": Case(
        make=ol.adadelta, quad=dict(rho=0.95, eps=1e-4),
        rosen=dict(learning_rate=ol.exponential_decay(1.0, 0.9997), rho=0.95, eps=1e-6), rosen_steps=12000,
        naive=naive_adadelta, settings=dict(learning_rate=1.0, rho=0.8, eps=1e-4),
        grid=dict(learning_rate=[0.5, 1.0, 2.0], rho=[0.5, 0.9, 0.99], eps=[1e-6, 1e-4, 1e-2]),
        states=(("Eg2", "Edx2"), LR), direction=ol.scale_by_adadelta,
        torch=((dict(), "Adadelta", dict(lr=1.0, rho=0.9, eps=1e-6)),
               (dict(learning_rate=1.0, rho=0.95, eps=1e-6), "Adadelta", dict(lr=1.0, rho=0.95, eps=1e-6)),
               (dict(learning_rate=0.5, rho=0.7, eps=1e-3), "Adadelta", dict(lr=0.5, rho=0.7, eps=1e-3))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 2.0), rho=BETAS, eps=st.floats(1e-8, 1e-2))),
    "rmsprop": Case(
        make=ol.rmsprop, quad=dict(learning_rate=ol.cosine_decay(0.1, decay_steps=300)),
        rosen=dict(learning_rate=ol.exponential_decay(0.01, 0.999)), rosen_steps=6000, naive=naive_rmsprop,
        settings=dict(learning_rate=0.01, decay=0.7, eps=1e-3),
        grid=dict(learning_rate=[0.001, 0.01, 0.1], decay=[0.5, 0.9, 0.99], eps=[0.0, 1e-8, 1e-2]),
        states=(("Eg2",), LR), direction=ol.scale_by_rmsprop,
        torch=((dict(learning_rate=0.01, decay=0.9), "RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-8)),
               (dict(learning_rate=0.01), "RMSprop", dict(lr=0.01)),
               (dict(learning_rate=0.003, decay=0.5, eps=1e-3), "RMSprop", dict(lr=0.003, alpha=0.5, eps=1e-3))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.1), decay=BETAS, eps=st.floats(1e-8, 1.0))),
    "centered_rmsprop": Case(
        make=partial(ol.rmsprop, centered=True), quad=dict(learning_rate=ol.cosine_decay(0.05, 300)),
        rosen=dict(learning_rate=ol.exponential_decay(0.005, 0.999)), rosen_steps=6000,
        naive=partial(naive_rmsprop, centered=True), settings=dict(learning_rate=0.01, decay=0.7, eps=1e-3),
        grid=dict(learning_rate=[0.001, 0.01, 0.1], decay=[0.5, 0.9, 0.99], eps=[0.0, 1e-8, 1e-2]),
        states=(("Eg", "Eg2"), LR), direction=partial(ol.scale_by_rmsprop, centered=True),
        torch=((dict(learning_rate=0.01), "RMSprop", dict(lr=0.01, centered=True)),
               (dict(learning_rate=0.003, decay=0.8, eps=1e-4), "RMSprop",
                dict(lr=0.003, alpha=0.8, eps=1e-4, centered=True))),
        # E[g^2] - E[g]^2 cancels where the gradient settles: round-off is amplified by E[g^2] / Var[g]
        torch_rtol=1e-9,
        # decay 0 makes the variance estimate 0 and the step g / eps: keep decay and eps away from 0 (no blow-up)
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.01), decay=st.floats(0.5, 0.999),
                                eps=st.floats(0.1, 1.0))),
    "adam": Case(
        make=ol.adam, quad=dict(learning_rate=0.3, b1=0.5), rosen=dict(learning_rate=0.03), rosen_steps=3000,
        naive=naive_adam, settings=_ADAM_SETTINGS, grid=_ADAM_GRID, states=(("count", "m", "v"), LR),
        direction=ol.scale_by_adam, torch=tuple((ours, "Adam", theirs) for ours, theirs in _ADAM_TORCH),
        strategies=_adam_strategies),
    "adam_no_bias": Case(
        make=adam_no_bias, quad=dict(learning_rate=0.3, b1=0.5), rosen=dict(learning_rate=0.03), rosen_steps=3000,
        naive=partial(naive_adam, bias_correction=False), settings=_ADAM_SETTINGS, grid=_ADAM_GRID,
        states=(("count", "m", "v"), LR), direction=partial(ol.scale_by_adam, bias_correction=False),
        strategies=_adam_strategies),
    "adamw": Case(
        make=ol.adamw, quad=dict(learning_rate=0.3, b1=0.5, weight_decay=1e-4),
        rosen=dict(learning_rate=0.03, weight_decay=1e-4), rosen_steps=3000, naive=naive_adam,
        settings=dict(_ADAM_SETTINGS, weight_decay=0.3), grid=dict(_ADAM_GRID, weight_decay=[0.0, 0.1, 1.0]),
        states=(("count", "m", "v"), (), LR), direction=lambda: ol.add_decayed_weights(0.1),
        torch=((dict(), "AdamW", dict()),
               (dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3, weight_decay=0.3), "AdamW",
                dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.3)),
               (dict(learning_rate=0.02, b1=0.5, b2=0.9, eps=1e-6, weight_decay=2.0), "AdamW",
                dict(lr=0.02, betas=(0.5, 0.9), eps=1e-6, weight_decay=2.0))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), b1=BETAS, weight_decay=st.floats(0.0, 1.0))),
    "adam_l2": Case(
        make=ol.adam_l2, quad=dict(learning_rate=0.3, b1=0.5, weight_decay=1e-4),
        rosen=dict(learning_rate=0.03, weight_decay=1e-4), rosen_steps=3000,
        naive=lambda grad, x0, steps, weight_decay, **kw: naive_adam(grad, x0, steps, l2=weight_decay, **kw),
        settings=dict(_ADAM_SETTINGS, weight_decay=0.3), grid=dict(_ADAM_GRID, weight_decay=[0.0, 0.1, 1.0]),
        states=((), ("count", "m", "v"), LR),
        torch=((dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3, weight_decay=0.3), "Adam",
                dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.3)),
               (dict(learning_rate=0.01, b1=0.0, b2=0.5, eps=1e-6, weight_decay=1.5), "Adam",
                dict(lr=0.01, betas=(0.0, 0.5), eps=1e-6, weight_decay=1.5))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), b1=BETAS, weight_decay=st.floats(0.0, 1.0))),
    "amsgrad": Case(
        make=ol.amsgrad, quad=dict(learning_rate=0.3, b1=0.5), rosen=dict(learning_rate=0.1), rosen_steps=3000,
        naive=partial(naive_adam, amsgrad=True), settings=_ADAM_SETTINGS, grid=_ADAM_GRID,
        states=(("count", "m", "v", "v_max"), LR), direction=ol.scale_by_amsgrad,
        torch=((dict(), "Adam", dict(amsgrad=True)),
               (dict(learning_rate=0.05, b1=0.8, b2=0.99, eps=1e-3), "Adam",
                dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, amsgrad=True)),
               (dict(learning_rate=0.01, b1=0.5, b2=0.9, eps=1e-6), "Adam",
                dict(lr=0.01, betas=(0.5, 0.9), eps=1e-6, amsgrad=True))),
        strategies=lambda: dict(learning_rate=st.floats(0.0, 0.3), b1=BETAS, b2=BETAS)),
}
NAMES = sorted(OPTIMIZERS)
