"""What an existing repo already says about the template's questions: copier's defaults.

copier.yml makes ``repo_says(dst_path)`` every question's default, so adopting a repo
(``copier copy`` into it) starts from its own name, description, author, licence, and so on.

It also gives the two decisions that copier records beside the answers (``DECISIONS`` in
lab_template/render/copier_questions.py), which say which of the template's files the repo takes:

- ``example_code``: False where the repo had a Python project of its own before it took the
  template, so the demo package, its tests and notebook are never written next to it.
- ``omit``: the template's starter files (README, licence, docs pages, ...) that the repo
  already had when it took the template: its own, never written over or merged into.

Both are read from the repo only while nothing is recorded, that is on adoption (and once for a
repo made before the decisions were recorded); from then on every render, old and new, takes
them from `.copier-answers.yml`, since copier renders the two versions of an update in
temporary folders.

tomlkit (format-preserving TOML) is needed in copier's environment to adopt a repo; it is
imported only then, so cookiecutter and copier work without it for new repos.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import yaml

from lab_template.render import file_kinds, license_texts, validation

ANSWERS_FILE = ".copier-answers.yml"
# Folders that are never the package, when looking for it among the repo's top-level folders.
_NOT_THE_PACKAGE = {"tests", "test", "docs", "doc", "docsrc", "examples", "build", "dist", "tools"}
# Files that make a folder a Python project.
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
TOMLKIT_MISSING = (
    "adopting a repo needs tomlkit where copier runs: pip install tomlkit (or pipx inject copier tomlkit)"
)
_GITHUB_REMOTE = re.compile(r"github\.com[:/]+(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$")


def git(repo: Path, *args: str) -> str | None:
    """A git command's output in repo, or None if it fails (not a repo, no such object)."""
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


def license_from_text(text: str) -> str | None:
    """The SPDX id of the licence whose text this is, among the template's choices: one of the
    template's own texts, or a shortened or reworded copy that the marks below recognise."""
    if spdx_id := license_texts.matching_license(text):
        return spdx_id
    if "Apache License" in text and "Version 2.0" in text:
        return "Apache-2.0"
    if "GNU GENERAL PUBLIC LICENSE" in text and "Version 3" in text:
        return "GPL-3.0-or-later"
    if "Permission is hereby granted, free of charge" in text:
        return "MIT"
    if "Redistribution and use in source and binary forms" in text and "Neither the name" in text:
        return "BSD-3-Clause"
    return None


def _python_min(requires_python: str) -> str | None:
    match = re.search(r">=\s*(3\.\d+)", requires_python)
    return match.group(1) if match else None


def _package_folder(repo: Path, project: dict, tool: dict) -> str | None:
    """The import package: the first one pyproject.toml lists, else the one top-level package."""
    packages = tool.get("setuptools", {}).get("packages")
    if isinstance(packages, list) and packages:
        return str(packages[0]).split(".")[0]
    candidates = sorted(
        p.name
        for p in repo.iterdir()
        if p.is_dir() and (p / "__init__.py").is_file() and p.name not in _NOT_THE_PACKAGE
    )
    name = str(project.get("name", "")).lower().replace("-", "_")
    if name in candidates:
        return name
    return candidates[0] if len(candidates) == 1 else None


