"""The generated GitHub Actions workflows: valid, least privilege, pinned, and running the
release checks through the one script that these tests run too (tools/release_check.py)."""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib

import pytest
import yaml

import workflow_runner
from lab_template.render.validation import SUPPORTED_PYTHONS
from support import CHOICES, TEMPLATE_ROOT, bake_in_process, copy_tree, git_commit_all, run

# `uses: owner/repo[/path]@<full commit SHA> # v<version>`: a tag can be moved, a commit cannot.
PINNED_USES = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+)*)$")
# The actions that need an OIDC token (`id-token: write`): trusted publishing, GitHub Pages.
OIDC_ACTIONS = {"pypa/gh-action-pypi-publish", "actions/deploy-pages"}
# zizmor findings silenced in a workflow (`# zizmor: ignore[rule]`, with the reason next to it).
# A new silence must be added here, so that it is reviewed.
SILENCED_RULES: set[str] = set()
RELEASE_SCRIPT = re.compile(r"python tools/release_check\.py ([\w-]+)")


def workflow_files(repo):
    files = sorted((repo / ".github" / "workflows").glob("*.y*ml"))
    assert files, f"no workflows in {repo}"
    return files


def load(path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def steps_of(job: dict) -> list[dict]:
    return job.get("steps", [])


def action_of(step: dict) -> str | None:
    return step["uses"].split("@")[0] if "uses" in step else None


@pytest.fixture(scope="module", params=CHOICES["docs"])
def any_repo(request, cookies_session):
    """A baked repo for each docs answer: the set of workflow files depends on it."""
    return bake_in_process(cookies_session, docs=request.param)


@pytest.fixture(scope="module")
def release_workflow(default_repo):
    return load(default_repo / ".github" / "workflows" / "release.yml")


def test_every_workflow_matches_githubs_schema(any_repo):
    run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflow_files(any_repo))


def test_zizmor_finds_nothing(any_repo):
    workflows = any_repo / ".github" / "workflows"
    # --no-config: a rule may be silenced only in the workflow, next to its reason.
    result = run(
        "zizmor",
        "--offline",
        "--no-config",
        "--persona",
        "pedantic",
        "--format",
        "json",
        workflows,
        check=False,
    )
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout + result.stderr
    silenced = {
        rule.strip()
        for path in workflow_files(any_repo)
        for rules in re.findall(r"zizmor: ?ignore\[([^\]]+)\]", path.read_text())
        for rule in rules.split(",")
    }
    assert silenced <= SILENCED_RULES


def test_the_checkers_catch_a_broken_workflow(default_repo, tmp_path):
    """The two checks above do fail on a bad workflow (and so can pass for a good one)."""
    good = (default_repo / ".github" / "workflows" / "release.yml").read_text()
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    bad_schema = workflows / "typo.yml"
    bad_schema.write_text(good.replace("runs-on:", "run-on:", 1))
    result = run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", bad_schema, check=False)
    assert result.returncode != 0
    bad_schema.unlink()
    (workflows / "leaky.yml").write_text(
        good.replace("          persist-credentials: false\n", "", 1).replace(
            "run: python tools/release_check.py test-wheel",
            "run: echo ${{ github.event.head_commit.message }}",
        )
    )
    result = run("zizmor", "--offline", "--no-config", "--format", "json", workflows, check=False)
    assert result.stdout, result.stderr
    found = {finding["ident"] for finding in json.loads(result.stdout)}
    assert {"artipacked", "template-injection"} <= found


def test_every_action_is_pinned_to_a_commit_with_its_version(any_repo):
    pins = {}
    for path in workflow_files(any_repo):
        text = path.read_text()
        uses_lines = [line for line in text.splitlines() if re.match(r"^\s*(- )?uses:", line)]
        workflow = load(path)
        uses_steps = [s for job in workflow["jobs"].values() for s in steps_of(job) if "uses" in s]
        assert len(uses_lines) == len(uses_steps) > 0, path.name
        for line in uses_lines:
            match = PINNED_USES.match(line)
            assert match, f"{path.name}: not pinned to a commit with a version comment: {line.strip()}"
            action, sha, version = match.groups()
            pins.setdefault(action, set()).add((sha, version))
    # One version of each action across all the workflows.
    assert all(len(versions) == 1 for versions in pins.values()), pins


