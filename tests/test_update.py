"""`copier update` across three tagged releases of a copy of the template, as a maintainer makes them.

v1.0.0 is the template as it is now. v1.1.0 changes its code (a cluster value, a filter, a rule, a
private value), adds a question and adds a choice. v1.2.0 removes that question, renames another
(with a migration) and drops a file. Repos are made by copier and by cookiecutter, then updated
with the real copier CLI (and its Python API), in real git repositories.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.version import Version

from lab_template.render.copier_checks import closing_line
from support import (
    ANSWERS_FILE,
    TEMPLATE_DIR,
    TEMPLATE_ROOT,
    bake_cookiecutter,
    bake_copier,
    copy_tree,
    files_of,
    git_commit_all,
    once_per_run,
    run,
)
from test_copier import make_template_repo, template_repo_at

DATE = "2026-12-01"
CHANGELOG_ENTRIES = {
    "1.1.0": "### Changed\n\n- LUMI jobs ask for 64G. Update: automatic.",
    "1.2.0": "### Removed\n\n- The `funding` question; Python 3.11. Update: automatic.",
}


# --- Three releases of a copy of the template ------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must be there (a release that silently changes nothing proves nothing)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(change(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def release(template: Path, version: str, entry: str | None = None) -> None:
    """Write the release's CHANGELOG section (entry, or the one in CHANGELOG_ENTRIES), regenerate
    copier.yml, commit, tag v<version>."""
    changelog = template / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    top = text.index("\n## [") + 1
    section = f"## [{version}] - {DATE}\n\n{entry or CHANGELOG_ENTRIES[version]}\n\n"
    changelog.write_text(text[:top] + section + text[top:], encoding="utf-8")
    run(sys.executable, template / "lab_template" / "maintainer" / "write_copier_yml.py")
    git_commit_all(template, f"Release {version}")
    run("git", "tag", f"v{version}", cwd=template)


def with_funding(cookiecutter: dict) -> dict:
    items = list(cookiecutter.items())
    at = [key for key, _ in items].index("docs") + 1
    items.insert(at, ("funding", "none"))
    cookiecutter = dict(items)
    cookiecutter["hpc_cluster"] = [*cookiecutter["hpc_cluster"][:-1], "aurora", "none"]
    cookiecutter["__year"] = "1999"
    cookiecutter["__prompts__"]["funding"] = "Who funds the work"
    return cookiecutter


EXAMPLE_MODULE = f"{TEMPLATE_DIR.name}/{TEMPLATE_DIR.name}/stats.py"
EXAMPLE_LINE_V1, EXAMPLE_LINE_V11 = (
    '"""Small numerical helpers."""',
    '"""Small numerical helpers, as of v1.1.0."""',
)
NOTEBOOK = f"{TEMPLATE_DIR.name}/examples/quickstart.ipynb"
NOTEBOOK_TITLE_V1, NOTEBOOK_TITLE_V11 = '"# Quickstart\\n"', '"# Quickstart, as of v1.1.0\\n"'
NEW_DOCS_PAGE = "{% if cookiecutter.docs != 'none' %}faq.md{% endif %}"


def release_code_and_questions(template: Path) -> None:
    """v1.1.0: one change of each kind of template code, a new question and a new choice."""
    code = template / "lab_template" / "render"
    edit(code / "clusters.py", '"mem": "60G"', '"mem": "64G"')  # the cluster table
    edit(code / "clusters.py", "\n}\n", '\n}\nCLUSTERS["aurora"] = {**CLUSTERS["roihu"], "name": "Aurora"}\n')
    edit(  # a filter: recipe maintainers in alphabetical order
        code / "validation.py",
        'return [part for part in re.split(r"[\\s,]+", value) if part]',
        'return sorted(part for part in re.split(r"[\\s,]+", value) if part)',
    )
    edit(
        code / "validation.py", 'r"[A-Za-z0-9_.-]+", re.ASCII', 'r"[A-Za-z0-9_.:-]+", re.ASCII'
    )  # a rule: ':' allowed
    edit(
        code / "validation.py",
        '    "docs": check_docs,\n',
        '    "docs": check_docs,\n    "funding": check_description,\n',
    )
    edit_json(template / "cookiecutter.json", with_funding)  # a private value, a question, a choice
    (template / TEMPLATE_DIR.name / "FUNDING.md").write_text("Funded by {{ cookiecutter.funding }}.\n")
    # The example code, its notebook, and a new page in a folder that a user may have deleted.
    edit(template / EXAMPLE_MODULE, EXAMPLE_LINE_V1, EXAMPLE_LINE_V11)
    edit(template / NOTEBOOK, NOTEBOOK_TITLE_V1, NOTEBOOK_TITLE_V11)
    (template / TEMPLATE_DIR.name / "docs" / NEW_DOCS_PAGE).write_text("# Questions and answers\n")
    release(template, "1.1.0")


def without_funding_and_renamed(cookiecutter: dict) -> dict:
    del cookiecutter["funding"], cookiecutter["__prompts__"]["funding"]
    text = json.dumps(cookiecutter).replace('"slurm_account"', '"hpc_account"')
    return json.loads(text)


def release_removal_and_rename(template: Path) -> None:
    """v1.2.0: the question of v1.1.0 removed, slurm_account renamed hpc_account, a file dropped,
    Python 3.11 (the python_min of the repos made at v1.0.0) no longer supported."""
    edit_json(template / "cookiecutter.json", without_funding_and_renamed)
    validation = template / "lab_template" / "render" / "validation.py"
    edit(validation, '    "funding": check_description,\n', "")
    edit(validation, '"slurm_account"', '"hpc_account"')
    write_copier_yml = template / "lab_template" / "maintainer" / "write_copier_yml.py"
    copier_questions = template / "lab_template" / "render" / "copier_questions.py"
    edit(copier_questions, '    "slurm_account": {"when"', '    "hpc_account": {"when"')  # COPIER_ONLY
    edit(
        write_copier_yml,
        "MIGRATIONS: list[dict] = []",
        'MIGRATIONS: list[dict] = [{"version": "v1.2.0", "when": "{{ _stage == \'before\' }}", "command": '
        '["{{ _copier_python }}", "{{ _copier_conf.src_path }}/lab_template/tasks/migrate.py", '
        '"rename-answer", "slurm_account", "hpc_account"]}]',
    )
    for path in (template / TEMPLATE_DIR.name).rglob("*"):
        if path.is_file() and "cookiecutter.slurm_account" in path.read_text(encoding="utf-8"):
            edit(path, "cookiecutter.slurm_account", "cookiecutter.hpc_account")
    (template / TEMPLATE_DIR.name / "FUNDING.md").unlink()
    next((template / TEMPLATE_DIR.name / "slurm").glob("*interactive.sh*")).unlink()
    edit(validation, '    "3.11": "2027-10",\n', "")
    edit(template / "cookiecutter.json", '"python_min": "3.11"', '"python_min": "3.12"')
    release(template, "1.2.0")


@pytest.fixture(scope="session")
def releases():
    """The template copy, tagged v1.0.0, v1.1.0, v1.2.0, then a commit not yet released; and a
    checkout of v1.0.0 for cookiecutter. Made once per run, for every xdist worker; read only."""

    def make(root: Path) -> None:
        template = root / "template"
        listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=TEMPLATE_ROOT)
        for relative in filter(None, listed.stdout.split("\0")):
            if (TEMPLATE_ROOT / relative).is_file():
                copy_tree_file(TEMPLATE_ROOT / relative, template / relative)
        edit(template / "CHANGELOG.md", "## [Unreleased]", f"## [1.0.0] - {DATE}")
        git_commit_all(template, "Release 1.0.0")
        run("git", "tag", "v1.0.0", cwd=template)
        run("git", "worktree", "add", "--quiet", "--detach", root / "checkout-v1.0.0", "v1.0.0", cwd=template)
        release_code_and_questions(template)
        release_removal_and_rename(template)
        run("git", "commit", "--quiet", "--allow-empty", "-m", "Work after v1.2.0", cwd=template)

    return once_per_run("update-releases", make) / "template"


def copy_tree_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    target.chmod(source.stat().st_mode)


ANSWERS = {"recipe_maintainers": "zed-id, ada-id", "slurm_account": "project_123"}


@pytest.fixture(scope="session")
def made_at_v1(releases):
    """A committed repo made from v1.0.0 by each tool, to copy (made once per run)."""

    def make(root: Path) -> None:
        repos = [
            bake_copier(root / "copier" / "my_project", releases, vcs_ref="v1.0.0", **ANSWERS),
            bake_cookiecutter(root / "cookiecutter", releases.parent / "checkout-v1.0.0", **ANSWERS),
        ]
        for repo in repos:
            git_commit_all(repo, "Made from the template")
            assert answers_of(repo)["_commit"] == "v1.0.0"

    root = once_per_run("update-made-at-v1", make)
    return {tool: root / tool / "my_project" for tool in ("copier", "cookiecutter")}


def repo_at_v1(made_at_v1, tool: str, tmp_path: Path) -> Path:
    return copy_tree(made_at_v1[tool], tmp_path / tool / "my_project")


def answers_of(repo: Path) -> dict:
    return yaml.safe_load((repo / ANSWERS_FILE).read_text())


def copier_update(repo: Path, *options: str, check: bool = True):
    return run("copier", "update", "--trust", "--defaults", *options, cwd=repo, check=check)


def api_update(repo: Path, **options) -> None:
    """copier's Python API, in a process of its own like the CLI (both versions render in it)."""
    code = "import copier, json, sys; copier.run_update(sys.argv[1], **json.loads(sys.argv[2]))"
    options = {"defaults": True, "unsafe": True, "overwrite": True, "quiet": True, **options}
    run(sys.executable, "-c", code, repo, json.dumps(options))


