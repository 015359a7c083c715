"""A Sphinx extension for the API reference (book/api/): chapters link to it without carrying a single link.

- **Mentions become links.** A chapter names the library's tools as inline code, `ol.adam` or
  `ol.sgd(..., nesterov=True)`. After the build has read every page, the first such mention of each name on a page
  becomes a link to the name's entry (``optimlib.adam``); later mentions on the page stay plain code. A mention of a
  name without an entry stays plain code, so the link test (``tests/book/test_api.py``) is what catches a gap.
- **Data entries get their docstring.** ``ol.REGIMES`` is documented at ``optimlib.REGIMES``, but its docstring
  (the string under the assignment) lives in the module that defines it: autodoc would show the docstring of
  ``tuple``; this takes the module's.
- **The flat namespace resolves.** A docstring refers to a name as its module sees it (``:func:`tree_map``` in
  ``optimlib/base.py``, ``:class:`~optimlib.web.WebExplorer```); every public name has one entry,
  ``optimlib.<name>``, and a reference that Sphinx cannot place otherwise is resolved to it: the longest dotted
  tail of the target that has an entry. A reference that matches none still fails the build (``-n``).
- **NamedTuple fields** (``Alias for field number 0``) are left out of class entries: each class docstring names its
  fields with the book's symbols.

Pages whose name starts with ``api_links_skip`` (the reference itself) are left alone.
"""
import re
import sys

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

MENTION = re.compile(r"ol\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
PACKAGE = "optimlib"


def target(code, documented):
    """The entry that inline code ``code`` names: ``'ol.Trajectory.valid()'`` -> ``'optimlib.Trajectory.valid'``,
    the longest dotted prefix that has an entry; None when the code is not a mention or nothing has an entry."""
    match = MENTION.match(code)
    if not match:
        return None
    parts = match.group(1).split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join([PACKAGE, *parts[:n]])
        if name in documented:
            return name
    return None


class LinkFirstMentions(SphinxPostTransform):
    """Turn the first inline-code mention of each ``ol.`` name on a page into a link to its API entry."""

    default_priority = 5  # before Sphinx resolves its own references (10): the links are complete nodes already

    def run(self, **kwargs):
        docname = self.env.docname
        if any(docname.startswith(prefix) for prefix in self.config.api_links_skip):
            return
        objects = self.env.get_domain("py").objects
        seen = set()
        for literal in list(self.document.findall(nodes.literal)):
            if _inside(literal, (nodes.reference, nodes.title, nodes.literal_block)):
                continue
            name = target(literal.astext(), objects)
            if name is None or name in seen:
                continue
            seen.add(name)
            entry = objects[name]
            literal["classes"].append("ol-api-link")
            link = make_refnode(self.app.builder, docname, entry.docname, entry.node_id, literal.deepcopy(),
                                title=f"API reference: {name.replace(PACKAGE, 'ol', 1)}")
            literal.replace_self(link)


def _inside(node, kinds):
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds) or type(parent).__name__ == "pending_xref":
            return True
        parent = parent.parent
    return False


def resolve_flat(app, env, node, contnode):
    """``missing-reference``: resolve a Python reference made inside optimlib to the ``optimlib.<name>`` entry."""
    if node.get("refdomain") != "py":
        return None
    reftarget = node["reftarget"]
    if not (reftarget.startswith(PACKAGE + ".") or (node.get("py:module") or "").startswith(PACKAGE)):
        return None
    objects = env.get_domain("py").objects
    parts = reftarget.split(".")
    for k in range(len(parts)):
        name = ".".join([PACKAGE, *parts[k:]])
        if name in objects:
            entry = objects[name]
            return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, name)
    return None


def data_docstring(app, what, name, obj, options, lines):
    """For ``optimlib.NAME`` data, the docstring under its assignment in the module that defines it."""
    if what != "data" or not name.startswith(PACKAGE + "."):
        return
    own = [line.strip() for line in lines if line.strip()]
    if own and own != [line.strip() for line in (type(obj).__doc__ or "").splitlines() if line.strip()]:
        return  # the entry has a docstring of its own
    from sphinx.pycode import ModuleAnalyzer

    attr = name.rsplit(".", 1)[1]
    for module_name, module in sorted(sys.modules.items()):
        if (module_name.startswith(PACKAGE + ".") and module is not None
                and getattr(module, "__dict__", {}).get(attr) is obj):
            comment = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", attr))
            if comment:
                lines[:] = list(comment)
                return


def skip_tuple_fields(app, what, name, obj, skip, options):
    """Leave NamedTuple fields out: their docstring is Python's 'Alias for field number n'."""
    if (getattr(obj, "__doc__", None) or "").startswith("Alias for field number"):
        return True
    return None


def setup(app):
    app.add_config_value("api_links_skip", ["book/api/"], "env")
    app.add_post_transform(LinkFirstMentions)
    app.connect("missing-reference", resolve_flat)
    app.connect("autodoc-process-docstring", data_docstring)
    app.connect("autodoc-skip-member", skip_tuple_fields)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
