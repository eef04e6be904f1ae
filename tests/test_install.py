"""The project installs as a tool: a wheel with sql/ inside, and an `okra-dash` command that works anywhere."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_fresh_install_gives_a_working_okra_dash_command(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = wheels.glob("okra_dash-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(name.split("/")[-1] for name in names if name.startswith("okra_dash/sql/")) == sorted(
        path.name for path in (ROOT / "sql").glob("*.sql"))
    assert "okra_dash/ui/pages/stalled.py" in names
    assert "okra_dash/ui/favicon.svg" in names  # the tab's icon (app.py gives its path to set_page_config)
    assert "okra_dash/ui/phone_nav.html" in names

    # A new virtualenv that sees the pinned dependencies of the environment running the tests (a virtualenv of
    # its own, or the system's), but not the checkout: its site-packages joins the path as a plain directory,
    # so the editable install's own .pth file there is not read.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    running = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    site = subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "running-environment.pth").write_text("\n".join(sorted(running)) + "\n")
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True,
                   capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = venv / "bin" / "okra-dash"
    synced = subprocess.run([command, "sync", "--source", "demo", "--db", "okra.duckdb"], cwd=elsewhere,
                            capture_output=True, text=True)
    assert synced.returncode == 0, synced.stderr
    assert "Synced demo into okra.duckdb" in synced.stdout
    report = subprocess.run([command, "report", "--db", "okra.duckdb", "--format", "markdown"], cwd=elsewhere,
                            capture_output=True, text=True, check=True)
    assert report.stdout.startswith("OKR weekly review, as of ")
    where = subprocess.run([venv / "bin" / "python", "-c", "import okra_dash.queries as q, okra_dash.ui.pages as p;"
                            "print(q.SQL_DIR); print(p.FOLDER)"], cwd=elsewhere, capture_output=True, text=True,
                           check=True).stdout.split()
    assert all("site-packages" in path and str(ROOT) not in path for path in where), where