def _citation(repo: Path) -> dict:
    try:
        data = yaml.safe_load((repo / "CITATION.cff").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _author(project: dict, citation: dict) -> tuple[str | None, str | None]:
    for author in project.get("authors", []):
        if isinstance(author, dict) and author.get("name"):
            return author.get("name"), author.get("email")
    for author in citation.get("authors", []):
        if isinstance(author, dict) and author.get("family-names"):
            name = f"{author.get('given-names', '')} {author['family-names']}".strip()
            return name, author.get("email")
    return None, None


def _license(repo: Path, project: dict) -> str | None:
    declared = project.get("license")
    if isinstance(declared, str) and declared in validation.CHOICES["license"]:
        return declared
    for name in ("LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING"):
        try:
            text = (repo / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        return license_from_text(text)
    return None


# --- The recorded decisions --------------------------------------------------------------------------


def _tree_has(repo: Path, tree: str, path: str) -> bool:
    return git(repo, "cat-file", "-e", f"{tree}:{path}") is not None


def _first_answers_commit(repo: Path) -> str | None:
    """The commit that added the answers file (the one that took the template), if any."""
    added = git(repo, "log", "--diff-filter=A", "--format=%H", "HEAD", "--", ANSWERS_FILE)
    return added.split()[-1] if added and added.split() else None


def had_own_project(repo: Path) -> bool:
    """Whether the repo had Python code of its own (a project, or modules) before it took the
    template.

    Read from git's history, not from the folder: the commit before the one that added the
    answers file, or HEAD for a repo taking the template now.
    """
    taken = _first_answers_commit(repo)
    before = f"{taken}^" if taken else "HEAD"
    files = git(repo, "ls-tree", "-r", "--name-only", before)
    if files is None:
        return False  # the template came with the first commit, or there is no commit yet
    return any(name in PROJECT_FILES or name.endswith(".py") for name in files.splitlines())


def own_starter_files(repo: Path, package: str | None) -> list[str]:
    """The template's starter files that the repo has committed already (adoption only)."""
    if _first_answers_commit(repo) or git(repo, "rev-parse", "--verify", "--quiet", "HEAD") is None:
        return []
    starter = set(file_kinds.paths("starter", package or "")) - set(file_kinds.example_code(package or ""))
    return sorted(path for path in starter if _tree_has(repo, "HEAD", path))


# --- All together ----------------------------------------------------------------------------------


@functools.cache
def _repo_says(dst_path: str) -> dict:
    import tomlkit

    repo = Path(dst_path)
    if not repo.is_dir():
        return {}
    try:
        pyproject = tomlkit.parse((repo / "pyproject.toml").read_text(encoding="utf-8")).unwrap()
    except (OSError, tomlkit.exceptions.TOMLKitError):
        pyproject = {}
    project, tool = pyproject.get("project", {}), pyproject.get("tool", {})
    citation = _citation(repo)
    author_name, author_email = _author(project, citation)
    package = _package_folder(repo, project, tool)
    found: dict = {
        "project_name": project.get("name") or citation.get("title"),
        "distribution_name": project.get("name"),
        "package_name": package,
        "description": project.get("description") or citation.get("abstract"),
        "author_name": author_name,
        "author_email": author_email,
        "license": _license(repo, project),
        "python_min": _python_min(str(project.get("requires-python", ""))),
    }
    found = {key: str(value).strip() for key, value in found.items() if value}
    remote = git(repo, "remote", "get-url", "origin")
    if remote and (match := _GITHUB_REMOTE.search(remote.strip())):
        found["github_org"] = match["org"]
        found["repo_name"] = match["repo"]
    # Sphinx docs of the repo's own elsewhere than docs/: the template's docs (and the
    # workflow that would publish them in place of the repo's) stay off unless asked for.
    if not (repo / "docs").exists() and any((repo / name).is_dir() for name in ("docsrc", "doc")):
        found["docs"] = "none"
    elif any((repo / name).is_file() for name in (".readthedocs.yaml", ".readthedocs.yml")):
        found["docs"] = "readthedocs"  # the host the repo already publishes on
    # A conda-build recipe stays one (its feedstock keeps the format).
    if (repo / "recipe" / "meta.yaml").is_file() and not (repo / "recipe" / "recipe.yaml").exists():
        found["conda_recipe"] = "meta.yaml"
    if git(repo, "rev-parse", "--git-dir") is not None:
        found["example_code"] = not had_own_project(repo)
        found["omit"] = own_starter_files(repo, package)
    return found


def repo_says(dst_path) -> dict:
    """Answers that the repo at dst_path already gives; {} for a new folder.

    Only values the template accepts are kept, so a default from the repo never stops
    `copier copy --defaults`; anything else falls back to the usual default.
    """
    try:
        import tomlkit  # noqa: F401
    except ImportError:
        if (Path(dst_path) / "pyproject.toml").is_file():  # a repo to adopt: stop before writing
            raise RuntimeError(TOMLKIT_MISSING) from None
        return {}
    try:
        found = _repo_says(str(Path(dst_path).resolve()))
    except Exception:  # noqa: BLE001 - a repo we cannot read gives no defaults, not a crash
        return {}
    return {
        key: value
        for key, value in found.items()
        if key not in validation.RULES or not validation.answer_error(key, value)
    }


def in_git_repo(dst_path) -> bool:
    """Whether dst_path is inside a git work tree: the adoption task has nothing to do elsewhere.

    Checked without running git, so that a plain copy starts no extra process.
    """
    path = Path(dst_path).resolve()
    return any((folder / ".git").exists() for folder in (path, *path.parents))
