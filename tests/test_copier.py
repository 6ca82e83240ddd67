"""copier: the same repo as cookiecutter from the same answers, and `copier update` keeps it current.

Real tools and real git repositories in temporary folders. The update tests run on a throwaway
git copy of the template, tagged v1, then changed and tagged v2, as a template release would be.
"""

from __future__ import annotations

import difflib
import shutil
import stat
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from lab_template.render.copier_questions import DECISIONS
from lab_template.render.validation import answer_error
from support import (
    ANSWERS_FILE,
    CHOICES,
    QUESTIONS,
    TEMPLATE_DIR,
    TEMPLATE_ROOT,
    bake_cookiecutter,
    bake_copier,
    files_of,
    git_commit_all,
    run,
)


def make_template_repo(path: Path, tag: str = "v1") -> Path:
    """A throwaway git copy of the template as it is now (uncommitted files too), tagged v1."""
    listed = run(
        "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=TEMPLATE_ROOT
    ).stdout
    for relative in filter(None, listed.split("\0")):
        source = TEMPLATE_ROOT / relative
        if source.is_file():  # not a tracked file deleted in the working tree
            (path / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, path / relative)
    git_commit_all(path, f"Template {tag}")
    run("git", "tag", tag, cwd=path)
    return path


def template_repo_at(commit: str, path: Path, tag: str, message: str) -> Path:
    """A throwaway git copy of the template as it was at one of its commits, tagged."""
    path.mkdir(parents=True)
    archive = path.parent / f"{path.name}-{tag}.tar"
    run("git", "archive", f"--output={archive}", commit, cwd=TEMPLATE_ROOT)
    run("tar", "-xf", archive, "-C", path)
    git_commit_all(path, message)
    run("git", "tag", tag, cwd=path)
    return path


# --- Parity: one repo, whichever tool made it ---------------------------------------------------

FREE_TEXT = {
    "project_name": "Café \"GP\" O'Brien's toolkit: [x] *y* <z> # not a comment",
    "description": "Says \"hi\" & 'bye'; 50% off \\ a backslash",
    "author_name": "Zoë O'Brien-Łukasz",
    "keywords": 'Bayes\' rule, "GP" models, x: y # z',
    "author_orcid": "0000-0002-1694-233X",
}
# The defaults, every other choice of every choice question, more Python floors, and free text
# that each tool's escaping must handle alike. The quick tier bakes those that render a file
# the defaults do not (and the free text); the others only change what the same files say.
QUICK_PARITY = [{}, {"conda_recipe": "meta.yaml"}, {"docs": "readthedocs"}, FREE_TEXT]
PARITY_ANSWERS = [
    {},
    *({field: value} for field, values in CHOICES.items() for value in values[1:]),
    {"python_min": "3.12"},
    FREE_TEXT,
]


def _answers_id(answers: dict) -> str:
    if answers == FREE_TEXT:
        return "free-text"
    return ",".join(f"{field}={value}" for field, value in answers.items()) or "defaults"


@pytest.fixture(scope="module")
def frozen_template(tmp_path_factory):
    """The template as it is now, for the tests that only read it: both tools get the same files
    even if the template is edited meanwhile, and copier clones it faster than a dirty checkout."""
    return make_template_repo(tmp_path_factory.mktemp("frozen") / "template")


