"""Adoption of every common shape of Python repo: the same wheel before and after, green at once.

One small repo per shape in tests/fixtures/, each with its own tests: the lab's flat layout
(PyVBMC's, with subpackages, notebooks and tests in the package), the src layout, a namespace
package, a single module, metadata in setup.cfg and setup.py only (with README.rst, Sphinx docs
and CHANGES.rst), poetry, hatch with hatch-vcs (and its own publishing workflow), and flit (its
version and description in the module). Licences: a file under another name (LICENSE.txt), one
outside the template's choices (MPL-2.0), expressions, tables and classifiers.

Each is committed and tagged as its maintainers have it, then adopted once per test run with the
README's command (the template's hooks served locally and their environments shared, as in
tests/test_user_side.py), and committed. Then, as its maintainer would:

- the wheel its own backend built before and the one built at the next release tag after hold
  the same files and the same core metadata (all but the version);
- the first push runs ci.yml's jobs (the repo's own tests through `nox -s tests`, every
  pre-commit hook through `nox -s lint`) in act, and both pass;
- the release check (tools/release_check.py build, check, test-wheel) passes at a tag.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from support import ANSWERS_FILE, copy_tree, git_commit_all, once_per_run, run
from test_copier import make_template_repo
from workflow_runner import run_workflow

FIXTURES = Path(__file__).parent / "fixtures"
ADOPT = ("copier", "copy", "--trust", "--defaults", "--overwrite")
THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class Shape:
    tag: str  # the release the repo is at
    next: str  # the release after adoption
    licence: str  # its SPDX id
    tests: str  # one of its own test files, which its test run must name


SHAPES = {
    "pydemo": Shape("v1.0.4", "1.0.5", "BSD-3-Clause", "pydemo/testing/test_stats.py"),
    "srcdemo": Shape("v0.3.1", "0.3.2", "MIT", "tests/test_core.py"),
    "nsdemo": Shape("v1.2.0", "1.2.1", "Apache-2.0", "tests/test_textkit.py"),
    "onemod": Shape("v0.4.0", "0.4.1", "BSD-3-Clause", "tests/test_onemod.py"),
    "cfgdemo": Shape("v0.9.0", "0.9.1", "BSD-3-Clause", "cfgdemo/tests/test_sums.py"),
    "poetrydemo": Shape("v2.1.0", "2.1.1", "MPL-2.0", "tests/test_words.py"),
    "hatchdemo": Shape("v0.2.0", "0.2.1", "MIT", "tests/test_moving.py"),
    "flitdemo": Shape("v0.5.0", "0.5.1", "MIT", "tests/test_dice.py"),
}
EVERY_SHAPE = pytest.mark.parametrize("shape", list(SHAPES))


@pytest.fixture(scope="session")
def hooks_env(template_hooks_env):
    return template_hooks_env


def _template(folder: Path) -> None:
    make_template_repo(folder / "template")


def adopted(shape: str, env: dict) -> Path:
    """The shape's repo, adopted and committed (once per run): the folder with repo/, before/
    (its wheel before adoption), summary.txt and seconds.txt."""
    template = once_per_run("adoption-shapes-template", _template) / "template"

    def adopt(folder: Path) -> None:
        repo = copy_tree(FIXTURES / shape, folder / "repo")
        git_commit_all(repo, f"{shape} {SHAPES[shape].tag}")
        run("git", "tag", SHAPES[shape].tag, cwd=repo)
        run("git", "remote", "add", "origin", f"git@github.com:acerbilab/{shape}.git", cwd=repo)
        run("git", "clone", "--quiet", repo, folder / "source")
        # uv makes the isolated build environment faster, where it is installed.
        installer = ["--installer", "uv"] if shutil.which("uv") else []
        command = [sys.executable, "-m", "build", "--wheel", *installer, "--outdir", folder / "before"]
        run(*command, folder / "source")
        run("git", "switch", "--quiet", "--create", "adopt-template", cwd=repo)
        started = time.monotonic()
        result = run(*ADOPT, template, ".", cwd=repo, env={**os.environ, **env}, timeout=1200)
        (folder / "seconds.txt").write_text(f"{time.monotonic() - started:.0f}\n")
        (folder / "summary.txt").write_text(result.stdout)
        git_commit_all(repo, "Adopt the lab template")

    return once_per_run(f"adopted-{shape}", adopt)


def released(shape: str, env: dict) -> Path:
    """The adopted repo released as its RELEASING.md says: citation updated, tagged, checked."""
    adoption = adopted(shape, env)
    version = SHAPES[shape].next

    def release(folder: Path) -> None:
        repo = folder / "repo"
        run("git", "clone", "--quiet", adoption / "repo", repo)
        run(sys.executable, "tools/update_citation.py", version, cwd=repo)
        git_commit_all(repo, f"Release {version}")
        run("git", "tag", f"v{version}", cwd=repo)
        output = [
            run(sys.executable, "tools/release_check.py", *step, cwd=repo).stdout
            for step in (["build"], ["check", "--version", version], ["test-wheel"])
        ]
        (folder / "release.txt").write_text("\n".join(output))

    return once_per_run(f"released-{shape}", release)


# --- The wheels ----------------------------------------------------------------------------------


def wheel_of(folder: Path) -> tuple[list[str], email.message.Message, dict[str, str]]:
    """A wheel's files (not its .dist-info), its METADATA and its entry_points.txt's lines."""
    (path,) = folder.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        dist_info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        metadata = email.parser.Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode())
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode() if (
            f"{dist_info}/entry_points.txt" in names) else ""  # fmt: skip
    files = sorted(n for n in names if not n.startswith(f"{dist_info}/"))
    lines = {line.replace(" ", "") for line in entry_points.splitlines() if line.strip()}
    return files, metadata, lines


def requirements(metadata) -> set[str]:
    found = set()
    for value in metadata.get_all("Requires-Dist") or []:
        parsed = Requirement(value)
        found.add(
            f"{canonicalize_name(parsed.name)}{sorted(parsed.extras)}{parsed.specifier};{parsed.marker}"
        )
    return found


def core_metadata(metadata, entry_points) -> dict:
    return {
        "Name": canonicalize_name(metadata["Name"]),
        "Summary": metadata["Summary"],
        "Requires-Dist": requirements(metadata),
        "Provides-Extra": {canonicalize_name(e) for e in metadata.get_all("Provides-Extra") or []},
        "Requires-Python": SpecifierSet(metadata["Requires-Python"] or ""),
        "entry points": entry_points,
    }


@EVERY_SHAPE
def test_the_wheel_after_adoption_holds_what_the_wheel_before_held(shape, hooks_env):
    before_files, before, before_points = wheel_of(adopted(shape, hooks_env) / "before")
    after_files, after, after_points = wheel_of(released(shape, hooks_env) / "repo" / "dist")
    assert after_files == before_files
    assert core_metadata(after, after_points) == core_metadata(before, before_points)
    assert after["License-Expression"] == SHAPES[shape].licence
    assert not [c for c in after.get_all("Classifier") or [] if c.startswith("License ::")]
    assert after["Version"] == SHAPES[shape].next
    # The licence files ship as before, under their own names.
    assert sorted(after.get_all("License-File") or []) == sorted(before.get_all("License-File") or [])


@EVERY_SHAPE
def test_the_summary_names_every_difference_between_the_wheels(shape, hooks_env):
    summary = (adopted(shape, hooks_env) / "summary.txt").read_text()
    section = summary.split("The wheels before")[1].split("The template's pre-commit hooks")[0]
    assert "the same modules and package data" in section
    assert re.search(
        r"^  Version: \S+ before, \S+ after \(versions now come from git tags", section, re.MULTILINE
    )
    assert "every hook passes" in summary


# --- The first push and the release --------------------------------------------------------------


@EVERY_SHAPE
def test_ci_workflow_passes_on_the_first_push(shape, hooks_env, tmp_path):
    repo = tmp_path / "repo"
    run("git", "clone", "--quiet", "--branch", "adopt-template", adopted(shape, hooks_env) / "repo", repo)
    result, succeeded = run_workflow(
        repo, "ci.yml", tmp_path / "run", ref="refs/heads/main", matrix={"python-version": THIS_PYTHON},
        env=hooks_env,
    )  # fmt: skip
    expected = {f"Tests on Python {THIS_PYTHON}", "Pre-commit checks"}
    assert result.returncode == 0 and set(succeeded) == expected, (
        f"act exited {result.returncode}; jobs that succeeded: {succeeded}\n{result.stdout[-20000:]}"
    )
    # The tests job ran the repo's own tests.
    assert SHAPES[shape].tests in result.stdout


@EVERY_SHAPE
def test_the_release_check_passes_at_a_tag(shape, hooks_env):
    output = (released(shape, hooks_env) / "release.txt").read_text()
    assert re.search(r"\b\d+ passed\b", output)
    assert f"{SHAPES[shape].next}: the installed wheel passes its tests" in output


def test_a_test_group_of_the_repos_own_stays_the_one_list(hooks_env):
    """nsdemo keeps its test requirements in a dependency group named `tests`: the template's
    `test` group (what `nox -s tests` and the release check install) includes it by name."""
    groups = tomllib.loads((adopted("nsdemo", hooks_env) / "repo" / "pyproject.toml").read_text())[
        "dependency-groups"
    ]
    assert groups["tests"] == ["pytest>=8", "hypothesis>=6"]
    assert groups["test"] == [{"include-group": "tests"}]  # its pytest is the repo's own


@EVERY_SHAPE
def test_an_update_right_after_adoption_changes_nothing(shape, hooks_env, tmp_path):
    """copier renders the recorded version again in an empty folder: every answer adoption
    recorded (a licence the template has no text for too) must stand there on its own."""
    repo = tmp_path / shape
    run("git", "clone", "--quiet", adopted(shape, hooks_env) / "repo", repo)
    run("copier", "update", "--trust", "--defaults", "--quiet", cwd=repo, env={**os.environ, **hooks_env})
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""


def test_a_file_left_out_for_the_repos_own_is_taken_later(hooks_env, tmp_path):
    """As the summary says: once the maintainer retires hatchdemo's own publishing workflow, an
    update without release.yml and RELEASING.md in `omit` brings the template's."""
    repo = tmp_path / "hatchdemo"
    run("git", "clone", "--quiet", adopted("hatchdemo", hooks_env) / "repo", repo)
    omit = yaml.safe_load((repo / ANSWERS_FILE).read_text())["omit"]
    assert {".github/workflows/release.yml", "RELEASING.md"} <= set(omit)
    assert not (repo / ".github/workflows/release.yml").exists()
    run("git", "rm", "--quiet", ".github/workflows/publish.yml", cwd=repo)
    git_commit_all(repo, "Publish with the template's workflow from now on")
    kept = [path for path in omit if path not in {".github/workflows/release.yml", "RELEASING.md"}]

    run("copier", "update", "--trust", "--defaults", "--quiet", f"--data=omit=[{', '.join(kept)}]", cwd=repo)

    assert (repo / ".github/workflows/release.yml").is_file() and (repo / "RELEASING.md").is_file()
    assert yaml.safe_load((repo / ANSWERS_FILE).read_text())["omit"] == kept
