"""Time the template on this machine: bakes, an update, a round trip, and where people wait.

    python benchmarks/bench.py [--runs 5] [--round-trip-runs 3]
    python benchmarks/bench.py --compare /path/to/scientific-python/cookie [--pairs 9] [--flow-pairs 3]

Prints dated Markdown tables of wall-clock seconds. Everything happens in temporary folders;
nothing but Python's bytecode (which git ignores) is written into this repository. The update is
timed on a clone of the last commit (tagged v1 there, plus a v2 that adds one file), the bakes on
the working tree.

With --compare, this template (A) and the other one (B, with its ``backend=setuptools``), both
at their last commit, run each step side by side, alternating A B A B, so that both see the same
load; the tables give each side's median and the median of the per-pair ratios A/B. The steps:
the bake with each tool; a new project as each template's guide starts it, cold (no cache of uv
or of the hooks: a lab member's first project), from the bake to its first commit through every
hook the commit runs and its tests passing; and `nox -s tests`, cold and warm. The hook
repositories are served from local git repositories that install the same tools at the same
versions from PyPI and npm (tests/hook_repos.py), as on a machine that reaches GitHub the
hooks' sources would come from there.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_ROOT / "tests"))  # the tests' modules: hook_repos, support
from hook_repos import local_hook_repos
from support import UV

# Python's default, which some machines switch off: keep the bytecode of the modules a template
# imports (in __pycache__/, which git ignores), as on a user's machine after the first bake.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(*args, cwd: Path | None = None, env: dict[str, str] | None = None, check: bool = True) -> bool:
    """Run a command quietly; a failure stops the benchmark with the command's output, unless
    check is false (then: whether it succeeded)."""
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env or ENV, check=False, capture_output=True, text=True
    )
    if check and result.returncode:
        command = " ".join(map(str, args))
        sys.exit(f"{command} exited {result.returncode} in {cwd}:\n{result.stdout}{result.stderr}")
    return result.returncode == 0


def cookiecutter_bake(template: Path = TEMPLATE_ROOT, answers: dict[str, str] | None = None):
    """A step that bakes template, with `cookiecutter --no-input`, in the folder it is given."""
    extra = [f"{key}={value}" for key, value in (answers or {}).items()]
    return lambda workdir: run(
        sys.executable, "-m", "cookiecutter", "--no-input", "-o", workdir, template, *extra
    )


def copier_bake(template: Path = TEMPLATE_ROOT, answers: dict[str, str] | None = None):
    """A step that bakes template, with `copier copy --defaults`, in the folder it is given."""
    data = [f"--data={key}={value}" for key, value in (answers or {}).items()]
    # HEAD: the working tree, as cookiecutter bakes it (copier would take the newest tag).
    copier = [sys.executable, "-m", "copier", "copy", "--defaults", "--trust", "--quiet", "--vcs-ref=HEAD"]
    return lambda workdir: run(*copier, *data, template, workdir / "project")


GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]


def commit_all(repo: Path, message: str) -> None:
    run(*GIT, "add", "--all", cwd=repo)
    run(*GIT, "commit", "--quiet", "-m", message, cwd=repo)


def project_one_version_behind(workdir: Path) -> Path:
    """A committed project made by copier from template v1, whose template now has a v2."""
    template, project = workdir / "template", workdir / "project"
    run(*GIT, "clone", "--quiet", TEMPLATE_ROOT, template)
    run(*GIT, "tag", "v1", cwd=template)
    run(sys.executable, "-m", "copier", "copy", "--defaults", "--trust", "--quiet", template, project)
    run(*GIT, "init", "--quiet", "--initial-branch=main", cwd=project)
    commit_all(project, "Start from the template")
    (template / "{{cookiecutter.package_name}}" / "AUTHORS.md").write_text("# Authors\n")
    commit_all(template, "Add AUTHORS.md")
    run(*GIT, "tag", "v2", cwd=template)
    return project


def update_copier(project: Path) -> None:
    run(sys.executable, "-m", "copier", "update", "--defaults", "--trust", "--quiet", cwd=project)
    assert (project / "AUTHORS.md").is_file()


def round_trip(workdir: Path) -> None:
    """Bake, tag v0.1.0, build sdist and wheel, install the wheel in a fresh venv, run its tests."""
    cookiecutter_bake()(workdir)
    repo = workdir / "my_project"
    run(*GIT, "init", "--quiet", "--initial-branch=main", cwd=repo)
    commit_all(repo, "Initial commit")
    run(*GIT, "tag", "v0.1.0", cwd=repo)
    run(sys.executable, "-m", "build", "--outdir", "dist", ".", cwd=repo)
    run(sys.executable, "-m", "venv", workdir / "venv")
    python = workdir / "venv" / "bin" / "python"
    (wheel,) = (repo / "dist").glob("*.whl")
    run(python, "-m", "pip", "install", "--quiet", wheel, "pytest")
    run(python, "-m", "pytest", "--pyargs", "my_project", "-p", "no:cacheprovider", cwd=workdir)


# --- Where people wait: a new project's first steps, as each template's guide gives them --------


def baked_project(workdir: Path) -> Path:
    """The one folder a bake made in workdir."""
    (project,) = [path for path in workdir.iterdir() if path.is_dir() and not path.name.startswith(".")]
    return project


def cold_environment(workdir: Path, project: Path) -> dict[str, str]:
    """The environment of a first project: uv's cache and prek's store empty (in workdir), the
    hook repositories served locally, no venv active."""
    environment = {name: value for name, value in ENV.items() if name != "VIRTUAL_ENV"}
    environment.update(
        UV_CACHE_DIR=str(workdir / "uv-cache"),
        PREK_HOME=str(workdir / "prek-home"),
        UV_PYTHON_DOWNLOADS="never",  # this machine's Python, as the person has it
        GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.org",
    )  # fmt: skip
    hook_repos = workdir / "hook-repos"
    environment.update(local_hook_repos(project / ".pre-commit-config.yaml", hook_repos))
    return environment


def with_venv_active(environment: dict[str, str], project: Path) -> dict[str, str]:
    """`source .venv/bin/activate`."""
    venv = project / ".venv"
    return {
        **environment,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}{os.pathsep}{environment['PATH']}",
    }


# The projects whose first commit needed a second `git commit` (its hooks fixed files).
RECOMMITTED: list[str] = []


def first_commit(project: Path, environment: dict[str, str]) -> None:
    """`git add --all && git commit` through the hooks; when a hook fixed files, as people do:
    add the fixes and commit again."""
    for attempt in range(2):
        run("git", "add", "--all", cwd=project, env=environment)
        if run("git", "commit", "--quiet", "-m", "Start", cwd=project, env=environment, check=False):
            if attempt:
                RECOMMITTED.append(project.name)
            return
    sys.exit(f"the first commit of {project} failed twice: the hooks fail on the new project")


def new_project_with_uv(template: Path) -> Callable[[Path], object]:
    """This template's README: bake, then with uv a venv with the dev extra, `prek install`, the
    first commit through the hooks, the tests."""

    def flow(workdir: Path) -> None:
        cookiecutter_bake(template)(workdir)
        project = baked_project(workdir)
        environment = cold_environment(workdir, project)
        run("git", "init", "--quiet", "--initial-branch=main", cwd=project, env=environment)
        run(UV, "venv", "--quiet", "--seed", cwd=project, env=environment)
        active = with_venv_active(environment, project)
        run(UV, "pip", "install", "--quiet", "-e", ".[dev]", cwd=project, env=active)
        run("prek", "install", cwd=project, env=active)
        first_commit(project, active)
        run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=active)

    return flow


def other_new_project_with_uv(template: Path) -> Callable[[Path], object]:
    """scientific-python/cookie's guide (.github/CONTRIBUTING.md): bake, `uv sync` (a venv with
    the package and its dev group), prek from uv's tools, the first commit, `uv run pytest`."""

    def flow(workdir: Path) -> None:
        cookiecutter_bake(template, {"backend": "setuptools"})(workdir)
        project = baked_project(workdir)
        environment = cold_environment(workdir, project)
        run("git", "init", "--quiet", "--initial-branch=main", cwd=project, env=environment)
        run(UV, "sync", "--quiet", cwd=project, env=environment)
        run(Path(UV).with_name("uvx"), "prek", "install", cwd=project, env=environment)
        first_commit(project, environment)
        run(UV, "run", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, env=environment)

    return flow


