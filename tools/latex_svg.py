"""Sphinx extension for the book's PDF: SVG figures (the explorers' static renderings) converted to PDF.

The LaTeX builder takes PNG, JPEG and PDF images, not SVG. This converter turns each SVG into a PDF with librsvg's
`rsvg-convert` (Debian's `librsvg2-bin`, installed by `make pdf`), so the figure stays vector. It acts only for a
builder that cannot show SVG: the HTML build never calls it. Without `rsvg-convert` it warns, and the LaTeX builder
then warns that the image has no usable form (an error under `-W`): a figure is never dropped silently.
"""
import shutil
import subprocess

from sphinx.transforms.post_transforms.images import ImageConverter
from sphinx.util import logging

logger = logging.getLogger(__name__)


class RsvgConverter(ImageConverter):
    conversion_rules = [("image/svg+xml", "application/pdf")]

    def is_available(self):
        if shutil.which("rsvg-convert"):
            return True
        logger.warning("latex_svg: rsvg-convert not found (Debian package librsvg2-bin): SVG figures cannot be "
                       "converted for LaTeX")
        return False

    def convert(self, _from, _to):
        subprocess.run(["rsvg-convert", "--format=pdf", f"--output={_to}", _from], check=True, capture_output=True)
        return True


def setup(app):
    app.add_post_transform(RsvgConverter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
