"""Adoption: an existing repo takes the template over in one command, and loses no line.

The repo is tests/fixtures/pydemo, a small package shaped like the lab's real ones (PyVBMC):
subpackages (one named stats/), its own __init__.py and __main__.py, tests in pydemo/testing/,
notebooks in examples/, docs in docsrc/, CITATION.cff, setup.py, MANIFEST.in, and a
pyproject.toml with dependencies, a dev extra and black/isort settings. Real copier, git, build.
"""

from __future__ import annotations

import os
import re
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from lab_template.render import file_kinds, repo_answers
from lab_template.render.license_texts import license_text
from support import (
    ANSWERS_FILE,
    CHOICES,
    TEMPLATE_DIR,
    TEMPLATE_ROOT,
    bake_cookiecutter,
    copy_tree,
    git_commit_all,
    make_venv,
    pip_install,
    run,
)
from test_copier import NEW_FILE, copier_update, make_template_repo, release_v2

FIXTURE = Path(__file__).parent / "fixtures" / "pydemo"
PACKAGE = "pydemo"
# What the adoption must leave exactly as the repo had it.
THE_REPOS_OWN = ("pydemo/", "examples/", "docsrc/", "README.md", "LICENSE", "CITATION.cff")
ADOPT = ("copier", "copy", "--trust", "--defaults", "--overwrite")


# --- The classification -----------------------------------------------------------------------------


def rendered_name(template_path: Path, package: str) -> str:
    """A template tree path as a generated repo has it: conditions dropped, the package named."""
    relative = str(template_path.relative_to(TEMPLATE_DIR))
    relative = relative.replace("{{cookiecutter.package_name}}", package)
    relative = re.sub(r"\{\{ _copier_conf\.answers_file.*?\}\}", ANSWERS_FILE, relative)
    return re.sub(r"\{%.*?%\}", "", relative)


def test_every_template_file_is_in_exactly_one_kind():
    template_files = {rendered_name(p, PACKAGE) for p in TEMPLATE_DIR.rglob("*") if p.is_file()}
    kinds = {
        name: [k for k in file_kinds.KINDS if name in file_kinds.paths(k, PACKAGE)] for name in template_files
    }
    assert {name: found for name, found in kinds.items() if len(found) != 1} == {}
    # And no kind lists a file the template does not have.
    listed = [path for kind in file_kinds.KINDS for path in file_kinds.paths(kind, PACKAGE)]
    assert len(listed) == len(set(listed))
    assert set(listed) == template_files


@pytest.mark.parametrize("license_id", CHOICES["license"])
def test_each_licence_the_template_writes_is_recognised_by_its_text(license_id):
    text = license_text(license_id, "2021", "PyDemo Developers and contributors")
    assert repo_answers.license_from_text(text) == license_id


