"""The naive loops: each optimizer as its paper writes it, one coordinate at a time, in plain Python floats.

``naive(grad, x0, steps, **hyperparameters)`` returns the iterates x_1 .. x_steps. They share nothing with optimlib,
so an optimizer that equals its loop to round-off computes the paper's algorithm.
"""
import math

import numpy as np


def naive_momentum(grad, x0, steps, learning_rate, momentum=0.0):
    """Polyak's heavy ball in velocity form: v <- mu v - eta g(x); x <- x + v."""
    x, v, path = list(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            v[i] = momentum * v[i] - learning_rate * g[i]
            x[i] = x[i] + v[i]
        path.append(list(x))
    return np.array(path)


def naive_nesterov(grad, x0, steps, learning_rate, momentum):
    """Sutskever's look-ahead form; returns the look-ahead points x + mu v, which sgd(nesterov=True) stores."""
    x, v, path = list(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array([x[i] + momentum * v[i] for i in range(len(x))]))
        for i in range(len(x)):
            v[i] = momentum * v[i] - learning_rate * g[i]
            x[i] = x[i] + v[i]
        path.append([x[i] + momentum * v[i] for i in range(len(x))])
    return np.array(path)


def naive_adagrad(grad, x0, steps, learning_rate, eps=1e-10, initial_accumulator_value=0.0):
    x, G, path = list(x0), [initial_accumulator_value] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            G[i] += g[i] ** 2
            x[i] -= learning_rate * g[i] / (eps + math.sqrt(G[i]))
        path.append(list(x))
    return np.array(path)


def naive_adadelta(grad, x0, steps, learning_rate=1.0, rho=0.9, eps=1e-6):
    """Zeiler (2012), Algorithm 1 (times learning_rate, which is 1 in the paper)."""
    x, Eg2, Edx2, path = list(x0), [0.0] * len(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            Eg2[i] = rho * Eg2[i] + (1 - rho) * g[i] ** 2
            dx = -math.sqrt(Edx2[i] + eps) / math.sqrt(Eg2[i] + eps) * g[i]
            Edx2[i] = rho * Edx2[i] + (1 - rho) * dx ** 2
            x[i] += learning_rate * dx
        path.append(list(x))
    return np.array(path)


def naive_rmsprop(grad, x0, steps, learning_rate, decay=0.99, eps=1e-8, centered=False):
    x, Eg, Eg2, path = list(x0), [0.0] * len(x0), [0.0] * len(x0), []
    for _ in range(steps):
        g = grad(np.array(x))
        for i in range(len(x)):
            Eg2[i] = decay * Eg2[i] + (1 - decay) * g[i] ** 2
            Eg[i] = decay * Eg[i] + (1 - decay) * g[i] if centered else 0.0
            x[i] -= learning_rate * g[i] / (math.sqrt(Eg2[i] - Eg[i] ** 2) + eps)
        path.append(list(x))
    return np.array(path)


def naive_adam(grad, x0, steps, learning_rate=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=0.0, l2=0.0,
               amsgrad=False, bias_correction=True):
    """Kingma & Ba, Algorithm 1; L2 adds l2*x to g; decoupled decay subtracts weight_decay*lr*x (Loshchilov &
    Hutter, Algorithm 2, with their lambda = lr * weight_decay and eta_t = 1); amsgrad keeps max v."""
    n = len(x0)
    x, m, v, v_max, path = list(x0), [0.0] * n, [0.0] * n, [0.0] * n, []
    for t in range(1, steps + 1):
        g = grad(np.array(x))
        for i in range(n):
            gi = g[i] + l2 * x[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi ** 2
            v_max[i] = max(v_max[i], v[i])
            vv = v_max[i] if amsgrad else v[i]
            m_hat, v_hat = (m[i] / (1 - b1 ** t), vv / (1 - b2 ** t)) if bias_correction else (m[i], vv)
            x[i] -= learning_rate * (m_hat / (math.sqrt(v_hat) + eps) + weight_decay * x[i])
        path.append(list(x))
    return np.array(path)
