"""The generated repo from its user's side: what its own files tell people and CI to run, as written.

For each answer set, the bake is pushed as its README says, from `git init` to the first push,
with a git whose default branch is master; a local bare repository stands for the new GitHub
one. Every test works in a fresh `git clone` of that, untagged, and in fresh virtual environments.

- The workflows' jobs run in act, a real workflow runner, on this machine (tests/workflow_runner.py),
  with local stand-ins for the actions (tests/local_actions/) and for PyPI and TestPyPI (two
  pypiservers), for a push of a ref that the workflow's filters take, as GitHub would check.
  This machine has one Python: each matrix is cut to one entry, and a job that asks for another
  Python gets a venv of this one (the setup-python stand-in warns in the log).
- The shell commands of README.md, CONTRIBUTING.md and RELEASING.md run in order, as written, in
  bash with `set -eo pipefail`; SKIPPED lists those that need GitHub, PyPI, conda or a cluster.
  They run twice: with uv, as the files give them first, and without uv, with the fallback
  that they give for pip (once: it is the slow one).
- The hooks run from their tools' PyPI packages (tests/hook_repos.py), and change nothing.
- Neither a job nor a person finds uv unless a step installs it: the machine's own uv is taken
  off PATH.

Whatever a run installs comes from uv's cache, shared by every test, and the hooks' environments
are made once per run, in one prek store.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from hook_repos import local_hook_repos, make_prek_home
from package_index import PASSWORD, USER, package_index
from support import UV, bake_cookiecutter, git_commit_all, once_per_run, run, search_path_without
from workflow_runner import run_workflow, stand_ins, starts

ANSWER_SETS = {
    "defaults": {},
    "hpc_cluster=none,docs=none": {"hpc_cluster": "none", "docs": "none"},
}
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
TEMPLATE_README = Path(__file__).resolve().parent.parent / "README.md"


# Each xdist worker bakes its own (a bake is cheap); the costly pre-commit cache is shared.
EVERY_ANSWER_SET = pytest.mark.parametrize("origin", list(ANSWER_SETS), indirect=True)
DEFAULT_ANSWERS = pytest.mark.parametrize("origin", ["defaults"], indirect=True)


SETUP_SECTION = re.compile(r"<!-- setup-start -->.*<!-- setup-end -->", re.DOTALL)
CLUSTER_SECTION = re.compile(r"<!-- hpc-start -->.*<!-- hpc-end -->", re.DOTALL)
FENCED_BLOCK = re.compile(r"^( *)```(bash|python)\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)
GITHUB_CLONE_URL = re.compile(r"https://github\.com/[\w-]+/[\w.-]+\.git")


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(language, commands) of every fenced bash or python block: one bash command per line,
    a trailing backslash continuing it; a python block is one command."""
    blocks = []
    for indent, language, body in FENCED_BLOCK.findall(text):
        lines = [line.removeprefix(indent) for line in body.splitlines()]
        if language == "python":
            blocks.append((language, ["\n".join(lines)]))
        else:
            joined = "\n".join(lines).replace("\\\n", " ")
            blocks.append((language, [re.sub(" +", " ", command.strip()) for command in joined.splitlines()]))
    return blocks


@pytest.fixture(scope="session")
def origin(request, tmp_path_factory):
    """The repo on GitHub as its maintainer pushed it, by its README's "Setting up the repository".

    Baked by the cookiecutter command; then the section's commands run as written, from
    `git init` to the first push, in bash, with a git whose default branch is master (where a
    bare `git init` would leave the commit on a branch that no workflow runs on). `gh repo
    create`, the other way to make the GitHub repository, needs GitHub: a bare repository stands
    for the new, empty one, on main as GitHub starts new repositories.
    .local is the maintainer's checkout, .github the bare repository, .pushed the refs it holds.
    """
    root = tmp_path_factory.mktemp("origin")
    repo = bake_cookiecutter(root / "bake", **ANSWER_SETS[request.param])
    github = root / "github" / f"{repo.name}.git"
    run("git", "init", "--quiet", "--bare", "--initial-branch=main", github)
    gitconfig = root / "gitconfig"
    gitconfig.write_text("[init]\n\tdefaultBranch = master\n")
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}
    (root / "plain").mkdir()
    run("git", "init", "--quiet", cwd=root / "plain", env=environment)
    assert run("git", "symbolic-ref", "HEAD", cwd=root / "plain").stdout == "refs/heads/master\n"

    (section,) = SETUP_SECTION.findall((repo / "README.md").read_text())
    commands = [
        GITHUB_CLONE_URL.sub(str(github), command)
        for _, block in code_blocks(section)
        for command in block
        if not command.startswith("gh repo create ")
    ]
    assert commands[0].startswith("git init") and commands[-1].startswith("git push"), commands
    script = "\n".join(["set -eo pipefail", "set -x", *commands])
    run("bash", "-c", script, cwd=repo, env=environment)
    pushed = run("git", "for-each-ref", "--format=%(refname)", cwd=github).stdout.split()
    return SimpleNamespace(local=repo, github=github, pushed=pushed, commands=commands)


