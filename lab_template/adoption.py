"""Adopting the template in a repo that already exists, with copier, without losing a line.

Three parts, used by copier only (cookiecutter always writes a new folder):

- ``repo_says(dst_path)``: what the repo already says about the questions (pyproject.toml,
  the package folder, LICENSE, CITATION.cff, the ``origin`` remote); copier.yml makes these the
  questions' defaults.
- ``starter_code()``: False in a repo whose package is already committed, so the example code
  is not written next to the package's own modules (lab_template/file_kinds.py).
- A task run after copying (``python lab_template/adoption.py``): merges pyproject.toml,
  .gitignore and .gitattributes with the repo's committed version, and prints what the
  adoption did. It compares with the repo's ``HEAD``, so the repo must be committed first.

tomlkit (format-preserving TOML) is needed in copier's environment to adopt a repo; it is
imported only then, so cookiecutter and copier work without it for new repos.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import yaml

_TEMPLATE_ROOT = str(Path(__file__).resolve().parent.parent)
if _TEMPLATE_ROOT not in sys.path:
    sys.path.insert(0, _TEMPLATE_ROOT)

from lab_template import file_kinds, license_texts, validation

# Folders that are never the package, when looking for it among the repo's top-level folders.
_NOT_THE_PACKAGE = {"tests", "test", "docs", "doc", "docsrc", "examples", "build", "dist", "tools"}
# The template's default, which says only that the repo gave no email: never put into metadata.
PLACEHOLDER_EMAIL = validation.COOKIECUTTER_JSON["author_email"]
TOMLKIT_MISSING = (
    "adopting a repo needs tomlkit where copier runs: pip install tomlkit (or pipx inject copier tomlkit)"
)
_GITHUB_REMOTE = re.compile(r"github\.com[:/]+(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$")


def _git(repo: Path, *args: str) -> str | None:
    """A git command's output in repo, or None if it fails (not a repo, no such object)."""
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    return result.stdout if result.returncode == 0 else None


# --- What the repo says: the questions' defaults ---------------------------------------------------


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


@functools.cache
def _repo_says(dst_path: str) -> dict[str, str]:
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
    found = {
        "project_name": project.get("name") or citation.get("title"),
        "distribution_name": project.get("name"),
        "package_name": _package_folder(repo, project, tool),
        "description": project.get("description") or citation.get("abstract"),
        "author_name": author_name,
        "author_email": author_email,
        "license": _license(repo, project),
        "python_min": _python_min(str(project.get("requires-python", ""))),
    }
    remote = _git(repo, "remote", "get-url", "origin")
    if remote and (match := _GITHUB_REMOTE.search(remote.strip())):
        found["github_org"] = match["org"]
        found["repo_name"] = match["repo"]  # for a repo-name question, when the template has one
    # Sphinx docs of the repo's own elsewhere than docs/: the template's docs (and the
    # workflow that would publish them in place of the repo's) stay off unless asked for.
    if not (repo / "docs").exists() and any((repo / name).is_dir() for name in ("docsrc", "doc")):
        found["docs"] = "none"
    elif any((repo / name).is_file() for name in (".readthedocs.yaml", ".readthedocs.yml")):
        found["docs"] = "readthedocs"  # the host the repo already publishes on
    # A conda-build recipe stays one (its feedstock keeps the format).
    if (repo / "recipe" / "meta.yaml").is_file() and not (repo / "recipe" / "recipe.yaml").exists():
        found["conda_recipe"] = "meta.yaml"
    return {key: str(value).strip() for key, value in found.items() if value}


def repo_says(dst_path) -> dict[str, str]:
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


# --- Starter code: not next to a package that exists ------------------------------------------------


@functools.cache
def package_is_committed(dst_path: str, package_name: str) -> bool:
    """Whether the repo at dst_path has files of the package folder in its HEAD commit.

    HEAD rather than the folder: copier creates the folder while it renders.
    """
    listed = _git(Path(dst_path), "ls-tree", "-r", "--name-only", "HEAD", "--", f"{package_name}/")
    return bool(listed and listed.strip())


def in_git_repo(dst_path) -> bool:
    """Whether dst_path is inside a git work tree: the adoption task has nothing to do elsewhere.

    Checked without running git, so that a plain copy starts no extra process.
    """
    path = Path(dst_path).resolve()
    return any((folder / ".git").exists() for folder in (path, *path.parents))


