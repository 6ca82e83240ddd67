"""The generated repo's weekly template update (.github/workflows/template-update.yml), run by act.

The repo is made by cookiecutter with `hpc_cluster=none` from v1.0.0 of a copy of the template,
and pushed to a local bare repository, the stand-in for GitHub. v1.1.0 adds a question, changes
a workflow file, and is hostile: while it renders and in its update task, its code writes git
hooks, appends to GITHUB_ENV and GITHUB_PATH (a `BASH_ENV` script, and a `git`, `gh` and `cp` of
its own first on PATH), and records the environment, git's configuration and the repo's
.git/config, all into a loot folder, as code stealing a token would.

The workflow runs as written, its install step included (copier and what the template needs,
from PyPI, with the hashes of tools/template-update-requirements.txt). Its push job pushes to
the bare repository; `gh` is a stand-in that logs its calls. The tokens are act's secrets and
the create-github-app-token stand-in's output: the test looks for each in the loot.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from pathlib import Path

import pytest

from support import TEMPLATE_DIR, TEMPLATE_ROOT, bake_cookiecutter, git_commit_all, once_per_run, run
from test_update import DATE, copy_tree_file, edit, edit_json, release
from workflow_runner import run_workflow

WORKFLOW_LINE = "# Template v1.1.0: a line in a workflow file."
JOBS = {"Update from the template", "Push the branch and open the pull request"}
APP_CLIENT_ID = "Iv23liLabTemplate"

HOSTILE = '''"""A hostile template release: code that looks for a token, and leaves traps for later steps."""

import json
import os
import subprocess
from pathlib import Path

LOOT = Path(os.environ["LOCAL_LOOT"])
TRAPS = LOOT / "bin"
# Each trap first takes itself off PATH, so that the tools it calls are the real ones.
DUMP = f"""#!/bin/sh
PATH=$(printf '%s' "$PATH" | tr ':' '\\n' | grep -vx '{TRAPS}' | paste -sd: -); export PATH
{{ echo "job=$GITHUB_JOB from=$0"; env; git config --list --show-origin 2>/dev/null; }} > "{LOOT}/trap-$$-$(date +%s%N)"
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


def strike(where: str) -> None:
    LOOT.mkdir(parents=True, exist_ok=True)
    git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout  # noqa: E731
    git_dir = git("rev-parse", "--absolute-git-dir").strip()
    config = Path(git_dir, "config").read_text() if git_dir else ""
    record = {"where": where, "job": os.environ.get("GITHUB_JOB"), "env": dict(os.environ),
              "git_config": git("config", "--list", "--show-origin"), "dot_git_config": config}
    (LOOT / f"{where}-{os.getpid()}.json").write_text(json.dumps(record))
    if git_dir:
        for hook in ("pre-commit", "commit-msg", "post-commit", "post-checkout", "pre-push",
                     "reference-transaction", "pre-applypatch", "post-applypatch", "post-merge"):
            _write(Path(git_dir, "hooks", hook), DUMP)
    for tool in ("git", "gh", "cp", "python", "python3"):
        _write(TRAPS / tool, DUMP + f'exec {tool} "$@"\\n')
    _write(LOOT / "bash_env.sh", DUMP)
    if os.environ.get("GITHUB_ENV"):
        with open(os.environ["GITHUB_ENV"], "a") as file:
            file.write(f"BASH_ENV={LOOT}/bash_env.sh\\n")
    if os.environ.get("GITHUB_PATH"):
        with open(os.environ["GITHUB_PATH"], "a") as file:
            file.write(f"{TRAPS}\\n")
