"""Finding the project in the committed tree: its files, settings, tests, docs and workflows.

Read from HEAD (lab_template/adoption/repo.py), so the same answer comes while copier asks its
questions and after it has written the template's files into the folder. Nothing here builds
or imports the project: the wheel (lab_template/adoption/wheel.py) says what it ships.
"""

from __future__ import annotations

import configparser
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from lab_template.adoption import repo as git_repo

# Files that make a folder a Python project.
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
# Top-level folders that are never the project's code.
NOT_CODE = {
    "tests",
    "test",
    "testing",
    "docs",
    "doc",
    "docsrc",
    "examples",
    "build",
    "dist",
    "tools",
    "scripts",
}
# The template's starter files, and the names under which a repo keeps the same thing.
SAME_JOB_NAMES = {
    "README.md": re.compile(r"README(\.[A-Za-z]+)?", re.IGNORECASE),
    "CHANGELOG.md": re.compile(
        r"(CHANGELOG|CHANGES|HISTORY|NEWS|RELEASE[-_]?NOTES)(\.[A-Za-z]+)?", re.IGNORECASE
    ),
    "CONTRIBUTING.md": re.compile(r"(\.github/|docs?/)?CONTRIBUTING(\.[A-Za-z]+)?", re.IGNORECASE),
    "LICENSE": re.compile(r"(LICEN[CS]E|COPYING)([-._][A-Za-z0-9.-]+)?", re.IGNORECASE),
}
TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$")
TEST_FOLDER_NAMES = {"tests", "test", "testing"}
# Commands in a workflow step that do each job (a workflow may do several).
JOB_COMMANDS = {
    "tests": re.compile(r"\b(pytest|tox|nox|unittest|hatch (test|run)|make test)\b"),
    "publishing": re.compile(
        r"\b(twine upload|flit publish|poetry publish|hatch publish|uv publish|pdm publish)\b"
    ),
    "docs": re.compile(r"\b(sphinx|mkdocs|make (html|github|docs))\b"),
}
JOB_ACTIONS = {
    "publishing": ("pypa/gh-action-pypi-publish",),
    "docs": ("actions/deploy-pages", "peaceiris/actions-gh-pages", "JamesIves/github-pages-deploy-action"),
}


def toml_loads(text: str) -> dict:
    """TOML as plain Python values: tomllib's, or tomlkit's where Python (3.10) has no tomllib."""
    try:
        import tomllib
    except ImportError:
        import tomlkit

        return tomlkit.parse(text).unwrap()
    return tomllib.loads(text)