def test_permissions_are_least_privilege(any_repo):
    for path in workflow_files(any_repo):
        workflow = load(path)
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for name, job in workflow["jobs"].items():
            permissions = job.get("permissions", {})
            assert isinstance(permissions, dict), f"{path.name}: {name}: {permissions}"
            if permissions.get("id-token") == "write":
                actions = {action_of(step) for step in steps_of(job)}
                assert actions & OIDC_ACTIONS, f"{path.name}: {name} gets an OIDC token it does not use"


def test_release_workflow_grants_each_job_only_what_it_needs(release_workflow):
    granted = {
        name: job["permissions"] for name, job in release_workflow["jobs"].items() if "permissions" in job
    }
    assert granted == {
        "publish-testpypi": {"id-token": "write"},
        "publish-pypi": {"id-token": "write"},
        "github-release": {"contents": "write"},
    }


def test_no_expression_is_expanded_inside_a_shell_command(any_repo):
    """Values reach `run:` scripts through `env:`, never pasted in as `${{ ... }}`."""
    for path in workflow_files(any_repo):
        for name, job in load(path)["jobs"].items():
            for step in steps_of(job):
                assert "${{" not in step.get("run", ""), f"{path.name}: {name}: {step['run']}"


def test_release_workflow_publishes_tags_and_dry_runs_to_testpypi_only(release_workflow):
    assert release_workflow["on"] == {"push": {"tags": ["v*"]}, "workflow_dispatch": None}
    jobs = release_workflow["jobs"]
    assert {name: job.get("needs") for name, job in jobs.items()} == {
        "build": None,
        "test-wheel": "build",
        "publish-testpypi": "test-wheel",
        "publish-pypi": "publish-testpypi",
        "github-release": "publish-pypi",
    }
    assert "refs/tags/" in jobs["publish-pypi"]["if"] and "push" in jobs["publish-pypi"]["if"]
    # TestPyPI: a pushed version tag, or a dry run started by hand on main, and nothing else.
    assert jobs["publish-testpypi"]["if"] == (
        "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v') "
        "|| github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'"
    )
    assert jobs["publish-testpypi"]["environment"] == {
        "name": "testpypi",
        "url": "https://test.pypi.org/p/my-project",
    }
    assert jobs["publish-pypi"]["environment"] == {"name": "pypi", "url": "https://pypi.org/p/my-project"}
    testpypi_step = jobs["publish-testpypi"]["steps"][-1]
    assert testpypi_step["with"]["repository-url"] == "https://test.pypi.org/legacy/"
    # Trusted publishing only: no password or token anywhere.
    text = yaml.safe_dump(release_workflow)
    assert "password" not in text and "secrets." not in text


def test_checkouts_keep_no_credentials_and_the_release_build_gets_the_tags(any_repo):
    for path in workflow_files(any_repo):
        for name, job in load(path)["jobs"].items():
            for step in steps_of(job):
                if action_of(step) == "actions/checkout":
                    assert step["with"]["persist-credentials"] is False, f"{path.name}: {name}"
    build = load(any_repo / ".github" / "workflows" / "release.yml")["jobs"]["build"]
    (checkout,) = [step for step in build["steps"] if action_of(step) == "actions/checkout"]
    assert checkout["with"]["fetch-depth"] == 0  # setuptools-scm needs the tags