def bake_with_both_tools(template: Path, output_dir: Path, answers: dict) -> tuple[Path, Path]:
    """Both bakes at once, each a process of its own.

    Not in-process: copier-template-extensions patches Jinja's extension loading for the whole
    process, which breaks a later in-process cookiecutter bake.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        from_cookiecutter = pool.submit(bake_cookiecutter, output_dir / "cookiecutter", template, **answers)
        from_copier = pool.submit(bake_copier, output_dir / "copier", template, **answers)
        return from_cookiecutter.result(), from_copier.result()


def _folders_of(repo: Path) -> set[str]:
    return {
        str(p.relative_to(repo))
        for p in repo.rglob("*")
        if p.is_dir() and ".git" not in p.relative_to(repo).parts
    }


def _modes_of(repo: Path) -> dict[str, str]:
    return {name: stat.filemode((repo / name).stat().st_mode) for name in files_of(repo)}


def _first_difference(
    left: dict[str, bytes], right: dict[str, bytes], labels=("cookiecutter", "copier")
) -> str:
    """The diff of the first file that differs, for the failure message."""
    for name in sorted(left):
        if left[name] != right.get(name):
            diff = difflib.unified_diff(
                left[name].decode(errors="replace").splitlines(),
                right.get(name, b"").decode(errors="replace").splitlines(),
                f"{labels[0]}/{name}",
                f"{labels[1]}/{name}",
                lineterm="",
            )
            return "\n".join(diff)
    return ""


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(answers, marks=() if answers in QUICK_PARITY else pytest.mark.slow)
        for answers in PARITY_ANSWERS
    ],
    ids=_answers_id,
)
def test_cookiecutter_and_copier_make_the_same_repo(answers, frozen_template, tmp_path):
    from_cookiecutter, from_copier = bake_with_both_tools(frozen_template, tmp_path, answers)

    cookiecutter_files, copier_files = files_of(from_cookiecutter), files_of(from_copier)
    # The answers file is written differently (cookiecutter's hook, copier itself) but must
    # hold the same: copier reads it back to update either repo.
    cookiecutter_answers = yaml.safe_load(cookiecutter_files.pop(ANSWERS_FILE))
    assert cookiecutter_answers == yaml.safe_load(copier_files.pop(ANSWERS_FILE))
    # Every question's answer, but those that copier skips (their `when` is false): without a
    # cluster, the SLURM account.
    skipped = {"slurm_account"} if answers.get("hpc_cluster") == "none" else set()
    assert set(cookiecutter_answers) == {"_commit", "_src_path", *QUESTIONS, *DECISIONS} - skipped
    assert sorted(cookiecutter_files) == sorted(copier_files)
    assert cookiecutter_files == copier_files, _first_difference(cookiecutter_files, copier_files)
    # The same folders (the empty ones removed by lab_template/render/tree.py under both) and permissions.
    assert _folders_of(from_cookiecutter) == _folders_of(from_copier)
    assert _modes_of(from_cookiecutter) == _modes_of(from_copier)


# --- Updates: template v1 -> v2 with the user's edits in between -----------------------------------


# What template v2 brings: a new file, and a new last line in a generated workflow (the end,
# because a file may start with a whitespace-stripping `{%- ... %}` tag).
NEW_FILE = "AUTHORS.md"
NEW_FILE_TEXT = "# Authors of {{ cookiecutter.project_name }}\n"
WORKFLOW_LINE = "# Template v2: this line arrived with an update."


# The generated workflow that template v2 changes.
CI_WORKFLOW = ".github/workflows/ci.yml"


def release_v2(template: Path, workflow_name: str | None = None) -> None:
    """Change the template (and its CI workflow's name, for a conflict), commit, tag v2."""
    template_dir = template / TEMPLATE_DIR.name
    (template_dir / NEW_FILE).write_text(NEW_FILE_TEXT)
    workflow = template_dir / CI_WORKFLOW
    workflow.write_text(f"{workflow.read_text()}{WORKFLOW_LINE}\n")
    if workflow_name:
        _rename_workflow(workflow, workflow_name)
    git_commit_all(template, "Template v2")
    run("git", "tag", "v2", cwd=template)


def _rename_workflow(path: Path, name_line: str) -> None:
    text = path.read_text()
    assert "\nname: CI\n" in text
    path.write_text(text.replace("\nname: CI\n", f"\n{name_line}\n", 1))


USER_README_LINE = "A line the user wrote in README.md."
USER_DEPENDENCY = "scipy>=1.10"


def make_user_edits(project: Path) -> None:
    """A maintainer's own changes: a README line and a new dependency."""
    with (project / "README.md").open("a") as readme:
        readme.write(f"\n{USER_README_LINE}\n")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert "dependencies = [\n" in text
    pyproject.write_text(
        text.replace("dependencies = [\n", f'dependencies = [\n    "{USER_DEPENDENCY}",\n', 1)
    )


def bake_at_v1(tool: str, template: Path, output_dir: Path) -> Path:
    """A project made from template v1 by either tool, committed to git."""
    if tool == "copier":
        project = bake_copier(output_dir / "project", template=template, vcs_ref="v1")
    else:
        project = bake_cookiecutter(output_dir, template=template)
    git_commit_all(project, "Project from template v1")
    return project


def copier_update(project: Path, *options: str, check: bool = True):
    return run("copier", "update", "--defaults", "--trust", "--quiet", *options, cwd=project, check=check)


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ANSWERS_FILE).read_text())


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_update_brings_template_changes_and_keeps_user_edits(tool, tmp_path):
    template = make_template_repo(tmp_path / "template")
    project = bake_at_v1(tool, template, tmp_path / "bake")
    # What copier needs to update a repo, whichever tool made it.
    assert answers_of(project)["_commit"] == "v1"
    assert Path(answers_of(project)["_src_path"]).resolve() == template.resolve()
    make_user_edits(project)
    git_commit_all(project, "User edits")
    release_v2(template)

    copier_update(project)

    assert answers_of(project)["_commit"] == "v2"
    assert (project / NEW_FILE).read_text() == "# Authors of My Project\n"
    assert (project / CI_WORKFLOW).read_text().endswith(f"\n{WORKFLOW_LINE}\n")
    assert USER_README_LINE in (project / "README.md").read_text()
    dependencies = tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    assert USER_DEPENDENCY in dependencies
    # Nothing else changed: the result is exactly a fresh v2 project with the user's edits.
    fresh = bake_copier(tmp_path / "fresh-v2", template=template, vcs_ref="v2")
    make_user_edits(fresh)
    updated_files, fresh_files = files_of(project), files_of(fresh)
    del updated_files[ANSWERS_FILE], fresh_files[ANSWERS_FILE]
    assert updated_files == fresh_files, _first_difference(updated_files, fresh_files, ("updated", "fresh"))


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_without_a_cluster_no_slurm_account_is_recorded_and_updates_work(tool, tmp_path):
    """copier asks slurm_account only with a cluster (its `when`); an update without the answer
    works, and one that chooses a cluster takes the account then."""
    template = make_template_repo(tmp_path / "template")
    if tool == "copier":
        project = bake_copier(tmp_path / "project", template=template, vcs_ref="v1", hpc_cluster="none")
    else:
        project = bake_cookiecutter(tmp_path / "bake", template=template, hpc_cluster="none")
    assert "slurm_account" not in answers_of(project)
    git_commit_all(project, "Project from template v1, no cluster")
    release_v2(template)

    copier_update(project)
    assert answers_of(project)["_commit"] == "v2"
    assert "slurm_account" not in answers_of(project)
    assert not (project / "slurm").exists()
    git_commit_all(project, "Template v2")

    copier_update(project, "--data=hpc_cluster=roihu", "--data=slurm_account=project_2001234")
    assert answers_of(project)["slurm_account"] == "project_2001234"
    assert "#SBATCH --account=project_2001234\n" in (project / "slurm" / "run_job.sh").read_text()
    assert "billed to the project\n`project_2001234`" in (project / "README.md").read_text()