@pytest.fixture(scope="session")
def hooks_env(origin, tmp_path_factory):
    """The environment that runs the repo's hooks offline.

    prek's store is this test run's, shared by the xdist workers (prek locks it), so each
    hook's environment is installed once per run.
    """
    return {
        "PREK_HOME": str(once_per_run("prek-home", make_prek_home)),
        **local_hook_repos(origin.local / ".pre-commit-config.yaml", tmp_path_factory.mktemp("hook-repos")),
    }


def clone(origin, target: Path) -> Path:
    """A fresh clone from the pushed repository, as anyone gets it from GitHub."""
    run("git", "clone", "--quiet", origin.github, target)
    return target


def versions_in_matrix(repo: Path, workflow: str) -> list[str]:
    return re.findall(r'^\s+- "(3\.\d+)"$', (repo / ".github/workflows" / workflow).read_text(), re.MULTILINE)


def assert_jobs_succeeded(result, succeeded: list[str], expected: set[str]) -> None:
    assert result.returncode == 0 and set(succeeded) == expected, (
        f"act exited {result.returncode}; jobs that succeeded: {succeeded}, expected {sorted(expected)}\n"
        f"--- stdout\n{result.stdout[-20000:]}\n--- stderr\n{result.stderr[-5000:]}"
    )


@EVERY_ANSWER_SET
def test_the_first_push_follows_the_readme_to_the_branch_ci_runs_on(origin):
    """The README's first steps, as written, push one branch, main: the branch the workflows
    run on. A bare `git init` on the same git would have pushed master, which starts no CI."""
    assert origin.commands[:2] == ["git init -b main", "git add --all"]
    assert origin.pushed == ["refs/heads/main"]
    ci = origin.local / ".github" / "workflows" / "ci.yml"
    assert starts(ci, "push", origin.pushed[0]) and not starts(ci, "push", "refs/heads/master")
    assert run("git", "status", "--porcelain", cwd=origin.local).stdout == ""  # everything committed
    # The template's README starts the repo the same way.
    assert "git init -b main && git add --all && git commit" in (TEMPLATE_README.read_text())


@EVERY_ANSWER_SET
def test_ci_workflow_passes(origin, hooks_env, tmp_path):
    """For the push of the branch the README pushed (run_workflow checks that ci.yml's filters
    take it). The tests job is the editable install's regression test: `pip install -e .`, then
    `python -m pytest` in the repo, which imports `<pkg>.examples` from the source tree."""
    repo = clone(origin, tmp_path / "repo")
    # The machine's Python out of the matrix; every other entry would run on it too.
    assert THIS_PYTHON in versions_in_matrix(repo, "ci.yml")
    result, succeeded = run_workflow(
        repo, "ci.yml", tmp_path / "run", ref=origin.pushed[0], matrix={"python-version": THIS_PYTHON},
        env=hooks_env,
    )  # fmt: skip
    assert_jobs_succeeded(result, succeeded, {f"Tests on Python {THIS_PYTHON}", "Pre-commit checks"})


@DEFAULT_ANSWERS
def test_docs_workflow_builds_and_publishes_the_site(origin, tmp_path):
    """docs=none has no docs workflow (tests/test_docs.py checks that nothing of the docs is left)."""
    repo = clone(origin, tmp_path / "repo")
    result, succeeded = run_workflow(repo, "docs.yml", tmp_path / "run", ref=origin.pushed[0])
    assert_jobs_succeeded(result, succeeded, {"Build the docs", "Publish to GitHub Pages"})
    assert (tmp_path / "run/artifacts/github-pages/examples/quickstart.html").is_file()