@dataclass
class Project:
    """What the committed tree says about the project."""

    root: Path
    head: str
    files: list[str]
    pyproject: dict = field(default_factory=dict)
    pyproject_text: str | None = None
    setup_cfg: configparser.ConfigParser | None = None
    # Python code of its own before it took the template (see had_own_project).
    has_own_code: bool = False

    @property
    def build_backend(self) -> str:
        """The build backend, setuptools' legacy one for a repo that names none."""
        system = self.pyproject.get("build-system", {})
        return str(system.get("build-backend") or "setuptools.build_meta:__legacy__")

    @property
    def build_requires(self) -> list[str]:
        return [str(r) for r in self.pyproject.get("build-system", {}).get("requires", [])]

    @property
    def project_table(self) -> dict:
        return self.pyproject.get("project", {})

    @property
    def tool(self) -> dict:
        return self.pyproject.get("tool", {})

    @property
    def builds(self) -> bool:
        """Whether the repo is a Python project a build backend can build (not loose modules)."""
        return any(name in self._file_set for name in PROJECT_FILES)

    def has(self, path: str) -> bool:
        return path in self._file_set or any(name.startswith(path.rstrip("/") + "/") for name in self.files)

    @functools.cached_property
    def _file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def text(self, path: str) -> str | None:
        """A committed file's text."""
        return git_repo.committed_text(self.root, path, self.head) if path in self._file_set else None

    def top_level(self, pattern: re.Pattern) -> list[str]:
        """The committed files that pattern matches whole."""
        return [name for name in self.files if pattern.fullmatch(name)]

    # --- Where things are ---------------------------------------------------------------------

    def same_job_files(self, template_file: str) -> list[str]:
        """The repo's files that do what a template starter file does (README.rst for README.md)."""
        return self.top_level(SAME_JOB_NAMES[template_file])

    @functools.cached_property
    def license_files(self) -> list[str]:
        return self.same_job_files("LICENSE")

    @functools.cached_property
    def docs_folders(self) -> list[str]:
        """The repo's own documentation: folders with a Sphinx conf.py, or MkDocs' config."""
        folders = {name.split("/")[0] for name in self.files if name.endswith("/conf.py") and "/" in name}
        folders = {f for f in folders if f.lower().startswith("doc")}
        if "mkdocs.yml" in self._file_set or "mkdocs.yaml" in self._file_set:
            folders.add("docs")
        return sorted(folders)

    @functools.cached_property
    def readthedocs_config(self) -> str | None:
        found = self.top_level(re.compile(r"\.?readthedocs\.ya?ml"))
        return found[0] if found else None

    @functools.cached_property
    def test_folders(self) -> list[str]:
        """The folders that hold the tests, outermost first: 'tests', 'pkg/testing', ..."""
        folders: set[str] = set()
        for name in self.files:
            if not TEST_FILE.search(name) or name.startswith(("docs/", "doc/", "examples/")):
                continue
            parts = PurePosixPath(name).parent.parts
            # Up to the outermost folder named like tests, else the file's own folder.
            named = [i for i, part in enumerate(parts) if part in TEST_FOLDER_NAMES]
            folders.add("/".join(parts[: named[0] + 1] if named else parts) or ".")
        outermost = [f for f in folders if not any(f.startswith(o + "/") for o in folders if o != ".")]
        return sorted(outermost, key=lambda f: (f.count("/"), f))

    @functools.cached_property
    def workflows(self) -> dict[str, list[str]]:
        """For each job (tests, publishing, docs), the repo's workflows that do it."""
        found: dict[str, list[str]] = {job: [] for job in JOB_COMMANDS}
        for name in self.top_level(re.compile(r"\.github/workflows/[^/]+\.ya?ml")):
            try:
                workflow = yaml.safe_load(self.text(name) or "") or {}
            except yaml.YAMLError:
                continue
            if not isinstance(workflow, dict):
                continue
            for job in workflow_jobs(workflow):
                found[job].append(name)
        return found

    # --- Settings -----------------------------------------------------------------------------

    @functools.cached_property
    def ini_files(self) -> dict[str, configparser.ConfigParser]:
        """setup.cfg, tox.ini, .flake8 and pytest.ini, parsed."""
        parsed = {}
        for name in ("setup.cfg", "tox.ini", ".flake8", "pytest.ini", ".pytest.ini"):
            if (text := self.text(name)) is None:
                continue
            parser = configparser.ConfigParser(interpolation=None)
            try:
                parser.read_string(text)
            except configparser.Error:
                continue
            parsed[name] = parser
        return parsed

    @property
    def has_pytest_config(self) -> bool:
        """Whether pytest finds a configuration of the repo's (it reads the first it finds)."""
        if "pytest.ini" in self.ini_files or ".pytest.ini" in self.ini_files:
            return True
        if "pytest" in self.tool:
            return True
        tox, setup_cfg = self.ini_files.get("tox.ini"), self.ini_files.get("setup.cfg")
        return bool(tox and tox.has_section("pytest")) or bool(
            setup_cfg and setup_cfg.has_section("tool:pytest")
        )

    @property
    def line_length(self) -> int | None:
        """The line length the repo's formatter or linter keeps: black's, ruff's, flake8's, isort's."""
        for table, key in (("black", "line-length"), ("ruff", "line-length"), ("isort", "line_length")):
            if isinstance(value := self.tool.get(table, {}).get(key), int):
                return value
        for name in ("setup.cfg", "tox.ini", ".flake8"):
            parser = self.ini_files.get(name)
            if parser and parser.has_option("flake8", "max-line-length"):
                value = parser.get("flake8", "max-line-length").strip()
                if value.isdigit():
                    return int(value)
        if "black" in self.tool:
            return 88  # black's default
        return None

    @property
    def has_ruff_config(self) -> bool:
        return "ruff" in self.tool or "ruff.toml" in self._file_set or ".ruff.toml" in self._file_set

    @property
    def has_mypy_config(self) -> bool:
        setup_cfg = self.ini_files.get("setup.cfg")
        return (
            "mypy" in self.tool
            or "mypy.ini" in self._file_set
            or ".mypy.ini" in self._file_set
            or bool(setup_cfg and setup_cfg.has_section("mypy"))
        )


