"""The release checks, in one place: the release workflow runs them, and so can you.

    python tools/release_check.py build [--version X.Y.Z]  # sdist and wheel into dist/
    python tools/release_check.py check [--version X.Y.Z]  # names, version, citation, recipe
    python tools/release_check.py test-wheel [--venv DIR]  # the tests, on the installed wheel

The version comes from the git tag vX.Y.Z (setuptools-scm). A commit without a version tag
builds a development version such as 0.1.1.dev3; `--version X.Y.Z` builds and checks the files
that the tag vX.Y.Z will make, so that every check passes before the tag exists. `build`
empties dist/ first: the commands run in any order, any number of times.

`build` needs the `build` package and `check` needs `twine` (both in the `dev` extra).
Standard library only, so that it runs on every supported Python.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.message import Message
from pathlib import Path
from typing import NoReturn

# The distribution name as sdist and wheel file names spell it.
FILE_NAME = "{{ cookiecutter.distribution_name | dist_file_name }}"
ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CITATION = ROOT / "CITATION.cff"
RECIPES = [ROOT / "recipe" / "recipe.yaml", ROOT / "recipe" / "meta.yaml"]
# setuptools-scm's settings for this project only, given to the build through its environment.
SCM_PRETEND_VERSION = f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{FILE_NAME.upper()}"
SCM_OVERRIDES = f"SETUPTOOLS_SCM_OVERRIDES_FOR_{FILE_NAME.upper()}"
# A version as the wheel's name and metadata spell it: PEP 440's canonical form (its appendix).
VERSION = re.compile(
    r"([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?"
)
VERSION_TAG = re.compile(r"v[0-9]")
# What YAML reads as a number when it is not quoted: `version: 1.10` is the float 1.1.
YAML_NUMBER = re.compile(r"[-+]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9_]+)([eE][-+]?[0-9]+)?")
# conda-forge's global python_min (CFEP-25), for a recipe that sets none of its own.
CONDA_FORGE_PYTHON_MIN = "{{ conda_forge_python_min }}"


def run(*command: object, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, env=env, check=True)


def version_tuple(version: str) -> tuple[int, ...]:
    """'3.10' -> (3, 10), for comparing Python versions."""
    return tuple(int(part) for part in version.split("."))


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def checked_version(version: str) -> str:
    """The version of a tag vX.Y.Z being prepared, as given (a leading v is dropped)."""
    version = version.removeprefix("v")
    if not VERSION.fullmatch(version):
        fail(
            f"{version!r} is not a version as PyPI and the wheel spell it, such as 1.2.0, "
            "1.2.0rc1 or 1.2.0.post1 (PEP 440)"
        )
    return version


def git(*args: str) -> str | None:
    """git's output in this project, or None if the project is not a git checkout of its own
    (an unpacked sdist, say)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def pretend_version(version: str) -> bool:
    """Whether the build must be given version (HEAD is not tagged v<version> yet); stops if
    that tag could not be made here."""
    tag = f"v{version}"
    toplevel = git("rev-parse", "--show-toplevel")
    if toplevel is None or Path(toplevel).resolve() != ROOT:
        print(f"not a git checkout: building version {version}")
        return True
    at_head = (git("tag", "--points-at", "HEAD") or "").split()
    if tag in at_head:
        return False
    if tagged := [name for name in at_head if VERSION_TAG.match(name)]:
        fail(f"HEAD is tagged {tagged[0]}, which sets its version: not {version}")
    if elsewhere := git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^" + "{commit}"):
        fail(
            f"the tag {tag} already exists, on commit {elsewhere[:12]}: a version is released once"
        )
    if git("status", "--porcelain", "--untracked-files=no"):
        fail(
            f"uncommitted changes: the tag {tag} will name the last commit, without them; "
            "commit (or stash) them first"
        )
    print(f"HEAD has no tag {tag} yet: building version {version}, as that tag will")
    return True


