"""Merging the other files the repo and the template share, and fitting the conda recipe.

- .gitignore and .gitattributes: the repo's lines, then the template's that it lacks.
- MANIFEST.in: the template's commands that the repo lacks (and that name files it has), then
  the repo's own, so that its `prune` and `exclude` lines still have the last word.
- setup.cfg: the sections that pyproject.toml now holds ([metadata], [options], ...) go; the
  tools' sections ([flake8], [tool:pytest], ...) stay.
- The conda recipe: the project's own run requirements, import names and licence file.
- .pre-commit-config.yaml: mypy checks the project's code where it is (src/, a single module).
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

# setup.cfg's sections that configure setuptools, all of which pyproject.toml now does.
SETUPTOOLS_SECTIONS = re.compile(r"metadata|options(\..+)?|bdist_wheel|sdist|egg_info|build_py|easy_install")
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")


def merge_lines(repo_text: str, template_text: str) -> tuple[str, list[str]]:
    """The repo's lines, then the template's lines that the repo does not have.

    A template comment comes along only with a line that it introduces.
    """
    added = _missing_lines(repo_text, template_text)
    if not added:
        return repo_text, []
    text = repo_text if repo_text.endswith("\n") or not repo_text else repo_text + "\n"
    return text + "\n# From the lab template\n" + "\n".join(added) + "\n", [
        line for line in added if not line.lstrip().startswith("#")
    ]


def _missing_lines(repo_text: str, template_text: str) -> list[str]:
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
    return added


def _manifest_names_existing(line: str, repo: Path) -> bool:
    """Whether a MANIFEST.in command of the template finds something in the repo."""
    command, *patterns = line.split()
    if command in ("include", "graft"):
        return any(any(repo.glob(pattern)) for pattern in patterns)
    return True  # prune, exclude, global-exclude: harmless where nothing matches


def merge_manifest(repo_text: str, template_text: str, repo: Path) -> tuple[str, list[str]]:
    """The template's MANIFEST.in commands that the repo lacks, then the repo's own."""
    added = [
        line
        for line in _missing_lines(repo_text, template_text)
        if line.lstrip().startswith("#") or _manifest_names_existing(line, repo)
    ]
    commands = [line for line in added if not line.lstrip().startswith("#")]
    if not commands:
        return repo_text, []
    while added and added[-1].lstrip().startswith("#"):
        added.pop()
    text = "# From the lab template\n" + "\n".join(added) + "\n\n# The project's own\n" + repo_text
    return text if text.endswith("\n") else text + "\n", commands


def setup_cfg_without_setuptools(text: str) -> tuple[str, list[str]]:
    """setup.cfg without the sections that configure setuptools; the names of those removed."""
    kept: list[str] = []
    removed: list[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        if match := _SECTION.match(line.strip()):
            dropping = bool(SETUPTOOLS_SECTIONS.fullmatch(match["name"].strip()))
            if dropping:
                removed.append(match["name"].strip())
        if not dropping:
            kept.append(line)
    remaining = "".join(kept).strip()
    return (remaining + "\n" if remaining else ""), removed


# --- The conda recipe -------------------------------------------------------------------------------


def conda_requirement(requirement: str, python_min: str) -> tuple[str | None, str | None]:
    """A PEP 508 requirement as a conda-forge run requirement, or None with the reason it has none."""
    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return None, "not a valid requirement"
    if parsed.url:
        return None, "a URL requirement, which conda cannot install"
    if parsed.marker:
        # noarch: one package for every platform and Python from python_min up.
        environments = [
            {"python_version": version, "python_full_version": f"{version}.0"}
            for version in _pythons_from(python_min)
        ]
        applies = [_evaluate(parsed.marker, env) for env in environments]
        if not any(applies):
            return None, f"only for {parsed.marker}, which no Python from {python_min} matches"
        if not all(applies) or re.search(r"platform|sys_platform|os_name|implementation", str(parsed.marker)):
            return None, f"only for {parsed.marker}, which a noarch recipe cannot say"
    name = canonicalize_name(parsed.name)
    specifier = ",".join(sorted(str(s) for s in parsed.specifier))
    return (f"{name} {specifier}" if specifier else name), None


def _pythons_from(python_min: str) -> list[str]:
    from lab_template.render.validation import SUPPORTED_PYTHONS

    return (
        list(SUPPORTED_PYTHONS[SUPPORTED_PYTHONS.index(python_min) :])
        if python_min in SUPPORTED_PYTHONS
        else [python_min]
    )


def _evaluate(marker: Marker, environment: dict) -> bool:
    try:
        return marker.evaluate(environment)
    except Exception:  # noqa: BLE001 - a marker on a variable we did not give
        return True


def fit_recipe(
    text: str, requirements: list[str], imports: list[str], license_files: list[str], python_min: str
) -> tuple[str, list[str]]:
    """The rendered recipe (meta.yaml or recipe.yaml) with the project's run requirements, import
    names and licence files; and the summary's lines."""
    notes = []
    run = []
    for requirement in requirements:
        converted, why = conda_requirement(requirement, python_min)
        if converted:
            run.append(converted)
        else:
            notes.append(f"requirements: left out {requirement} ({why})")
    # The run requirements: the python line, then the template's own (its example's), replaced.
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "run:")
    indent = re.match(r"\s*", lines[start + 1]).group()
    end = start + 1
    while end < len(lines) and lines[end].startswith(indent + "- "):
        end += 1
    python_lines = [line for line in lines[start + 1 : end] if line.strip().startswith("- python")]
    lines[start + 1 : end] = python_lines + [f"{indent}- {r}" for r in run]
    notes.insert(0, f"requirements: run: {', '.join(run) or 'python only'} (the project's dependencies)")
    # The import test: the project's own names.
    for i, line in enumerate(lines):
        if line.strip() == "imports:":
            item_indent = re.match(r"\s*", lines[i + 1]).group()
            stop = i + 1
            while stop < len(lines) and lines[stop].startswith(item_indent + "- "):
                stop += 1
            lines[i + 1 : stop] = [f"{item_indent}- {name}" for name in imports]
            notes.append(f"test imports: {', '.join(imports)}")
            break
    if license_files:
        for i, line in enumerate(lines):
            if line.strip().startswith("license_file:"):
                key_indent = line[: len(line) - len(line.lstrip())]
                value = license_files[0] if len(license_files) == 1 else "[" + ", ".join(license_files) + "]"
                if line.strip() != f"license_file: {value}":
                    lines[i] = f"{key_indent}license_file: {value}"
                    notes.append(f"license_file: {value}")
    return "\n".join(lines) + "\n", notes


# --- mypy's hook ----------------------------------------------------------------------------------------


def fit_mypy_hook(config_text: str, code_paths: list[str]) -> str:
    """The pre-commit config with the mypy hook's `files` on the project's code, wherever it is
    (the template's pattern names the package folder at the top), and the template's tools."""
    folders = [re.escape(p) for p in code_paths if not p.endswith(".py")] + ["tools"]
    modules = ["noxfile"] + [re.escape(p.removesuffix(".py")) for p in code_paths if p.endswith(".py")]
    pattern = f"^({'|'.join(folders)})/|^({'|'.join(modules)})\\.py$"
    lines = config_text.splitlines()
    in_mypy = False
    for number, line in enumerate(lines):
        if line.strip().startswith("- id:"):
            in_mypy = line.strip() == "- id: mypy"
        elif in_mypy and line.strip().startswith("files:"):
            lines[number] = line[: len(line) - len(line.lstrip())] + f"files: {pattern}"
            break
    return "\n".join(lines) + "\n"