def copier_operation() -> str:
    """'copy' or 'update': what copier is doing now ('copy' outside copier).

    copier tells its tasks (`_copier_operation`) but not its file patterns; it keeps the
    operation in a context variable, read here.
    """
    try:
        from copier._main import _operation
    except ImportError:
        return "copy"
    return str(_operation.get("copy"))


def starter_code(context) -> bool:
    """False when copier adopts a repo whose package already exists; True otherwise."""
    conf = context.get("_copier_conf")
    package_name = context.get("package_name")
    if conf is None or not package_name:  # cookiecutter: always a new folder
        return True
    return not package_is_committed(str(Path(conf["dst_path"]).resolve()), str(package_name))


# --- Merging with the repo's version ----------------------------------------------------------------


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else requirement


def _packages_in(root: Path, name: str) -> list[str]:
    """name, and every folder under root that holds files and Python would import as a subpackage.

    setuptools ships only the packages listed (and warns about such a folder left out), with or
    without an __init__.py.
    """
    found = [name]
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        parts = folder.relative_to(root).parts
        importable = all(part.isidentifier() for part in parts) and "__pycache__" not in parts
        if importable and any(child.is_file() for child in folder.iterdir()):
            found.append(".".join((name, *parts)))
    return found


def _test_folders(repo: Path, package: str) -> list[str]:
    names = (f"{package}/tests", f"{package}/testing", "tests")
    return [name for name in names if (repo / name).is_dir()]


def merge_pyproject(repo_text: str, template_text: str, repo: Path, package: str) -> tuple[str, list[str]]:
    """The repo's pyproject.toml with what the template requires; and what was done, a line each.

    The repo's own entries, comments and order stay. The template's build system and packaging
    (setuptools, setuptools-scm) win; the repo's entries win everywhere else, and the template's
    fill in what the repo does not have.
    """
    import tomlkit

    merged = tomlkit.parse(repo_text)
    template = tomlkit.parse(template_text)
    notes: list[str] = []

    old_build = merged.get("build-system")
    if old_build is None or old_build.unwrap() != template["build-system"].unwrap():
        merged["build-system"] = template["build-system"]
        requires = ", ".join(template["build-system"]["requires"])
        notes.append(
            f"[build-system]: the template's (requires {requires})"
            + (
                f", replacing yours (requires {', '.join(old_build.get('requires', []))})"
                if old_build
                else ""
            )
        )

    if "project" not in merged:
        merged["project"] = template["project"]
        notes.append("[project]: the template's (the repo had none)")
    else:
        notes += _merge_project(merged["project"], template["project"], repo)

    new_tools, tool_notes = _merge_tools(merged, template, repo, package)
    notes += tool_notes
    text = tomlkit.dumps(merged)
    if new_tools:
        # After the repo's own entries, rather than among them.
        appended = tomlkit.document()
        appended["tool"] = tomlkit.table(is_super_table=True)
        for name, value in new_tools.items():
            appended["tool"][name] = value
        text = text.rstrip("\n") + "\n\n" + tomlkit.dumps(appended).lstrip("\n")
    return text, notes


def _merge_project(project, template_project, repo: Path) -> list[str]:
    import tomlkit

    notes = []
    if "version" in project:
        notes.append(f"[project] version: removed {project['version']!s}; versions now come from git tags")
        del project["version"]
    dynamic = project.setdefault("dynamic", [])
    if "version" not in dynamic:
        dynamic.append("version")
        notes.append('[project] dynamic: added "version" (setuptools-scm)')
    license_value = project.get("license")
    if license_value is not None and not isinstance(license_value, str):
        # The table form is deprecated; an SPDX expression cannot go with licence classifiers.
        project["license"] = template_project["license"]
        notes.append(f'[project] license: "{template_project["license"]}" (SPDX), replacing the table form')
        classifiers = project.get("classifiers", [])
        for classifier in [c for c in classifiers if str(c).startswith("License ::")]:
            classifiers.remove(classifier)
            notes.append(f'[project] classifiers: removed "{classifier}" (the SPDX licence says it)')
    for key, value in template_project.items():
        if key in ("dynamic", "version"):
            continue
        if key == "dependencies":
            # The template's are those of its example code, which an existing package lacks.
            if key in project:
                notes.append(f"[project] dependencies: kept yours ({len(project[key])})")
            continue
        if key == "optional-dependencies":
            notes += _merge_extras(project, value)
            continue
        if key == "license-files" and not (repo / "LICENSE").is_file():
            continue
        if key not in project:
            if key == "authors":
                for index, author in enumerate(value):
                    if author.get("email") == PLACEHOLDER_EMAIL:  # the repo gave none
                        value[index] = tomlkit.inline_table()
                        value[index]["name"] = author["name"]
            if key == "classifiers":  # a released package is past the template's "Alpha"
                for classifier in [c for c in value if str(c).startswith("Development Status ::")]:
                    value.remove(classifier)
            project[key] = value
            notes.append(f"[project] {key}: added the template's")
    return notes


