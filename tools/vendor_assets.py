"""Fetch the scripts the website serves itself (MathJax 3, require.js, the widget renderer) from the npm registry.

Each package is pinned by version and by the sha512 integrity the registry publishes; a tarball that does not match
is refused. Only the files a page loads are unpacked into ``_assets/vendor/`` (git-ignored), with their licences.
Run by ``make book``; a second run does nothing when everything is in place.
"""
import base64
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / ".venv" / "npm-packs"
VENDOR = ROOT / "_assets" / "vendor"

# name, version, npm integrity, (prefix inside the tarball to keep, folder under _assets/vendor)
PACKAGES = [
    ("mathjax", "3.2.2",
     "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
     ("package/es5/", "mathjax")),
    ("requirejs", "2.3.8",
     "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
     ("package/require.js", "requirejs")),
    ("@jupyter-widgets/html-manager", "1.0.7",
     "sha512-2xGwS7vVd2RGlKMiSqj1vYv2X59V73ygefUodhzy9Bho0mswWT/yo3Cg7MaYOqwozQjNo5k3rbJ3cETXWUwJ/g==",
     ("package/dist/", "html-manager")),
]


def tarball_name(name, version):
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def integrity_of(path):
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(name, version, integrity):
    CACHE.mkdir(parents=True, exist_ok=True)
    tgz = CACHE / tarball_name(name, version)
    if not tgz.exists():
        subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(CACHE), "--silent"],
                       check=True, stdout=subprocess.DEVNULL)
    if integrity_of(tgz) != integrity:
        tgz.unlink()
        sys.exit(f"vendor_assets: {name}@{version} does not match its pinned integrity; refused")
    return tgz


def unpack(tgz, prefix, folder):
    target = VENDOR / folder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(tgz) as archive:
        for member in archive.getmembers():
            keep = member.name.startswith(prefix) or member.name.split("/")[-1].upper().startswith("LICENSE")
            if not member.isfile() or not keep or member.name.endswith(".map"):
                continue
            relative = member.name[len(prefix):] if member.name.startswith(prefix) else member.name.split("/")[-1]
            relative = relative or pathlib.PurePosixPath(member.name).name
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())


def main():
    stamp = VENDOR / ".versions"
    wanted = "\n".join(f"{n}@{v} {i}" for n, v, i, _ in PACKAGES)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    for name, version, integrity, (prefix, folder) in PACKAGES:
        unpack(fetch(name, version, integrity), prefix, folder)
    stamp.write_text(wanted)
    print(f"vendor_assets: {len(PACKAGES)} packages in {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