def build(version: str | None) -> None:
    """Build the sdist and the wheel into dist/, emptied first. With --version, build them
    as the tag v<version> will, on a commit that is not tagged yet."""
    environment = dict(os.environ)
    # No local version part ("+g1a2b3c4", from an untagged or changed checkout): PyPI and
    # TestPyPI refuse it, and a dry run uploads its development version to TestPyPI.
    environment[SCM_OVERRIDES] = '{local_scheme = "no-local-version"}'
    if version and pretend_version(checked_version(version)):
        environment[SCM_PRETEND_VERSION] = checked_version(version)
    if DIST.exists():
        print(f"removing the earlier build: {DIST}", flush=True)
        shutil.rmtree(DIST)
    # uv, where it is installed, makes the isolated build environment much faster than pip does.
    installer = ["--installer", "uv"] if shutil.which("uv") else []
    run(sys.executable, "-m", "build", *installer, "--outdir", DIST, ROOT, env=environment)


def built_files() -> tuple[Path, Path]:
    """The sdist and the wheel in dist/, which must hold nothing else."""
    names = sorted(path.name for path in DIST.iterdir()) if DIST.is_dir() else []
    sdists = [name for name in names if name.endswith(".tar.gz")]
    wheels = [name for name in names if name.endswith(".whl")]
    if len(sdists) != 1 or len(wheels) != 1 or len(names) != 2:
        fail(f"dist/ must hold exactly one sdist and one wheel; it holds {names}")
    return DIST / sdists[0], DIST / wheels[0]


def wheel_metadata(wheel: Path) -> Message:
    """The wheel's own metadata (METADATA): its version, dependencies, Python."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.HeaderParser().parsestr(archive.read(metadata).decode())


def wheel_version(wheel: Path) -> str:
    """The version in the wheel's own metadata."""
    return str(wheel_metadata(wheel)["Version"])


def citation_problems(version: str) -> list[str]:
    """How CITATION.cff fails to name version, as text (what Zenodo and GitHub read)."""
    text = CITATION.read_text(encoding="utf-8") if CITATION.is_file() else ""
    match = re.search(r"^version:[ \t]*(.*?)[ \t]*(#.*)?$", text, re.MULTILINE)
    fix = f"run `python tools/update_citation.py {version}`, commit, and tag that commit"
    if not match:
        return [f"CITATION.cff names no version: {fix}"]
    cited = match.group(1)
    if len(cited) > 1 and cited[0] == cited[-1] and cited[0] in "\"'":
        cited = cited[1:-1]
    elif YAML_NUMBER.fullmatch(cited):
        number = float(cited.replace("_", ""))
        read = str(int(number)) if number.is_integer() and "." not in cited else str(number)
        return [
            f"CITATION.cff's version {cited} is not quoted, so YAML reads the number {read}: {fix}"
        ]
    if cited != version:
        return [f"CITATION.cff names version {cited}, not {version}: {fix}"]
    return []