def _merge_extras(project, template_extras) -> list[str]:
    import tomlkit

    notes = []
    extras = project.setdefault("optional-dependencies", tomlkit.table())
    for extra, requirements in template_extras.items():
        if extra not in extras:
            extras[extra] = requirements
            notes.append(f"[project.optional-dependencies] {extra}: added the template's")
            continue
        have = {_requirement_name(str(r)) for r in extras[extra]}
        added = [str(r) for r in requirements if _requirement_name(str(r)) not in have]
        for requirement in added:
            extras[extra].append(requirement)
        note = f"[project.optional-dependencies] {extra}: in both, kept yours"
        notes.append(note + (f", added the template's {', '.join(added)}" if added else ""))
    return notes


def _merge_tools(merged, template, repo: Path, package: str) -> tuple[dict, list[str]]:
    """Merge the [tool.*] tables the repo has; return the template's it lacks, to append."""
    import tomlkit

    notes, new_tools = [], {}
    tools = merged.get("tool")
    if tools is None:
        merged["tool"] = tools = tomlkit.table(is_super_table=True)
    for name, value in template["tool"].items():
        if name == "setuptools":
            notes += _merge_setuptools(tools, repo, package)
        elif name == "setuptools_scm" and name in tools:
            for key, setting in value.items():
                if key not in tools[name]:
                    tools[name][key] = setting
                    notes.append(f"[tool.{name}] {key}: added the template's")
        elif name in tools:
            notes.append(f"[tool.{name}]: kept yours (the template's not applied)")
        elif name == "pytest":
            options = value["ini_options"]
            tests = _test_folders(repo, package)
            if tests:
                options["testpaths"] = tests
            else:
                del options["testpaths"]
            # Tests written without this setting may warn; turn it on once they are clean.
            del options["filterwarnings"]
            new_tools[name] = value
            notes.append(
                f"[tool.{name}]: added the template's, for {', '.join(tests) or 'the tests'}, "
                "without turning warnings into errors"
            )
        else:
            new_tools[name] = value
            notes.append(f"[tool.{name}]: added the template's")
    return new_tools, notes


def _merge_setuptools(tools, repo: Path, package: str) -> list[str]:
    import tomlkit

    notes = []
    setuptools = tools.get("setuptools")
    if setuptools is None:
        tools["setuptools"] = setuptools = tomlkit.table()
    if setuptools.get("include-package-data") is not True:
        setuptools["include-package-data"] = True
        notes.append("[tool.setuptools] include-package-data: true")
    if not (repo / package).is_dir():  # e.g. under src/: the repo's own configuration knows
        notes.append(f"[tool.setuptools] packages: kept yours (no {package}/ folder at the top)")
        return notes
    packages = _packages_in(repo / package, package)
    examples = f"{package}.examples"
    has_examples = (repo / "examples").is_dir()
    if has_examples:
        packages += _packages_in(repo / "examples", examples)
    old = setuptools.get("packages")
    if old is None or old.unwrap() != packages:
        listed = tomlkit.array()
        listed.extend(packages)
        setuptools["packages"] = listed.multiline(len(packages) > 2)
        notes.append(f"[tool.setuptools] packages: {', '.join(packages)}")
    if has_examples:
        package_dir = setuptools.setdefault("package-dir", tomlkit.inline_table())
        if package_dir.get(examples) != "examples":
            package_dir[examples] = "examples"
            notes.append(f'[tool.setuptools] package-dir: "{examples}" = "examples" (the notebooks)')
        package_data = setuptools.setdefault("package-data", tomlkit.table())
        patterns = package_data.setdefault(examples, tomlkit.array())
        if "*.ipynb" not in patterns:
            patterns.append("*.ipynb")
            notes.append(f'[tool.setuptools.package-data] "{examples}": "*.ipynb"')
    return notes


