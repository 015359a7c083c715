"""ol.format_number: the text of a number on the page."""
import numpy as np
import pytest

import optimlib as ol


@pytest.mark.parametrize("value, kwargs, text", [
    (2.13e-5, {}, "2.1 × 10⁻⁵"),
    (9.96e-7, {}, "1.0 × 10⁻⁶"),            # rounding carries into the exponent
    (0.0031622759, {"sig": 5}, "0.0031623"),
    (0.0098, {}, "0.0098"),
    (-0.5, {}, "−0.50"),                    # a true minus sign
    (12345.0, {}, "1.2 × 10⁴"),
    (-1234.5, {"sig": 3}, "−1230"),
    (0.0, {}, "0"),
    (np.float64(3.0e-15), {"floor": 1e-12}, "below 10⁻¹²"),
    (3.0e-9, {"floor": 1e-12}, "3.0 × 10⁻⁹"),
    (1e-5, {"floor": 2.5e-4}, "below 2.5 × 10⁻⁴"),
    (7, {"sig": 1}, "7"),
])
def test_format_number(value, kwargs, text):
    assert ol.format_number(value, **kwargs) == text


def test_no_e_notation_over_many_magnitudes():
    for x in np.geomspace(1e-30, 1e30, 301):
        out = ol.format_number(x)
        assert "e" not in out and "E" not in out, out
        mantissa = float(out.split(" × ")[0]) if "×" in out else float(out)
        exponent = int(out.split("10")[-1].translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))) \
            if "×" in out else 0
        assert np.isclose(mantissa * 10.0**exponent, x, rtol=0.05)


@pytest.mark.parametrize("kwargs, name", [({"value": float("nan")}, "value"), ({"value": "abc"}, "value"),
                                          ({"value": 1.0, "sig": 0}, "sig"), ({"value": 1.0, "sig": 2.0}, "sig"),
                                          ({"value": 1.0, "floor": -1.0}, "floor")])
def test_bad_input_names_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=f"Invalid {name}"):
        ol.format_number(**kwargs)
