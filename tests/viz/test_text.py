import pytest

import optimlib as ol


def test_sci_formats_like_the_book():
    assert ol.sci(2.3456e-7) == "2.3 × 10⁻⁷" and repr(ol.sci(2.3456e-7)) == "2.3 × 10⁻⁷"
    assert ol.sci(-1.23e-12, 3) == "−1.23 × 10⁻¹²"
    assert ol.sci(12345.0) == "1.2 × 10⁴" and ol.sci(42.0) == "42" and ol.sci(0.0) == "0"
    assert ol.sci(9.96e-5, 2) == "1.0 × 10⁻⁴"      # rounding carries into the exponent


def test_sci_rejects_bad_input():
    with pytest.raises(ValueError, match="digits"):
        ol.sci(1.0, 0)
    with pytest.raises(ValueError, match="x"):
        ol.sci(float("nan"))