def normal_name(name: str) -> str:
    """A package name as pip compares names (PEP 503): 'Ruamel.YAML' -> 'ruamel-yaml'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def normal_versions(versions: str) -> str:
    """'>= 1.24, <3' -> '<3,>=1.24': the version bounds, compared as a set."""
    return ",".join(sorted(part for part in re.sub(r"\s+", "", versions).split(",") if part))


def package_dependencies(metadata: Message) -> dict[str, str]:
    """The wheel's dependencies (pyproject.toml's [project] dependencies, not the extras'):
    name -> version bounds."""
    dependencies = {}
    for requirement in metadata.get_all("Requires-Dist") or []:
        spec, _, marker = requirement.partition(";")
        if re.search(r"\bextra\s*==", marker):
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^()]*)\)?", spec)
        if match:
            dependencies[normal_name(match.group(1))] = normal_versions(match.group(3))
    return dependencies


def recipe_run_requirements(text: str) -> list[str]:
    """The entries under requirements: run: of a recipe in either format, comments included
    (the items of a v1 `if:` block too)."""
    entries, in_requirements, run_indent = [], False, None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_requirements, run_indent = stripped == "requirements:", None
        elif in_requirements and stripped == "run:":
            run_indent = indent
        elif run_indent is not None:
            if indent < run_indent or (indent == run_indent and not stripped.startswith("- ")):
                run_indent = None
            elif stripped.startswith("- ") and not re.match(r"- (if|then|else):", stripped):
                entries.append(stripped[2:])
    return entries


def recipe_problems(metadata: Message) -> list[str]:
    """How the conda-forge recipe's run requirements differ from the wheel's dependencies
    and its Requires-Python. A package named otherwise on conda-forge carries its PyPI name in
    a comment: `- pytorch >=2.1  # PyPI: torch`."""
    problems = []
    for recipe in (path for path in RECIPES if path.is_file()):
        name = recipe.relative_to(ROOT).as_posix()
        text = recipe.read_text(encoding="utf-8")
        listed = {}
        for entry in recipe_run_requirements(text):
            spec, _, comment = entry.partition("#")
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", spec.strip().strip("\"'"))
            if not match or match.group(1) == "python":
                continue
            pypi_name = re.search(r"pypi:\s*([A-Za-z0-9][A-Za-z0-9._-]*)", comment, re.IGNORECASE)
            package = normal_name(pypi_name.group(1) if pypi_name else match.group(1))
            listed[package] = normal_versions(match.group(2))
        needed = package_dependencies(metadata)
        for package in sorted(set(needed) | set(listed)):
            if package not in listed:
                problems.append(f"{name} lacks the run requirement {package} {needed[package]}")
            elif package not in needed:
                problems.append(
                    f"{name} needs {package}, which pyproject.toml's dependencies lack"
                )
            elif listed[package] != needed[package]:
                problems.append(
                    f"{name} asks for {package} {listed[package] or '(any version)'}, "
                    f"pyproject.toml for {package} {needed[package] or '(any version)'}"
                )
        requires_python = re.fullmatch(r">=\s*([0-9]+\.[0-9]+)", metadata["Requires-Python"] or "")
        # meta.yaml's Jinja line that sets python_min, or recipe.yaml's context entry.
        python_min = re.search(
            r"^(\{[%] *set python_min *=|  python_min:) *[\"']?([0-9.]+)", text, re.MULTILINE
        )
        recipe_python = python_min.group(2) if python_min else CONDA_FORGE_PYTHON_MIN
        # A later python_min than requires-python is fine (conda-forge builds for fewer Pythons
        # than PyPI serves); an earlier one installs the package where it does not run.
        lowest = requires_python.group(1) if requires_python else None
        if lowest and version_tuple(recipe_python) < version_tuple(lowest):
            problems.append(
                f"{name} builds for Python {recipe_python} and up (python_min), pyproject.toml "
                f"requires Python {lowest} and up"
            )
    return problems


def check(version: str | None) -> None:
    """Check dist/: one sdist and one wheel of the version, fit for PyPI, and a conda-forge
    recipe that asks for the wheel's dependencies; with --version (a release, not a
    development version), also that CITATION.cff names that version."""
    sdist, wheel = built_files()
    metadata = wheel_metadata(wheel)
    built_version = str(metadata["Version"])
    problems = []
    if version:
        version = checked_version(version)
        if ".dev" not in version:
            problems += citation_problems(version)
    expected = version or built_version
    if built_version != expected:
        problems.append(f"the wheel's metadata says version {built_version}, not {expected}")
    if "+" in expected:
        problems.append(f"version {expected} has a local part ('+...'), which PyPI refuses")
    if sdist.name != f"{FILE_NAME}-{expected}.tar.gz":
        problems.append(f"the sdist is {sdist.name}, not {FILE_NAME}-{expected}.tar.gz")
    if not wheel.name.startswith(f"{FILE_NAME}-{expected}-"):
        problems.append(f"the wheel is {wheel.name}, not {FILE_NAME}-{expected}-*.whl")
    problems += recipe_problems(metadata)
    if problems:
        fail("\n  ".join(["the release is not ready:", *problems]))
    # --strict: warnings too, such as a README that PyPI would not render.
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    if version is None and ".dev" in built_version:
        print(
            f"{built_version} is a development version: this commit has no version tag. The tag "
            "vX.Y.Z will release version X.Y.Z; to check that release before you make the tag, "
            "build and check with --version X.Y.Z."
        )
    elif version:
        print(f"{sdist.name} and {wheel.name} pass the checks of the release v{version}")


def installed_names(wheel: Path) -> tuple[list[str], list[str]]:
    """What the wheel installs: its top-level import names (a namespace package's down to its
    first regular package), and those of them that hold test modules."""
    with zipfile.ZipFile(wheel) as archive:
        files = [
            n for n in archive.namelist() if not n.split("/")[0].endswith((".dist-info", ".data"))
        ]
    names: list[str] = []
    tested: list[str] = []
    for path in files:
        parts = path.split("/")
        if len(parts) == 1 and not path.endswith(".py"):
            continue
        depth = 1
        while depth < len(parts) - 1 and "/".join(parts[:depth]) + "/__init__.py" not in files:
            depth += 1
        name = ".".join(parts[:depth]).removesuffix(".py")
        if name not in names:
            names.append(name)
        if re.search(r"(^|/)(test_[^/]*|[^/]*_test)\.py$", path) and name not in tested:
            tested.append(name)
    return names, tested


def test_wheel(venv_dir: Path | None) -> None:
    """Install the wheel alone (with the `test` dependency group) in a new virtual environment
    and run the project's tests against it."""
    _, wheel = built_files()
    names, tested = installed_names(wheel)
    with tempfile.TemporaryDirectory() as scratch:
        environment = venv_dir or Path(scratch) / "venv"
        run(sys.executable, "-m", "venv", environment)
        bin_dir = environment / ("Scripts" if os.name == "nt" else "bin")
        python = bin_dir / "python"
        pip = [python, "-m", "pip", "install", "--disable-pip-version-check"]
        run(*pip, "--upgrade", "pip>=25.1")  # the first pip that installs dependency groups
        run(*pip, wheel, "--group", f"{ROOT / 'pyproject.toml'}:test")
        # From an empty directory outside the source tree, so that Python imports the
        # installed package, not the source files next to this script.
        outside = Path(scratch) / "outside"
        outside.mkdir()
        if tested:  # tests shipped in the package: run them from the installed wheel
            run(python, "-m", "pytest", "--pyargs", *tested, "-p", "no:cacheprovider", cwd=outside)
        else:  # tests beside the package: those of the source tree, on the installed wheel
            # pytest's own script (not `python -m`, which would put the source tree first on
            # sys.path), importing the tests without adding their folders to it either.
            pytest = bin_dir / "pytest"
            options = ["-p", "no:cacheprovider", "--import-mode=importlib", "-o", "pythonpath="]
            run(pytest, *options, cwd=ROOT)
        check_installed(python, outside, names, wheel)
    print(f"{FILE_NAME} {wheel_version(wheel)}: the installed wheel passes its tests")