# --- 1. Each version renders with its own code ----------------------------------------------------


@pytest.mark.parametrize("how", ["copier CLI", "cookiecutter-made, copier CLI", "copier API"])
def test_update_renders_each_version_with_its_own_code(how, made_at_v1, releases, tmp_path):
    repo = repo_at_v1(made_at_v1, "cookiecutter" if "cookiecutter" in how else "copier", tmp_path)
    # An account that only v1.1.0's rule accepts.
    if how == "copier API":
        api_update(repo, vcs_ref="v1.1.0", data={"slurm_account": "project:gpu"})
    else:
        copier_update(repo, "--vcs-ref=v1.1.0", "--data=slurm_account=project:gpu")

    assert answers_of(repo)["_commit"] == "v1.1.0"
    run_job = (repo / "slurm" / "run_job.sh").read_text()
    assert "#SBATCH --mem=64G\n" in run_job  # the cluster table
    assert "#SBATCH --account=project:gpu\n" in run_job  # the rule
    (recipe,) = [path.read_text() for path in (repo / "recipe").iterdir()]
    assert recipe.index("- ada-id") < recipe.index("- zed-id")  # the filter
    assert "Copyright (c) 1999, Your Name" in (repo / "LICENSE").read_text()  # the private value
    # The new question's default is recorded, and used.
    assert answers_of(repo)["funding"] == "none"
    assert (repo / "FUNDING.md").read_text() == "Funded by none.\n"
    # Exactly what a fresh copy of v1.1.0 makes from the same answers.
    fresh = bake_copier(
        tmp_path / "fresh", releases, vcs_ref="v1.1.0", **{**ANSWERS, "slurm_account": "project:gpu"}
    )
    updated, made = files_of(repo), files_of(fresh)
    del updated[ANSWERS_FILE], made[ANSWERS_FILE]
    assert updated == made


