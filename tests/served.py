"""Real servers for the tests: `streamlit run` on a free localhost port, and the Chromium that visits it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As these machines need it: no sandbox as root, no GPU, and no calls to Google's hosts at start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, what: str, path: str = "/_stcore/health") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode})")
        try:
            if requests.get(f"{url}{path}", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{what} did not start")


def serve(app: Path, env: dict[str, str], port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run app` from the app's folder (its .streamlit/ config and secrets), healthy; (process, url)."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=app.parent, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_healthy(url, process, f"streamlit run {app}")
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
