r"""Numbers for prose: significant figures, a true minus sign and powers of ten as :math:`a \times 10^{n}`.

A chapter glues ``ol.format_number(x)`` (a string) instead of a float with an e-format, so that the page reads
"2.1 × 10⁻⁵", never "2.1e-05", and a value at a numerical floor reads "below 10⁻¹²".

>>> format_number(2.13e-5)
'2.1 × 10⁻⁵'
>>> format_number(0.0031622759, sig=5)
'0.0031623'
>>> format_number(-1234.5, sig=3)
'−1230'
>>> format_number(3e-15, floor=1e-12)
'below 10⁻¹²'
"""
import math

__all__ = ["format_number"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MINUS = "\u2212"


def _power_of_ten(n):
    return "10" + str(n).translate(_SUPERSCRIPT)


def format_number(value, sig=2, floor=None, plain_range=(1e-3, 1e4)):
    """``value`` rounded to ``sig`` significant figures, as text for the page.

    Args:
        value: a finite real number (a float, an int or a NumPy scalar).
        sig: the number of significant figures, an integer >= 1.
        floor: optional threshold > 0; a value whose magnitude is below it is written "below <floor>" (for a loss
            that has reached round-off, say). A power of ten is written 10ⁿ, anything else in the same format.
        plain_range: magnitudes in ``[low, high)`` are written as plain decimals; others as ``a × 10ⁿ``.

    Negative numbers get a true minus sign (U+2212). Zero is "0".
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid value: {value!r} (must be a real number)") from None
    if not math.isfinite(x):
        raise ValueError(f"Invalid value: {value!r} (must be finite)")
    if isinstance(sig, bool) or not isinstance(sig, int) or sig < 1:
        raise ValueError(f"Invalid sig: {sig!r} (must be an integer >= 1)")
    if floor is not None:
        if not (isinstance(floor, (int, float)) and math.isfinite(floor) and floor > 0):
            raise ValueError(f"Invalid floor: {floor!r} (must be a finite number > 0)")
        if abs(x) < floor:
            exponent = round(math.log10(floor))
            same = math.isclose(floor, 10.0 ** exponent, rel_tol=1e-12)
            return "below " + (_power_of_ten(exponent) if same else format_number(floor, sig))
    if x == 0:
        return "0"
    sign = MINUS if x < 0 else ""
    exponent = math.floor(math.log10(abs(x)))
    mantissa = round(abs(x) / 10.0 ** exponent, sig - 1)
    if mantissa >= 10:                          # 9.96 -> 10.0 at 2 figures: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    low, high = plain_range
    if low <= abs(x) < high:
        decimals = max(sig - 1 - exponent, 0)
        return sign + f"{mantissa * 10.0 ** exponent:.{decimals}f}"
    return sign + f"{mantissa:.{sig - 1}f} × {_power_of_ten(exponent)}"