def committed_bake(template: Path, answers: dict[str, str] | None = None) -> Callable[[Path], Path]:
    """Untimed: a bake in workdir, committed (setuptools-scm reads the version from git)."""

    def prepare(workdir: Path) -> Path:
        cookiecutter_bake(template, answers)(workdir)
        project = baked_project(workdir)
        run(*GIT, "init", "--quiet", "--initial-branch=main", cwd=project)
        commit_all(project, "Start")
        return project

    return prepare


def nox_tests(project: Path) -> None:
    """`nox -s tests` with uv (nox finds it), uv's cache in the project's folder's parent."""
    environment = {**ENV, "UV_CACHE_DIR": str(project.parent / "uv-cache")}
    environment.pop("VIRTUAL_ENV", None)
    run(sys.executable, "-m", "nox", "-s", "tests", cwd=project, env=environment)


def measure(
    step: Callable[[Path], object], runs: int, prepare: Callable[[Path], Path] | None = None
) -> list[float]:
    """Wall-clock seconds of `runs` calls of step, each in a new temporary folder.

    With prepare, each run first calls it (untimed) and gives its result to step.
    """
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as workdir:
            argument = prepare(Path(workdir)) if prepare else Path(workdir)
            start = time.perf_counter()
            step(argument)
            seconds.append(time.perf_counter() - start)
            if (Path(workdir) / "uv-cache").is_dir():  # uv removes its read-only files faster
                run(UV, "cache", "clean", "--quiet", "--cache-dir", Path(workdir) / "uv-cache")
    return seconds