def test_release_workflow_runs_the_release_script_and_uploads_its_output(release_workflow):
    jobs = release_workflow["jobs"]
    commands = {name: " ".join(step.get("run", "") for step in steps_of(job)) for name, job in jobs.items()}
    assert set(RELEASE_SCRIPT.findall(commands["build"])) == {"build", "check"}
    assert RELEASE_SCRIPT.findall(commands["test-wheel"]) == ["test-wheel"]
    # The commands themselves live in the script only, so the tests cannot drift from CI.
    for command in ("-m build", "twine check", "twine upload", "pytest", "-m venv", "pip install dist"):
        assert not any(command in text for text in commands.values()), command
    upload = next(s for s in jobs["build"]["steps"] if action_of(s) == "actions/upload-artifact")
    assert upload["with"]["path"] == "dist/"
    release_step = jobs["github-release"]["steps"][-1]
    assert release_step["run"].startswith('gh release create "$TAG" dist/*')
    assert release_step["env"]["GH_TOKEN"] == "${{ github.token }}"


@pytest.mark.parametrize("python_min", ["3.10", "3.13", "3.14"])
def test_matrices_run_the_supported_pythons(cookies, python_min):
    repo = bake_in_process(cookies, python_min=python_min)
    workflows = repo / ".github" / "workflows"
    # The versions that the package's classifiers promise.
    classifiers = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["classifiers"]
    supported = [c.rsplit(" ", 1)[1] for c in classifiers if re.fullmatch(r".*Python :: 3\.\d+", c)]
    assert supported[0] == python_min
    ci = load(workflows / "ci.yml")["jobs"]["tests"]["strategy"]["matrix"]
    assert ci["python-version"] == supported
    release = load(workflows / "release.yml")["jobs"]["test-wheel"]["strategy"]["matrix"]
    assert release["python-version"] == list(dict.fromkeys([supported[0], supported[-1]]))


def test_release_checks_pass_on_the_released_repo(released_repo, wheel_python):
    """What the release workflow runs, through the same script: build (in the released_repo
    fixture), check, and test-wheel (in the wheel_python fixture)."""
    result = run(sys.executable, "tools/release_check.py", "check", "--version", "0.1.0", cwd=released_repo)
    assert result.stdout.count("PASSED") == 2, result.stdout
    version = run(wheel_python, "-c", "import my_project; print(my_project.__version__)")
    assert version.stdout.strip() == "0.1.0"


@pytest.mark.slow
def test_a_dry_run_builds_a_version_that_an_index_accepts(cookies, tmp_path):
    """From a commit after the last tag, and with uncommitted changes, the build job's command
    gives a development version without the local "+g..." part that the indexes refuse."""
    repo = bake_in_process(cookies, distribution_name="Gp.Tool_kit")
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.1.0", cwd=repo)
    (repo / "NEWS.md").write_text("Work after the release.\n")
    git_commit_all(repo, "Work after the release")
    with (repo / "README.md").open("a") as readme:
        readme.write("An edit not committed yet.\n")
    run(sys.executable, "tools/release_check.py", "build", cwd=repo)
    result = run(sys.executable, "tools/release_check.py", "check", cwd=repo)
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [
        "gp_tool_kit-0.1.1.dev1-py3-none-any.whl",
        "gp_tool_kit-0.1.1.dev1.tar.gz",
    ]
    assert "0.1.1.dev1 is a development version" in result.stdout
    # The version a tag would release cannot be built from changes not committed.
    result = run(
        sys.executable, "tools/release_check.py", "build", "--version", "0.2.0", cwd=repo, check=False
    )
    assert result.returncode != 0 and "uncommitted changes" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("change", "arguments", "message"),
    [
        ("nothing", ["check", "--version", "0.2.0"], "not 0.2.0"),
        ("add an old wheel", ["check"], "exactly one sdist and one wheel"),
        ("remove the sdist", ["test-wheel"], "exactly one sdist and one wheel"),
        # HEAD is tagged v0.1.0: its version is that tag's.
        ("nothing", ["build", "--version", "0.2.0"], "HEAD is tagged v0.1.0"),
        ("a later commit", ["build", "--version", "0.1.0"], "the tag v0.1.0 already exists"),
        ("nothing", ["check", "--version", "1.0-rc1"], "such as 1.2.0, 1.2.0rc1"),
    ],
)
def test_release_checks_refuse_a_wrong_dist(released_repo, tmp_path, change, arguments, message):
    repo = copy_tree(released_repo, tmp_path / "repo")
    dist = repo / "dist"
    if change == "add an old wheel":
        shutil.copy(next(dist.glob("*.whl")), dist / "my_project-0.0.9-py3-none-any.whl")
    elif change == "remove the sdist":
        next(dist.glob("*.tar.gz")).unlink()
    elif change == "a later commit":
        git_commit_all(repo, "Work after the release")
    result = run(sys.executable, "tools/release_check.py", *arguments, cwd=repo, check=False)
    assert result.returncode != 0 and message in result.stderr, result.stderr


