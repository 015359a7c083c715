"""What a reader meets at a given screen width: can the contents be opened, does the page scroll sideways, is the
explorers' text big enough, do their labels collide, does a race's sentence follow its step during Play.

Each check takes a Playwright page (already at the width, the page loaded) and returns a list of problems in words;
an empty list means the check holds. `tests/book/test_screens.py` runs them on the built site and on deliberately
broken copies of it.
"""
WIDTHS = (1366, 768, 390)
DESKTOP = 992           # the theme's breakpoint: below it both sidebars are hidden behind their toggle buttons
MIN_TEXT_DESKTOP = 12   # CSS px, explorer text as rendered, at widths from 768 px
MIN_TEXT_PHONE = 11     # CSS px, on a 390-px phone (the panels are stacked there)

# Is one of the elements matching `sel` on screen and not covered (its centre-left is the topmost element there)?
SEEN = """(sel) => Array.from(document.querySelectorAll(sel)).some(a => {
  const r = a.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  const x = r.left + Math.min(r.width / 2, 20), y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
  const e = document.elementFromPoint(x, y);
  return !!e && (a === e || a.contains(e));
})"""
CHAPTER_LINK = "nav.bd-docs-nav a.reference"              # any chapter link in the book's table of contents
SECTION_LINK = "a.nav-link[href^='#']"                     # in the page's own contents ("On this page")

