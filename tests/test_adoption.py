"""Adoption: an existing repo takes the template over in one command, and loses no line.

The repo is tests/fixtures/pydemo, a small package shaped like the lab's real ones (PyVBMC):
subpackages (one named stats/), its own __init__.py and __main__.py, tests in pydemo/testing/,
notebooks in examples/, docs in docsrc/, CITATION.cff, setup.py, MANIFEST.in, and a
pyproject.toml with dependencies, a dev extra and black/isort settings. Real copier, git, build
and prek (the hooks from their PyPI packages, as in test_user_side.py).
tests/test_adoption_shapes.py adopts a repo of every other common shape.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from lab_template.adoption import answers as repo_answers
from lab_template.render import file_kinds
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
from test_adoption_shapes import adopted as adopted_shape
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


def test_a_repos_own_docs_host_and_recipe_format_are_kept(tmp_path):
    """A repo that publishes its docs on Read the Docs keeps its own config (the template's is
    left out), and a conda-build recipe keeps its format (its feedstock has it); without either,
    the usual defaults."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "recipe").mkdir()
    (repo / "docs" / "index.rst").write_text("PyDemo\n======\n")
    (repo / ".readthedocs.yaml").write_text("version: 2\n")
    (repo / "recipe" / "meta.yaml").write_text("package:\n  name: pydemo\n")
    git_commit_all(repo, "Docs and a recipe")
    says = repo_answers.repo_says(repo)
    assert says["conda_recipe"] == "meta.yaml" and ".readthedocs.yaml" in says["omit"]
    plain = tmp_path / "plain"
    (plain / "docs").mkdir(parents=True)
    (plain / "docs" / "index.md").write_text("# Plain\n")
    git_commit_all(plain, "Docs only")
    assert "conda_recipe" not in repo_answers.repo_says(plain)
    assert ".readthedocs.yaml" not in repo_answers.repo_says(plain)["omit"]


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


def adopt(template: Path, repo: Path, hooks_env: dict, *options: str) -> subprocess.CompletedProcess:
    """The README's command in repo, with the template's hooks served locally."""
    return run(*ADOPT, *options, template, ".", cwd=repo, env={**os.environ, **hooks_env}, timeout=1200)


@pytest.fixture(scope="module")
def adopted(template_hooks_env):
    """The fixture repo adopted with the one command, then committed (once per run, shared with
    test_adoption_shapes.py): repo, summary, the commit it was adopted over."""
    folder = adopted_shape("pydemo", template_hooks_env)
    repo = folder / "repo"
    base = run("git", "rev-parse", "--short", "HEAD~1", cwd=repo).stdout.strip()
    return repo, (folder / "summary.txt").read_text(), base


def adopted_copy(hooks_env: dict, folder: Path) -> tuple[Path, Path]:
    """A copy of the adopted fixture repo and a template of its own (to release on), at the
    version the repo took: what a repo adopted earlier looks like."""
    template = make_template_repo(folder / "template")
    repo = copy_tree(adopted_shape("pydemo", hooks_env) / "repo", folder / "pydemo")
    answers = repo / ANSWERS_FILE
    text = re.sub(r"^_src_path: .*$", f"_src_path: {template}", answers.read_text(), flags=re.MULTILINE)
    answers.write_text(text)
    git_commit_all(repo, "The template, from a folder of its own")
    return template, repo


def changed_files(repo: Path, base: str) -> list[str]:
    """The files adoption changed or added."""
    return run("git", "diff", "--name-only", base, "HEAD", cwd=repo).stdout.split()


def test_adoption_changes_nothing_of_the_repos_own(adopted):
    repo, _, base = adopted
    touched = [name for name in changed_files(repo, base) if name.startswith(THE_REPOS_OWN)]
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
        for name in run(
            "git", "diff", "--name-only", "--diff-filter=M", base, "HEAD", cwd=repo
        ).stdout.split()
        if file_kinds.kind_of(name, PACKAGE) == "infrastructure"
    ]
    assert sorted(replaced) == [".github/workflows/release.yml", ".pre-commit-config.yaml", "setup.py"]
    section = summary.split("Replaced by the template's")[1].split("Merged")[0]
    assert f"git show {base}:<file>" in section
    assert [line.strip() for line in section.splitlines()[1:]] == replaced
    kept = summary.split("Kept")[1].split("Replaced")[0]
    for name in ("README.md", "LICENSE", "CITATION.cff"):
        assert f"  {name}: the repo has its own\n" in kept
    assert "  example_code: false (the repo had Python code of its own)\n" in summary
    assert "pyproject.toml [build-system]: setuptools and setuptools-scm" in summary
    assert "pyproject.toml [dependency-groups] test: added, with the requirements of the dev extra" in summary
    assert "MANIFEST.in: kept yours, the template's" in summary


