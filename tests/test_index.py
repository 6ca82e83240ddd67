"""A release rehearsal against a real package index (pypiserver on this machine).

What the release workflow does to TestPyPI and PyPI, done to a local index: upload the built
dist with a password, install it the way the handbook installs from TestPyPI (the release
from the index, its dependencies from PyPI), and check that a version cannot be uploaded twice.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest

from support import make_venv, pip_install, run

with warnings.catch_warnings():
    # passlib 1.7 imports the standard library's crypt module, deprecated since Python 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib.apache import HtpasswdFile

USER, PASSWORD = "maintainer", "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"pypiserver exited: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"pypiserver did not answer at {url} within {timeout}s")


@pytest.fixture(scope="module")
def index_url(tmp_path_factory):
    """A pypiserver on 127.0.0.1: uploads need the password, and never overwrite."""
    root = tmp_path_factory.mktemp("index")
    (root / "packages").mkdir()
    passwords = HtpasswdFile(str(root / "htpasswd"), new=True)
    passwords.set_password(USER, PASSWORD)
    passwords.save()
    port = free_port()
    # No --overwrite: like PyPI, the index refuses a file it already has. No fallback to PyPI:
    # what the index serves must be what was uploaded.
    command = [
        sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", port,
        "--passwords", root / "htpasswd", "--authenticate", "update", "--disable-fallback",
        root / "packages",
    ]  # fmt: skip
    server = subprocess.Popen(
        [str(part) for part in command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


def upload(index_url, dist, password=PASSWORD):
    files = sorted(dist.iterdir())
    return run(
        sys.executable, "-m", "twine", "upload", "--verbose", "--non-interactive", "--disable-progress-bar",
        "--repository-url", f"{index_url}/", "--username", USER, "--password", password, *files,
        check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def uploaded(index_url, released_repo):
    """The released repo's dist, uploaded to the index once, as the release workflow does."""
    result = upload(index_url, released_repo / "dist")
    assert result.returncode == 0, result.stdout + result.stderr
    return released_repo / "dist"


def test_an_upload_needs_the_password(index_url, released_repo):
    result = upload(index_url, released_repo / "dist", password="wrong")
    assert result.returncode != 0
    assert "403" in result.stdout + result.stderr or "401" in result.stdout + result.stderr


def test_the_release_installs_from_the_index_with_dependencies_from_pypi(index_url, uploaded, tmp_path):
    python = make_venv(tmp_path / "venv")
    report = tmp_path / "report.json"
    pip_install(
        python, "--report", report,
        "--index-url", f"{index_url}/simple/", "--extra-index-url", "https://pypi.org/simple",
        "my-project==0.1.0",
    )  # fmt: skip
    # pip looks in both indexes: make sure the release came from ours, not from a namesake.
    installed = {item["metadata"]["name"]: item for item in json.loads(report.read_text())["install"]}
    assert installed["my-project"]["download_info"]["url"].startswith(index_url)
    assert "numpy" in installed
    version = run(python, "-c", "import my_project; print(my_project.__version__)", cwd=tmp_path)
    assert version.stdout.strip() == "0.1.0"


def test_the_same_version_cannot_be_uploaded_twice(index_url, uploaded):
    result = upload(index_url, uploaded)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "already exists" in output, output
