"""Shared test code: bake with either tool, run commands, check a generated repo."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2
import nbformat
import yaml
from filelock import FileLock

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = TEMPLATE_ROOT / "{{cookiecutter.package_name}}"
QUESTIONS = {
    key: value
    for key, value in json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text()).items()
    if not key.startswith("_")
}
CHOICES = {key: value for key, value in QUESTIONS.items() if isinstance(value, list)}
JINJA_MARKERS = re.compile(r"\{\{|\{%|\{#")
ANSWERS_FILE = ".copier-answers.yml"
# Versions that YAML, unquoted, would read as numbers (1.10 as 1.1) or that are not X.Y.Z: each
# must read back exactly wherever a release writes it.
RELEASE_VERSIONS = ["1.10", "2.0", "0.10.0", "1.0.0rc1", "1.0.0.post1"]
# A folder shared by the whole test run, every pytest-xdist worker included: conftest.py makes
# it in the controlling process before any worker starts, and removes it at the end.
RUN_DIR_VARIABLE = "LAB_TEMPLATE_TEST_RUN_DIR"
MADE_LOG = "made.log"  # one line per thing once_per_run made, for conftest.py's check


def run(*args, cwd=None, env=None, check=True, timeout=600) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail the test with its whole output."""
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def bake_in_process(cookies, **answers) -> Path:
    """The repo that pytest-cookies bakes in this process (``cookies`` or ``cookies_session``)
    with these answers; a refused bake fails the test. Tests of the command line itself use
    bake_cookiecutter instead."""
    result = cookies.bake(extra_context=answers)
    assert result.exception is None, result.exception
    return result.project_path


def bake_cookiecutter(output_dir: Path, template: Path = TEMPLATE_ROOT, **answers) -> Path:
    """`cookiecutter --no-input` with answers; returns the generated repo."""
    extra = [f"{key}={value}" for key, value in answers.items()]
    # Run from the output folder: `python -m` puts the working directory first on sys.path, and
    # cookiecutter appends the template's, so the `lab_template` package in the working directory
    # (this checkout's) would be imported instead of that of the template being baked.
    output_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", output_dir, template, *extra]
    run(*command, cwd=output_dir)
    (project,) = [p for p in output_dir.iterdir() if p.is_dir()]
    return project


def bake_copier(output_dir: Path, template: Path = TEMPLATE_ROOT, vcs_ref: str = "HEAD", **answers) -> Path:
    """`copier copy --defaults --trust` with answers; returns the generated repo.

    The default ref, HEAD, bakes the working tree as cookiecutter does (uncommitted changes
    included); without it copier would take the template's newest tag.
    """
    data = [f"--data={key}={value}" for key, value in answers.items()]
    options = ["--defaults", "--trust", "--quiet", f"--vcs-ref={vcs_ref}"]
    run("copier", "copy", *options, *data, template, output_dir)
    return output_dir


def files_of(repo: Path) -> dict[str, bytes]:
    """Every file of a generated repo (not .git), by relative path."""
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }


def mentions(repo: Path, pattern: re.Pattern, ignore: set[str] = frozenset()) -> list[str]:
    """Every line of the repo's files that pattern matches, as 'file: line'.

    The answers file (it records every answer) and the files named in ignore are skipped.
    """
    return [
        f"{name}: {line.strip()}"
        for name, content in files_of(repo).items()
        if name != ANSWERS_FILE and name not in ignore
        for line in content.decode(errors="replace").splitlines()
        if pattern.search(line)
    ]


# conda-build's selector: a line with "[...]" at its end, or after a "#" with no parentheses
# after it, is kept only where the expression in the brackets is true (conda_build/metadata.py,
# `sel_pat` and `select_lines`: the line is kept without the selector, its quote restored).
CONDA_SELECTOR = re.compile(r"(.+?)\s*(#.*)?\[([^\[\]]+)\](?(2)[^\(\)]*)$")
# The selectors' names on conda-forge's noarch build machine, linux-64.
LINUX_SELECTORS = {"linux": True, "linux64": True, "unix": True, "x86_64": True, "osx": False, "win": False}


def select_conda_lines(text: str) -> str:
    """The lines of a meta.yaml that conda-build keeps on linux-64, as it selects them."""
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        if line.lstrip().startswith("#"):
            continue
        trailing_quote = line[-1] if line and line[-1] in "'\"" else ""
        match = CONDA_SELECTOR.match(line)
        if not match:
            lines.append(line)
        elif conda_selector_is_true(match.group(3)):
            lines.append(match.group(1) + trailing_quote)
    return "\n".join(lines) + "\n"


def conda_selector_is_true(selector: str) -> bool:
    """A selector's value as conda-build finds it (`eval_selector`): Python's eval, an unknown
    name taken as False."""
    while True:
        try:
            return bool(eval(selector, dict(LINUX_SELECTORS), {}))  # as conda-build does
        except NameError as error:
            selector = re.sub(rf"\b{re.escape(error.name)}\b", "False", selector)


