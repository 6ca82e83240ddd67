"""Fixtures shared by the template's tests: bake once, build once, install once."""

from __future__ import annotations

import os
import sys

import pytest

if sys.version_info < (3, 11):
    # The tests read TOML with tomllib; on Python 3.10, its original, tomli, stands in for it.
    import tomli

    sys.modules["tomllib"] = tomli

from support import copy_tree, git_commit_all, make_venv, run

# Repos that the tests copy and adopt; their own tests are not the template's.
collect_ignore = ["fixtures"]

# Every git command in the tests commits as this person, whatever the machine's git config.
os.environ.update(
    GIT_AUTHOR_NAME="Template Tests",
    GIT_AUTHOR_EMAIL="tests@example.org",
    GIT_COMMITTER_NAME="Template Tests",
    GIT_COMMITTER_EMAIL="tests@example.org",
)


@pytest.fixture(scope="session")
def default_repo(cookies_session):
    """A repo baked with every default answer, shared by tests that only read it."""
    result = cookies_session.bake()
    assert result.exception is None, result.exception
    return result.project_path


@pytest.fixture(scope="session")
def released_repo(default_repo, tmp_path_factory):
    """The default repo as a maintainer has it on release day: committed, tagged v0.1.0, built.

    Built by the same script that the generated release workflow runs.
    """
    repo = copy_tree(default_repo, tmp_path_factory.mktemp("release") / default_repo.name)
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.1.0", cwd=repo)
    run(sys.executable, "tools/release_check.py", "build", cwd=repo)
    return repo


@pytest.fixture(scope="session")
def wheel_python(released_repo, tmp_path_factory):
    """The python of a fresh virtual environment holding only the built wheel (and pytest).

    Made by the release workflow's `test-wheel` step, which also runs the wheel's tests in it.
    """
    venv = tmp_path_factory.mktemp("wheel-venv") / "venv"
    run(sys.executable, "tools/release_check.py", "test-wheel", "--venv", venv, cwd=released_repo)
    return venv / "bin" / "python"


@pytest.fixture(scope="session")
def docs_python(released_repo, tmp_path_factory):
    """A fresh venv with the released wheel and its `docs` extra, as `pip install .[docs]` gives.

    Tests that use it carry @pytest.mark.xdist_group("docs"), so that one worker makes it once.
    """
    (wheel,) = (released_repo / "dist").glob("*.whl")
    return make_venv(tmp_path_factory.mktemp("docs-venv") / "venv", f"{wheel}[docs]")
