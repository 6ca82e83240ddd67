"""A release rehearsal against a real package index (pypiserver on this machine).

What the release workflow does to TestPyPI and PyPI, done to a local index: upload the built
dist with a password, install it the way the handbook installs from TestPyPI (the release
from the index, its dependencies from PyPI), and check that a version cannot be uploaded twice.
"""

from __future__ import annotations

import json
import sys

import pytest

from package_index import PASSWORD, USER, package_index
from support import make_venv, run


@pytest.fixture(scope="module")
def index_url(tmp_path_factory):
    """A pypiserver on 127.0.0.1: uploads need the password, and never overwrite."""
    with package_index(tmp_path_factory.mktemp("index")) as url:
        yield url


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
    # pip, as the handbook installs from TestPyPI.
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--report", report,
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