# --- 2. Questions added, removed, renamed; choices added --------------------------------------------


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_questions_added_removed_and_renamed(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    # v1.1.0 asks a new question and offers a new cluster.
    copier_update(repo, "--vcs-ref=v1.1.0", "--data=funding=ERC", "--data=hpc_cluster=aurora")
    answers = answers_of(repo)
    assert (answers["funding"], answers["hpc_cluster"], answers["slurm_account"]) == (
        "ERC",
        "aurora",
        "project_123",
    )
    assert "Aurora" in (repo / "README.md").read_text()
    git_commit_all(repo, "Template v1.1.0")

    # v1.2.0 drops the question and renames slurm_account; its migration carries the answer over.
    copier_update(repo)

    answers = answers_of(repo)
    assert answers["_commit"] == "v1.2.0"
    assert "funding" not in answers and "slurm_account" not in answers
    assert answers["hpc_account"] == "project_123"
    assert "#SBATCH --account=project_123\n" in (repo / "slurm" / "run_job.sh").read_text()
    assert not (repo / "FUNDING.md").exists()
    # The file v1.2.0 dropped goes too: the user had not changed it.
    assert not (repo / "slurm" / "interactive.sh").exists()


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_an_old_repo_updates_over_two_releases(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    copier_update(repo)
    answers = answers_of(repo)
    assert answers["_commit"] == "v1.2.0"
    assert answers["hpc_account"] == "project_123" and "slurm_account" not in answers
    assert "#SBATCH --mem=64G\n" in (repo / "slurm" / "run_job.sh").read_text()


# --- 3. Files the user changed are never deleted silently; conflicts are listed -------------------

USER_LINE = "# A line the user added.\n"
CLOSING_LINE = closing_line(1)


def append_user_line(repo: Path, *names: str) -> None:
    for name in names:
        with (repo / name).open("a") as file:
            file.write(USER_LINE)
    git_commit_all(repo, "User edits")


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_changed_answers_keep_the_users_files(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    append_user_line(repo, "slurm/run_job.sh", "my_project/stats.py")
    (repo / "my_project" / "analysis.py").write_text("from my_project.stats import standardize\n")
    git_commit_all(repo, "A module of the user's")

    result = copier_update(repo, "--vcs-ref=v1.1.0", "--data=hpc_cluster=none", "--data=package_name=renamed")

    kept = [line for line in result.stderr.splitlines() if line.startswith("kept ")]
    assert [line.split(":")[0] for line in kept] == ["kept slurm/run_job.sh"]
    assert all("`git rm " in line for line in kept)
    assert (repo / "slurm" / "run_job.sh").read_text().endswith(USER_LINE)
    # What the user had not changed goes, as the new answers say.
    assert not (repo / "slurm" / "array_job.sh").exists()
    # The package's files move with it: the user's module, and the user's changes to the
    # template's module, merged with the template's own change of v1.1.0.
    assert not (repo / "my_project").exists()
    moved = [line.split(":")[0] for line in result.stderr.splitlines() if line.startswith("moved ")]
    assert moved == [
        "moved my_project/analysis.py to renamed/analysis.py",
        "moved my_project/stats.py to renamed/stats.py",
    ]
    assert "update its imports of my_project" in result.stderr
    stats = (repo / "renamed" / "stats.py").read_text()
    assert stats.startswith(EXAMPLE_LINE_V11) and stats.endswith(USER_LINE)
    assert (repo / "renamed" / "analysis.py").read_text() == "from my_project.stats import standardize\n"
    assert '"renamed",' in (repo / "pyproject.toml").read_text()


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_a_file_the_template_drops_is_kept_if_changed(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    append_user_line(repo, "slurm/interactive.sh")

    result = copier_update(repo)

    assert (repo / "slurm" / "interactive.sh").read_text().endswith(USER_LINE)
    assert "kept slurm/interactive.sh: it has your changes" in result.stderr
    assert run("git", "status", "--porcelain", "slurm/interactive.sh", cwd=repo).stdout == ""


@pytest.mark.parametrize(("tool", "conflict"), [("copier", "inline"), ("cookiecutter", "rej")])
def test_conflicts_are_listed_and_the_update_fails(tool, conflict, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    edit(repo / "slurm" / "run_job.sh", "--mem=60G", "--mem=100G")  # v1.1.0 changes it to 64G
    git_commit_all(repo, "More memory")

    result = copier_update(repo, "--vcs-ref=v1.1.0", f"--conflict={conflict}", check=False)

    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("conflict ")]
    assert [line.split(":")[0] for line in lines] == ["conflict slurm/run_job.sh"]
    # Our closing line is the last thing printed: copier's own error about a task is not there.
    assert result.stderr.strip().splitlines()[-1].endswith(CLOSING_LINE)
    assert "returned non-zero exit status" not in result.stderr
    if conflict == "inline":
        assert run("git", "diff", "--name-only", "--diff-filter=U", cwd=repo).stdout == "slurm/run_job.sh\n"
    else:
        assert "slurm/run_job.sh.rej" in lines[0] and (repo / "slurm" / "run_job.sh.rej").is_file()
    # The rest of the update is there.
    assert answers_of(repo)["_commit"] == "v1.1.0" and (repo / "FUNDING.md").is_file()


# --- The generated repo's template-update script ---------------------------------------------------

BRANCH = "template-update"


def template_update(repo: Path, output: Path) -> str:
    return run(sys.executable, "tools/template_update.py", "--output", output, cwd=repo).stdout


def test_template_update_makes_no_branch_when_up_to_date(made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    copier_update(repo)
    git_commit_all(repo, "Template v1.2.0")

    assert "Up to date" in template_update(repo, tmp_path / "pr")

    assert run("git", "branch", "--list", BRANCH, cwd=repo).stdout == ""
    assert not (tmp_path / "pr").exists()
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_template_update_commits_the_update_on_a_branch(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    copier_update(repo, "--vcs-ref=v1.1.0")
    git_commit_all(repo, "Template v1.1.0")
    expected = copy_tree(repo, tmp_path / "by-hand" / "my_project")
    copier_update(expected)

    template_update(repo, tmp_path / "pr")

    # The branch holds the update as copier makes it; the repo is back where it was, clean.
    assert run("git", "branch", "--show-current", cwd=repo).stdout == "main\n"
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""
    run("git", "switch", "--quiet", BRANCH, cwd=repo)
    assert files_of(repo) == files_of(expected)
    assert run("git", "log", "-1", "--format=%s", cwd=repo).stdout == (
        "Update from the lab template v1.1.0 to v1.2.0\n"
    )
    body = (tmp_path / "pr" / "body.md").read_text()
    assert f"### [1.2.0] - {DATE}\n\n#### Removed\n\n- The `funding` question; Python 3.11." in body
    assert "[1.1.0]" not in body and "## Conflicts" not in body and "## Files kept" not in body
    # v1.2.0 dropped the Python the repo recorded: the pull request says so, and how to choose.
    assert "## Answers changed" in body
    assert re.search(
        r"- changed python_min: this template version no longer accepts '3\.11' \(.*\), so the update "
        r"takes its default \(see \.copier-answers\.yml\); for another value, run copier update "
        r"--trust --defaults --vcs-ref=:current: --data python_min=VALUE\n",
        body,
    )
    assert (tmp_path / "pr" / "title.txt").read_text() == "Update from the lab template v1.1.0 to v1.2.0\n"


def test_template_update_reports_kept_and_conflicted_files(made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    edit(repo / "slurm" / "run_job.sh", "--mem=60G", "--mem=100G")
    append_user_line(repo, "slurm/interactive.sh")

    template_update(repo, tmp_path / "pr")

    body = (tmp_path / "pr" / "body.md").read_text()
    assert "### [1.1.0]" in body and "### [1.2.0]" in body and "[1.0.0]" not in body
    assert re.search(r"## Files kept\n\n.*\n\n- kept slurm/interactive\.sh: ", body)
    assert re.search(r"## Conflicts\n\n.*\n\n- conflict slurm/run_job\.sh: ", body)
    run("git", "switch", "--quiet", BRANCH, cwd=repo)
    assert "<<<<<<< before updating" in (repo / "slurm" / "run_job.sh").read_text()
    assert answers_of(repo)["_commit"] == "v1.2.0"
    # The pull request's instructions, as written, on its branch: find the markers, resolve,
    # commit: no marker is left for the next update to refuse.
    find = re.search(r"\(`(git grep [^`]+)` finds them\)", body)[1]
    assert run("bash", "-c", find, cwd=repo).stdout.startswith("slurm/run_job.sh:")
    text = (repo / "slurm" / "run_job.sh").read_text()
    resolved = re.sub(
        r"<<<<<<< before updating\n(.*?)=======\n.*?>>>>>>> after updating\n", r"\1", text, flags=re.DOTALL
    )
    (repo / "slurm" / "run_job.sh").write_text(resolved)
    commit = re.search(r"Then `(git commit -am [^`]+) && git push`", body)[1]
    run("bash", "-c", commit, cwd=repo)
    assert run("bash", "-c", find, cwd=repo, check=False).stdout == ""
    run(sys.executable, "tools/template_update.py", "--check", cwd=repo)


# --- Decisions recorded: example code, what you deleted, answers switched off and on ----------------


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_example_code_changes_arrive_and_merge_with_your_edits(tool, made_at_v1, tmp_path):
    """The template's example code is a file like any other: its changes arrive where the user
    left it alone, and merge where the user changed other lines of it."""
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    append_user_line(repo, "my_project/stats.py")

    copier_update(repo, "--vcs-ref=v1.1.0")

    stats = (repo / "my_project" / "stats.py").read_text()
    assert stats.startswith(EXAMPLE_LINE_V11) and stats.endswith(USER_LINE)
    notebook = (repo / "examples" / "quickstart.ipynb").read_text()
    assert NOTEBOOK_TITLE_V11 in notebook and NOTEBOOK_TITLE_V1 not in notebook
    assert run("git", "diff", "--name-only", "--diff-filter=U", cwd=repo).stdout == ""


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_a_folder_you_deleted_stays_deleted_and_the_update_says_so_once(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    run("git", "rm", "-r", "--quiet", "docs", "slurm", cwd=repo)
    git_commit_all(repo, "No docs, no cluster scripts")

    # v1.1.0 adds docs/faq.md.
    result = copier_update(repo, "--vcs-ref=v1.1.0")

    assert not (repo / "docs").exists() and not (repo / "slurm").exists()
    assert answers_of(repo)["omit"] == ["docs/", "slurm/"]
    omitted = [line for line in result.stderr.splitlines() if line.startswith("omitted ")]
    assert [line.split(":")[0] for line in omitted] == ["omitted docs/", "omitted slurm/"]
    assert "copier update --trust --defaults --data 'omit=[slurm/]'" in omitted[0]
    git_commit_all(repo, "Template v1.1.0")

    # Said once: the next update leaves them out without a word.
    result = copier_update(repo, "--vcs-ref=v1.2.0")
    assert "omitted " not in result.stderr and not (repo / "docs").exists()
    git_commit_all(repo, "Template v1.2.0")

    # The line's command takes a folder back.
    command = omitted[0].split("to have the template's version back: ")[1].replace("'", "")
    run(*command.split()[:-1], command.split()[-1], "--vcs-ref=:current:", cwd=repo)
    assert (repo / "docs" / "faq.md").is_file() and not (repo / "slurm").exists()
    assert answers_of(repo)["omit"] == ["slurm/"]


@pytest.mark.parametrize("tool", ["copier", "cookiecutter"])
def test_a_cluster_switched_off_and_on_again_keeps_its_account(tool, made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, tool, tmp_path)
    copier_update(repo, "--vcs-ref=v1.1.0", "--data=hpc_cluster=none")
    assert not (repo / "slurm").exists() and answers_of(repo)["slurm_account"] == "project_123"
    git_commit_all(repo, "No cluster")

    copier_update(repo, "--vcs-ref=v1.1.0", "--data=hpc_cluster=lumi")

    assert answers_of(repo)["slurm_account"] == "project_123"
    assert "#SBATCH --account=project_123\n" in (repo / "slurm" / "run_job.sh").read_text()


def test_a_repo_made_in_an_earlier_year_is_not_your_changes(made_at_v1, tmp_path):
    """The copyright year is the one difference between a file made years ago and the same
    file rendered today: no `kept` line for a file the user never touched."""
    repo = repo_at_v1(made_at_v1, "cookiecutter", tmp_path)
    year = str(datetime.date.today().year)
    for name in ("LICENSE", "docs/conf.py"):
        edit(repo / name, year, "2019")
    git_commit_all(repo, "Made in 2019")

    result = copier_update(repo, "--vcs-ref=v1.0.0", "--data=docs=none")

    assert "kept " not in result.stderr
    assert not (repo / "docs").exists()
    assert "2019" in (repo / "LICENSE").read_text()


# --- Answers files copier cannot use, answers to no question -------------------------------------------


def break_answers(repo: Path, how: str, template: Path) -> str:
    """Break the answers file (or where copier runs) one way; the folder to run in."""
    path = repo / ANSWERS_FILE
    text = path.read_text()
    changes = {
        "bad YAML": lambda: text.replace("_commit: v1.0.0", "_commit: [v1.0.0"),
        "empty": lambda: "",
        "a list": lambda: "- _commit: v1.0.0\n",
        "unknown _commit": lambda: text.replace("_commit: v1.0.0", "_commit: v0.9.9"),
        "no _commit": lambda: re.sub(r"_commit: .*\n", "", text),
        "no _src_path": lambda: re.sub(r"_src_path: .*\n", "", text),
        "moved _src_path": lambda: text.replace(str(template), str(template) + "-moved"),
        "relative _src_path": lambda: text.replace(str(template), "../template"),
        "inside another repo": lambda: text.replace(str(template), str(template / "lab_template")),
    }
    if how == "from a subfolder":
        return "my_project"
    path.write_text(changes[how]())
    git_commit_all(repo, f"Answers file: {how}")
    return "."


BROKEN = {
    "bad YAML": "is not valid YAML (line 3); restore its last good version: git checkout",
    "empty": "is empty; restore its last good version: git checkout",
    "a list": "is a list, not the answers by name; restore its last good version: git checkout",
    "unknown _commit": "_commit 'v0.9.9' is not a tag or commit of the template",
    "no _commit": "has no _commit, the template version that made this repo",
    "no _src_path": "has no _src_path",
    "moved _src_path": "does not exist (the template moved?)",
    "relative _src_path": "'../template' is a relative path",
    "inside another repo": "is not a git repository of its own",
    "from a subfolder": "run this, and copier update, in the repo's top folder",
}


@pytest.mark.parametrize("how", list(BROKEN))
def test_an_answers_file_copier_cannot_use_is_one_line_and_changes_nothing(
    how, made_at_v1, releases, tmp_path
):
    """The README's update command checks first: copier reads the answers file, and the template
    at its address, before any of the template's code runs, and fails with a traceback."""
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    folder = repo / break_answers(repo, how, releases)
    before = files_of(repo)

    result = run(
        "bash", "-c", README_UPDATE_COMMAND.replace("tools/", f"{repo}/tools/"), cwd=folder, check=False
    )

    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and BROKEN[how] in line, line
    assert files_of(repo) == before and run("git", "status", "--porcelain", cwd=repo).stdout == ""


README_UPDATE_COMMAND = "python tools/template_update.py --check && copier update --trust --defaults"


def test_the_readme_gives_the_checked_update_command():
    assert f"\n{README_UPDATE_COMMAND}\n" in (TEMPLATE_ROOT / "README.md").read_text()


def test_an_answer_to_no_question_is_refused_on_update(made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    before = files_of(repo)

    result = copier_update(repo, "--data=pakage_name=foo", check=False)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: pakage_name: is not a question of this template; did you mean 'package_name'?"
    )
    assert files_of(repo) == before and run("git", "status", "--porcelain", cwd=repo).stdout == ""


# --- Conflicts ------------------------------------------------------------------------------------------


def test_an_update_refuses_to_start_while_conflict_markers_are_committed(made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    edit(repo / "slurm" / "run_job.sh", "--mem=60G", "--mem=100G")
    git_commit_all(repo, "More memory")
    assert copier_update(repo, "--vcs-ref=v1.1.0", check=False).returncode == 1
    git_commit_all(repo, "Template v1.1.0, conflicts and all")
    before = files_of(repo)

    result = copier_update(repo, check=False)

    assert result.returncode == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert line.startswith(
        "error: the last update's conflicts are committed, unresolved, in slurm/run_job.sh:"
    )
    assert result.stderr.strip().splitlines()[-1] == line
    assert files_of(repo) == before and run("git", "status", "--porcelain", cwd=repo).stdout == ""


def test_a_conflicted_notebook_stays_a_notebook(made_at_v1, tmp_path):
    repo = repo_at_v1(made_at_v1, "cookiecutter", tmp_path)
    notebook = repo / "examples" / "quickstart.ipynb"
    edit(notebook, NOTEBOOK_TITLE_V1, '"# Quickstart of the user\\n"')
    git_commit_all(repo, "The user's title")

    result = copier_update(repo, "--vcs-ref=v1.1.0", check=False)

    assert result.returncode == 1
    nbformat.validate(nbformat.reads(notebook.read_text(), as_version=4))
    assert NOTEBOOK_TITLE_V11 in notebook.read_text()  # the template's version, as with --conflict rej
    rejected = repo / "examples" / "quickstart.ipynb.rej"
    assert '+    "# Quickstart of the user\\n",' in rejected.read_text()
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("conflict ")]
    assert line.startswith("conflict examples/quickstart.ipynb: it has the template's version;")
    assert result.stderr.strip().splitlines()[-1].endswith(CLOSING_LINE)
    assert run("git", "diff", "--name-only", "--diff-filter=U", cwd=repo).stdout == ""


# --- The weekly update's versions -----------------------------------------------------------------------


def test_template_update_after_an_update_to_an_unreleased_commit(made_at_v1, releases, tmp_path):
    """A repo updated with --vcs-ref=HEAD to a commit after the newest release is up to date until
    the next release: the weekly job is not red (copier would refuse the "downgrade")."""
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    copier_update(repo, "--vcs-ref=HEAD")
    assert re.fullmatch(r"v1\.2\.0-1-g[0-9a-f]+", answers_of(repo)["_commit"])
    git_commit_all(repo, "Template at its newest commit")

    output = template_update(repo, tmp_path / "pr")

    assert output.startswith("Up to date with the template's newest release, v1.2.0")
    assert not (tmp_path / "pr").exists()


@pytest.mark.parametrize(
    ("recorded", "version"),
    [
        ("v1.2.0", "1.2.0"),
        ("v1.2.0-3-gabc1234", "1.2.0.post3+gabc1234"),
        ("1234abc", None),
        ("d3e23df", None),
    ],
)
def test_template_versions_compare_as_pep_440_versions(recorded, version, default_repo):
    """A commit hash that starts with digits is not a version."""
    spec = importlib.util.spec_from_file_location(
        "template_update", default_repo / "tools" / "template_update.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.version_of(recorded) == (Version(version) if version else None)


def test_a_bake_that_could_never_be_updated_says_so_at_once(releases, tmp_path):
    """A template copy inside another git repository has no version of its own: both tools warn
    while baking, and record no _commit (not the other repository's)."""
    outer = tmp_path / "monorepo"
    vendored = outer / "vendored" / "template"
    vendored.mkdir(parents=True)
    archive = tmp_path / "template.tar"
    run("git", "archive", f"--output={archive}", "v1.0.0", cwd=releases)
    run("tar", "-xf", archive, "-C", vendored)
    git_commit_all(outer, "A repository that holds a copy of the template")
    expected = "is not a git repository of its own (a download, or a folder inside another git repo)"

    made = tmp_path / "cookiecutter"
    made.mkdir()
    result = run(sys.executable, "-m", "cookiecutter", "--no-input", "-o", made, vendored, cwd=made)
    assert expected in result.stderr and "cannot be updated from it later" in result.stderr
    assert "_commit" not in answers_of(made / "my_project")

    result = run("copier", "copy", "--trust", "--defaults", vendored, tmp_path / "copier")
    assert expected in result.stderr
    assert "_commit" not in answers_of(tmp_path / "copier")

    # A relative path that copier records as typed.
    options = ["--trust", "--defaults", "--vcs-ref=v1.0.0"]
    result = run("copier", "copy", *options, "template", tmp_path / "relative", cwd=releases.parent)
    assert "records the template as the relative path 'template'" in result.stderr


# --- Repos made before the answers file recorded which files they take --------------------------------


DECISION_LINES = re.compile(r"^(example_code|omit): .*\n", re.MULTILINE)


def without_decisions(repo: Path) -> None:
    """The repo as the template made it before it recorded `example_code` and `omit`."""
    (repo / ANSWERS_FILE).write_text(DECISION_LINES.sub("", (repo / ANSWERS_FILE).read_text()))
    run("git", "commit", "--quiet", "--all", "--amend", "--no-edit", cwd=repo)
    assert "omit" not in answers_of(repo) and "example_code" not in answers_of(repo)


def test_a_repo_made_before_the_decisions_takes_the_example_code_changes(made_at_v1, tmp_path):
    """Its update records them as they were when it took the template: the example code and the
    starter files are the template's, and the example code's changes arrive."""
    repo = repo_at_v1(made_at_v1, "copier", tmp_path)
    without_decisions(repo)

    copier_update(repo, "--vcs-ref=v1.1.0")

    assert (answers_of(repo)["example_code"], answers_of(repo)["omit"]) == (True, [])
    assert (repo / "my_project" / "stats.py").read_text().startswith(EXAMPLE_LINE_V11)
    assert NOTEBOOK_TITLE_V11 in (repo / "examples" / "quickstart.ipynb").read_text()


def test_a_repo_made_before_the_decisions_merges_the_example_code_changes_into_yours(made_at_v1, tmp_path):
    """Example code the user edited stays the template's too: its changes merge with the edit."""
    repo = repo_at_v1(made_at_v1, "cookiecutter", tmp_path)
    without_decisions(repo)
    stats = repo / "my_project" / "stats.py"
    stats.write_text(stats.read_text() + "\n\nMINE = 1  # the user's own line\n")
    git_commit_all(repo, "My own line in the example module")

    copier_update(repo, "--vcs-ref=v1.1.0")

    assert (answers_of(repo)["example_code"], answers_of(repo)["omit"]) == (True, [])
    assert stats.read_text().startswith(EXAMPLE_LINE_V11) and "MINE = 1" in stats.read_text()


def test_a_repo_adopted_before_the_decisions_keeps_its_own(tmp_path):
    """An adopted repo had its own project, and its own README, before it took the template."""
    repo = tmp_path / "adopted"
    (repo / "my_project").mkdir(parents=True)
    (repo / "my_project" / "core.py").write_text("VALUE = 1\n")
    (repo / "README.md").write_text("# Ours\n")
    git_commit_all(repo, "Our own project")
    (repo / ANSWERS_FILE).write_text("_commit: v1.0.0\n_src_path: /nowhere\npackage_name: my_project\n")
    (repo / "CONTRIBUTING.md").write_text("# The template's\n")
    git_commit_all(repo, "Adopt the template, before it recorded which files a repo takes")

    run(sys.executable, TEMPLATE_ROOT / "lab_template" / "tasks" / "record_decisions.py", cwd=repo)

    assert (answers_of(repo)["example_code"], answers_of(repo)["omit"]) == (False, ["README.md"])


# --- Retired clusters: the previous release, a repo on Puhti or Mahti, this release ------------

RETIRED_CLUSTER_ANSWERS = {"slurm_account": "project_2001234", "docs": "none"}
USER_JOB_LINE = 'echo "job $SLURM_JOB_ID done"\n'


def last_version_offering(choice: str) -> str:
    """The newest commit of this template's history that offers hpc_cluster=choice: the
    working tree's HEAD, or the parent of the commit that stopped offering it."""
    changes = run("git", "log", "--format=%H", "--", "cookiecutter.json", cwd=TEMPLATE_ROOT).stdout.split()
    assert changes, "needs the template's git history (not a shallow clone)"
    for ref in ["HEAD", *(f"{commit}^" for commit in changes)]:
        shown = run("git", "show", f"{ref}:cookiecutter.json", cwd=TEMPLATE_ROOT, check=False)
        if shown.returncode == 0 and choice in json.loads(shown.stdout)["hpc_cluster"]:
            return run("git", "rev-parse", ref, cwd=TEMPLATE_ROOT).stdout.strip()
    raise AssertionError(f"no version of the template offers {choice}")


@pytest.fixture(scope="module")
def retired_cluster_releases(tmp_path_factory):
    """A copy of the template: v1.0.0, the last version that offered Puhti and Mahti, and
    v1.1.0, this one, whose CHANGELOG's Unreleased section becomes its release notes.

    Returns the template and a checkout of v1.0.0 (for cookiecutter).
    """
    root = tmp_path_factory.mktemp("retired")
    template, checkout = root / "template", root / "checkout-v1.0.0"
    commit = last_version_offering("puhti")
    assert commit == last_version_offering("mahti")
    template_repo_at(commit, template, "v1.0.0", "The template before Puhti and Mahti were retired")
    run("git", "worktree", "add", "--quiet", "--detach", checkout, "v1.0.0", cwd=template)
    run("git", "rm", "-r", "--quiet", ".", cwd=template)
    make_template_repo(template, tag="v1.1.0")
    edit(template / "CHANGELOG.md", "## [Unreleased]", f"## [1.1.0] - {DATE}")
    run("git", "commit", "--quiet", "--amend", "--all", "--no-edit", cwd=template)
    run("git", "tag", "--force", "v1.1.0", cwd=template)
    return template, checkout


def made_on_a_retired_cluster(tool: str, choice: str, releases, folder: Path) -> Path:
    """A repo made at v1.0.0 for that cluster, committed, with the user's line in run_job.sh."""
    template, checkout = releases
    answers = {**RETIRED_CLUSTER_ANSWERS, "hpc_cluster": choice}
    if tool == "copier":
        repo = bake_copier(folder / "my_project", template, vcs_ref="v1.0.0", **answers)
    else:
        repo = bake_cookiecutter(folder / "cookiecutter", checkout, **answers)
    git_commit_all(repo, f"Made from the template, for {choice}")
    assert answers_of(repo)["hpc_cluster"] == choice
    with (repo / "slurm" / "run_job.sh").open("a") as script:
        script.write(USER_JOB_LINE)
    git_commit_all(repo, "Say when the job is done")
    return repo


def assert_moved_to_roihu(repo: Path, choice: str) -> None:
    answers = answers_of(repo)
    assert (answers["_commit"], answers["hpc_cluster"], answers["slurm_account"]) == (
        "v1.1.0",
        "roihu",
        "project_2001234",
    )
    run_job = (repo / "slurm" / "run_job.sh").read_text()
    assert "#SBATCH --partition=gpumedium\n#SBATCH --nodes=1\n" in run_job
    assert "#SBATCH --gres=gpu:gh200:1\n" in run_job and "#SBATCH --account=project_2001234\n" in run_job
    assert run_job.endswith(f'srun python -m my_project "$@"\n{USER_JOB_LINE}')  # the user's line, kept
    assert "module load python-data" in (repo / "slurm" / "environment.sh").read_text()
    assert "## Running on Roihu\n" in (repo / "README.md").read_text()
    assert not list(repo.rglob("*.rej")) and "<<<<<<<" not in run_job


def changed_line(choice: str) -> str:
    name = choice.capitalize()
    return f"changed hpc_cluster: {choice} -> roihu: {name}'s computing shut down on "


@pytest.mark.parametrize(("tool", "choice"), [("copier", "puhti"), ("cookiecutter", "mahti")])
def test_a_repo_on_a_retired_cluster_updates_to_its_successor(
    tool, choice, retired_cluster_releases, tmp_path
):
    repo = made_on_a_retired_cluster(tool, choice, retired_cluster_releases, tmp_path)

    result = copier_update(repo)

    assert_moved_to_roihu(repo, choice)
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("changed ")]
    assert line.startswith(changed_line(choice)), line
    assert "Check that Roihu is a service of your project project_2001234" in line
    assert "make the venv again on Roihu as the README says" in line
    assert not [line for line in result.stderr.splitlines() if line.startswith(("kept ", "conflict "))]


def test_the_weekly_pull_request_says_the_cluster_changed(retired_cluster_releases, tmp_path):
    """The repo's own tools/template_update.py, as the weekly workflow runs it: the pull request
    quotes the release's CHANGELOG entry, which says what changed and what to check."""
    repo = made_on_a_retired_cluster("copier", "mahti", retired_cluster_releases, tmp_path)

    template_update(repo, tmp_path / "pr")

    run("git", "switch", "--quiet", BRANCH, cwd=repo)
    assert_moved_to_roihu(repo, "mahti")
    body = (tmp_path / "pr" / "body.md").read_text()
    assert f"### [1.1.0] - {DATE}" in body
    entry = " ".join(body.split("\n- Puhti and Mahti", 1)[1].split("\n\n", 1)[0].split())
    assert "or `mahti` moves to `roihu` on update" in entry, entry
    assert "Update: by hand: add Roihu as a service of your CSC project" in entry, entry


def test_the_pull_request_lists_the_answers_an_update_changed(default_repo):
    """This release's tools/template_update.py puts a migration's "changed" lines in a section."""
    spec = importlib.util.spec_from_file_location(
        "template_update", default_repo / "tools" / "template_update.py"
    )
    template_update_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(template_update_module)
    line = changed_line("puhti") + "31 July 2026 and Roihu replaces it; check your project"
    body = template_update_module.pull_request_body("v1.0.0", "v1.1.0", "", [line])
    section = "## Answers changed\n\nThe update changed these answers of yours; check what each line asks:"
    assert f"{section}\n\n- {line}\n\n## Review" in body