# A starter file such as README.md is the repo's once written (lab_template/render/file_kinds.py), so
# a conflict needs a file that the template keeps current: the CI workflow.
USER_NAME = "name: CI, as its user named it"
TEMPLATE_NAME = "name: CI, as template v2 names it"


@pytest.mark.slow
@pytest.mark.parametrize("conflict", ["inline", "rej"])
def test_conflicting_edits_keep_both_sides(conflict, tmp_path):
    template = make_template_repo(tmp_path / "template")
    project = bake_at_v1("copier", template, tmp_path / "bake")
    _rename_workflow(project / CI_WORKFLOW, USER_NAME)
    git_commit_all(project, "User renames the CI workflow")
    release_v2(template, workflow_name=TEMPLATE_NAME)

    result = copier_update(project, f"--conflict={conflict}", check=False)

    # The update ends by naming the conflicted file, and fails (lab_template/tasks/update_report.py).
    assert result.returncode == 1 and f"conflict {CI_WORKFLOW}: " in result.stderr
    workflow = (project / CI_WORKFLOW).read_text()
    rejected = project / f"{CI_WORKFLOW}.rej"
    if conflict == "inline":
        assert (
            f"<<<<<<< before updating\n{USER_NAME}\n=======\n{TEMPLATE_NAME}\n>>>>>>> after updating\n"
            in workflow
        )
        assert not rejected.exists()
    else:
        # The template's text goes in; the user's hunk that no longer applies goes to ci.yml.rej.
        assert f"\n{TEMPLATE_NAME}\n" in workflow
        assert f"+{USER_NAME}\n" in rejected.read_text()
    # The rest of the update still happened.
    assert (project / NEW_FILE).is_file()


EXISTING_README = "# Our analysis code\n\nWritten before the lab had a template.\n"


