"""``ovopsim app``: start the teaching page in a local web server.

The main command line (:mod:`ovopsim.cli`) registers this sub-command with
:func:`add_parser` and runs it with :func:`handle`; ``python -m ovopsim.app``
does the same on its own. The server listens on 127.0.0.1 unless told
otherwise: use ``--host 0.0.0.0`` to serve a classroom network.

The app makes no outside calls: Solara's usage statistics and its check for a
newer version are off, and the page's browser files come from a local folder
(fetched once with npm, see :mod:`ovopsim.app.assets`), never from a CDN while
the app runs. The server's log holds what a teacher needs: the address, and
errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

from ..errors import EXIT_USAGE
from . import controls

EXIT_FAILED = 1

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SCENARIO_ENV = "OVOPSIM_APP_SCENARIO"  # how the chosen scenario reaches the page


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``app`` on an ``argparse`` sub-parsers object."""
    p = subparsers.add_parser(
        "app", help="open the interactive teaching app in a browser",
        description="Start the teaching app (a Mesa SolaraViz page) and print its address.")
    configure(p)
    return p


def configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}: this computer only; "
                        "0.0.0.0 for a classroom network)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--scenario", default=None,
                   help="shipped scenario shown first (default: proppo_batik); "
                        f"one of: {', '.join(controls.scenario_names())}")
    return p


def handle(args: argparse.Namespace) -> int:
    """Run the server until interrupted; the exit status."""
    if args.scenario is not None:
        names = controls.scenario_names()
        if args.scenario not in names:
            print(f"ovopsim app: --scenario: expected one of {', '.join(names)}, got {args.scenario!r}")
            return EXIT_USAGE
        os.environ[SCENARIO_ENV] = args.scenario
    # Solara's English "This website runs on Solara" footer cannot follow the language switch
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    # no usage statistics sent to Solara's makers (read when Solara's settings load)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    from . import assets

    left = assets.ensure()  # before Solara reads its settings (the cache folder may change)
    if left:
        print(assets.missing_message(left), file=sys.stderr, flush=True)
        return EXIT_FAILED
    quiet_server()
    from solara.__main__ import run as solara_run

    from ..simulation import ensure_compiled

    ensure_compiled(sys.stdout)  # before the page: the first visitor does not wait for it
    print(f"ovopsim app: open http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}"
          f":{args.port}/ in a browser (Ctrl+C stops it)", flush=True)
    from click.exceptions import Abort

    try:
        solara_run.main(["ovopsim.app.page", "--host", args.host, "--port", str(args.port),
                         "--production", "--no-open", "--log-level", "warning", "--no-check-version"],
                        standalone_mode=False)
    except (KeyboardInterrupt, Abort):  # Ctrl+C, or a stop (SIGTERM) that click reports as Abort
        pass
    return 0


def quiet_server() -> None:
    """No outside calls and a quiet log from Solara's server, in this process.

    * usage statistics off (also set through the environment, for Solara's own
      settings object);
    * a page file missing from the local folder is an error in the log, not a
      fetch from the public CDN;
    * no warning, on every visit over plain http, that cookies for embedding the
      page in another site need https (the page is not embedded)."""
    import solara.server.cdn_helper as cdn
    import solara.server.settings as settings

    settings.telemetry.mixpanel_enable = False

    def refuse(url):
        raise RuntimeError(f"ovopsim app: {url} is not among the page's local files; it is not fetched "
                           "from the internet (python -m ovopsim.app.assets fetches the page's files)")

    cdn.fetch_from_cdn = refuse
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)


def main(argv: list[str] | None = None) -> int:
    p = configure(argparse.ArgumentParser(prog="python -m ovopsim.app", description=__doc__.splitlines()[0]))
    return handle(p.parse_args(argv))
