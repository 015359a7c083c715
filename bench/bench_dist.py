"""`make dist`: the zip's size, and how long it takes (figures, no targets asserted).

Builds the book first if it is not built (and times that cold build), then times `make dist` on the built book (the
cached `make book` it runs, then the zip), and the zip step alone with and without optimlib's wheel already built.
"""
import collections
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import dist  # noqa: E402


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def parts(archive):
    """Compressed and uncompressed bytes per part of the zip (a vendored package, the pages, the notebooks...)."""
    sizes = collections.defaultdict(lambda: [0, 0])
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            path = info.filename.split("/", 1)[1]
            key = "/".join(path.split("/")[:3]) if path.startswith("_static/vendor/") else path.split("/")[0]
            sizes[key][0] += info.compress_size
            sizes[key][1] += info.file_size
    return sizes


def main():
    if not (ROOT / "_build" / "html" / "index.html").exists():
        print(f"cold make book (no build yet):        {timed(['make', '--no-print-directory', 'book']):6.1f} s")
    print(f"make dist, book already built:        {timed(['make', '--no-print-directory', 'dist']):6.1f} s"
          "   (a cached make book, then the zip)")
    with tempfile.TemporaryDirectory() as tmp:
        shutil.rmtree(ROOT / "_build" / ".dist-wheel", ignore_errors=True)
        start = time.perf_counter()
        dist.build(ROOT, tmp)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        archive = dist.build(ROOT, tmp)
        warm = time.perf_counter() - start
        print(f"zip step, optimlib's wheel built too: {cold:6.1f} s")
        print(f"zip step, wheel already built:        {warm:6.1f} s")
        with zipfile.ZipFile(archive) as z:
            infos = z.infolist()
        raw = sum(i.file_size for i in infos)
        print(f"zip: {archive.name}: {archive.stat().st_size / 1e6:.1f} MB "
              f"({len(infos)} files, {raw / 1e6:.1f} MB unpacked)")
        for key, (packed, unpacked) in sorted(parts(archive).items(), key=lambda kv: -kv[1][0])[:8]:
            print(f"  {key:38s} {packed / 1e6:6.2f} MB in the zip ({unpacked / 1e6:6.2f} MB unpacked)")


if __name__ == "__main__":
    main()
