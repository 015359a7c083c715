"""What the tests of the built site share: the site (``site``: skip without a build, fail under
OPTIMLIB_REQUIRE_SITE=1, as `make test-site` sets), and one headless Chromium per test module.

``chromium`` is a launched Playwright browser (Debian's Chromium, the site checker's flags); a test opens its own
context in it (``chromium.new_context(...)``) and closes it. Module-scoped, so each test module launches it once
(under pytest-xdist: once per worker that runs the module's tests), and so no Playwright instance outlives its module
(other modules, tests/explorers/, start their own).
"""
import os
import pathlib

import pytest

from sitecheck import CHROMIUM, CHROMIUM_ARGS

SITE = pathlib.Path(__file__).resolve().parents[2] / "_build" / "html"


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
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