@DEFAULT_ANSWERS
def test_release_workflow_publishes_the_tag_to_testpypi_then_pypi(origin, tmp_path):
    """The first release, 0.1.0, which CITATION.cff names from the start: tagged in the clone,
    as RELEASING.md says, and run for the push of that tag. One answer set is enough: the
    other's release workflow is the same file (checked here), and its release checks run in
    test_documented_commands_run_as_written."""
    other = bake_cookiecutter(tmp_path / "other", **ANSWER_SETS["hpc_cluster=none,docs=none"])
    workflow = Path(".github/workflows/release.yml")
    assert (other / workflow).read_text() == (origin.local / workflow).read_text()
    repo = clone(origin, tmp_path / "repo")
    run("git", "tag", "v0.1.0", cwd=repo)
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
    assert text.count("run: uvx nox -s tests") == 1
    workflow.write_text(text.replace("run: uvx nox -s tests", "run: false"))
    git_commit_all(repo, "Break the tests job")
    result, succeeded = run_workflow(
        repo, "ci.yml", tmp_path / "run", ref="refs/heads/main", job="tests",
        matrix={"python-version": THIS_PYTHON},
    )  # fmt: skip
    assert result.returncode != 0 and not succeeded, result.stdout[-5000:]
    assert "Failure - Main Run the tests (noxfile.py)" in result.stdout


# Documented commands that cannot run here, and why (a pattern matching the command). The
# README's "Setting up the repository" is left out: the origin fixture runs it.
SKIPPED = {
    r"^pip install [\w-]+$": "installs the release from PyPI, where this repo's package is not",
    r"^conda install ": "installs the conda-forge package, which needs the recipe accepted first",
    r"git push": "pushes to GitHub",
    r"--index-url https://test\.pypi\.org/": "installs from TestPyPI; tests/test_index.py does the same "
    "against a local index",
    r"^python tools/update_recipe\.py ": "hashes the release's sdist on PyPI",
    r"&& copier update ": "updates from the template, which needs copier (tests/test_update.py runs it)",
}
NEXT_VERSION = "0.1.0"  # the pushed commit has no tag: its first release
# Documented commands run with a local stand-in for their GitHub part: (pattern, replacement).
STAND_INS = [
    # The release tag is made; pushing it (which starts the release workflow) needs GitHub.
    (r"^git tag (v[\d.]+) && git push origin \1$", r"git tag \1"),
]


# A code block that follows a paragraph saying "Without uv" gives the pip fallback of the uv
# block before it.
PIP_FALLBACK = re.compile(r"\bwithout uv\b", re.IGNORECASE)


GUIDES = ("README.md", "CONTRIBUTING.md", "RELEASING.md")


def documented_commands(repo: Path, guides=GUIDES) -> list[tuple[str, str, str]]:
    """(language, command, path) of every code block of the guides; path is "uv" for a block
    that runs uv, "pip" for the fallback of one (a block after a paragraph that says "without
    uv"), "" for the others.

    The README's section on the cluster is left out (its commands need the cluster), and its
    first push (the origin fixture runs it).
    """
    commands = []
    for name in guides:
        text = SETUP_SECTION.sub("", CLUSTER_SECTION.sub("", (repo / name).read_text()))
        end_of_last_block = 0
        for block in FENCED_BLOCK.finditer(text):
            indent, language, body = block.groups()
            prose_before = text[end_of_last_block : block.start()]
            end_of_last_block = block.end()
            lines = [line.removeprefix(indent) for line in body.splitlines()]
            if language == "python":
                commands.append(("python", "\n".join(lines), ""))
                continue
            # One command per line, a trailing backslash continuing it.
            block_commands = [
                re.sub(" +", " ", command.strip())
                for command in "\n".join(lines).replace("\\\n", " ").splitlines()
            ]
            if PIP_FALLBACK.search(prose_before):
                path = "pip"
            elif any(command.startswith(("uv ", "uvx ")) for command in block_commands):
                path = "uv"
            else:
                path = ""
            commands += [("bash", command, path) for command in block_commands]
    return commands


# What each path installs the developer tools with.
DEV_INSTALL = {"uv": 'uv pip install -e ".[dev]"', "pip": 'python -m pip install -e ".[dev]"'}