def test_a_repos_docs_host_and_recipe_format_are_its_defaults(tmp_path):
    """A repo that publishes on Read the Docs keeps that host; a conda-build recipe keeps its
    format (its feedstock has it); without either, the usual defaults."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "recipe").mkdir()
    (repo / ".readthedocs.yaml").write_text("version: 2\n")
    (repo / "recipe" / "meta.yaml").write_text("package:\n  name: pydemo\n")
    says = repo_answers.repo_says(repo)
    assert (says["docs"], says["conda_recipe"]) == ("readthedocs", "meta.yaml")
    plain = tmp_path / "plain"
    (plain / "docs").mkdir(parents=True)
    assert "docs" not in repo_answers.repo_says(plain) and "conda_recipe" not in repo_answers.repo_says(plain)


# --- Adopting the fixture repo ----------------------------------------------------------------------


def make_fixture_repo(path: Path) -> Path:
    """The fixture as its maintainers have it: committed, tagged v1.0.4, an origin on GitHub."""
    repo = copy_tree(FIXTURE, path)
    git_commit_all(repo, "PyDemo 1.0.4")
    run("git", "tag", "v1.0.4", cwd=repo)
    run("git", "remote", "add", "origin", "git@github.com:acerbilab/pydemo.git", cwd=repo)
    run("git", "switch", "--quiet", "--create", "adopt-template", cwd=repo)
    return repo


def head_of(repo: Path) -> str:
    return run("git", "rev-parse", "--short", "HEAD", cwd=repo).stdout.strip()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_template_repo(tmp_path_factory.mktemp("adoption") / "template")


@pytest.fixture(scope="module")
def adopted(template, tmp_path_factory):
    """The fixture repo right after the one-command adoption (not committed): repo, summary, base."""
    repo = make_fixture_repo(tmp_path_factory.mktemp("adopted") / "pydemo")
    base = head_of(repo)
    summary = run(*ADOPT, template, ".", cwd=repo).stdout
    return repo, summary, base


def changed_files(repo: Path) -> list[str]:
    """Tracked files that differ from HEAD, and new files."""
    changed = run("git", "diff", "--name-only", "HEAD", cwd=repo).stdout.split()
    return changed + run("git", "ls-files", "--others", "--exclude-standard", cwd=repo).stdout.split()


def test_adoption_changes_nothing_of_the_repos_own(adopted):
    repo, _, _ = adopted
    touched = [name for name in changed_files(repo) if name.startswith(THE_REPOS_OWN)]
    assert touched == []


def test_answers_come_from_the_repo(adopted):
    repo, _, _ = adopted
    answers = yaml.safe_load((repo / ANSWERS_FILE).read_text())
    assert (
        answers
        | {
            "project_name": "PyDemo",
            "distribution_name": "PyDemo",
            "package_name": PACKAGE,
            "description": "A small package shaped like the lab's real ones.",
            "author_name": "Ada Lovelace",  # from CITATION.cff: pyproject.toml has no authors
            "author_email": "ada@example.org",
            "license": "BSD-3-Clause",  # from the LICENSE text: pyproject.toml names only the file
            "python_min": "3.10",
            "github_org": "acerbilab",
            "docs": "none",  # the repo has its own Sphinx docs, in docsrc/
        }
        == answers
    )


def test_pyproject_keeps_every_entry_of_the_repo(adopted):
    repo, _, base = adopted
    before = tomllib.loads(run("git", "show", f"{base}:pyproject.toml", cwd=repo).stdout)
    text = (repo / "pyproject.toml").read_text()
    after = tomllib.loads(text)
    assert after["project"]["dependencies"] == before["project"]["dependencies"]
    for extra, requirements in before["project"]["optional-dependencies"].items():
        assert after["project"]["optional-dependencies"][extra][: len(requirements)] == requirements
    assert after["project"]["scripts"] == before["project"]["scripts"]
    assert after["tool"]["black"] == before["tool"]["black"]
    assert after["tool"]["isort"] == before["tool"]["isort"]
    # The repo's comments and order stay; the handbook's packaging arrives.
    assert '"numpy >= 1.24",  # arrays\n' in text
    assert text.startswith('# pyproject.toml\n\n[project]\nname = "PyDemo"\n')
    assert after["build-system"]["requires"] == ["setuptools>=77", "setuptools-scm>=8"]
    assert after["project"]["dynamic"] == ["version"]
    assert after["tool"]["setuptools"]["package-dir"] == {"pydemo.examples": "examples"}
    assert "pydemo.stats" in after["tool"]["setuptools"]["packages"]
    run(sys.executable, "-m", "validate_pyproject", repo / "pyproject.toml")


def test_summary_names_every_replaced_infrastructure_file(adopted):
    repo, summary, base = adopted
    replaced = [
        name
        for name in run("git", "diff", "--name-only", "HEAD", cwd=repo).stdout.split()
        if file_kinds.kind_of(name, PACKAGE) == "infrastructure"
    ]
    assert sorted(replaced) == [
        ".github/workflows/release.yml",
        ".pre-commit-config.yaml",
        "MANIFEST.in",
        "setup.py",
    ]
    section = summary.split("Replaced by the template's")[1].split("Merged")[0]
    assert f"git show {base}:<file>" in section
    assert [line.strip() for line in section.splitlines()[1:]] == replaced
    for kept in ("README.md", "LICENSE", "pydemo/__init__.py", "pydemo/__main__.py"):
        assert f"  {kept}\n" in summary.split("Kept")[1].split("Replaced")[0]
    assert "pyproject.toml [project.optional-dependencies] dev: in both, kept yours" in summary
    assert "pyproject.toml [build-system]: the template's" in summary


def test_adopted_repo_builds_and_its_wheel_installs(adopted, tmp_path):
    """Committed and tagged as the release after v1.0.4, the repo builds that version."""
    repo, _, _ = adopted
    built = copy_tree(repo, tmp_path / "repo")
    git_commit_all(built, "Adopt the lab template")
    run("git", "tag", "v1.0.5", cwd=built)
    run(sys.executable, "-m", "build", "--outdir", "dist", ".", cwd=built)

    names = sorted(p.name for p in (built / "dist").iterdir())
    assert names == ["pydemo-1.0.5-py3-none-any.whl", "pydemo-1.0.5.tar.gz"]
    sdist, wheel = built / "dist" / names[1], built / "dist" / names[0]
    notebooks = {"pydemo_example_1_basic_usage.ipynb", "pydemo_example_2_spread.ipynb"}
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert {f"pydemo/examples/{name}" for name in notebooks} <= in_wheel
    assert {"pydemo/stats/summary.py", "pydemo/testing/data/values.txt"} <= in_wheel
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"examples/{name}" for name in notebooks} <= in_sdist

    python = make_venv(tmp_path / "venv")
    pip_install(python, "--quiet", wheel)
    imported = run(python, "-c", "import pydemo; print(pydemo.Model().fit([1, 3]))", cwd=tmp_path)
    assert imported.stdout.strip() == "2.0"


def test_update_after_adoption_brings_the_next_template_version(tmp_path):
    template = make_template_repo(tmp_path / "template")
    repo = make_fixture_repo(tmp_path / "pydemo")
    run(*ADOPT, template, ".", cwd=repo)
    git_commit_all(repo, "Adopt the lab template")
    adopted_pyproject = (repo / "pyproject.toml").read_text()
    release_v2(template)

    copier_update(repo)

    assert yaml.safe_load((repo / ANSWERS_FILE).read_text())["_commit"] == "v2"
    assert (repo / NEW_FILE).is_file()
    assert (repo / "pyproject.toml").read_text() == adopted_pyproject
    status = run("git", "status", "--porcelain", cwd=repo).stdout.splitlines()
    touched = [line for line in status if line[3:].startswith(THE_REPOS_OWN) or line.endswith(".rej")]
    assert touched == []


# --- A repo that cookiecutter made before the template kept starter files ---------------------------

# The template's last commit before adoption kept starter files (no _skip_if_exists).
BEFORE_ADOPTION = "8469336"
EDITED = {
    "README.md": "# My Project\n\nOur own README now.\n",
    "my_project/stats.py": '"""Our statistics, grown from the example."""\n\nMEAN = 0.0\n',
    "my_project/__init__.py": '"""Our package."""\n\nfrom .stats import MEAN\n',
    "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\nOur first release.\n",
}


def test_a_repo_cookiecutter_made_earlier_keeps_its_edited_starter_files(template, tmp_path):
    old_template = tmp_path / "old-template"
    old_template.mkdir()
    archive = run(
        "git",
        "archive",
        "--format=tar",
        f"--output={tmp_path / 'old.tar'}",
        BEFORE_ADOPTION,
        cwd=TEMPLATE_ROOT,
    )
    assert archive.returncode == 0
    run("tar", "-xf", tmp_path / "old.tar", "-C", old_template)
    git_commit_all(old_template, "The template before adoption kept starter files")
    run("git", "tag", "v0", cwd=old_template)
    project = bake_cookiecutter(tmp_path / "bake", template=old_template)
    for name, text in EDITED.items():
        (project / name).write_text(text)
    git_commit_all(project, "Our own code")

    summary = run(*ADOPT, template, ".", cwd=project).stdout

    for name, text in EDITED.items():
        assert (project / name).read_text() == text, name
        assert f"  {name}\n" in summary
    assert run("git", "diff", "--name-only", "HEAD", "--", "my_project", cwd=project).stdout == ""


def test_without_tomlkit_adoption_stops_before_writing_with_one_line(template, tmp_path):
    repo = make_fixture_repo(tmp_path / "pydemo")
    # A tomlkit that cannot be imported, first on copier's path.
    shim = tmp_path / "no-tomlkit"
    shim.mkdir()
    (shim / "tomlkit.py").write_text('raise ImportError("no tomlkit here")\n')
    env = {**os.environ, "PYTHONPATH": str(shim)}

    result = run(*ADOPT, template, ".", cwd=repo, env=env, check=False)

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith(repo_answers.TOMLKIT_MISSING)
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""