def check_installed(python: Path, outside: Path, names: list[str], wheel: Path) -> None:
    """Every name the wheel installs imports from the environment, whose metadata names the
    wheel's version."""
    script = (
        "import importlib, importlib.metadata, sys\n"
        "for name in sys.argv[2:]:\n"
        "    print(importlib.import_module(name).__spec__.origin or '')\n"
        "print(importlib.metadata.version(sys.argv[1]))\n"
    )
    result = subprocess.run(
        [python, "-c", script, FILE_NAME, *names],
        cwd=outside,
        capture_output=True,
        text=True,
        check=True,
    )
    *origins, installed = result.stdout.split("\n")[:-1]
    prefix = str(Path(python).parent.parent.resolve())
    outside_env = [
        n
        for n, o in zip(names, origins, strict=True)
        if o and not str(Path(o).resolve()).startswith(prefix)
    ]
    if outside_env:
        fail(f"{', '.join(outside_env)} imported from outside the new environment")
    if installed != wheel_version(wheel):
        fail(
            f"the installed metadata says version {installed}, but the wheel is {wheel_version(wheel)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help=build.__doc__)
    build_parser.add_argument(
        "--version", help="the version that the tag will set, e.g. 1.2.0 (default: git's)"
    )
    check_parser = commands.add_parser("check", help=check.__doc__)
    check_parser.add_argument(
        "--version", help="the version being released, e.g. 1.2.0 (default: the wheel's)"
    )
    test_parser = commands.add_parser("test-wheel", help=test_wheel.__doc__)
    test_parser.add_argument(
        "--venv", type=Path, help="create the environment here and keep it (default: temporary)"
    )
    arguments = parser.parse_args()
    if arguments.command == "build":
        build(arguments.version)
    elif arguments.command == "check":
        check(arguments.version)
    else:
        test_wheel(arguments.venv)


if __name__ == "__main__":
    main()
