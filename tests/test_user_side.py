"""The generated repo from its user's side: what its own files tell people and CI to run, as written.

For each answer set, the bake is committed and tagged v0.1.0 (the repo on release day, as pushed
to GitHub); every test works in a fresh `git clone` of it and in fresh virtual environments.

- The workflows' jobs run in act, a real workflow runner, on this machine (tests/workflow_runner.py),
  with local stand-ins for the actions (tests/local_actions/) and for PyPI and TestPyPI (two
  pypiservers). This machine has one Python: each matrix is cut to one entry, and a job that
  asks for another Python gets a venv of this one (the setup-python stand-in warns in the log).
- The shell commands of README.md, CONTRIBUTING.md and RELEASING.md run in order, as written, in
  bash with `set -eo pipefail`; SKIPPED lists those that need GitHub, PyPI, conda or a cluster.
- The pre-commit hooks run from their tools' PyPI packages (tests/hook_repos.py), and change nothing.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from hook_repos import local_hook_repos
from package_index import PASSWORD, USER, package_index
from support import bake_cookiecutter, git_commit_all, run, run_dir
from workflow_runner import run_workflow, stand_ins

ANSWER_SETS = {
    "defaults": {},
    "hpc_cluster=none,docs=none": {"hpc_cluster": "none", "docs": "none"},
}
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


# Each xdist worker bakes its own (a bake is cheap); the costly pre-commit cache is shared.
EVERY_ANSWER_SET = pytest.mark.parametrize("origin", list(ANSWER_SETS), indirect=True)
DEFAULT_ANSWERS = pytest.mark.parametrize("origin", ["defaults"], indirect=True)


@pytest.fixture(scope="session")
def origin(request, tmp_path_factory):
    """The repo as its maintainer pushed it: baked by the cookiecutter command, committed, tagged."""
    repo = bake_cookiecutter(tmp_path_factory.mktemp("bake"), **ANSWER_SETS[request.param])
    git_commit_all(repo, "Start from the lab template")
    run("git", "tag", "v0.1.0", cwd=repo)
    return repo


@pytest.fixture(scope="session")
def hooks_env(origin, tmp_path_factory):
    """The environment that runs the repo's pre-commit hooks offline.

    pre-commit's cache is this test run's, shared by the xdist workers (pre-commit locks it),
    so each hook's environment is installed once; outside the user's own cache, which would
    otherwise keep the stand-ins under the real URLs.
    """
    return {
        "PRE_COMMIT_HOME": str(run_dir() / "pre-commit-home"),
        **local_hook_repos(origin / ".pre-commit-config.yaml", tmp_path_factory.mktemp("hook-repos")),
    }


def clone(origin: Path, target: Path) -> Path:
    run("git", "clone", "--quiet", origin, target)
    return target


def versions_in_matrix(repo: Path, workflow: str) -> list[str]:
    return re.findall(r'^\s+- "(3\.\d+)"$', (repo / ".github/workflows" / workflow).read_text(), re.MULTILINE)


def assert_jobs_succeeded(result, succeeded: list[str], expected: set[str]) -> None:
    assert result.returncode == 0 and set(succeeded) == expected, (
        f"act exited {result.returncode}; jobs that succeeded: {succeeded}, expected {sorted(expected)}\n"
        f"--- stdout\n{result.stdout[-20000:]}\n--- stderr\n{result.stderr[-5000:]}"
    )


@EVERY_ANSWER_SET
def test_ci_workflow_passes(origin, hooks_env, tmp_path):
    """The tests job is the editable install's regression test: `pip install -e .`, then
    `python -m pytest` in the repo, which imports `<pkg>.examples` from the source tree."""
    repo = clone(origin, tmp_path / "repo")
    # The machine's Python out of the matrix; every other entry would run on it too.
    assert THIS_PYTHON in versions_in_matrix(repo, "ci.yml")
    result, succeeded = run_workflow(
        repo, "ci.yml", tmp_path / "run", ref="refs/heads/main", matrix={"python-version": THIS_PYTHON},
        env=hooks_env,
    )  # fmt: skip
    assert_jobs_succeeded(result, succeeded, {f"Tests on Python {THIS_PYTHON}", "Pre-commit checks"})


@DEFAULT_ANSWERS
def test_docs_workflow_builds_and_publishes_the_site(origin, tmp_path):
    """docs=none has no docs workflow (tests/test_docs.py checks that nothing of the docs is left)."""
    repo = clone(origin, tmp_path / "repo")
    result, succeeded = run_workflow(repo, "docs.yml", tmp_path / "run", ref="refs/heads/main")
    assert_jobs_succeeded(result, succeeded, {"Build the docs", "Publish to GitHub Pages"})
    assert (tmp_path / "run/artifacts/github-pages/examples/quickstart.html").is_file()


@EVERY_ANSWER_SET
def test_release_workflow_publishes_the_tag_to_testpypi_then_pypi(origin, tmp_path):
    repo = clone(origin, tmp_path / "repo")
    lowest = versions_in_matrix(repo, "ci.yml")[0]
    with package_index(tmp_path / "testpypi") as testpypi, package_index(tmp_path / "pypi") as pypi:
        # The GitHub release job needs GitHub: run every job up to publishing on PyPI.
        result, succeeded = run_workflow(
            repo, "release.yml", tmp_path / "run", ref="refs/tags/v0.1.0", job="publish-pypi",
            matrix={"python-version": lowest},
            env={
                "LOCAL_TESTPYPI_URL": testpypi, "LOCAL_PYPI_URL": pypi,
                "LOCAL_INDEX_USER": USER, "LOCAL_INDEX_PASSWORD": PASSWORD,
            },
        )  # fmt: skip
    expected = {
        "Build and check the sdist and wheel",
        f"Test the wheel on Python {lowest}",
        "Publish to TestPyPI",
        "Publish to PyPI",
    }
    assert_jobs_succeeded(result, succeeded, expected)
    released = ["my_project-0.1.0-py3-none-any.whl", "my_project-0.1.0.tar.gz"]
    for index in ("testpypi", "pypi"):
        assert sorted(p.name for p in (tmp_path / index / "packages").iterdir()) == released


@DEFAULT_ANSWERS
def test_a_failing_run_step_fails_the_local_run(origin, tmp_path):
    """The runner cannot pass vacuously: a `run:` step that fails on GitHub fails here."""
    repo = clone(origin, tmp_path / "repo")
    workflow = repo / ".github/workflows/ci.yml"
    text = workflow.read_text()
    assert text.count("run: python -m nox -s tests") == 1
    workflow.write_text(text.replace("run: python -m nox -s tests", "run: false"))
    git_commit_all(repo, "Break the tests job")
    result, succeeded = run_workflow(
        repo, "ci.yml", tmp_path / "run", ref="refs/heads/main", job="tests",
        matrix={"python-version": THIS_PYTHON},
    )  # fmt: skip
    assert result.returncode != 0 and not succeeded, result.stdout[-5000:]
    assert "Failure - Main Run the tests (noxfile.py)" in result.stdout


# Documented commands that cannot run here, and why (a pattern matching the command).
SKIPPED = {
    r"^pip install [\w-]+$": "installs the release from PyPI, where this repo's package is not",
    r"^conda install ": "installs the conda-forge package, which needs the recipe accepted first",
    r"git push": "pushes to GitHub",
    r"--index-url https://test\.pypi\.org/": "installs from TestPyPI; tests/test_index.py does the same "
    "against a local index",
    r"^python tools/update_recipe\.py ": "hashes the release's sdist on PyPI",
    r"&& copier update ": "updates from the template, which needs copier (tests/test_update.py runs it)",
}
NEXT_VERSION = "0.2.0"  # the clone is tagged v0.1.0
# Documented commands run with a local stand-in for their GitHub part: (pattern, replacement).
STAND_INS = [
    # The release tag is made; pushing it (which starts the release workflow) needs GitHub.
    (r"^git tag (v[\d.]+) && git push --tags$", r"git tag \1"),
]
CLUSTER_SECTION = re.compile(r"<!-- hpc-start -->.*<!-- hpc-end -->", re.DOTALL)
FENCED_BLOCK = re.compile(r"^( *)```(bash|python)\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)
GITHUB_CLONE_URL = re.compile(r"https://github\.com/[\w-]+/[\w.-]+\.git")


def documented_commands(repo: Path) -> list[tuple[str, str]]:
    """(language, command) of every code block of README.md, CONTRIBUTING.md and RELEASING.md.

    The README's section on the cluster is left out: its commands need the cluster.
    """
    commands = []
    for name in ("README.md", "CONTRIBUTING.md", "RELEASING.md"):
        text = CLUSTER_SECTION.sub("", (repo / name).read_text())
        for indent, language, body in FENCED_BLOCK.findall(text):
            lines = [line.removeprefix(indent) for line in body.splitlines()]
            if language == "python":
                commands.append(("python", "\n".join(lines)))
                continue
            # One command per line, a trailing backslash continuing it.
            for command in "\n".join(lines).replace("\\\n", " ").splitlines():
                commands.append(("bash", re.sub(" +", " ", command.strip())))
    return commands


@EVERY_ANSWER_SET
def test_documented_commands_run_as_written(origin, hooks_env, tmp_path):
    """README.md, then CONTRIBUTING.md, then RELEASING.md, as a new contributor goes through them.

    A clone from GitHub (upstream's or a fork's) clones the pushed repo instead, and an activated
    fresh virtual environment stands for the person's Python (the files do not say how to make one). A command given twice (README.md's development
    steps are CONTRIBUTING.md's) runs once. The README's Python example runs at the end, on the
    editable install: the install it follows is from PyPI.
    """
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "virtualenv", "--quiet", "--no-periodic-update", venv)
    commands, examples, skipped = [], [], {}
    for language, command in documented_commands(origin):
        # X.Y.Z stands for the version being released, which the person types.
        command = GITHUB_CLONE_URL.sub(str(origin), command).replace("X.Y.Z", NEXT_VERSION)
        for pattern, replacement in STAND_INS:
            command = re.sub(pattern, replacement, command)
        reason = next((why for pattern, why in SKIPPED.items() if re.search(pattern, command)), None)
        if reason:
            skipped[command] = reason
        elif language == "python":
            examples.append(f"python - <<'PYTHON'\n{command}\nPYTHON")
        elif command not in commands:
            commands.append(command)
    assert "python -m pytest" in commands and 'python -m pip install -e ".[dev]"' in commands, commands
    script = "\n".join(["set -eo pipefail", "PS4='+ [${SECONDS}s] '", "set -x", *commands, *examples])
    environment = {
        **os.environ,
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        **hooks_env,
    }
    result = run("bash", "-c", script, cwd=tmp_path, env=environment, check=False, timeout=900)
    assert result.returncode == 0, (
        f"{script}\nskipped: {skipped}\n--- stdout\n{result.stdout[-20000:]}\n"
        f"--- stderr\n{result.stderr[-20000:]}"
    )


def test_an_action_without_a_stand_in_is_named(tmp_path):
    workflow = tmp_path / "ci.yml"
    workflow.write_text(
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n"
        "      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830\n"
    )
    with pytest.raises(AssertionError, match=r"no local stand-in .* for actions/cache@0057852"):
        stand_ins(workflow)


def test_a_hook_without_a_pypi_equivalent_is_named(tmp_path):
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(
        "repos:\n"
        "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.17.5\n"
        "    hooks:\n      - id: ruff-check\n      - id: ruff-lint-everything\n"
        "  - repo: https://github.com/example/no-such-hooks\n    rev: v1.0.0\n"
        "    hooks:\n      - id: no-such-hook\n"
    )
    with pytest.raises(AssertionError) as failure:
        local_hook_repos(config, tmp_path / "hook-repos")
    assert str(failure.value).endswith(
        "https://github.com/astral-sh/ruff-pre-commit (hook ruff-lint-everything), "
        "https://github.com/example/no-such-hooks (hook no-such-hook)"
    )