# The other template's answers that have no default (scientific-python/cookie asks for them).
COMPARE_ANSWERS = {
    "project_name": "package",
    "org": "org",
    "full_name": "My Name",
    "email": "me@email.com",
    "license": "BSD",
    "backend": "setuptools",
    "docs": "sphinx",
    "vcs": "true",
}


Step = Callable[[Path], object]
Prepare = Callable[[Path], Path] | None


def side_by_side(
    step_a: Step,
    step_b: Step,
    pairs: int,
    prepare_a: Prepare = None,
    prepare_b: Prepare = None,
    warm_up: bool = True,
) -> tuple[list[float], list[float]]:
    """Seconds of A and of B, run alternately (A B A B ...), after one untimed run of each if
    warm_up."""
    if warm_up:
        # As on a user's machine after the first bake: the disk cache warm, the bytecode of the
        # templates' modules written, Jinja's compile cache full.
        measure(step_a, 1, prepare_a), measure(step_b, 1, prepare_b)
    seconds_a, seconds_b = [], []
    for _ in range(pairs):
        seconds_a += measure(step_a, 1, prepare_a)
        seconds_b += measure(step_b, 1, prepare_b)
    return seconds_a, seconds_b


def print_table(first_column: str, rows: list[tuple[str, int, list[float], list[float]]]) -> None:
    """One row per step: its pairs, each side's median, the median of the pairs' ratios A/B."""
    print(f"| {first_column} | Pairs | A: this template, median (s) | B: median (s) | Median of A/B |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, pairs, seconds_a, seconds_b in rows:
        ratio = statistics.median(a / b for a, b in zip(seconds_a, seconds_b, strict=True))
        median_a, median_b = statistics.median(seconds_a), statistics.median(seconds_b)
        print(f"| {name} | {pairs} | {median_a:.3f} | {median_b:.3f} | {ratio:.2f} |", flush=True)


def compare(other: Path, pairs: int, flow_pairs: int) -> None:
    """Both templates' last commits, each cloned as a user gets it (its objects packed)."""
    with tempfile.TemporaryDirectory() as clones:
        ours, theirs = Path(clones) / "this-template", Path(clones) / other.name
        run(*GIT, "clone", "--quiet", "--no-local", TEMPLATE_ROOT, ours)
        run(*GIT, "clone", "--quiet", "--no-local", other, theirs)
        print(f"Side by side with {other.name} (B, backend=setuptools), alternating pairs\n")
        bakes = [
            ("`cookiecutter --no-input`", cookiecutter_bake(ours), cookiecutter_bake(theirs, {"backend": "setuptools"})),
            ("`copier copy --defaults --trust --vcs-ref=HEAD`", copier_bake(ours), copier_bake(theirs, COMPARE_ANSWERS)),
        ]  # fmt: skip
        print_table("Bake", [(name, pairs, *side_by_side(a, b, pairs)) for name, a, b in bakes])
        if not flow_pairs:
            return
        print(
            f"\nWhere people wait, with uv, {flow_pairs} alternating pairs. Cold: uv's cache and "
            "prek's store empty. The hook repositories are local git repositories that install the "
            "same tools at the same versions from PyPI and npm (tests/hook_repos.py): this machine "
            "reaches no GitHub.\n"
        )
        ours_bake, theirs_bake = committed_bake(ours), committed_bake(theirs, {"backend": "setuptools"})

        def warm(prepare: Callable[[Path], Path]) -> Callable[[Path], Path]:
            return lambda workdir: (project := prepare(workdir), nox_tests(project))[0]

        flows = [
            ("Bake, venv with the dev tools, first commit through the hooks, tests pass (cold)",
             new_project_with_uv(ours), other_new_project_with_uv(theirs), None, None),
            ("`nox -s tests`, cold", nox_tests, nox_tests, ours_bake, theirs_bake),
            ("`nox -s tests`, warm (uv's cache full, a new venv)", nox_tests, nox_tests,
             warm(ours_bake), warm(theirs_bake)),
        ]  # fmt: skip
        rows = [
            (name, flow_pairs, *side_by_side(a, b, flow_pairs, prepare_a, prepare_b, warm_up=False))
            for name, a, b, prepare_a, prepare_b in flows
        ]
        print_table("Step", rows)
        for name, count in sorted(collections.Counter(RECOMMITTED).items()):
            print(
                f"\n{name}: {count} of {flow_pairs} first commits needed a second `git commit` (hooks fixed files)"
            )


def machine() -> str:
    """The processor and the number of cores, as Linux names them (else what platform knows)."""
    processor = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        processor = models[0].partition(":")[2].strip() if models else processor
    return f"{processor}, {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each bake (default: 5)")
    parser.add_argument("--round-trip-runs", type=int, default=3, help="runs of the round trip (default: 3)")
    parser.add_argument("--compare", type=Path, help="another template's checkout: bake both side by side")
    parser.add_argument(
        "--pairs", type=int, default=9, help="alternating pairs of bakes with --compare (default: 9)"
    )
    parser.add_argument(
        "--flow-pairs", type=int, default=3,
        help="alternating pairs of each new-project step with --compare, 0 for none (default: 3)",
    )  # fmt: skip
    args = parser.parse_args()

    print(
        f"{datetime.date.today().isoformat()}, {machine()}: Python {platform.python_version()}, "
        f"cookiecutter {version('cookiecutter')}, copier {version('copier')}\n"
    )
    if args.compare:
        compare(args.compare.resolve(), args.pairs, args.flow_pairs)
        return

    steps = [
        ("`cookiecutter --no-input` bake", cookiecutter_bake(), args.runs, None),
        ("`copier copy --defaults --trust` bake", copier_bake(), args.runs, None),
        (
            "`copier update --defaults --trust`, v1 to v2",
            update_copier,
            args.runs,
            project_one_version_behind,
        ),
        ("Bake, build, install in a fresh venv, `pytest --pyargs`", round_trip, args.round_trip_runs, None),
    ]
    print("| Step | Runs | Median (s) | Min (s) | Max (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, step, runs, prepare in steps:
        seconds = measure(step, runs, prepare)
        median, fastest, slowest = statistics.median(seconds), min(seconds), max(seconds)
        print(f"| {name} | {runs} | {median:.2f} | {fastest:.2f} | {slowest:.2f} |")


if __name__ == "__main__":
    main()
