"""What sits at the database path is the user's: a link is followed, anything not a file is left alone.

Every case runs the real command in a subprocess, with a timeout that a blocked open would hit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from okra_dash import store
from okra_dash.sync import sync
from tests.conftest import REVIEW


def okra(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "okra_dash", *args], capture_output=True, cwd=cwd, timeout=60)


def one_sentence(run: subprocess.CompletedProcess) -> str:
    err = run.stderr.decode()
    assert run.returncode == 2, err
    assert err.startswith("okra-dash: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_symlink_at_the_database_path_stays_a_link_and_its_target_gets_the_new_data(tmp_path):
    sync(str(REVIEW), tmp_path / "real.duckdb")
    (tmp_path / "link.duckdb").symlink_to("real.duckdb")
    run = okra("sync", "--source", "demo", "--db", "link.duckdb", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "link.duckdb").is_symlink()
    with store.connect(tmp_path / "real.duckdb") as con:  # the demo's 29 key results, not the review's 7
        assert con.execute("SELECT count(*) FROM key_results").fetchone() == (29,)


def test_a_dangling_symlink_is_followed_and_its_target_created(tmp_path):
    (tmp_path / "link.duckdb").symlink_to("data/okra.duckdb")
    assert okra("sync", "--source", "demo", "--db", "link.duckdb", cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "okra.duckdb").is_file() and (tmp_path / "link.duckdb").is_symlink()


@pytest.mark.parametrize("command", ["sync", "report", "digest"])
def test_a_named_pipe_is_refused_in_one_sentence_without_blocking_or_being_moved(tmp_path, command):
    os.mkfifo(tmp_path / "okra.duckdb")
    args = ["--source", "demo"] if command == "sync" else []
    assert "is a named pipe, not a database file" in one_sentence(
        okra(command, *args, "--db", "okra.duckdb", cwd=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["okra.duckdb"]


@pytest.mark.parametrize("command", ["sync", "report"])
def test_a_device_or_a_socket_is_refused_and_left_where_it_is(tmp_path, command):
    (tmp_path / "device.duckdb").symlink_to("/dev/null")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "socket.duckdb"))
    args = ["--source", "demo"] if command == "sync" else []
    try:
        assert "is a device" in one_sentence(okra(command, *args, "--db", "device.duckdb", cwd=tmp_path))
        assert "is a socket" in one_sentence(okra(command, *args, "--db", "socket.duckdb", cwd=tmp_path))
    finally:
        server.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["device.duckdb", "socket.duckdb"]


def test_an_over_long_database_name_gets_one_sentence_naming_the_limit(tmp_path):
    for name in ("a" * 300 + ".duckdb", "b" * 230 + ".duckdb"):  # the second fits, its sync's temp file not
        for command in (["sync", "--source", "demo"], ["report"]):
            assert "longer than the file system allows" in one_sentence(okra(*command, "--db", name, cwd=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_paths_that_are_not_utf8_are_named_for_what_they_are(tmp_path):
    folder = os.fsencode(tmp_path) + b"/\xff\xfe"
    os.mkdir(folder)
    for csv in REVIEW.glob("*.csv"):
        Path(os.fsdecode(folder + b"/" + os.fsencode(csv.name))).write_bytes(csv.read_bytes())
    source = one_sentence(okra("sync", "--source", folder, "--db", "okra.duckdb", cwd=tmp_path))
    assert "The source path" in source and "\\xff\\xfe" in source
    database = one_sentence(okra("sync", "--source", "demo", "--db", folder + b"/okra.duckdb", cwd=tmp_path))
    assert "The database path" in database and "\\xff\\xfe/okra.duckdb" in database