@pytest.mark.parametrize(
    ("origin", "path"),
    [("defaults", "uv"), ("hpc_cluster=none,docs=none", "uv"), ("hpc_cluster=none,docs=none", "pip")],
    indirect=["origin"],
)
def test_documented_commands_run_as_written(origin, path, hooks_env, tmp_path):
    """README.md, then CONTRIBUTING.md, then RELEASING.md, as a new contributor goes through them,
    with uv (its blocks, not their pip fallbacks) or without (the fallbacks, not the uv blocks).
    RELEASING.md has no fallback: its commands are the same on both paths, and run on the uv one.

    A clone from GitHub (upstream's or a fork's) clones the pushed repo instead. The person's
    Python is a fresh environment with nothing installed, and the machine's uv is off PATH: with
    uv, the person has only uv's own binaries besides. A command given twice (README.md's
    development steps are CONTRIBUTING.md's) runs once. The README's Python example runs at the
    end, on the editable install: the install it follows is from PyPI. On the uv path, RELEASING.md
    runs up to the first release, 0.1.0, with every check before its tag.
    """
    person = tmp_path / "python"
    run(UV, "venv", "--quiet", "--python", sys.executable, person)
    search_path = [person / "bin", search_path_without("uv")]
    if path == "uv":  # uv and uvx, as uv's installer puts them on PATH
        uv_alone = tmp_path / "uv-bin"
        uv_alone.mkdir()
        for binary in ("uv", "uvx"):
            (uv_alone / binary).symlink_to(Path(UV).with_name(binary))
        search_path.insert(1, uv_alone)
    commands, examples, skipped = [], [], {}
    guides = GUIDES if path == "uv" else GUIDES[:2]
    for language, command, command_path in documented_commands(origin.local, guides):
        # X.Y.Z stands for the version being released, which the person types.
        command = GITHUB_CLONE_URL.sub(str(origin.github), command).replace("X.Y.Z", NEXT_VERSION)
        for pattern, replacement in STAND_INS:
            command = re.sub(pattern, replacement, command)
        reason = next((why for pattern, why in SKIPPED.items() if re.search(pattern, command)), None)
        if command_path and command_path != path:
            skipped[command] = f"the {command_path} path, run by another test"
        elif reason:
            skipped[command] = reason
        elif language == "python":
            examples.append(f"python - <<'PYTHON'\n{command}\nPYTHON")
        elif command not in commands:
            commands.append(command)
    assert {"python -m pytest", DEV_INSTALL[path], "prek install"} <= set(commands), commands
    # Each path runs its own install only.
    assert not any(command in commands for other, command in DEV_INSTALL.items() if other != path)
    if "RELEASING.md" in guides:  # its checks before the tag, on the pushed commit, which has none
        assert f"python tools/release_check.py build --version {NEXT_VERSION}" in commands, commands
    script = "\n".join(["set -eo pipefail", "PS4='+ [${SECONDS}s] '", "set -x", *commands, *examples])
    environment = {**os.environ, "PATH": os.pathsep.join(map(str, search_path)), **hooks_env}
    environment.pop("VIRTUAL_ENV", None)
    result = run("bash", "-c", script, cwd=tmp_path, env=environment, check=False, timeout=900)
    assert result.returncode == 0, (
        f"{script}\nskipped: {skipped}\n--- stdout\n{result.stdout[-20000:]}\n"
        f"--- stderr\n{result.stderr[-20000:]}"
    )


def releasing_command(repo: Path, pattern: str) -> str:
    """The one command of RELEASING.md that matches pattern, for the release X.Y.Z = NEXT_VERSION."""
    (command,) = [
        command
        for _, block in code_blocks((repo / "RELEASING.md").read_text())
        for command in block
        if re.search(pattern, command)
    ]
    return command.replace("X.Y.Z", NEXT_VERSION)