def workflow_jobs(workflow: dict) -> set[str]:
    """The jobs (tests, publishing, docs) a workflow does, as GitHub would run it."""
    # PyYAML reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True, {}))
    if isinstance(triggers, str):
        triggers = {triggers: None}
    elif isinstance(triggers, list):
        triggers = dict.fromkeys(triggers)
    triggers = triggers if isinstance(triggers, dict) else {}
    push = triggers.get("push") if isinstance(triggers.get("push"), dict) else {}
    on_tag = "release" in triggers or bool(push.get("tags"))
    on_change = "push" in triggers or "pull_request" in triggers or "pull_request_target" in triggers
    commands, actions = [], []
    for job in (workflow.get("jobs") or {}).values():
        if not isinstance(job, dict):
            continue
        actions.append(str(job.get("uses", "")))  # a reusable workflow
        for step in job.get("steps") or []:
            if isinstance(step, dict):
                commands.append(str(step.get("run", "")))
                actions.append(str(step.get("uses", "")))
    text, used = "\n".join(commands), "\n".join(actions)
    jobs = set()
    if on_change and JOB_COMMANDS["tests"].search(text):
        jobs.add("tests")
    publishes = JOB_COMMANDS["publishing"].search(text) or any(a in used for a in JOB_ACTIONS["publishing"])
    if publishes and (on_tag or "workflow_dispatch" in triggers):
        jobs.add("publishing")
    if JOB_COMMANDS["docs"].search(text) or any(a in used for a in JOB_ACTIONS["docs"]):
        jobs.add("docs")
    return jobs


def had_own_project(repo: Path) -> bool:
    """Whether the repo had Python code of its own (a project, or modules) before it took the
    template.

    Read from git's history, not from the folder: the commit before the one that added the
    answers file, or HEAD for a repo taking the template now.
    """
    taken = git_repo.first_answers_commit(repo)
    if taken and git_repo.git(repo, "rev-parse", "--verify", "--quiet", f"{taken}^") is None:
        return False  # the template came with the first commit
    files = git_repo.committed_files(repo, f"{taken}^" if taken else "HEAD")
    return any(name in PROJECT_FILES or name.endswith(".py") for name in files)


def changed_since_the_template(repo: Path) -> set[str] | None:
    """For a repo the template made (the answers file came with its first commit), the files
    changed since; None for any other repo."""
    taken = git_repo.first_answers_commit(repo)
    if not taken or git_repo.git(repo, "rev-parse", "--verify", "--quiet", f"{taken}^") is not None:
        return None
    changed = git_repo.git(repo, "diff", "--name-only", "--relative", taken, "HEAD") or ""
    return set(changed.splitlines())


@functools.cache
def _find(root: str, head: str) -> Project:
    path = Path(root)
    files = git_repo.committed_files(path, head)
    found = Project(root=path, head=head, files=files)
    if "pyproject.toml" in files:
        found.pyproject_text = found.text("pyproject.toml")
        found.pyproject = toml_loads(found.pyproject_text or "")  # the guard checked that it parses
    found.setup_cfg = found.ini_files.get("setup.cfg")
    found.has_own_code = had_own_project(path)
    return found


def find(repo: Path) -> Project | None:
    """The project committed at repo's HEAD; None before the first commit or outside git."""
    head = git_repo.head(repo)
    return _find(str(repo.resolve()), head) if head else None
