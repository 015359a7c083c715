"""Build one chapter on its own, in a scratch folder, and check it in the browser: for working on a chapter.

    python tools/build_page.py book/03_gradient_descent.ipynb [--no-check]

Uses the book's _config.yml, bibliography and assets; links to other chapters warn (they are not in the scratch
book) and are ignored here. Prints the browser check's findings for the page. `make book` is the real build.
"""
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main(page, check=True):
    page = pathlib.Path(page)
    scratch = pathlib.Path("/tmp") / f"page-{page.stem}"
    (scratch / "book").mkdir(parents=True, exist_ok=True)
    for name in ["_config.yml", "_assets", "_templates", "tools"]:  # tools/: the book's Sphinx extension (api_links)
        if not (scratch / name).exists():
            (scratch / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "book" / "references.bib", scratch / "book" / "references.bib")
    shutil.copy(ROOT / page, scratch / "book" / page.name)
    for extra in (ROOT / "book").glob("*"):  # images or data a chapter includes
        if extra.suffix in {".png", ".svg", ".csv", ".json"}:
            shutil.copy(extra, scratch / "book" / extra.name)
    (scratch / "_toc.yml").write_text(f"format: jb-book\nroot: book/{page.stem}\nchapters:\n  - file: book/refs\n")
    (scratch / "book" / "refs.md").write_text("# References\n\n```{bibliography}\n:all:\n```\n")
    env = dict(os.environ, OPTIMLIB_STATIC="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    code = subprocess.call([sys.executable, str(ROOT / "tools" / "build_book.py"), "-n", "--keep-going",
                            "--source", str(scratch)], env=env)
    if code or not check:
        return code
    from sitecheck import check_pages  # tools/sitecheck.py, next to this script
    [report] = check_pages(scratch / "_build" / "html", [f"book/{page.stem}.html"])
    print(f"\nbrowser check of {page}: {len(report.sliders)} sliders, math {report.math}")
    for problem in report.problems():
        print("  PROBLEM:", problem)
    print(f"site: {scratch / '_build' / 'html'}")
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], check="--no-check" not in sys.argv))
