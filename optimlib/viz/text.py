"""Numbers for prose: scientific notation as a book prints it (``2.3 × 10⁻⁷``, a true minus), glued as plain text.

``glue("err", ol.sci(2.3e-7), display=False)`` then ``{glue:text}`err``` shows ``2.3 × 10⁻⁷``: the value is a
:class:`PlainText`, a ``str`` whose ``repr`` is itself, so the page shows no quotes.

>>> sci(2.3456e-7), sci(-0.00012, 1), sci(42.0), sci(0.0)
(2.3 × 10⁻⁷, −1 × 10⁻⁴, 42, 0)
"""
import math

__all__ = ["PlainText", "sci"]

_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class PlainText(str):
    """A string displayed as itself (``repr`` without quotes): what ``{glue:text}`` should print."""

    def __repr__(self):
        return str(self)


def sci(x, digits=2):
    """``x`` to ``digits`` significant digits, as ``a × 10ⁿ`` when ``n`` is not 0, 1 or 2; a true minus sign."""
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 1:
        raise ValueError(f"Invalid digits: {digits!r} (must be an integer >= 1)")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"Invalid x: {x!r} (must be finite)")
    if x == 0:
        return PlainText("0")
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    n = int(exponent)
    if 0 <= n <= 2:
        text = f"{float(f'{x:.{digits - 1}e}'):g}"
    else:
        text = f"{mantissa} × 10{str(n).translate(_SUP)}"
    return PlainText(text.replace("-", "−", 1) if text.startswith("-") else text)
