"""The page's browser-side files, fetched once, so the app makes no outside calls.

Solara's server hands the browser a few JavaScript and CSS packages
(``@widgetti/solara-vuetify3-app``, ``requirejs``, Vega for the plots ...)
that it would fetch from a public CDN on first use and then cache in
``<sys.prefix>/share/solara/cdn``. The app never lets it: :func:`ensure`
fetches the same packages once from the npm registry into that cache (about
200 MB, a minute or two; with ``npm pack`` where npm is installed, otherwise
straight from the registry over HTTPS, checking each package's published
checksum), and the server then serves them from there (``ovopsim app`` refuses
to fetch anything while it runs). Nothing is fetched when the files are already
there. Where they cannot be fetched (no network), :func:`missing_message` says
what to do, and the app does not start.

``python -m ovopsim.app.assets`` fetches them by hand (e.g. before a lesson,
while the school's network is up).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

CACHE_ENV = "SOLARA_ASSETS_PROXY_CACHE_DIR"
REGISTRY = os.environ.get("npm_config_registry", "https://registry.npmjs.org").rstrip("/")
# "{{cdn}}/name@version/..." in the page template, "${this.getCdn()}/name@version/..." in widgets
_REF = re.compile(r"(?:\{\{cdn\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")


def cache_dir() -> Path:
    """Where Solara's server looks for cached CDN files."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def needed() -> list[str]:
    """``name@version`` of the npm packages this Solara's page and widgets, and the
    app's own widgets (``ovopsim/app/vue``), load."""
    import solara

    base = Path(solara.__file__).parent
    files = [base / "server" / "templates" / "solara.html.j2", *sorted((base / "components").glob("*.py")),
             *sorted((base / "widgets" / "vue").glob("*.vue")),
             *sorted((Path(__file__).resolve().parent / "vue").glob("*.vue"))]
    refs = set()
    for f in files:
        refs.update(_REF.findall(f.read_text(encoding="utf-8")))
    from solara.server.settings import assets

    fa = assets.fontawesome_path.strip("/").split("/")[0]
    if "@" in fa:
        refs.add(fa)
    return sorted(refs)


def missing(root: Path | None = None) -> list[str]:
    root = root or cache_dir()
    return [p for p in needed() if not (root / p / "package.json").exists()]


def missing_message(left: list[str]) -> str:
    """One paragraph: which files are missing and how to get them."""
    return (f"ovopsim app: the page's browser files are missing ({', '.join(left)}) and could not be "
            f"fetched from the npm registry ({REGISTRY}). Connect to the internet once and run "
            f"'python -m ovopsim.app.assets' (or 'ovopsim app' again), or copy the folder {cache_dir()} "
            "from a computer where the app runs.")


def download(spec: str, folder: Path) -> Path:
    """``name@version`` as a tarball in ``folder``, straight from the npm registry (no npm
    needed): an exact version, or a major one ("vega@5": the newest 5.x release). The
    tarball's SHA-512 must match the checksum the registry publishes."""
    name, _, wanted = spec.rpartition("@")
    with urllib.request.urlopen(f"{REGISTRY}/{name.replace('/', '%2f')}", timeout=60) as r:
        versions = json.load(r)["versions"]
    if wanted not in versions:
        releases = [v for v in versions if v.split(".")[0] == wanted and "-" not in v]
        if not releases:
            raise LookupError(f"{spec}: no such version in the registry")
        wanted = max(releases, key=lambda v: tuple(int(x) for x in v.split(".")))
    dist = versions[wanted]["dist"]
    out = folder / f"{name.replace('/', '-').lstrip('@')}-{wanted}.tgz"
    with urllib.request.urlopen(dist["tarball"], timeout=300) as r:
        data = r.read()
    algo, _, digest = dist.get("integrity", "").partition("-")
    if algo == "sha512" and base64.b64encode(hashlib.sha512(data).digest()).decode() != digest:
        raise ValueError(f"{spec}: the download does not match the registry's checksum")
    out.write_bytes(data)
    return out


def _fetch(spec: str, folder: Path) -> Path | None:
    """The package's tarball, with npm if installed, else from the registry directly."""
    npm = shutil.which("npm")
    if npm is not None:
        done = subprocess.run([npm, "pack", spec, "--silent"], cwd=folder, capture_output=True, text=True,
                              timeout=300)
        tgz = sorted(folder.glob("*.tgz"))
        if done.returncode == 0 and tgz:
            return tgz[0]
    try:
        return download(spec, folder)
    except (OSError, ValueError, LookupError, KeyError):
        return None


def ensure(quiet: bool = False) -> list[str]:
    """Fetch any missing package into the cache; the ones still missing."""
    root = cache_dir()
    todo = missing(root)
    if not todo:
        return todo
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        # no write access to the environment: use a per-user cache and tell Solara
        root = Path.home() / ".cache" / "ovopsim" / "solara-cdn"
        root.mkdir(parents=True, exist_ok=True)
        os.environ[CACHE_ENV] = str(root)
        todo = missing(root)
    left = []
    for spec in todo:
        with tempfile.TemporaryDirectory() as tmp:
            if not quiet:
                print(f"ovopsim app: fetching {spec} for the page from the npm registry (once)", flush=True)
            tgz = _fetch(spec, Path(tmp))
            if tgz is None:
                left.append(spec)
                continue
            dest = root / spec
            staging = Path(tmp) / "x"
            with tarfile.open(tgz) as tar:
                tar.extractall(staging, filter="data")
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging / "package"), str(dest))
    return left


if __name__ == "__main__":
    still = ensure()
    if still:
        print(missing_message(still), file=sys.stderr)
        sys.exit(1)
    print(f"page assets: all in {cache_dir()}")