@DEFAULT_ANSWERS
def test_the_checks_before_the_tag_pass_in_any_order(origin, tmp_path):
    """On the pushed commit, which has no tag: `nox -s build` (a development version), then,
    after RELEASING.md's first step, `nox -s build -- --version X.Y.Z` and RELEASING.md's build
    and check one after the other, both ways round. Neither leaves anything in the way of the
    other (dist/ is emptied first) and neither tags."""
    repo = clone(origin, tmp_path / "repo")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "virtualenv", "--quiet", "--no-periodic-update", venv)
    nox = f"{sys.executable} -m nox"  # the developer tools' nox
    nox_build = f"{nox} -s build -- --version {NEXT_VERSION}"
    # RELEASING.md's build and check as a person without uv runs them (pip makes the build
    # environment); nox's builds find the machine's uv (`build --installer uv`).
    without_uv = "PATH=" + shlex.quote(f"{venv / 'bin'}:{search_path_without('uv')}")
    releasing_build = [
        f"{without_uv} {releasing_command(repo, pattern)}"
        for pattern in (
            r"^python -m pip install build twine$",
            r"release_check\.py build --version",
            r"release_check\.py check --version",
        )
    ]
    step_one = [
        releasing_command(repo, r"update_citation\.py"),
        releasing_command(repo, r"^git commit -am"),
    ]
    script = "\n".join(
        ["set -eo pipefail", "set -x", f"{nox} -s build", *step_one, nox_build, *releasing_build, nox_build]
    )
    environment = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    result = run("bash", "-c", script, cwd=repo, env=environment, check=False, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{script}\n{output[-20000:]}"
    assert "0.0.1.dev1 is a development version" in output
    assert output.count(f"HEAD has no tag v{NEXT_VERSION} yet: building version {NEXT_VERSION}") == 3
    assert (output.count("-m build --installer uv --outdir"), output.count("-m build --outdir")) == (3, 1)
    assert sorted(path.name for path in (repo / "dist").iterdir()) == [
        f"my_project-{NEXT_VERSION}-py3-none-any.whl",
        f"my_project-{NEXT_VERSION}.tar.gz",
    ]
    assert run("git", "tag", cwd=repo).stdout == ""


@DEFAULT_ANSWERS
def test_conflict_markers_fail_the_hooks_and_heading_underlines_do_not(origin, hooks_env, tmp_path):
    """A seven-character title underline, in Markdown or reStructuredText, is no conflict; the
    markers that `copier update --conflict inline` leaves are, outside any git merge."""
    repo = clone(origin, tmp_path / "repo")
    (repo / "NOTES.md").write_text("Results\n=======\n\nNone yet.\n")
    (repo / "notes.rst").write_text("Results\n=======\n\nNone yet.\n")
    hooks = ["check-merge-conflict", "conflict-markers"]
    environment = {**os.environ, **hooks_env}

    def run_hooks(*files):
        return [
            run("prek", "run", hook, "--files", *files, cwd=repo, env=environment, check=False)
            for hook in hooks
        ]

    assert [result.returncode for result in run_hooks("NOTES.md", "notes.rst")] == [0, 0]
    (repo / "slurm.txt").write_text(
        "<<<<<<< before updating\n#SBATCH --mem=100G\n=======\n#SBATCH --mem=64G\n>>>>>>> after updating\n"
    )
    check_merge_conflict, conflict_markers = run_hooks("slurm.txt")
    # No merge is going on (copier merged the file itself): check-merge-conflict looks no further.
    assert check_merge_conflict.returncode == 0
    assert (
        conflict_markers.returncode != 0 and "slurm.txt:1:<<<<<<< before updating" in conflict_markers.stdout
    )


def test_installation_docs_work_as_written(released_repo, tmp_path):
    """docs/installation.md: installed from PyPI (the built wheel stands for it), then the check
    it gives, as written, in a fresh environment without the developer tools."""
    blocks = code_blocks((released_repo / "docs" / "installation.md").read_text())
    (install,) = [block for _, block in blocks if block == ["python -m pip install my-project"]]
    (check,) = [block for _, block in blocks if any("--pyargs" in command for command in block)]
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "virtualenv", "--quiet", "--no-periodic-update", venv)
    dist = released_repo / "dist"
    commands = [f"{install[0]} --find-links {dist}", *check]  # PyPI has no my-project: dist/ does
    script = "\n".join(["set -eo pipefail", "set -x", *commands])
    environment = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "VIRTUAL_ENV": str(venv)}
    outside = tmp_path / "anywhere"
    outside.mkdir()
    result = run("bash", "-c", script, cwd=outside, env=environment, check=False, timeout=600)
    assert result.returncode == 0, f"{script}\n{result.stdout[-10000:]}\n{result.stderr[-10000:]}"
    assert re.search(r"\d+ passed", result.stdout)


def test_workflows_start_only_for_the_refs_their_filters_take(tmp_path):
    """GitHub's filter patterns, as run_workflow checks them before act runs a workflow."""
    workflow = tmp_path / "ci.yml"
    workflow.write_text(
        "on:\n  push:\n    branches: [main, 'releases/**', '!releases/**-alpha']\n"
        "    tags: ['v*']\n  workflow_dispatch:\njobs: {}\n"
    )
    assert starts(workflow, "push", "refs/heads/main")
    assert not starts(workflow, "push", "refs/heads/master")
    assert starts(workflow, "push", "refs/heads/releases/1.0/final")
    assert not starts(workflow, "push", "refs/heads/releases/1.0-alpha")
    assert starts(workflow, "push", "refs/tags/v1.2.0") and not starts(workflow, "push", "refs/tags/1.2.0")
    assert starts(workflow, "workflow_dispatch", "refs/heads/feature")
    assert not starts(workflow, "pull_request", "refs/heads/main")
    tags_only = tmp_path / "release.yml"
    tags_only.write_text("on:\n  push:\n    tags: ['v*']\njobs: {}\n")
    assert not starts(tags_only, "push", "refs/heads/main")  # a branch push, where only tags are filtered


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
