"""Fixtures shared by the template's tests: bake once, build once, install once."""

from __future__ import annotations

import collections
import os
import shutil
import sys
import tempfile

import pytest

if sys.version_info < (3, 11):
    # The tests read TOML with tomllib; on Python 3.10, its original, tomli, stands in for it.
    import tomli

    sys.modules["tomllib"] = tomli

from hook_repos import local_hook_repos, make_prek_home
from slurm_cluster import SlurmCluster
from support import (
    MADE_LOG,
    RUN_DIR_VARIABLE,
    TEMPLATE_ROOT,
    bake_in_process,
    copy_tree,
    git_commit_all,
    make_venv,
    once_per_run,
    run,
    run_dir,
)

# Repos that the tests copy and adopt; their own tests are not the template's.
collect_ignore = ["fixtures"]

# Every git command in the tests commits as this person, whatever the machine's git config.
os.environ.update(
    GIT_AUTHOR_NAME="Template Tests",
    GIT_AUTHOR_EMAIL="tests@example.org",
    GIT_COMMITTER_NAME="Template Tests",
    GIT_COMMITTER_EMAIL="tests@example.org",
)


def pytest_configure(config):
    # pytest-cookies bakes --template, by default the working directory: bake this template,
    # from whichever folder pytest runs in.
    config.option.template = str(TEMPLATE_ROOT)
    if not hasattr(config, "workerinput"):  # the controlling process, before any worker starts
        os.environ[RUN_DIR_VARIABLE] = tempfile.mkdtemp(prefix="lab-template-tests-")


# What a test that uses any of these fixtures waits for (a build, a venv, a SLURM cluster, a
# workflow run, a template with releases to update across, an adoption, which builds the
# project's wheels and runs the hooks): such a test is marked `slow` without saying so itself.
# A test that is slow by its own work says `@pytest.mark.slow`.
SLOW_FIXTURES = {
    "released_repo",
    "unusual_release",
    "docs_python",
    "slurm",
    "origin",
    "made_at_v1",
    "template_hooks_env",
    "shape",
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark the tests that use a slow fixture `slow`, and run the slow tests first: under
    pytest-xdist the long ones then start at once, and the short ones fill in around them
    instead of leaving one worker to finish a long test alone at the end."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept


MADE_ONCE = pytest.StashKey[collections.Counter]()


@pytest.hookimpl(trylast=True)  # after the session's fixtures are torn down
def pytest_sessionfinish(session):
    """In the controlling process, once every worker is done: stop the SLURM that the run
    started, fail the run if support.once_per_run made anything twice, remove the run's folder."""
    if hasattr(session.config, "workerinput"):
        return
    shared = run_dir()
    if (shared / "slurm").is_dir():
        SlurmCluster.stop_in(shared / "slurm")
    made = (shared / MADE_LOG).read_text().split() if (shared / MADE_LOG).exists() else []
    shutil.rmtree(shared, ignore_errors=True)
    session.config.stash[MADE_ONCE] = collections.Counter(made)
    if any(count > 1 for count in session.config.stash[MADE_ONCE].values()):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    made = config.stash.get(MADE_ONCE, None)
    if not made:
        return
    twice = sorted(name for name, count in made.items() if count > 1)
    if twice:
        terminalreporter.write_line(
            f"error: made more than once in this run: {', '.join(twice)} (see support.once_per_run)", red=True
        )
    else:
        terminalreporter.write_line(f"made once for the whole run: {', '.join(sorted(made))}")


@pytest.fixture(scope="session")
def default_repo(cookies_session):
    """A repo baked with every default answer, shared by tests that only read it."""
    return bake_in_process(cookies_session)


@pytest.fixture(scope="session")
def released_repo(default_repo):
    """The default repo as a maintainer has it on release day: committed, tagged v0.1.0, built
    (once per run; tests that change it work on a copy).

    Built by the same script that the generated release workflow runs.
    """

    def release(folder):
        repo = copy_tree(default_repo, folder / default_repo.name)
        git_commit_all(repo, "Initial commit")
        run("git", "tag", "v0.1.0", cwd=repo)
        run(sys.executable, "tools/release_check.py", "build", cwd=repo)

    return once_per_run("release", release) / default_repo.name


@pytest.fixture(scope="session")
def wheel_python(released_repo):
    """The python of a fresh virtual environment holding only the built wheel (and pytest),
    made once per run.

    Made by the release workflow's `test-wheel` step, which also runs the wheel's tests in it.
    """

    def test_wheel(folder):
        venv = folder / "venv"
        run(sys.executable, "tools/release_check.py", "test-wheel", "--venv", venv, cwd=released_repo)

    return once_per_run("wheel-venv", test_wheel) / "venv" / "bin" / "python"


@pytest.fixture(scope="session")
def docs_python(released_repo):
    """A fresh venv with the released wheel and its `docs` extra, as `pip install .[docs]` gives,
    made once per run whichever workers run the tests that use it."""
    (wheel,) = (released_repo / "dist").glob("*.whl")

    def install(folder):
        make_venv(folder / "venv", f"{wheel}[docs]")

    return once_per_run("docs-venv", install) / "venv" / "bin" / "python"


@pytest.fixture(scope="session")
def template_hooks_env(default_repo, tmp_path_factory):
    """The environment in which the template's hooks run offline, from their tools' PyPI packages
    (tests/hook_repos.py), with the run's one prek store (the user-side tests' too): for
    adoption, which runs them on the repo it adopts."""
    return {
        "PREK_HOME": str(once_per_run("prek-home", make_prek_home)),
        **local_hook_repos(default_repo / ".pre-commit-config.yaml", tmp_path_factory.mktemp("hook-repos")),
    }