def render_conda_recipe(text: str) -> str:
    """Render a conda-forge meta.yaml the way conda-build does: its own Jinja variables, then
    its line selectors."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    rendered = environment.from_string(text).render(
        PYTHON="$PYTHON", python_min="3.10", environ={}, load_setup_py_data=dict
    )
    return select_conda_lines(rendered)


def assert_repo_valid(repo: Path) -> None:
    """Every generated file parses as its format, scripts pass `bash -n`, no Jinja is left."""
    problems = []
    for path in sorted(repo.rglob("*")):
        relative = path.relative_to(repo)
        if not path.is_file() or ".git" in relative.parts:
            continue
        text = path.read_text(encoding="utf-8")
        # conda-build renders the recipe with its own Jinja; `${{ }}` is GitHub Actions' and
        # the v1 recipe's.
        is_recipe = relative.parts[:1] == ("recipe",)
        if not is_recipe and JINJA_MARKERS.search(text.replace("${{", "")):
            problems.append(f"{relative}: leftover Jinja")
        if "cookiecutter" in text.lower():
            problems.append(f"{relative}: leftover 'cookiecutter'")
        if JINJA_MARKERS.search(str(relative)) or "cookiecutter" in str(relative):
            problems.append(f"{relative}: leftover template syntax in the file name")
        # What the generated repo's own pre-commit hooks would otherwise change on first run.
        if text and not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{relative}: must end with exactly one newline")
        if any(line != line.rstrip() for line in text.splitlines()):
            problems.append(f"{relative}: trailing whitespace")
        try:
            if path.suffix == ".toml":
                tomllib.loads(text)
            elif path.suffix in {".yaml", ".yml", ".cff"}:
                yaml.safe_load(render_conda_recipe(text) if path.name == "meta.yaml" else text)
            elif path.suffix == ".json":
                json.loads(text)
            elif path.suffix == ".ipynb":
                nbformat.validate(nbformat.reads(text, as_version=4))
            elif path.suffix == ".py":
                compile(text, str(path), "exec")
        except Exception as error:  # noqa: BLE001 - any parse error is a finding
            problems.append(f"{relative}: {type(error).__name__}: {error}")
        if path.suffix == ".sh":
            result = run("bash", "-n", path, check=False)
            if result.returncode:
                problems.append(f"{relative}: bash -n: {result.stderr.strip()}")
    assert not problems, "\n".join(problems)


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def git_commit_all(repo: Path, message: str) -> None:
    """Commit everything in repo, making it a git repository first if it is not one."""
    if not (repo / ".git").exists():
        run("git", "init", "--quiet", "--initial-branch=main", cwd=repo)
    run("git", "add", "--all", cwd=repo)
    run("git", "commit", "--quiet", "--allow-empty", "-m", message, cwd=repo)


def make_venv(path: Path, *requirements) -> Path:
    """A fresh virtual environment with requirements installed; returns its python.

    The venv gets no pip of its own (making it is faster): install into it with `pip_install`.
    """
    run(sys.executable, "-m", "venv", "--without-pip", path)
    python = path / "bin" / "python"
    if requirements:
        pip_install(python, "--quiet", *requirements)
    return python


def pip_install(python: Path, *arguments) -> subprocess.CompletedProcess:
    """`pip install` into the environment of python, with the pip running these tests."""
    return run(
        sys.executable, "-m", "pip", "--python", python, "install", "--disable-pip-version-check", *arguments
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_dir() -> Path:
    """The folder that this test run shares between its pytest-xdist workers (see conftest.py)."""
    return Path(os.environ[RUN_DIR_VARIABLE])


def once_per_run(name: str, make: Callable[[Path], object]) -> Path:
    """The run's shared folder ``name``, filled by make(folder) in the first process that asks.

    Costly things that several tests share (a venv, a SLURM cluster) are made once per run
    however pytest-xdist spreads those tests over its workers: the others wait on a file lock,
    then use the folder. Each making is logged in MADE_LOG; conftest.py fails the run if
    anything was made twice. If make fails, every later caller fails with its error.
    """
    shared = run_dir()
    folder = shared / name
    done, failed = shared / f"{name}.done", shared / f"{name}.failed"
    with FileLock(shared / f"{name}.lock"):
        if failed.exists():
            raise RuntimeError(f"{name} could not be made, in another test:\n{failed.read_text()}")
        if not done.exists():
            with (shared / MADE_LOG).open("a") as log:
                log.write(f"{name}\n")
            folder.mkdir()
            try:
                make(folder)
            except Exception:
                failed.write_text(traceback.format_exc())
                raise
            done.touch()
    return folder
