"""Shared by the tests: no windows; and, for the tests of the built website (tests/book/test_site.py,
test_screens.py and any other), the site and a headless Chromium.

``site`` is _build/html: a test that asks for it is skipped when the site is not built, or fails under
OPTIMLIB_REQUIRE_SITE=1 (as `make test-site` sets). ``chromium`` is a launched Playwright browser (Debian's Chromium,
the site checker's flags): a test opens its own context in it (``chromium.new_context(...)``) and closes it. It is
module-scoped: each test module launches it once (under pytest-xdist, once per worker that runs the module's tests),
and no Playwright instance outlives its module (tests/explorers/ start their own).
"""
import os
import pathlib

import matplotlib
import pytest

matplotlib.use("Agg")  # tests never open windows

SITE = pathlib.Path(__file__).resolve().parents[1] / "_build" / "html"


@pytest.fixture(scope="module")
def site():
    """The built site, _build/html."""
    if not (SITE / "index.html").exists():
        message = "no built site in _build/html: run 'make book' first (make test builds it, then runs these)"
        if os.environ.get("OPTIMLIB_REQUIRE_SITE", "") not in ("", "0"):
            pytest.fail(message)  # make test-site: the site must be there
        pytest.skip(message)
    return SITE


@pytest.fixture(scope="module")
def chromium():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    from sitecheck import CHROMIUM, CHROMIUM_ARGS  # tools/, on the tests' pythonpath

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
