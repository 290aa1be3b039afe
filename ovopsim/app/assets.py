"""The page's browser-side files, for classrooms without open internet.

Solara's server hands the browser a few JavaScript and CSS packages
(``@widgetti/solara-vuetify3-app``, ``requirejs``, ``font-awesome``) that it
normally fetches from a public CDN on first use and then caches in
``<sys.prefix>/share/solara/cdn``. Where the CDN cannot be reached but the
npm registry can (a school proxy, CI), :func:`ensure` fetches the same
packages with ``npm pack`` into that cache, so the page loads. Nothing is
fetched when the files are already cached; without npm nothing happens and
Solara falls back to the CDN as usual.

``python -m ovopsim.app.assets`` does it by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CACHE_ENV = "SOLARA_ASSETS_PROXY_CACHE_DIR"
# "{{cdn}}/name@version/..." in the page template, "${this.getCdn()}/name@version/..." in widgets
_REF = re.compile(r"(?:\{\{cdn\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")


def cache_dir() -> Path:
    """Where Solara's server looks for cached CDN files."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(sys.prefix) / "share" / "solara" / "cdn"


def needed() -> list[str]:
    """``name@version`` of the npm packages this Solara's page and widgets load."""
    import solara

    base = Path(solara.__file__).parent
    files = [base / "server" / "templates" / "solara.html.j2", *sorted((base / "components").glob("*.py")),
             *sorted((base / "widgets" / "vue").glob("*.vue"))]
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


def ensure(quiet: bool = False) -> list[str]:
    """Fetch any missing package with npm into the cache; the ones still missing."""
    root = cache_dir()
    todo = missing(root)
    npm = shutil.which("npm")
    if not todo or npm is None:
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
                print(f"ovopsim app: fetching {spec} for the page (npm pack)", flush=True)
            done = subprocess.run([npm, "pack", spec, "--silent"], cwd=tmp, capture_output=True, text=True,
                                  timeout=300)
            tgz = sorted(Path(tmp).glob("*.tgz"))
            if done.returncode != 0 or not tgz:
                left.append(spec)
                continue
            dest = root / spec
            staging = Path(tmp) / "x"
            with tarfile.open(tgz[0]) as tar:
                tar.extractall(staging, filter="data")
            if dest.exists():
                shutil.rmtree(dest)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging / "package"), str(dest))
    return left


if __name__ == "__main__":
    still = ensure()
    print("page assets:", "all cached in " + str(cache_dir()) if not still else "missing " + ", ".join(still))
    sys.exit(1 if still else 0)
