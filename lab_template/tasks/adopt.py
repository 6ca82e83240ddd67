"""copier's task after adopting the template in a repo that exists: merge, then say what happened.

Run by copier (``_tasks`` in copier.yml) after ``copier copy`` into a git repo: merges
pyproject.toml, .gitignore and .gitattributes with the repo's committed version, and prints
what the adoption did. It compares with the repo's ``HEAD``, so the repo must be committed
first. The questions' defaults that the repo gives, and the decisions on which files it takes,
are made while rendering (lab_template/render/repo_answers.py).

tomlkit (format-preserving TOML) is needed in copier's environment to adopt a repo.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.render import file_kinds, validation
from lab_template.render.repo_answers import TOMLKIT_MISSING
from lab_template.render.repo_answers import git as _git

# The template's default, which says only that the repo gave no email: never put into metadata.
PLACEHOLDER_EMAIL = validation.COOKIECUTTER_JSON["author_email"]


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
