"""Run notebooks in a real JupyterLab, in headless Chromium, as a reader would, and report what went wrong.

:func:`jupyterlab` starts JupyterLab from .venv-lab (the pins of requirements-lab.txt; its kernel is .venv's) on a loopback port with a
random token and stops it by its PID. :func:`run_notebook` opens one notebook, runs every cell (JupyterLab's own
"Run All" command), then checks the saved outputs and the page: error outputs, stderr, JavaScript errors shown in
outputs or thrown while drawing widgets, every explorer's figure drawn with a nonzero size, and the first slider of
each explorer moved with the keyboard changes that figure. The Chromium flags and the loopback rule are the site
checker's (tools/sitecheck.py).
"""
import contextlib
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from sitecheck import CHROMIUM, CHROMIUM_ARGS, _is_loopback  # noqa: E402

JUPYTER = ROOT / ".venv-lab" / "bin" / "jupyter"  # `make lab-env`: JupyterLab apart, running .venv's kernel

# The notebook's state from JupyterLab itself (window.jupyterapp, exposed by --LabApp.expose_app_in_browser).
NOTEBOOK_STATE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.sessionContext.session) return null;
  const kernel = w.sessionContext.session.kernel;
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const path = w.context.path;
  const errors = cells.filter(c => c.model.sharedModel.outputs.some(o => o.output_type === 'error')).length;
  return {path, kernel: kernel ? kernel.status : 'none', cells: cells.length, errors,
          pending: cells.filter(c => c.model.executionCount === null || c.promptNode.textContent.includes('*'))
                        .length};
}"""

OUTPUTS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const out = [];
  w.content.widgets.forEach((c, i) => {
    if (c.model.type !== 'code') return;
    c.model.sharedModel.outputs.forEach(o => out.push({cell: i, type: o.output_type, name: o.name || '',
      text: (o.output_type === 'error' ? o.ename + ': ' + o.evalue : (o.text || '')).toString().slice(0, 300)}));
  });
  return out;
}"""