def test_generated_scripts_pass_ruff_and_show_help(default_repo):
    # --no-cache: default_repo is shared, and read by tests that check every file in it.
    run("ruff", "check", "--no-cache", "tools", cwd=default_repo)
    run("ruff", "format", "--no-cache", "--check", "tools", cwd=default_repo)
    for script in ("release_check.py", "update_recipe.py", "template_update.py"):
        assert "usage:" in run(sys.executable, default_repo / "tools" / script, "--help").stdout


def test_releasing_guide_matches_the_workflow(any_repo):
    readme = (any_repo / "README.md").read_text()
    assert readme.index("## Releasing") < readme.index("## License")
    assert "(RELEASING.md)" in readme
    guide = (any_repo / "RELEASING.md").read_text()
    for target in re.findall(r"\]\(([^)#:]+)\)", guide):
        assert (any_repo / target).exists(), f"RELEASING.md links to a missing {target}"
    # The one tag of the release is pushed, not every local tag.
    assert "git tag vX.Y.Z && git push origin vX.Y.Z" in guide and "--tags" not in guide + readme
    assert "python tools/update_recipe.py X.Y.Z" in guide
    for subcommand in ("build", "check", "test-wheel"):
        assert f"python tools/release_check.py {subcommand}" in guide
    # The checks before the tag come before the tag.
    assert guide.index("release_check.py build --version X.Y.Z") < guide.index("git tag vX.Y.Z")
    # The README's checklist names the workflow file and the environments the workflow uses,
    # as the trusted publishers must.
    jobs = load(any_repo / ".github" / "workflows" / "release.yml")["jobs"]
    environments = [jobs[name]["environment"]["name"] for name in ("publish-pypi", "publish-testpypi")]
    assert "| Workflow name | `release.yml` | `release.yml` |" in readme
    assert "| Environment name | `{}` | `{}` |".format(*environments) in readme
    for environment in environments:
        assert f"Create `{environment}`" in " ".join(readme.split())


def test_workflows_run_on_the_branch_the_readme_starts(any_repo):
    """The README starts the repo on main; every branch filter of every workflow takes main."""
    readme = (any_repo / "README.md").read_text()
    assert "git init -b main" in readme and "git push -u origin main" in readme
    for path in workflow_files(any_repo):
        for event, settings in (load(path)["on"] or {}).items():
            branches = (settings or {}).get("branches") if isinstance(settings, dict) else None
            if branches is not None:
                assert workflow_runner.starts(path, event, "refs/heads/main"), (path.name, event)


