"""Open every page of a built site in headless Chromium and report what a reader would meet.

For each page: requests to any host other than loopback (blocked and recorded), console errors and uncaught page
errors, MathJax output and MathJax errors, images that fail to load, loopback requests that fail, and every range
slider: moving it must change the figure of the explorer it belongs to.
"""
import contextlib
import functools
import http.server
import threading
import urllib.parse
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}

MATH_STATE = """async () => {
  const hasMath = document.querySelector('.math, mjx-container, script[type^="math/tex"]') !== null;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  return {hasMath, rendered: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror').length,
          mathjax: !!(window.MathJax && MathJax.version), version: window.MathJax ? (MathJax.version || '') : ''};
}"""

BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(img => img.complete && img.naturalWidth === 0 && !img.closest('noscript'))
  .map(img => img.getAttribute('src').slice(0, 80))"""

# Move each slider to another value; report sliders whose explorer figure did not change. Each slider is tried from
# the explorer's initial setting (the slider is put back after), and, since a figure may legitimately stay the same
# between two settings (two runs that diverge at the same early step), at each other position, the far end first,
# until one changes the figure.
MOVE_SLIDERS = """async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const results = [];
  for (const [i, s] of Array.from(document.querySelectorAll('input[type=range]')).entries()) {
    const root = s.closest('.ol-explorer');
    const figure = root ? root.querySelector('.ol-figure') : null;
    const label = (s.labels && s.labels.length ? s.labels[0].textContent : s.name || s.id || ('slider ' + i)).trim();
    if (!figure) { results.push({label, changed: false, why: 'no .ol-figure for this slider'}); continue; }
    s.scrollIntoView();
    const before = figure.innerHTML, old = s.value, far = (s.value === s.max) ? s.min : s.max;
    const tries = [far, ...Array.from({length: +s.max - +s.min + 1}, (_, k) => String(+s.min + k))
                   .filter(v => v !== old && v !== far)];
    let changed = false;
    for (const v of tries) {
      s.value = v;
      s.dispatchEvent(new Event('input', {bubbles: true}));
      s.dispatchEvent(new Event('change', {bubbles: true}));
      await frame();
      if (figure.innerHTML !== before) { changed = true; break; }
    }
    s.value = old;
    s.dispatchEvent(new Event('input', {bubbles: true}));
    s.dispatchEvent(new Event('change', {bubbles: true}));
    await frame();
    results.push({label, changed, why: changed ? '' : `figure unchanged at every position (from ${old})`});
  }
  return results;
}"""


@dataclass
class PageReport:
    page: str
    outside_requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    math: dict = field(default_factory=dict)
    sliders: list = field(default_factory=list)

    def problems(self):
        found = [f"outside request: {u}" for u in self.outside_requests]
        found += [f"console error: {e}" for e in self.console_errors]
        found += [f"failed request: {u}" for u in self.failed_requests]
        found += [f"image did not load: {s}" for s in self.broken_images]
        if self.math.get("hasMath") and not self.math.get("rendered"):
            found.append("math on the page but MathJax rendered none")
        if self.math.get("errors"):
            found.append(f"{self.math['errors']} MathJax errors")
        found += [f"slider '{s['label']}': {s['why']}" for s in self.sliders if not s["changed"]]
        return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve a folder over http on an ephemeral loopback port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _is_loopback(url):
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOOPBACK


def check_pages(site, pages, *, move_sliders=True, timeout_ms=30000, browser=None):
    """Return a PageReport for each page (paths relative to `site`, e.g. 'book/preface.html'). `browser`: a launched
    Playwright Chromium to open them in (a new context per page); by default one is launched for this call."""
    from playwright.sync_api import sync_playwright

    with serve(site) as base:
        if browser is not None:
            return [_check_page(browser, base, page_path, move_sliders, timeout_ms) for page_path in pages]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return [_check_page(browser, base, page_path, move_sliders, timeout_ms) for page_path in pages]
            finally:
                browser.close()


QUIET_MS = 250  # after MathJax and the fonts are done, no request in flight for this long: the page is settled


def _settle(page, in_flight, timeout_ms):
    """Wait until the page's fonts are loaded and no request has been in flight for QUIET_MS. (Playwright's
    "networkidle" waits 500 ms of quiet, and here it sometimes never came, with no request in flight.)"""
    page.evaluate("async () => { await document.fonts.ready; }")
    waited = quiet = 0
    while quiet < QUIET_MS:
        if waited > timeout_ms:
            raise TimeoutError(f"requests still in flight after {timeout_ms} ms: {[r.url for r in in_flight][:5]}")
        page.wait_for_timeout(50)  # (events are delivered while waiting)
        waited += 50
        quiet = 0 if in_flight else quiet + 50


def _check_page(browser, base, page_path, move_sliders, timeout_ms):
    report = PageReport(page_path)
    context = browser.new_context()
    in_flight = set()

    def route(r):
        if _is_loopback(r.request.url):
            r.continue_()
        else:
            report.outside_requests.append(r.request.url)
            r.abort()

    def done(r):
        in_flight.discard(r)

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and not _blocked(m.text)
            and report.console_errors.append(m.text[:300]))
    page.on("pageerror", lambda e: report.console_errors.append(f"uncaught: {str(e)[:300]}"))
    page.on("request", lambda r: in_flight.add(r))
    page.on("requestfinished", done)
    page.on("requestfailed", lambda r: (done(r), _is_loopback(r.url) and report.failed_requests.append(r.url)))
    page.on("response", lambda r: r.status >= 400 and report.failed_requests.append(f"{r.status} {r.url}"))
    page.goto(base + page_path, wait_until="load", timeout=timeout_ms)
    report.math = page.evaluate(MATH_STATE)  # awaits MathJax's typesetting (and the font requests it starts)
    _settle(page, in_flight, timeout_ms)
    report.broken_images = page.evaluate(BROKEN_IMAGES)
    if move_sliders:
        report.sliders = page.evaluate(MOVE_SLIDERS)
    context.close()
    return report


def _blocked(text):
    """Console noise caused by our own blocking of outside requests (recorded separately)."""
    return "net::ERR_FAILED" in text or "net::ERR_BLOCKED_BY_CLIENT" in text