'''

STRIKE_IN_TASK = "from lab_template import hostile  # noqa: E402\n\nhostile.strike('task')\n"

FAKE_GH = """#!/usr/bin/env python3
# A stand-in for GitHub's CLI: logs each call, with the token it got, and answers as GitHub would
# for a repo with no pull request and no issue yet.
import json, os, sys
arguments = sys.argv[1:]
body = ""
if "--body-file" in arguments:
    body = open(arguments[arguments.index("--body-file") + 1]).read()
with open(os.environ["LOCAL_GH_LOG"], "a") as log:
    log.write(json.dumps({"args": arguments, "token": os.environ.get("GH_TOKEN"),
                          "job": os.environ.get("GITHUB_JOB"), "body": body}) + "\\n")
if arguments[:2] == ["pr", "view"]:
    sys.exit(1)
if arguments[:2] in (["pr", "create"], ["issue", "create"]):
    print("https://github.com/acerbilab/my_project/" + arguments[0] + "/1")
"""


def with_funding(cookiecutter: dict) -> dict:
    items = list(cookiecutter.items())
    at = [key for key, _ in items].index("docs") + 1
    items.insert(at, ("funding", "none"))
    cookiecutter = dict(items)
    cookiecutter["__prompts__"]["funding"] = "Who funds the work"
    return cookiecutter


@pytest.fixture(scope="session")
def hostile_template():
    """The template copy at v1.0.0 (and a checkout of it), then a hostile v1.1.0; made once per run."""

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
        # v1.1.0: a question, a workflow line, and the hostile code, run while rendering and in a task.
        edit_json(template / "cookiecutter.json", with_funding)
        validation = template / "lab_template" / "render" / "validation.py"
        edit(
            validation,
            '    "docs": check_docs,\n',
            '    "docs": check_docs,\n    "funding": check_description,\n',
        )
        ci = template / TEMPLATE_DIR.name / ".github" / "workflows" / "ci.yml"
        ci.write_text(f"{ci.read_text()}{WORKFLOW_LINE}\n")
        (template / "lab_template" / "hostile.py").write_text(HOSTILE)
        extensions = template / "lab_template" / "render" / "extensions.py"
        extensions.write_text(
            f'{extensions.read_text()}\nfrom lab_template import hostile\n\nhostile.strike("render")\n'
        )
        task = template / "lab_template" / "tasks" / "update_report.py"
        edit(task, "# run as a script, by its path\n", "# run as a script, by its path\n" + STRIKE_IN_TASK)
        release(template, "1.1.0", "### Added\n\n- A `funding` question. Update: automatic.")

    return once_per_run("hostile-releases", make) / "template"


@pytest.fixture(scope="session")
def made_at_v1(hostile_template):
    """The repo, made from v1.0.0 without a cluster, committed (made once per run)."""

    def make(root: Path) -> None:
        repo = bake_cookiecutter(root, hostile_template.parent / "checkout-v1.0.0", hpc_cluster="none")
        git_commit_all(repo, "Start from the lab template")

    return once_per_run("hostile-made-at-v1", make) / "my_project"


def on_github(made_at_v1: Path, folder: Path) -> tuple[Path, Path]:
    """(a bare repository standing for GitHub's, a clone of it whose HEAD is main)."""
    origin = folder / "origin.git"
    run("git", "clone", "--quiet", "--bare", made_at_v1, origin)
    clone = folder / "clone"
    run("git", "clone", "--quiet", origin, clone)
    return origin, clone


def run_template_update(tmp_path: Path, made_at_v1: Path, app: bool):
    origin, clone = on_github(made_at_v1, tmp_path)
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "gh").write_text(FAKE_GH)
    (fake_bin / "gh").chmod(stat.S_IRWXU)
    tokens = {"GITHUB_TOKEN": f"ghs_workflow_{secrets.token_hex(12)}"}
    variables = {}
    if app:
        key = f"-----BEGIN RSA PRIVATE KEY-----{secrets.token_hex(16)}-----END RSA PRIVATE KEY-----"
        tokens["TEMPLATE_UPDATE_APP_PRIVATE_KEY"] = key
        variables["TEMPLATE_UPDATE_APP_CLIENT_ID"] = APP_CLIENT_ID
        # What the create-github-app-token stand-in mints from them.
        tokens["app token"] = "ghs_" + hashlib.sha256(f"{APP_CLIENT_ID}:{key}".encode()).hexdigest()[:36]
    env = {
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "LOCAL_GH_LOG": str(tmp_path / "gh.log"),
        "LOCAL_LOOT": str(tmp_path / "loot"),
    }
    result, succeeded = run_workflow(
        clone, "template-update.yml", tmp_path / "run", ref="refs/heads/main", event="workflow_dispatch",
        env=env, secrets={k: v for k, v in tokens.items() if k != "app token"}, variables=variables,
        origin=origin, fresh_checkouts=True,
    )  # fmt: skip
    assert result.returncode == 0 and set(succeeded) == JOBS, (
        f"act exited {result.returncode}; jobs that succeeded: {succeeded}\n"
        f"--- stdout\n{result.stdout[-30000:]}\n--- stderr\n{result.stderr[-5000:]}"
    )
    gh_log = tmp_path / "gh.log"
    calls = [json.loads(line) for line in gh_log.read_text().splitlines()] if gh_log.exists() else []
    return origin, tokens, calls


def assert_no_token_reached_the_template(loot: Path, tokens: dict[str, str]) -> None:
    """The hostile code ran, and neither it nor the traps it left saw a write token."""
    records = sorted(loot.glob("*.json"))
    assert {json.loads(p.read_text())["where"] for p in records} == {"render", "task"}, records
    traps = sorted(loot.glob("trap-*"))
    assert traps, "no trap went off: the test would not see one going off in the push job"
    for path in [*records, *traps]:
        text = path.read_text(errors="replace")
        for name, token in tokens.items():
            assert token not in text, f"{name} reached the template's code: {path.name}"
    jobs = {json.loads(p.read_text())["job"] for p in records}
    jobs |= {p.read_text().splitlines()[0].split()[0] for p in traps}
    assert jobs <= {"update", "job=update"}, jobs


def test_the_update_reaches_a_pull_request_and_no_token_reaches_the_template(made_at_v1, tmp_path):
    origin, tokens, calls = run_template_update(tmp_path, made_at_v1, app=True)

    # The branch on "GitHub": the update, one commit on main, with the new question answered.
    log = run("git", "log", "--format=%s", "main..template-update", cwd=origin).stdout
    assert log == "Update from the lab template v1.0.0 to v1.1.0\n"
    answers = run("git", "show", "template-update:.copier-answers.yml", cwd=origin).stdout
    assert "_commit: v1.1.0\n" in answers and "funding: none\n" in answers and "slurm_account" not in answers
    ci = run("git", "show", "template-update:.github/workflows/ci.yml", cwd=origin).stdout
    assert ci.endswith(f"{WORKFLOW_LINE}\n")
    # Nothing of the hostile code's own on the branch: its traps were in .git and the job's files.
    files = run("git", "ls-tree", "-r", "--name-only", "template-update", cwd=origin).stdout.split()
    assert not [name for name in files if "hostile" in name or name.startswith("loot")]
    # The pull request, opened with the app's token, from the push job only.
    (create,) = [call for call in calls if call["args"][:2] == ["pr", "create"]]
    assert create["token"] == tokens["app token"] and create["job"] == "publish"
    assert "- A `funding` question. Update: automatic." in create["body"]
    assert "close and reopen" not in create["body"]
    assert all(call["job"] == "publish" for call in calls), calls
    assert_no_token_reached_the_template(tmp_path / "loot", tokens)


def test_without_the_app_a_workflow_change_opens_an_issue_and_pushes_nothing(made_at_v1, tmp_path):
    origin, tokens, calls = run_template_update(tmp_path, made_at_v1, app=False)

    branches = run("git", "branch", "--list", "template-update", cwd=origin).stdout
    assert branches == "", "a partial update was pushed"
    assert [call["args"][:2] for call in calls] == [["issue", "list"], ["issue", "create"]]
    issue = calls[-1]
    assert issue["token"] == tokens["GITHUB_TOKEN"]
    assert (
        issue["args"][issue["args"].index("--title") + 1] == "Template update waits for the lab's GitHub App"
    )
    assert "Update from the lab template v1.0.0 to v1.1.0" in issue["body"]
    assert "- .github/workflows/ci.yml" in issue["body"]
    assert "TEMPLATE_UPDATE_APP_PRIVATE_KEY" in issue["body"]
    assert_no_token_reached_the_template(tmp_path / "loot", tokens)