def test_template_update_workflow_keeps_the_write_token_from_the_templates_code(default_repo):
    """The job that runs copier (and so the template's code) holds a read-only token and no
    secret; the job that pushes runs no Python and no git hook, and holds the only write token.
    (tests/test_template_update_workflow.py runs it, with a hostile template release.)"""
    workflow = load(default_repo / ".github" / "workflows" / "template-update.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert len(workflow["on"]["schedule"]) == 1
    update, publish = workflow["jobs"]["update"], workflow["jobs"]["publish"]
    assert update["permissions"] == {"contents": "read"}
    assert "secrets." not in yaml.safe_dump(update)
    commands = [step.get("run", "") for step in steps_of(update)]
    assert any("python tools/template_update.py " in c for c in commands)
    assert any("--require-hashes --requirement tools/template-update-requirements.txt" in c for c in commands)
    assert publish["needs"] == "update"
    assert publish["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    assert {action_of(s) for s in steps_of(publish)} == {
        "actions/download-artifact", "actions/create-github-app-token", "actions/checkout", None
    }  # fmt: skip
    (script,) = [step["run"] for step in steps_of(publish) if "run" in step]
    assert not re.search(r"^\s*(python|pip|nox)\b", script, re.MULTILINE), "the push job runs Python"
    # git runs no hook: the patch is applied, then every later git command goes through git().
    assert "git -c core.hooksPath=/dev/null apply --index" in script
    assert "git() { command git -c core.hooksPath=/dev/null" in script
    assert "gh pr create" in script and "gh pr edit" in script and "gh issue create" in script


def test_template_update_requirements_are_pinned_with_hashes(default_repo):
    """Every tool the workflow installs, exact version and hashes (pip --require-hashes insists),
    with what the template imports while it renders (tomlkit) and what the script imports."""
    text = (default_repo / "tools" / "template-update-requirements.txt").read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert all(re.fullmatch(r"[a-z0-9-]+==[\w.]+( ; .+)? \\", line) for line in lines), lines
    names = {line.split("==")[0] for line in lines}
    assert {"copier", "copier-template-extensions", "tomlkit", "packaging", "pyyaml", "jinja2"} <= names
    for block in re.split(r"^(?=\S)", text, flags=re.MULTILINE):
        assert not block or block.startswith("#") or "    --hash=sha256:" in block, block


def test_actionlint_finds_nothing(any_repo):
    """actionlint (its kjanat fork, whose wheel on PyPI ships the binary), with shellcheck on every
    `run:` script."""
    result = run("actionlint", "-no-color", *workflow_files(any_repo), cwd=any_repo, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- The template repository's own workflows --------------------------------------------------------


def generated_pins(repo) -> set[str]:
    return {
        line.strip().removeprefix("- ")
        for path in workflow_files(repo)
        for line in path.read_text().splitlines()
        if PINNED_USES.match(line)
    }


def test_template_workflows_pass_the_checks_of_the_generated_ones(default_repo):
    files = workflow_files(TEMPLATE_ROOT)
    run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *files)
    run("actionlint", "-no-color", *files, cwd=TEMPLATE_ROOT)
    result = run(
        "zizmor", "--offline", "--no-config", "--persona", "pedantic", "--format", "json",
        TEMPLATE_ROOT / ".github" / "workflows", check=False,
    )  # fmt: skip
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout + result.stderr
    for path in files:
        workflow = load(path)
        assert workflow["permissions"] == {"contents": "read"}, path.name
        uses = [line.strip().removeprefix("- ") for line in path.read_text().splitlines() if "uses:" in line]
        # Pinned to the same commits as the generated workflows, so one review covers both.
        assert uses and set(uses) <= generated_pins(default_repo), path.name
        for job in workflow["jobs"].values():
            assert all("${{" not in step.get("run", "") for step in steps_of(job)), path.name
            for step in steps_of(job):
                if action_of(step) == "actions/checkout":
                    assert step["with"]["persist-credentials"] is False


def test_template_ci_runs_ci_run_on_the_lowest_and_highest_python():
    (job,) = load(TEMPLATE_ROOT / ".github" / "workflows" / "tests.yml")["jobs"].values()
    assert job["strategy"]["matrix"]["python-version"] == [SUPPORTED_PYTHONS[0], SUPPORTED_PYTHONS[-1]]
    assert steps_of(job)[-1]["run"] == 'sudo env "PATH=$PATH" .ci/run'
