"""``sim app``: the seminar app in a browser (Streamlit, an optional extra).

The server runs in this process (Streamlit's own command line, called in-process), so
Ctrl-C or a termination signal stops it and its worker processes together.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from sim.cli.common import handle_errors, jobs_option
from sim.config.errors import InputError, Problem

INSTALL = 'python -m pip install ".[app]"'


def _page_script() -> Path:
    """The app's page script, found beside this package (not imported here)."""
    return Path(__file__).resolve().parent.parent / "app" / "page.py"


def _check_address(host: str, port: int) -> None:
    """An input error unless ``host:port`` can be bound now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise InputError(
            [Problem("--host", host, "is not an address of this machine, e.g. 127.0.0.1")]
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise InputError(
                    [Problem("--port", str(port), f"is in use; choose another, e.g. {port + 1}")]
                ) from None
            raise InputError(
                [Problem("--host", host, f"cannot be bound here ({error.strerror})")]
            ) from None


@click.command()
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on. Only this machine can reach 127.0.0.1; 0.0.0.0 lets every "
    "network reach the app (and run simulations on this machine).",
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A scenario file to offer as a baseline, besides the calibrated municipalities "
    "in ./scenarios (repeatable).",
)
@jobs_option(0, "Worker processes kept warm for runs; 0: two, or one on a one-core machine.")
@handle_errors
def app(port: int, host: str, scenarios: tuple[Path, ...], jobs: int) -> None:
    """Serve the seminar app: throughput against stable homes, live, in a browser.

    \b
    Needs the app extra:  python -m pip install ".[app]"
    Example:
      sim app
      sim app --port 8600 --scenario scenarios/flexbo.yaml
    """
    try:
        from streamlit.web import cli as streamlit_cli
    except ImportError:
        raise InputError(
            [Problem("sim app", "", f"needs Streamlit, an optional extra: {INSTALL}")]
        ) from None
    from sim.app.sources import Startup, configure, find_baselines

    startup = Startup(Path("scenarios"), list(scenarios), jobs)
    if not find_baselines(startup):  # checks every --scenario file: exit 2 if invalid
        raise InputError(
            [
                Problem(
                    "--scenario",
                    "",
                    "no scenario to offer: start sim app in the repository folder (with "
                    "scenarios/lorenskog-calibrated.yaml) or name files with --scenario",
                )
            ]
        )
    _check_address(host, port)
    configure(startup.folder, startup.files, jobs)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"sim app: serving at http://{shown}:{port}  (Ctrl-C stops)")
    options = {
        "server.address": host,
        "server.port": port,
        "server.headless": "true",
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "server.maxUploadSize": 1,  # MB; the page accepts far less (sources.MAX_PASTE_BYTES)
        "browser.gatherUsageStats": "false",
        "client.showErrorDetails": "none",
        "client.toolbarMode": "minimal",
        "global.developmentMode": "false",
        "logger.level": "warning",
    }
    args = ["run", str(_page_script())]
    for name, value in options.items():
        args += [f"--{name}", str(value)]
    streamlit_cli.main.main(args=args, prog_name="sim app", standalone_mode=False)