WIDE = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  document.querySelectorAll('body *').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1 && !clipped(el)) out.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(r.right)} px)`);
  });
  return {scroll: document.documentElement.scrollWidth, width: w, wide: out.slice(0, 5)};
}"""

# Every text of every explorer figure on the page: its rendered size (font size times the SVG's scale) and, within
# one panel's axes, pairs of labels whose boxes overlap.
TEXTS = """() => {
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const sizes = [], overlaps = [];
  document.querySelectorAll('.ol-explorer').forEach((root, e) => {
    root.querySelectorAll('svg text').forEach(t => {
      if (!shown(t)) return;
      const m = t.getScreenCTM();
      sizes.push({e, text: t.textContent.slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)});
    });
    root.querySelectorAll('g.ol-p').forEach(panel => {
      const labels = Array.from(panel.querySelectorAll(':scope > text')).filter(shown);
      for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i].getBoundingClientRect(), b = labels[j].getBoundingClientRect();
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left), dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > 1 && dy > 1) overlaps.push(`explorer ${e + 1}: '${labels[i].textContent}' overlaps '${labels[j].textContent}'`);
      }
    });
  });
  return {sizes, overlaps};
}"""


def _seen(page, selector):
    return page.evaluate(SEEN, selector)


def _click_visible(page, selector):
    buttons = page.locator(f"{selector}:visible")
    if not buttons.count():
        return False
    buttons.first.click()
    page.wait_for_timeout(350)
    return True


def navigation_problems(page, width):
    """The table of contents and the page's contents can be reached: on a desktop the sidebar's toggle hides and
    shows it; below 992 px each toggle button opens its sidebar (and Escape closes it)."""
    problems = []
    if width >= DESKTOP:
        if not _seen(page, CHAPTER_LINK):
            problems.append(f"{width} px: the table of contents is not visible on a desktop")
        if not _click_visible(page, ".primary-toggle"):
            return problems + [f"{width} px: no visible button toggles the table of contents"]
        hidden = not _seen(page, CHAPTER_LINK)
        _click_visible(page, ".primary-toggle")
        if not (hidden and _seen(page, CHAPTER_LINK)):
            problems.append(f"{width} px: the sidebar button does not hide and show the table of contents")
        return problems
    for name, button, link in (("table of contents", ".primary-toggle", CHAPTER_LINK),
                               ("page contents", ".secondary-toggle", SECTION_LINK)):
        if _seen(page, link):
            problems.append(f"{width} px: the {name} is visible before its button is pressed")
            continue
        if not _click_visible(page, button):
            problems.append(f"{width} px: no visible button opens the {name}")
            continue
        if not _seen(page, link):
            problems.append(f"{width} px: pressing the button does not open the {name}")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        if _seen(page, link):
            problems.append(f"{width} px: Escape does not close the {name}")
    return problems


def overflow_problems(page, width):
    """No horizontal page scroll: nothing sticks out of the viewport except inside its own scrolling box."""
    r = page.evaluate(WIDE)
    if r["scroll"] > r["width"]:
        return [f"{width} px: the page scrolls sideways ({r['scroll']} px wide): " + "; ".join(r["wide"])]
    return []


def explorer_text_problems(page, width):
    """Explorer text at least MIN_TEXT_DESKTOP px as rendered (MIN_TEXT_PHONE on a phone), and no two labels of
    one panel's axes (tick labels, axis labels) on top of each other."""
    r = page.evaluate(TEXTS)
    least = MIN_TEXT_PHONE if width < 600 else MIN_TEXT_DESKTOP
    small = [s for s in r["sizes"] if s["px"] < least]
    problems = [f"{width} px: explorer {s['e'] + 1} text '{s['text']}' is {s['px']:.1f} px (< {least})"
                for s in small[:5]]
    if len(small) > 5:
        problems.append(f"... and {len(small) - 5} more texts under {least} px")
    return problems + [f"{width} px: {o}" for o in r["overlaps"][:5]]


def explorer_text_sizes(page):
    return [s["px"] for s in page.evaluate(TEXTS)["sizes"]]


RACE_STATE = """(root) => ({step: root.querySelector('output[for$="-step"]').textContent,
  status: root.querySelector('.ol-status').textContent,
  head: (root.querySelector('g.ol-top') || {textContent: ''}).textContent})"""


def race_problems(page, width, samples=4):
    """During Play, the sentence under a race (and the settings line in its figure) names the step on show."""
    races = page.locator(".ol-explorer:has(button.ol-play)")
    if not races.count():
        return [f"{width} px: no race on the page"]
    root = races.first
    root.scroll_into_view_if_needed()
    play = root.locator("button.ol-play")
    play.click()
    problems, seen = [], set()
    for _ in range(samples):
        page.wait_for_timeout(230)
        state = root.evaluate(RACE_STATE)
        seen.add(state["step"])
        if not state["status"].startswith(f"step {state['step']} of "):
            problems.append(f"{width} px: during Play the figure shows step {state['step']} but the sentence says "
                            f"'{state['status'][:40]}'")
        if f"step {state['step']} of " not in state["head"] and "diverged" not in state["head"]:
            problems.append(f"{width} px: the figure's settings line says '{state['head'][:40]}' at step "
                            f"{state['step']}")
    if play.text_content() == "Pause":
        play.click()
    if len(seen) < 2:
        problems.append(f"{width} px: Play did not advance the race (steps seen: {sorted(seen)})")
    return problems


def tab_stop_problems(page, width):
    """Formulas are not Tab stops: a keyboard reader reaches the sliders without tabbing through the math."""
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
    stops = page.evaluate("() => document.querySelectorAll('mjx-container[tabindex]:not([tabindex=\"-1\"])').length")
    return [f"{width} px: {stops} formulas are Tab stops"] if stops else []


NO_SCRIPT_FIGURE = """() => Array.from(document.querySelectorAll('.ol-explorer')).map(root =>
  Array.from(root.querySelectorAll('g.ol-dyn polyline')).filter(p => (p.getAttribute('points') || '').trim()).length)"""


def no_script_problems(page, width):
    """With JavaScript off, every explorer shows its initial figure: curves drawn, not empty axes."""
    counts = page.evaluate(NO_SCRIPT_FIGURE)
    if not counts:
        return [f"{width} px: no explorer on the page"]
    return [f"{width} px: without JavaScript explorer {i + 1} shows empty axes" for i, n in enumerate(counts) if not n]