def test_summary_says_where_each_answer_came_from(adopted):
    _, summary, _ = adopted
    answers = summary.split("Answers, and where each came from")[1].split("Added")[0]
    assert "  project_name: PyDemo (Name in pyproject.toml [project])\n" in answers
    assert "  author_name: Ada Lovelace (the first author in CITATION.cff)\n" in answers
    assert "  license: BSD-3-Clause (the text of LICENSE)\n" in answers
    assert "  hpc_cluster: lumi (the template's default)\n" in answers


def test_adoption_leaves_the_repos_tests_workflow_running_on_schedule_and_adds_ci(adopted):
    """PyVBMC's tests.yml runs on a schedule, not on pushes: the template's ci.yml is no double."""
    repo, _, _ = adopted
    assert (repo / ".github/workflows/ci.yml").is_file()
    assert (
        run(
            "git", "diff", "--quiet", "HEAD", "--", ".github/workflows/tests.yml", cwd=repo, check=False
        ).returncode
        == 0
    )


@pytest.mark.slow
def test_adopted_repo_builds_and_its_wheel_installs(adopted, tmp_path):
    """Committed and tagged as the release after v1.0.4, the repo builds that version."""
    repo, _, _ = adopted
    built = copy_tree(repo, tmp_path / "repo")
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


@pytest.mark.slow
def test_update_after_adoption_brings_the_next_template_version(template_hooks_env, tmp_path):
    template, repo = adopted_copy(template_hooks_env, tmp_path)
    adopted_pyproject = (repo / "pyproject.toml").read_text()
    release_v2(template)

    copier_update(repo)

    assert yaml.safe_load((repo / ANSWERS_FILE).read_text())["_commit"] == "v2"
    assert (repo / NEW_FILE).is_file()
    assert (repo / "pyproject.toml").read_text() == adopted_pyproject
    status = run("git", "status", "--porcelain", cwd=repo).stdout.splitlines()
    touched = [line for line in status if line[3:].startswith(THE_REPOS_OWN) or line.endswith(".rej")]
    assert touched == []


# The template's example code that a release changes: the starter package, its module, its notebook.
STARTER_CHANGES = {
    "{{cookiecutter.package_name}}/__init__.py": '"""A new starter package."""\n',
    "{{cookiecutter.package_name}}/stats.py": '"""A new example module."""\n',
    "examples/quickstart.ipynb": None,  # a new cell
}


def release_starter_changes(template: Path) -> None:
    """A template release whose starter __init__.py, example module and notebook change."""
    template_dir = template / TEMPLATE_DIR.name
    for path, text in STARTER_CHANGES.items():
        target = template_dir / path
        if text is None:
            notebook = json.loads(target.read_text())
            notebook["cells"].append(
                {"cell_type": "markdown", "id": "new-cell", "metadata": {}, "source": ["New."]}
            )
            target.write_text(json.dumps(notebook, indent=1) + "\n")
        else:
            target.write_text(text)
    git_commit_all(template, "Template v2: new example code")
    run("git", "tag", "v2", cwd=template)


def test_an_update_of_the_starter_code_leaves_the_projects_own_alone(template_hooks_env, tmp_path):
    """The project's pydemo/__init__.py, its stats/ and its notebooks are its own: a template release
    that changes the starter __init__.py, example module and notebook reaches none of them, and
    reports no conflict (copier renders the old and new versions in folders of their own, where
    only the answers file says that the repo takes no example code)."""
    template, repo = adopted_copy(template_hooks_env, tmp_path)
    before = {path: (repo / path).read_bytes() for path in ("pydemo/__init__.py", "pydemo/stats/__init__.py")}
    release_starter_changes(template)

    result = copier_update(repo)

    assert "conflict" not in result.stdout + result.stderr
    for path, content in before.items():
        assert (repo / path).read_bytes() == content, path
    changed = run("git", "status", "--porcelain", cwd=repo).stdout.splitlines()
    assert [line for line in changed if line[3:] != ANSWERS_FILE] == []
    assert not (repo / "pydemo" / "stats.py").exists()
    assert not (repo / "examples" / "quickstart.ipynb").exists()


# --- A repo that cookiecutter made before the template kept starter files ---------------------------

# The template's last commit before adoption kept starter files (no _skip_if_exists).
BEFORE_ADOPTION = "8469336"
EDITED = {
    "README.md": "# My Project\n\nOur own README now.\n",
    "my_project/stats.py": '"""Our statistics, grown from the example."""\n\nMEAN = 0.0\n',
    "my_project/__init__.py": '"""Our package."""\n\nfrom .stats import MEAN\n',
    "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\nOur first release.\n",
}


