"""The release checks, in one place: the release workflow runs them, and so can you.

    python tools/release_check.py build                    # sdist and wheel into dist/
    python tools/release_check.py check [--version X.Y.Z]  # names, version, twine check
    python tools/release_check.py test-wheel [--venv DIR]  # the tests, on the installed wheel

`build` needs the `build` package and `check` needs `twine` (both in the `dev` extra).
Standard library only, so that it runs on every supported Python.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import NoReturn

# The distribution name as sdist and wheel file names spell it.
FILE_NAME = "{{ cookiecutter.distribution_name | dist_file_name }}"
ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CITATION = ROOT / "CITATION.cff"


def run(*command: object, cwd: Path | None = None) -> None:
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, check=True)


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def build() -> None:
    """Build the sdist and the wheel into an empty dist/."""
    if DIST.is_dir() and any(DIST.iterdir()):
        fail(f"{DIST} is not empty: remove it, so that only this build is released")
    run(sys.executable, "-m", "build", "--outdir", DIST, ROOT)


def built_files() -> tuple[Path, Path]:
    """The sdist and the wheel in dist/, which must hold nothing else."""
    names = sorted(path.name for path in DIST.iterdir()) if DIST.is_dir() else []
    sdists = [name for name in names if name.endswith(".tar.gz")]
    wheels = [name for name in names if name.endswith(".whl")]
    if len(sdists) != 1 or len(wheels) != 1 or len(names) != 2:
        fail(f"dist/ must hold exactly one sdist and one wheel; it holds {names}")
    return DIST / sdists[0], DIST / wheels[0]


def wheel_version(wheel: Path) -> str:
    """The version in the wheel's own metadata."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = email.parser.HeaderParser().parsestr(archive.read(metadata).decode())
    return headers["Version"]


def cited_version() -> str | None:
    """The version that CITATION.cff names (tools/update_citation.py writes it)."""
    match = re.search(r"^version: *(\S+)", CITATION.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1).strip("\"'") if match else None


def check(version: str | None) -> None:
    """Check dist/: one sdist and one wheel of the version, fit for PyPI; for a release
    (--version, not a development version), also that CITATION.cff names that version."""
    sdist, wheel = built_files()
    built_version = wheel_version(wheel)
    problems = []
    if version and ".dev" not in version and (cited := cited_version()) != version:
        problems.append(
            f"CITATION.cff names version {cited}, not {version}: run "
            f"`python tools/update_citation.py {version}`, commit, and tag that commit"
        )
    version = version or built_version
    if built_version != version:
        problems.append(f"the wheel's metadata says version {built_version}, not {version}")
    if "+" in version:
        problems.append(f"version {version} has a local part ('+...'), which PyPI refuses")
    if sdist.name != f"{FILE_NAME}-{version}.tar.gz":
        problems.append(f"the sdist is {sdist.name}, not {FILE_NAME}-{version}.tar.gz")
    if not wheel.name.startswith(f"{FILE_NAME}-{version}-"):
        problems.append(f"the wheel is {wheel.name}, not {FILE_NAME}-{version}-*.whl")
    if problems:
        fail("; ".join(problems))
    # --strict: warnings too, such as a README that PyPI would not render.
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)


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
    commands.add_parser("build", help=build.__doc__)
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
        build()
    elif arguments.command == "check":
        check(arguments.version)
    else:
        test_wheel(arguments.venv)


if __name__ == "__main__":
    main()
