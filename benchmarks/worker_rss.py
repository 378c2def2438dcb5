"""Peak resident memory of a web worker: a fresh process that builds the web app on a
database and serves it ``N`` board requests (Flask's test client), then reports its
high-water mark (``VmHWM`` of ``/proc/self/status``; ``ru_maxrss`` where there is no
``/proc``).

Usage: ``python -m benchmarks.worker_rss DATABASE_URL MASTER_KEY N`` prints the peak in KiB.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from application.bootstrap import Services

ROOT = Path(__file__).resolve().parent.parent


def high_water_kib() -> int:
    """This process's peak resident set size, in KiB."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text("ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_mib(database_url: str, master_key: str, requests: int) -> float:
    """The peak resident memory, in MiB, of a new process serving ``requests`` board pages."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker_rss", database_url, master_key, str(requests)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return int(out.stdout.split()[-1]) / 1024


def of_services(s: Services, requests: int) -> float:
    """:func:`peak_rss_mib` on the database of ``s``."""
    return peak_rss_mib(s.config.database_url, str(s.config.master_key), requests)


def main(argv: list[str]) -> None:
    from benchmarks.pages import web_client_on

    url, key, n = argv
    client = web_client_on(url, key)
    for _ in range(int(n)):
        r = client.get("/")
        assert r.status_code == 200, r.status_code
    print(high_water_kib())


if __name__ == "__main__":
    main(sys.argv[1:])