def test_a_repo_cookiecutter_made_earlier_keeps_its_edited_starter_files(
    template, template_hooks_env, tmp_path
):
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
    git_commit_all(project, "Start from the lab template")  # as its README says, then the work
    for name, text in EDITED.items():
        (project / name).write_text(text)
    git_commit_all(project, "Our own code")

    summary = adopt(template, project, template_hooks_env).stdout

    for name, text in EDITED.items():
        assert (project / name).read_text() == text, name
    for name in ("README.md", "CHANGELOG.md"):
        assert f"  {name}: you changed it since the template made the repo\n" in summary
    assert "  example_code: false (you changed the template's example code since it made the repo" in summary
    assert run("git", "diff", "--name-only", "HEAD", "--", "my_project", cwd=project).stdout == ""


def test_without_tomlkit_adoption_stops_before_writing_with_one_line(template, tmp_path):
    repo = make_fixture_repo(tmp_path / "pydemo")
    # A tomlkit that cannot be imported, first on copier's path.
    shim = tmp_path / "no-tomlkit"
    shim.mkdir()
    (shim / "tomlkit.py").write_text('raise ImportError("no tomlkit here")\n')
    env = {**os.environ, "PYTHONPATH": str(shim)}

    result = run(*ADOPT, template, ".", cwd=repo, env=env, check=False)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: adopting a Python project needs tomlkit where copier runs: "
        "pip install tomlkit (or pipx inject copier tomlkit)"
    )
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""


# --- Refusals: nothing is written where adoption could lose something ---------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (git's own included), by path: what must not change."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _uncommitted_change(repo: Path) -> None:
    make_fixture_repo(repo)
    (repo / "pydemo" / "core" / "model.py").write_text("# an edit not committed yet\n")


def _untracked_file(repo: Path) -> None:
    make_fixture_repo(repo)
    (repo / "notes.txt").write_text("not added to git yet\n")


def _no_commit(repo: Path) -> None:
    copy_tree(FIXTURE, repo)
    run("git", "init", "--quiet", cwd=repo)


def _outside_git(repo: Path) -> None:
    copy_tree(FIXTURE, repo)


def _unparsable_pyproject(repo: Path) -> None:
    copy_tree(FIXTURE, repo)
    (repo / "pyproject.toml").write_text('[project]\nname = "PyDemo\n')
    git_commit_all(repo, "A broken pyproject.toml")


def _unparsable_setup_cfg(repo: Path) -> None:
    copy_tree(FIXTURE, repo)
    (repo / "setup.cfg").write_text("[metadata\nname = pydemo\n")
    git_commit_all(repo, "A broken setup.cfg")


REFUSALS = {
    "an uncommitted change": (
        _uncommitted_change,
        "has uncommitted changes (pydemo/core/model.py), which adoption",
    ),
    "an untracked file": (
        _untracked_file,
        "has uncommitted changes (notes.txt), which adoption would overwrite",
    ),
    "no commit": (_no_commit, "is a git repository without a commit, and adoption overwrites files"),
    "outside git": (_outside_git, "is not in a git repository, and adoption overwrites files"),
    "an unparsable pyproject.toml": (_unparsable_pyproject, "error: pyproject.toml does not parse ("),
    "an unparsable setup.cfg": (_unparsable_setup_cfg, "error: setup.cfg does not parse ("),
}


@pytest.mark.parametrize(("make", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_adoption_refuses_before_writing_anything(template, make, message, tmp_path):
    repo = tmp_path / "pydemo"
    make(repo)
    before = snapshot(repo)

    result = run(*ADOPT, template, ".", cwd=repo, check=False)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and message in errors[0], result.stderr
    assert snapshot(repo) == before


def test_the_rules_a_repo_breaks_are_read_from_ruffs_output_as_the_hook_runner_shows_it():
    from lab_template.adoption.lint import RULE_CODE

    full = "F401 `os` imported but unused\n --> pkg/a.py:1:8\n  |\n1 | import os\n"
    concise = "pkg/a.py:1:8: F401 `os` imported but unused\n"
    fixes = "Fixed 1 error:\n- pkg/b.py:\n    1 × I001 (unsorted-imports)\n"
    not_a_finding = "pkg/c.py:2:1: RUF100 Unused `noqa` directive (non-enabled: SIM101)\n"
    for output in (full, concise):
        indented = "".join(f"  {line}" for line in output.splitlines(keepends=True))  # prek's layout
        assert RULE_CODE.findall(output) == RULE_CODE.findall(indented) == ["F401"]
    assert RULE_CODE.findall(fixes) == ["I001"]
    assert RULE_CODE.findall(not_a_finding) == ["RUF100"]
