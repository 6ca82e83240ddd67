"""A real package index on 127.0.0.1 (pypiserver) that stands for PyPI or TestPyPI in the tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

from support import free_port

with warnings.catch_warnings():
    # passlib 1.7 imports the standard library's crypt module, deprecated since Python 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    from passlib.apache import HtpasswdFile

USER, PASSWORD = "maintainer", "correct horse battery staple"


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


@contextlib.contextmanager
def package_index(root: Path) -> Iterator[str]:
    """Serve an empty index from root; yields its URL. Uploads need USER's PASSWORD, and never overwrite."""
    (root / "packages").mkdir(parents=True)
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