def merge_lines(repo_text: str, template_text: str) -> tuple[str, list[str]]:
    """The repo's lines, then the template's lines that the repo does not have.

    A template comment comes along only with a line that it introduces.
    """
    have = {line.strip() for line in repo_text.splitlines()}
    added: list[str] = []
    comments: list[str] = []
    for line in template_text.splitlines():
        if not line.strip():
            comments = []
        elif line.lstrip().startswith("#"):
            comments.append(line)
        else:
            if line.strip() not in have:
                added += [c for c in comments if c.strip() not in have] + [line]
            comments = []
    if not added:
        return repo_text, []
    text = repo_text if repo_text.endswith("\n") or not repo_text else repo_text + "\n"
    return text + "\n# From the lab template\n" + "\n".join(added) + "\n", added


# --- The task: merge, then say what happened --------------------------------------------------------


def _committed(repo: Path, path: str) -> str | None:
    return _git(repo, "show", f"HEAD:./{path}")


def adopt(repo: Path, package: str, docs: str, hpc_cluster: str) -> list[str]:
    """Merge the shared files with their committed version; the summary's lines.

    Nothing happens outside git or before the first commit: a new repo has nothing to keep.
    Nor is there a summary when the repo had none of the template's files.
    """
    head = _git(repo, "rev-parse", "--short", "HEAD")
    if head is None:
        return []
    head = head.strip()
    # The example tests' folder, left empty where the package existed (no example code).
    tests = repo / package / "tests"
    if tests.is_dir() and not any(tests.iterdir()):
        tests.rmdir()
    merge_notes: list[str] = []
    for path in file_kinds.paths("merged", package):
        committed, current = _committed(repo, path), repo / path
        if committed is None or not current.is_file() or committed == current.read_text(encoding="utf-8"):
            continue
        if path == "pyproject.toml":
            text, notes = merge_pyproject(committed, current.read_text(encoding="utf-8"), repo, package)
            merge_notes += [f"pyproject.toml {note}" for note in notes]
        else:
            text, added = merge_lines(committed, current.read_text(encoding="utf-8"))
            entries = [line for line in added if not line.lstrip().startswith("#")]
            merge_notes.append(f"{path}: kept yours, added the template's {', '.join(entries)}")
        current.write_text(text, encoding="utf-8")

    untracked = _git(repo, "ls-files", "--others", "--exclude-standard") or ""
    changed = (_git(repo, "diff", "--name-only", "HEAD", "--", ".") or "").splitlines()
    starter = [
        path
        for path in file_kinds.paths("starter", package)
        if not (path.startswith("docs/") and docs == "none")
        and not (path == "docs/hpc.md" and hpc_cluster == "none")
        and _git(repo, "cat-file", "-e", f"HEAD:./{path}") is not None
    ]
    replaced = [p for p in changed if file_kinds.kind_of(p, package) == "infrastructure"]
    if not (starter or replaced or merge_notes):  # a new project (in a repo that has others)
        return []
    lines = [f"Adopted the lab template over commit {head}."]
    lines += _section("Added", sorted(untracked.splitlines()))
    lines += _section("Kept, because the repo has them (the template's starter files)", starter)
    lines += _section(f"Replaced by the template's (see your version with: git show {head}:<file>)", replaced)
    lines += _section("Merged (your entries kept)", merge_notes)
    other = [p for p in changed if file_kinds.kind_of(p, package) not in ("infrastructure", "merged")]
    lines += _section("Also changed", other)
    lines.append(f"Review with `git status` and `git diff {head}`, then commit.")
    return lines


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"{title} ({len(items)}):", *(f"  {item}" for item in items)]


def main(argv: list[str]) -> int:
    package, docs, hpc_cluster = argv
    try:
        import tomlkit  # noqa: F401
    except ImportError:
        if _git(Path.cwd(), "rev-parse", "HEAD") is not None:
            merged = " ".join(file_kinds.paths("merged", package))
            print(
                f"error: {TOMLKIT_MISSING}; nothing was merged: git checkout HEAD -- {merged}",
                file=sys.stderr,
            )
            return 1
    lines = adopt(Path.cwd(), package, docs, hpc_cluster)
    if lines:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
