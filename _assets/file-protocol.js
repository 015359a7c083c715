// Opened from disk (file://), Chromium refuses fetch(). Sphinx's search page fetches each result's page to show a
// summary under it, and would fail (an error per result): there, it lists the results without summaries. Over http
// nothing changes.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