# Explorers: the widget boxes that hold a slider. For each: its figure <img>, its first slider's handle.
EXPLORERS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output .widget-vbox'))
  .filter(box => !box.parentElement.closest('.widget-vbox') && box.querySelector('.widget-slider'))
  .map((box, i) => {
    box.dataset.olExplorer = i;
    const img = box.querySelector('img');
    const handle = box.querySelector('.widget-slider .noUi-handle');
    return {index: i, img: !!img, width: img ? img.naturalWidth : 0, height: img ? img.naturalHeight : 0,
            shown: img ? img.getBoundingClientRect().width : 0, src: img ? img.src : '',
            atMax: handle ? handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax') : false};
  })"""

# Rendered Markdown: MathJax output and errors; solution cells a reader can see without opening them.
PAGE_STATE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const visible = w.content.widgets.filter(c => (c.model.getMetadata('reader_edition') || {}).solution && !c.isHidden);
  return {math: document.querySelectorAll('mjx-container').length,
          mathErrors: document.querySelectorAll('mjx-merror').length,
          visibleSolutions: visible.map(c => w.content.widgets.indexOf(c))};
}"""

JS_ERRORS_IN_OUTPUTS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
  .filter(o => /javascript error|Error displaying widget|Failed to create view/i.test(o.textContent)
               || o.querySelector('.jupyter-widgets-error-widget, .widget-error'))
  .map(o => o.textContent.replace(/\\s+/g, ' ').trim().slice(0, 200))"""


@dataclass
class NotebookReport:
    notebook: str
    errors: list = field(default_factory=list)         # error outputs and stderr
    js_errors: list = field(default_factory=list)      # JavaScript errors in outputs, uncaught, or widget views
    explorers: list = field(default_factory=list)      # one dict per explorer (figure size, slider response)
    outside_requests: list = field(default_factory=list)
    page: dict = field(default_factory=dict)           # math rendered, math errors, solutions in view
    seconds: dict = field(default_factory=dict)

    def problems(self, expected_explorers=None):
        found = [f"output: {e}" for e in self.errors] + [f"JavaScript: {e}" for e in self.js_errors]
        found += [f"outside request: {u}" for u in self.outside_requests]
        if self.page.get("mathErrors"):
            found.append(f"{self.page['mathErrors']} MathJax errors")
        if self.page.get("visibleSolutions"):
            found.append(f"solutions in view without opening them: cells {self.page['visibleSolutions']}")
        if expected_explorers is not None and len(self.explorers) != expected_explorers:
            found.append(f"{len(self.explorers)} explorers drawn, {expected_explorers} expected")
        for e in self.explorers:
            if not (e["img"] and e["width"] > 0 and e["height"] > 0 and e["shown"] > 0):
                found.append(f"explorer {e['index']}: no figure image of nonzero size ({e})")
            elif not e.get("changed"):
                found.append(f"explorer {e['index']}: the figure did not change after a key press on its slider")
        return found


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(root_dir, timeout=90):
    """JupyterLab serving `root_dir` on 127.0.0.1 with a random token; yields (base URL, token); stops it by PID."""
    if not JUPYTER.with_name("jupyter-lab").exists():
        raise RuntimeError(f"JupyterLab is not installed in {JUPYTER.parent}: make lab-env")
    port, token = _free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, JUPYTER_CONFIG_DIR=f"{home}/config", JUPYTER_RUNTIME_DIR=f"{home}/runtime",
                   OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env.pop("OPTIMLIB_STATIC", None)  # live explorers
        command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                   f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
                   "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
                   "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
                   f"--LabApp.workspaces_dir={home}/workspaces", "--ServerApp.port_retries=0"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        log = open(f"{home}/lab.log", "w")
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("JupyterLab did not start:\n" + pathlib.Path(log.name).read_text()[-3000:])
                    time.sleep(0.3)
            yield base, token
        finally:
            server.terminate()  # by its PID; it shuts its kernels down
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class LabPage:
    """One JupyterLab page in Chromium; notebooks open in it one after another (JupyterLab's own `docmanager:open`),
    so JupyterLab loads once. Requests to any host other than loopback are blocked and recorded, like the site's."""

    def __init__(self, browser, base, token, timeout_s=90):
        self.report, self.timeout_s = NotebookReport(""), timeout_s
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.route("**/*", self._route)
        self.page = page = self.context.new_page()
        page.on("pageerror", lambda e: self.report.js_errors.append(f"uncaught: {str(e)[:300]}"))
        page.on("console", lambda m: m.type == "error" and _widget_error(m.text)
                and self.report.js_errors.append(m.text[:300]))
        page.goto(f"{base}/lab/workspaces/w{secrets.token_hex(4)}?reset&token={token}", timeout=timeout_s * 1000)
        page.wait_for_function("window.jupyterapp && window.jupyterapp.commands.hasCommand('docmanager:open')",
                               timeout=timeout_s * 1000)
        page.evaluate("() => window.jupyterapp.restored")

    def _route(self, r):
        if _is_loopback(r.request.url):
            r.continue_()
        else:
            self.report.outside_requests.append(r.request.url)
            r.abort()

    def open(self, notebook, report):
        """Open `notebook` (a path under the server's root) and wait for its kernel to be idle."""
        self.report = report
        start = time.monotonic()
        self.page.evaluate("path => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", notebook)
        _wait(self.page, lambda s: s and s["path"] == notebook and s["kernel"] == "idle", self.timeout_s,
              f"{notebook} to open with an idle kernel")
        report.seconds["open"] = round(time.monotonic() - start, 1)
        return self.page

    def close_notebook(self):
        """Shut the current notebook's kernel down and close it without saving."""
        self.page.evaluate("""async () => {
          const w = window.jupyterapp.shell.currentWidget;
          await w.sessionContext.shutdown();
          w.context.model.dirty = false;
          w.dispose();
        }""")

    def close(self):
        self.context.close()


def run_all(page, report, timeout_s=180):
    """JupyterLab's Run All; waits until every code cell has run and the kernel is idle."""
    start = time.monotonic()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Run All stops at a cell that raises: then the cells after it never run
    _wait(page, lambda s: s and (s["pending"] == 0 or s["errors"]) and s["kernel"] == "idle", timeout_s,
          "Run All to finish", settle=1.0)
    report.seconds["run all"] = round(time.monotonic() - start, 1)


def _wait(page, ok, timeout_s, what, settle=0.0):
    deadline = time.monotonic() + timeout_s
    since = None
    while time.monotonic() < deadline:
        state = page.evaluate(NOTEBOOK_STATE)
        if ok(state):
            since = since or time.monotonic()
            if time.monotonic() - since >= settle:
                return state
        else:
            since = None
        page.wait_for_timeout(200)
    raise TimeoutError(f"timed out after {timeout_s} s waiting for {what} (last state {state})")


def _widget_error(text):
    return any(s in text for s in ("Could not create a view", "Failed to create view", "Error rendering",
                                   "Cannot read properties", "TypeError", "ReferenceError"))


def move_first_slider(page, index, at_max, timeout_s=5.0):
    """Press an arrow key on explorer `index`'s first slider; seconds until its figure changed (None if never)."""
    box = page.locator(f'[data-ol-explorer="{index}"]')
    handle = box.locator(".widget-slider .noUi-handle").first
    img = box.locator("img").first
    handle.scroll_into_view_if_needed()
    before = img.get_attribute("src")
    handle.focus()
    start = time.monotonic()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    deadline = start + timeout_s
    while time.monotonic() < deadline:
        if img.get_attribute("src") != before:
            return time.monotonic() - start
        page.wait_for_timeout(10)
    return None


def check_notebook(lab, notebook):
    """Open in `lab` (a LabPage), Run All, then check outputs, JavaScript errors, explorers and their first sliders."""
    report = NotebookReport(notebook)
    page = lab.open(notebook, report)
    try:
        run_all(page, report)
        for o in page.evaluate(OUTPUTS):
            if o["type"] == "error" or (o["type"] == "stream" and o["name"] == "stderr"):
                report.errors.append(f"cell {o['cell']}: {o['type']} {o['text']}")
        page.wait_for_timeout(500)  # widget views render after the kernel's last message
        report.js_errors += page.evaluate(JS_ERRORS_IN_OUTPUTS)
        report.page = page.evaluate(PAGE_STATE)
        report.explorers = page.evaluate(EXPLORERS)
        for e in report.explorers:
            if e["img"] and e["width"]:
                took = move_first_slider(page, e["index"], e["atMax"])
                e["changed"], e["seconds"] = took is not None, took
    finally:
        lab.close_notebook()
    return report