@pytest.mark.slow
def test_an_existing_repo_adopts_the_template(tmp_path):
    """The README's recipe: one command on a branch keeps the repo's files; updates follow."""
    template = make_template_repo(tmp_path / "template")
    repo = tmp_path / "existing"
    (repo / "my_project").mkdir(parents=True)
    (repo / "my_project" / "analysis.py").write_text("RESULT = 42\n")
    (repo / "README.md").write_text(EXISTING_README)
    git_commit_all(repo, "Code from before the template")
    run("git", "switch", "--quiet", "--create", "adopt-template", cwd=repo)

    run("copier", "copy", "--trust", "--defaults", "--overwrite", "--quiet", template, repo)

    assert answers_of(repo)["_commit"] == "v1"
    assert (repo / "README.md").read_text() == EXISTING_README
    # No example code in a package that exists, not even an __init__.py importing it.
    assert [p.name for p in (repo / "my_project").iterdir()] == ["analysis.py"]
    git_commit_all(repo, "Adopt the lab template")

    release_v2(template)
    copier_update(repo)
    assert (repo / NEW_FILE).is_file()
    assert (repo / "README.md").read_text() == EXISTING_README

    # recopy: render the template again over the repo, ignoring how it has drifted since.
    git_commit_all(repo, "Template v2")
    (repo / CI_WORKFLOW).write_text("name: drifted\n")
    git_commit_all(repo, "The workflow drifts")
    run("copier", "recopy", "--trust", "--defaults", "--overwrite", "--quiet", cwd=repo)
    assert (repo / "README.md").read_text() == EXISTING_README
    assert run("git", "diff", "--name-only", cwd=repo).stdout.split() == [CI_WORKFLOW]


# --- Bad answers: refused by both tools with the same message --------------------------------------

# (question, bad answer): at least one for every rule of lab_template/render/validation.py, each of
# which must be refused by both tools with that rule's message.
BAD_ANSWERS = [
    ("project_name", ""),
    ("project_name", "two\nlines"),
    ("package_name", "class"),
    ("package_name", "match"),
    ("package_name", "json"),
    ("package_name", "my-pkg"),
    ("package_name", "MyPkg"),
    ("package_name", "1st_try"),
    ("distribution_name", "-gp-"),
    ("distribution_name", "gp toolkit"),
    ("description", "   "),
    ("description", "tab\tseparated"),
    ("keywords", " , "),
    ("keywords", "gp, bo, gp"),
    ("author_name", ""),
    ("author_email", "nobody"),
    ("author_email", "ada@localhost"),
    ("author_orcid", "0000-0002-1825-0098"),
    ("author_orcid", "https://orcid.org/0000-0002-1825-0097"),
    ("github_org", "my_org"),
    ("github_org", "-org"),
    ("license", "GPL"),
    ("python_min", "2.7"),
    ("python_min", "3.9"),
    ("python_min", "three"),
    ("hpc_cluster", "triton"),
    ("hpc_cluster", "puhti"),  # retired: copier names its successor
    ("slurm_account", "a b"),
    ("slurm_account", "proj;rm -rf ~"),
    ("slurm_account", "$(id)"),
    ("recipe_maintainers", "ada lovelace!"),
    ("recipe_maintainers", ""),
    ("conda_recipe", "pyproject.toml"),
    ("docs", "mkdocs"),
    ("description", "uses {{ jinja }} markers"),
]


# cookiecutter checks a choice against its list before the template's code runs (and prints a
# traceback ending in its own message); copier's answers are all checked by the template first.
COOKIECUTTER_CHOICE_REFUSAL = "{value} provided for choice variable {field}, but the choices are"


def expected_refusal(tool: str, field: str, value: str) -> str:
    """What the tool's output must contain when it refuses the answer."""
    message = answer_error(field, value)
    assert message, f"{field}={value!r} is a good answer: remove it from BAD_ANSWERS"
    if field in CHOICES and tool == "cookiecutter":
        return COOKIECUTTER_CHOICE_REFUSAL.format(field=field, value=value)
    return f"error: {message}"


