"""Time the template on this machine: bakes with both tools, an update, and a round trip.

    python benchmarks/bench.py [--runs 5] [--round-trip-runs 3]
    python benchmarks/bench.py --compare /path/to/scientific-python/cookie [--pairs 9]

Prints a dated Markdown table of wall-clock seconds (median, min, max). Everything happens in
temporary folders; nothing but Python's bytecode (which git ignores) is written into this
repository. The update is timed on a clone of the last commit (tagged v1 there, plus a v2 that
adds one file), the bakes on the working tree.

With --compare, each tool bakes this template (A) and the other one (B, with its
``backend=setuptools``), both at their last commit, side by side, alternating A B A B, so that
both see the same load; the table gives each side's median and the median of the per-pair
ratios A/B.
"""

from __future__ import annotations

import argparse
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


# Python's default, which some machines switch off: keep the bytecode of the modules a template
# imports (in __pycache__/, which git ignores), as on a user's machine after the first bake.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(*args, cwd: Path | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=cwd, env=ENV, check=True, capture_output=True)


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


def side_by_side(step_a: Callable[[Path], object], step_b: Callable[[Path], object], pairs: int):
    """Seconds of A and of B, run alternately (A B A B ...) after one untimed run of each."""
    # As on a user's machine after the first bake: the disk cache warm, the bytecode of the
    # templates' modules written, Jinja's compile cache full.
    measure(step_a, 1), measure(step_b, 1)
    seconds_a, seconds_b = [], []
    for _ in range(pairs):
        seconds_a += measure(step_a, 1)
        seconds_b += measure(step_b, 1)
    return seconds_a, seconds_b


def compare(other: Path, pairs: int) -> None:
    """Both templates' last commits, each cloned as a user gets it (its objects packed)."""
    with tempfile.TemporaryDirectory() as clones:
        ours, theirs = Path(clones) / "this-template", Path(clones) / other.name
        run(*GIT, "clone", "--quiet", "--no-local", TEMPLATE_ROOT, ours)
        run(*GIT, "clone", "--quiet", "--no-local", other, theirs)
        rows = [
            (
                "`cookiecutter --no-input`",
                cookiecutter_bake(ours),
                cookiecutter_bake(theirs, {"backend": "setuptools"}),
            ),
            (
                "`copier copy --defaults --trust --vcs-ref=HEAD`",
                copier_bake(ours),
                copier_bake(theirs, COMPARE_ANSWERS),
            ),
        ]
        print(f"Side by side with {other.name} (B, backend=setuptools), {pairs} alternating pairs\n")
        print("| Bake | Pairs | A: this template, median (s) | B: median (s) | Median of A/B |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, step_a, step_b in rows:
            seconds_a, seconds_b = side_by_side(step_a, step_b, pairs)
            ratio = statistics.median(a / b for a, b in zip(seconds_a, seconds_b, strict=True))
            median_a, median_b = statistics.median(seconds_a), statistics.median(seconds_b)
            print(f"| {name} | {pairs} | {median_a:.3f} | {median_b:.3f} | {ratio:.2f} |")


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
    parser.add_argument("--pairs", type=int, default=9, help="alternating pairs with --compare (default: 9)")
    args = parser.parse_args()

    print(
        f"{datetime.date.today().isoformat()}, {machine()}: Python {platform.python_version()}, "
        f"cookiecutter {version('cookiecutter')}, copier {version('copier')}\n"
    )
    if args.compare:
        compare(args.compare.resolve(), args.pairs)
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
