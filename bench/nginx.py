"""Several okra-dash processes behind nginx on 127.0.0.1, as docs/deploy/okra-dash.nginx.conf sets them up: for
`python -m bench load --nginx` and tests/test_nginx.py. nginx runs in the foreground with a prefix of its own
(no root, no system config)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import requests

from bench.browser import free_port

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "deploy" / "okra-dash.nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DOCUMENTED_PORTS = (8501, 8502)


def site_for(ports: list[int], listen: int, served_by: bool = False) -> str:
    """The documented site, its processes on `ports` and itself on 127.0.0.1:`listen`; served_by: each response
    names the process that served it (X-Okra-Server), for tests."""
    text = SITE.read_text(encoding="utf-8")
    pairs = [(f"    server 127.0.0.1:{port};\n", f"    127.0.0.1:{port}   127.0.0.1:{port};\n")
             for port in DOCUMENTED_PORTS]
    assert all(a in text and b in text for a, b in pairs) and "    listen 80;\n" in text, "the site changed shape"
    for kind in (0, 1):  # the upstream's servers, and the addresses the cookie may name
        listed = "".join(pair[kind] for pair in pairs)
        assert listed in text, "the site's processes are no longer listed together"
        text = text.replace(listed, "".join(
            (f"    server 127.0.0.1:{port};\n", f"    127.0.0.1:{port}   127.0.0.1:{port};\n")[kind] for port in ports))
    text = text.replace("    listen 80;\n", f"    listen 127.0.0.1:{listen};\n")
    if served_by:
        text = text.replace("        proxy_buffering off;\n",
                            "        proxy_buffering off;\n        add_header X-Okra-Server $upstream_addr always;\n")
    return text


def start(folder: Path, ports: list[int], served_by: bool = False) -> tuple[subprocess.Popen, str]:
    """nginx in front of the processes on `ports`; (process, its URL) once it answers. bench.browser.stop ends
    it."""
    folder.mkdir(parents=True, exist_ok=True)
    listen = free_port()
    (folder / "site.conf").write_text(site_for(ports, listen, served_by), encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                              "scgi"))
    (folder / "nginx.conf").write_text(f"""worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    include {folder / 'site.conf'};
}}
""", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {process.stderr.read().decode(errors='replace')[:500]}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).text == "ok":
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not answer")