@pytest.mark.slow
@pytest.mark.parametrize(("field", "value"), BAD_ANSWERS)
def test_copier_refuses_a_bad_answer(field, value, frozen_template, tmp_path):
    destination = tmp_path / "project"
    result = run(
        "copier", "copy", "--defaults", "--trust", f"--data={field}={value}", frozen_template, destination,
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert expected_refusal("copier", field, value) in result.stderr
    assert not destination.exists() or not any(destination.iterdir())


@pytest.mark.parametrize(("field", "value"), BAD_ANSWERS)
def test_cookiecutter_refuses_a_bad_answer(field, value, frozen_template, tmp_path):
    result = run(
        sys.executable, "-m", "cookiecutter", "--no-input", "-o", tmp_path, frozen_template, f"{field}={value}",
        cwd=tmp_path, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert expected_refusal("cookiecutter", field, value) in result.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["cookiecutter", "copier"])
def test_a_repo_made_before_the_python_hooks_were_dropped_updates_to_this_version(tool, tmp_path):
    """copier update renders the repo's old template version with this version's exclusions."""
    dropped_in = run("git", "log", "-1", "--format=%H", "--", "hooks/pre_gen_project.py", cwd=TEMPLATE_ROOT)
    assert dropped_in.stdout.strip(), "needs the template's git history (not a shallow clone)"
    template = template_repo_at(
        f"{dropped_in.stdout.strip()}^", tmp_path / "template", "v1", "Template with Python hooks"
    )
    answers = {"docs": "none", "hpc_cluster": "none"}
    if tool == "copier":
        project = bake_copier(tmp_path / "project", template=template, vcs_ref="v1", **answers)
    else:
        project = bake_cookiecutter(tmp_path / "project", template=template, **answers)
    git_commit_all(project, "Project from the old template")

    run("git", "rm", "-r", "--quiet", ".", cwd=template)
    make_template_repo(template, tag="v2")  # this version, over the old one
    copier_update(project, "--vcs-ref=v2")

    assert answers_of(project)["_commit"] == "v2"
    assert not list(project.rglob("*.rej"))
    # The recipe format the old default gave, which the repo recorded and keeps.
    recorded = {"conda_recipe": answers_of(project)["conda_recipe"]}
    fresh = bake_copier(tmp_path / "fresh", template=template, vcs_ref="v2", **answers, **recorded)
    updated_files, fresh_files = files_of(project), files_of(fresh)
    del updated_files[ANSWERS_FILE], fresh_files[ANSWERS_FILE]
    assert updated_files == fresh_files, _first_difference(updated_files, fresh_files, ("updated", "fresh"))


def last_commit_whose(path: str, holds: str) -> str:
    """The newest commit of the template whose `path` holds the text `holds`."""
    commits = run("git", "rev-list", "HEAD", "--", path, cwd=TEMPLATE_ROOT).stdout.split()
    assert commits, "needs the template's git history (not a shallow clone)"
    for commit in commits:
        if holds in run("git", "show", f"{commit}:{path}", cwd=TEMPLATE_ROOT).stdout:
            return commit
    raise AssertionError(f"no commit of {path} holds {holds!r}")


@pytest.mark.slow  # a template from history; test_update_brings_... is the quick tier's update
@pytest.mark.parametrize("tool", ["cookiecutter", "copier"])
def test_a_repo_made_with_docs_sphinx_and_meta_yaml_updates_cleanly(tool, tmp_path):
    """Made before `docs` named the host, with that version's defaults (docs=sphinx, which
    published on GitHub Pages, and conda-build's meta.yaml): the update's migration records
    docs=pages before the new version renders (copier would drop `sphinx`, no longer a choice),
    the recipe keeps its format, and the Read the Docs config that sphinx shipped goes."""
    before = last_commit_whose("cookiecutter.json", '"docs": ["sphinx", "none"]')
    template = template_repo_at(before, tmp_path / "template", "v1", "Template with docs=sphinx")
    if tool == "copier":
        project = bake_copier(tmp_path / "project", template=template, vcs_ref="v1")
    else:
        project = bake_cookiecutter(tmp_path / "project", template=template)
    assert (answers_of(project)["docs"], answers_of(project)["conda_recipe"]) == ("sphinx", "meta.yaml")
    assert (project / ".readthedocs.yaml").is_file() and (project / "recipe" / "meta.yaml").is_file()
    git_commit_all(project, "Project with docs=sphinx")

    run("git", "rm", "-r", "--quiet", ".", cwd=template)
    make_template_repo(template, tag="v2")  # this version, over the old one
    result = copier_update(project, "--vcs-ref=v2")

    answers = answers_of(project)
    assert (answers["_commit"], answers["docs"], answers["conda_recipe"]) == ("v2", "pages", "meta.yaml")
    assert "conflict" not in result.stderr and not list(project.rglob("*.rej"))
    assert not (project / ".readthedocs.yaml").exists()
    assert (project / ".github" / "workflows" / "docs.yml").is_file()
    assert sorted(path.name for path in (project / "recipe").iterdir()) == ["meta.yaml"]
    # Exactly what this version makes from those answers.
    fresh = bake_copier(
        tmp_path / "fresh", template=template, vcs_ref="v2", docs="pages", conda_recipe="meta.yaml"
    )
    updated_files, fresh_files = files_of(project), files_of(fresh)
    del updated_files[ANSWERS_FILE], fresh_files[ANSWERS_FILE]
    assert updated_files == fresh_files, _first_difference(updated_files, fresh_files, ("updated", "fresh"))
