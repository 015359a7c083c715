"""The book's look: one colour, line style and marker per optimizer, and a matplotlib style applied on purpose.

The palette is Okabe & Ito's (2008), chosen to stay distinguishable under the common colour-vision
deficiencies; each optimizer also gets its own line style and marker, so a figure reads in greyscale too.
The same optimizer has the same look in every figure of the book, static or interactive.

>>> optimizer_style("Adam")["color"]
'#D55E00'
>>> optimizer_style("full-batch GD") == optimizer_style("GD")
True
>>> optimizer_style("mini-batch SGD") == optimizer_style("SGD") != optimizer_style("GD")
True
"""
import contextlib
import zlib

__all__ = ["OKABE_ITO", "optimizer_style", "register_style", "book_rc", "book_style", "use_book_style"]

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9", "bluish green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish purple": "#CC79A7",
}
"""Okabe & Ito's eight colours, ``{name: hex}``: every look of :func:`optimizer_style` takes its colour from here."""
_C = OKABE_ITO

# name -> (colour, dash pattern in units of the line width (None = solid), matplotlib marker). The Adam variants
# share Adam's colour and differ by dashes and marker; the Newton family, often drawn together, differ in colour
# too. Gradient descent's stochastic variants keep its black and are told apart by their dashes. No two looks are
# the same.
_STYLES = {
    "GD": (_C["black"], None, "o"),
    "SGD": (_C["black"], (2, 1.5), "v"),
    "Noisy GD": (_C["black"], (1, 1.5), "^"),
    "Momentum": (_C["orange"], (4, 2), "s"),
    "Nesterov": (_C["sky blue"], (6, 2, 1, 2), "^"),
    "Adagrad": (_C["bluish green"], (1, 1.5), "D"),
    "Adadelta": (_C["reddish purple"], (6, 2, 1, 2, 1, 2), "v"),
    "RMSProp": (_C["blue"], (8, 2), "P"),
    "Adam": (_C["vermillion"], None, "X"),
    "AdamW": (_C["vermillion"], (4, 2), "*"),
    "AMSGrad": (_C["vermillion"], (1, 1.5), "h"),
    "Adam (L2)": (_C["vermillion"], (6, 2, 1, 2), "p"),
    "Newton": (_C["reddish purple"], None, "d"),
    "Damped Newton": (_C["blue"], (4, 2), ">"),
    "Saddle-free Newton": (_C["bluish green"], (6, 2, 1, 2), "<"),
    "Levenberg-Marquardt": (_C["sky blue"], (8, 2), "H"),
    "Gauss-Newton": (_C["orange"], (1, 1.5), "8"),
    "Lion": (_C["sky blue"], (2, 1.5), "<"),
    "Muon": (_C["bluish green"], (4, 1.5, 1, 1.5), ">"),
    "Schedule-free AdamW": (_C["vermillion"], (2, 1.5, 6, 1.5), "o"),
    "Schedule-free SGD": (_C["black"], (6, 1.5, 1, 1.5), "s"),
}
_ALIASES = {"Gradient descent": "GD", "Full-batch GD": "GD", "Full-batch gradient descent": "GD",
            "Mini-batch SGD": "SGD", "Stochastic gradient descent": "SGD", "Noisy gradient descent": "Noisy GD",
            "Heavy ball": "Momentum", "NAG": "Nesterov",
            "Nesterov momentum": "Nesterov", "Adam+L2": "Adam (L2)", "LM": "Levenberg-Marquardt",
            "SFN": "Saddle-free Newton"}
# looks for other names: each differs from every registered look (by its colour and dashes together)
_CYCLE = [(_C["blue"], None, "o"), (_C["orange"], None, "s"), (_C["bluish green"], None, "^"),
          (_C["vermillion"], (8, 2), "D"), (_C["reddish purple"], (4, 2), "v"), (_C["sky blue"], None, "P"),
          (_C["black"], (4, 2), "X")]


def _fold(name):
    """A name as compared: case and dash kind ignored ("damped Newton", "Levenberg–Marquardt")."""
    return str(name).casefold().replace("\u2013", "-").replace("\u2014", "-")


def _registered(name):
    """The registered name that ``name`` stands for (itself, an alias, or a case/dash variant), or ``None``."""
    key = _ALIASES.get(name, name)
    if key in _STYLES:
        return key
    folded = {_fold(k): k for k in _STYLES}
    folded.update({_fold(a): k for a, k in _ALIASES.items()})
    return folded.get(_fold(name))


def optimizer_style(name):
    """The look of the optimizer (or curve) called ``name``: a dict for the book's figures.

    Keys: ``color`` (hex), ``dashes`` (a dash pattern in line widths, ``None`` for solid), ``marker``
    (a matplotlib marker) and ``linestyle`` (for matplotlib: ``"-"`` or ``(0, dashes)``). A name not in the
    registry gets a look from a fixed cycle chosen by the name itself, so it too is the same on every page.
    Names are matched ignoring case and the kind of dash (``"damped Newton"``, ``"Levenberg–Marquardt"``).
    """
    key = _registered(name)
    if key is not None:
        color, dashes, marker = _STYLES[key]
    else:
        color, dashes, marker = _CYCLE[zlib.crc32(str(name).encode()) % len(_CYCLE)]
    return {"color": color, "dashes": dashes, "marker": marker,
            "linestyle": "-" if dashes is None else (0, dashes)}


def register_style(name, color, dashes=None, marker="o"):
    """Give the optimizer ``name`` a look of its own (colour, dash pattern or ``None``, matplotlib marker)."""
    _STYLES[name] = (color, None if dashes is None else tuple(dashes), marker)


def book_rc():
    """The book's matplotlib settings, as a dict of rcParams."""
    from cycler import cycler

    return {
        "figure.figsize": (6.4, 4.0), "figure.dpi": 100, "savefig.dpi": 150, "savefig.bbox": "tight",
        # sizes for a figure about 10 inches wide shown in the website's 741-px column (scaled by about 0.75):
        # 12 pt renders at about 12 CSS px there
        "font.size": 12, "axes.titlesize": 12, "axes.labelsize": 12, "legend.fontsize": 11,
        "xtick.labelsize": 11, "ytick.labelsize": 11,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": False,
        "axes.prop_cycle": cycler(color=[s[0] for s in _CYCLE]),
        "lines.linewidth": 1.8, "lines.markersize": 5, "legend.frameon": False, "mathtext.fontset": "cm",
    }


@contextlib.contextmanager
def book_style():
    """The book's style for one block only: ``with ol.book_style(): ...`` (settings restored after)."""
    import matplotlib as mpl

    with mpl.rc_context(book_rc()):
        yield


def use_book_style():
    """Apply the book's matplotlib style to the session (a notebook calls it once, in its import cell).

    Nothing is styled at import: this call is the only place the book's rcParams are set.
    """
    import matplotlib as mpl

    mpl.rcParams.update(book_rc())
