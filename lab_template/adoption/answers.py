"""What an existing repo already says about the template's questions: copier's defaults.

copier.yml makes ``repo_says(dst_path)`` every question's default, so adopting a repo
(``copier copy`` into it) starts from its own name, description, authors, licence, and so on,
read from the project's own metadata (the wheel its backend builds: lab_template/adoption/wheel.py),
its CITATION.cff and git. Each answer comes with where it came from, for the summary.

It also gives the two decisions that copier records beside the answers (``DECISIONS`` in
lab_template/render/copier_questions.py), which say which of the template's files the repo takes:

- ``example_code``: False where the repo had a Python project of its own before it took the
  template, so the demo package, its tests and notebook are never written next to it.
- ``omit``: the template's starter files that the repo already has, under the template's name or
  its own (README.rst for README.md, COPYING for LICENSE), and the template's files for a job the
  repo already does its own way (a workflow that publishes on a tag, its own docs): never
  written, merged into or added beside.

Both are read from the repo only while nothing is recorded, that is on adoption (and once for a
repo made before the decisions were recorded); from then on every render, old and new, takes
them from `.copier-answers.yml`, since copier renders the two versions of an update in
temporary folders.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from lab_template.adoption import project as found_project
from lab_template.adoption import repo as git_repo
from lab_template.adoption import wheel as built
from lab_template.render import file_kinds, license_texts, validation

_GITHUB_REMOTE = re.compile(r"github\.com[:/]+(?P<org>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$")
_BOTS = re.compile(r"\[bot\]|github-actions|pre-commit-ci|dependabot", re.IGNORECASE)
# Trove licence classifiers that name one licence (the template reads the rest from the text).
CLASSIFIER_LICENSES = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "License :: OSI Approved :: GNU Affero General Public License v3": "AGPL-3.0-only",
    "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: zlib/libpng License": "Zlib",
    "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}
# Marks of licence texts that are not among the template's (or are shortened copies of them).
_TEXT_MARKS = (
    (("Mozilla Public License", "2.0"), "MPL-2.0"),
    (("GNU AFFERO GENERAL PUBLIC LICENSE", "Version 3"), "AGPL-3.0-or-later"),
    (("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3"), "LGPL-3.0-or-later"),
    (("GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1"), "LGPL-2.1-or-later"),
    (("GNU GENERAL PUBLIC LICENSE", "Version 3"), "GPL-3.0-or-later"),
    (("GNU GENERAL PUBLIC LICENSE", "Version 2"), "GPL-2.0-or-later"),
    (("Apache License", "Version 2.0"), "Apache-2.0"),
    (("Permission is hereby granted, free of charge",), "MIT"),
    (("Redistribution and use in source and binary forms", "Neither the name"), "BSD-3-Clause"),
    (("Redistribution and use in source and binary forms",), "BSD-2-Clause"),
    (("Permission to use, copy, modify, and/or distribute this software",), "ISC"),
    (("This is free and unencumbered software released into the public domain",), "Unlicense"),
)


def license_from_text(text: str) -> str | None:
    """The SPDX id of the licence whose text this is: one of the template's own texts, or a
    text that the marks above recognise."""
    if spdx_id := license_texts.matching_license(text):
        return spdx_id
    folded = " ".join(text.split())
    for marks, spdx_id in _TEXT_MARKS:
        if all(mark.lower() in folded.lower() for mark in marks):
            return spdx_id
    return None


def spdx_expression(text: str) -> str | None:
    """text as a canonical SPDX licence expression, or None if it is not one."""
    try:
        from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
    except ImportError:  # packaging < 24.2
        return None
    try:
        return str(canonicalize_license_expression(text.strip()))
    except (InvalidLicenseExpression, ValueError):
        return None


def python_min_for(requires_python: str) -> str | None:
    """The oldest Python the template supports that requires-python allows, or None."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return None
    return next((v for v in validation.SUPPORTED_PYTHONS if allowed.contains(f"{v}.0")), None)


@dataclass(frozen=True)
class Found:
    """An answer the repo gives, and where it came from (for the summary)."""

    value: object
    source: str


def _citation(project: found_project.Project) -> dict:
    try:
        data = yaml.safe_load(project.text("CITATION.cff") or "")
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def metadata_source(project: found_project.Project) -> str:
    """Where the project keeps its metadata, as the summary names it."""
    backend = project.build_backend
    if "name" in project.project_table:
        return "pyproject.toml [project]"
    if backend.startswith("poetry"):
        return "pyproject.toml [tool.poetry]"
    if project.setup_cfg and project.setup_cfg.has_option("metadata", "name"):
        return "setup.cfg [metadata]"
    if "setup.py" in project.files:
        return "setup.py"
    return f"the build backend ({backend})"


def _license(project: found_project.Project, wheel: built.Wheel | None) -> Found | None:
    where = metadata_source(project)
    if wheel and (expression := wheel.field("License-Expression")):
        return Found(spdx_expression(expression) or expression, f"License-Expression in {where}")
    declared = project.project_table.get("license")
    if isinstance(declared, str) and (expression := spdx_expression(declared)):
        return Found(expression, "pyproject.toml [project] license")
    if wheel and (field := wheel.field("License")) and (expression := spdx_expression(field)):
        return Found(expression, f"License in {where}")
    for name in project.license_files:
        if spdx_id := license_from_text(project.text(name) or ""):
            return Found(spdx_id, f"the text of {name}")
    for classifier in wheel.fields("Classifier") if wheel else []:
        if classifier in CLASSIFIER_LICENSES:
            return Found(CLASSIFIER_LICENSES[classifier], f"the classifier {classifier!r}")
    return None


def _author(project: found_project.Project, wheel: built.Wheel | None) -> list[Found]:
    """author_name and author_email (and author_orcid), from the first place that names one."""
    where = metadata_source(project)
    for role in ("Author", "Maintainer"):
        people = wheel.people(role) if wheel else []
        named = [(name, email) for name, email in people if name]
        if named:
            name, email = named[0]
            email = email or next((e for _, e in people if e), "")
            source = f"the first {role.lower()} in {where}"
            return [Found(name, source), *([Found(email, source)] if email else [])]
    for person in _citation(project).get("authors") or []:
        if isinstance(person, dict) and person.get("family-names"):
            name = f"{person.get('given-names', '')} {person['family-names']}".strip()
            found = [Found(name, "the first author in CITATION.cff")]
            if person.get("email"):
                found.append(Found(person["email"], "the first author in CITATION.cff"))
            return found
    shortlog = git_repo.git(project.root, "shortlog", "--summary", "--numbered", "--email", project.head)
    for line in (shortlog or "").splitlines():
        match = re.fullmatch(r"\s*\d+\s+(?P<name>.+?)\s+<(?P<email>[^>]*)>", line)
        if match and not _BOTS.search(line):
            source = "the most frequent commit author (the project's metadata and CITATION.cff name none)"
            return [Found(match["name"], source), Found(match["email"], source)]
    return []


def _orcid(project: found_project.Project) -> Found | None:
    authors = _citation(project).get("authors") or []
    orcid = authors[0].get("orcid", "") if authors and isinstance(authors[0], dict) else ""
    orcid = str(orcid).rsplit("/", 1)[-1]
    return Found(orcid, "the first author in CITATION.cff") if orcid else None


def _package(wheel: built.Wheel) -> Found | None:
    """The top-level import name: for a namespace package (`ns/sub/`), the namespace."""
    names = wheel.top_level
    if not names:
        return None
    wanted = re.sub(r"[-_.]+", "_", wheel.name).lower()
    main = next((n for n in names if n.replace(".", "_").lower() == wanted), names[0])
    more = f" (it also installs {', '.join(n for n in names if n != main)})" if len(names) > 1 else ""
    return Found(main.split(".")[0], f"the wheel installs {main}{more}")


def own_starter_files(project: found_project.Project, package: str) -> dict[str, str]:
    """The template's starter files (not its example code) that the repo has, under the template's
    name or its own, each with why it stays the repo's. In a repo the template made, those the
    user has changed since (the others stay the template's, for updates to reach)."""
    starter = set(file_kinds.paths("starter", package)) - set(file_kinds.example_code(package))
    changed = found_project.changed_since_the_template(project.root)
    if changed is not None:
        why = "you changed it since the template made the repo"
        return {path: why for path in sorted(starter & changed) if path in project.files}
    if git_repo.first_answers_commit(project.root):
        return {}
    own = {path: "the repo has its own" for path in sorted(starter) if path in project.files}
    for template_file in found_project.SAME_JOB_NAMES:
        others = [name for name in project.same_job_files(template_file) if name != template_file]
        if template_file in starter and template_file not in own and others:
            own[template_file] = f"the repo has {', '.join(others)}"
    return own


def same_job_files(project: found_project.Project, wheel: built.Wheel | None) -> dict[str, str]:
    """The template's files for a job that the repo does its own way, each with the repo's way."""
    omitted: dict[str, str] = {}
    workflows = project.workflows
    if workflows["tests"]:
        omitted[".github/workflows/ci.yml"] = f"the repo's {', '.join(workflows['tests'])} runs the tests"
    if workflows["publishing"]:
        why = f"the repo's {', '.join(workflows['publishing'])} publishes releases"
        omitted[".github/workflows/release.yml"] = why
        omitted["RELEASING.md"] = f"it describes the template's release workflow ({why})"
    if workflows["docs"]:
        omitted[".github/workflows/docs.yml"] = f"the repo's {', '.join(workflows['docs'])} builds the docs"
    if "docs" in project.docs_folders:
        omitted["docs/"] = "the repo has its own docs in docs/"
    if project.readthedocs_config:
        omitted[".readthedocs.yaml"] = f"the repo has {project.readthedocs_config}"
    if wheel and not wheel.purelib:
        omitted["setup.py"] = "the repo's setup.py builds compiled code, which the template's stub does not"
    return omitted


def _recorded_package(project: found_project.Project) -> str:
    try:
        recorded = yaml.safe_load(project.text(git_repo.ANSWERS_FILE) or "") or {}
    except yaml.YAMLError:
        return ""
    return str(recorded.get("package_name", "")) if isinstance(recorded, dict) else ""


def _example_code(project: found_project.Project, package: str) -> Found:
    """Whether the repo takes the template's example code: not where it has code of its own, or
    where the user made the template's example code their own since the template wrote it."""
    if project.has_own_code:
        return Found(False, "the repo had Python code of its own")
    changed = found_project.changed_since_the_template(project.root) or set()
    grown = sorted(set(file_kinds.example_code(package)) & changed)
    if package and grown:
        return Found(
            False, f"you changed the template's example code since it made the repo ({', '.join(grown)})"
        )
    return Found(True, "the repo had no Python code of its own")


def _infer(repo: Path) -> dict[str, Found]:
    project = found_project.find(repo)
    if project is None:
        return {}
    found: dict[str, Found] = {}
    adopting = not git_repo.first_answers_commit(repo)
    wheel = None
    if adopting and project.has_own_code and project.builds:
        try:
            wheel = built.built_at_head(repo, project.build_backend).wheel
        except built.BuildError as error:
            print(
                f"error: the project does not build at HEAD ({error}): adoption compares the wheel "
                "before and after, so fix the build first (python -m build), commit, then adopt",
                file=sys.stderr,
            )
            raise SystemExit(1) from None
    if wheel:
        where = metadata_source(project)
        found["project_name"] = Found(wheel.name, f"Name in {where}")
        found["distribution_name"] = Found(wheel.name, f"Name in {where}")
        if package := _package(wheel):
            found["package_name"] = package
        if summary := wheel.field("Summary"):
            found["description"] = Found(summary, f"Summary in {where}")
        # Separated by commas (or, in old metadata, by spaces).
        keywords = [
            k.strip()
            for field in wheel.fields("Keywords")
            for k in re.split("," if "," in field else r"\s+", field)
        ]
        if keywords := [k for k in dict.fromkeys(keywords) if k]:
            found["keywords"] = Found(", ".join(keywords), f"Keywords in {where}")
        if (requires := wheel.field("Requires-Python")) and (floor := python_min_for(requires)):
            found["python_min"] = Found(
                floor, f"requires-python {requires}: the oldest Python the template supports that it allows"
            )
    else:
        citation = _citation(project)
        if citation.get("title"):
            found["project_name"] = Found(citation["title"], "the title in CITATION.cff")
        if citation.get("abstract"):
            found["description"] = Found(citation["abstract"], "the abstract in CITATION.cff")
    for key, answer in zip(("author_name", "author_email"), _author(project, wheel)):
        found[key] = answer
    if orcid := _orcid(project):
        found["author_orcid"] = orcid
    if licence := _license(project, wheel):
        found["license"] = licence
    remote = git_repo.git(repo, "remote", "get-url", "origin")
    if remote and (match := _GITHUB_REMOTE.search(remote.strip())):
        found["github_org"] = Found(match["org"], "the origin remote")
        found["repo_name"] = Found(match["repo"], "the origin remote")
    if project.has_own_code:
        found["docs"] = Found(
            "none",
            "the template's docs pages document its example code, which a repo with its own does not take",
        )
    elif project.docs_folders:
        found["docs"] = Found("none", f"the repo has its own docs in {', '.join(project.docs_folders)}")
    if project.has("recipe/meta.yaml") and not project.has("recipe/recipe.yaml"):
        found["conda_recipe"] = Found(
            "meta.yaml", "the repo's recipe/meta.yaml: its feedstock keeps that format"
        )
    package = str(found["package_name"].value) if "package_name" in found else _recorded_package(project)
    found["example_code"] = _example_code(project, package)
    omitted = {**own_starter_files(project, package), **(same_job_files(project, wheel) if adopting else {})}
    folders = [path for path in omitted if path.endswith("/")]
    omitted = {p: why for p, why in omitted.items() if not any(p != f and p.startswith(f) for f in folders)}
    found["omit"] = Found(
        sorted(omitted), "; ".join(f"{path}: {why}" for path, why in sorted(omitted.items()))
    )
    return found


@functools.cache
def _inferred(root: str, head: str) -> dict[str, Found]:
    return _infer(Path(root))


def infer(repo: Path) -> dict[str, Found]:
    """Every answer the repo at repo gives, with where it came from; {} for a new folder."""
    if not repo.is_dir() or not git_repo.in_git_work_tree(repo):
        return {}
    head = git_repo.head(repo)
    return _inferred(str(repo.resolve()), head) if head else {}


def repo_says(dst_path) -> dict:
    """Answers that the repo at dst_path already gives; {} for a new folder.

    Only values the template accepts are kept, so a default from the repo never stops
    `copier copy --defaults`; anything else falls back to the usual default.
    """
    found = {key: answer.value for key, answer in infer(Path(dst_path)).items()}
    return {
        key: value
        for key, value in found.items()
        if not validation.answer_error(key, value) or (key == "license" and spdx_expression(str(value)))
    }


def license_choices(dst_path, recorded=None, omit=()) -> list[str]:
    """copier's choices for `license`: the template's, and the repo's own licence if it is another
    (the template has no text for it). Once adopted, that is the licence its answers file records
    (recorded), with its own licence file kept (LICENSE in `omit`): an update renders each version
    of the template in an empty folder, where the repo's files say nothing. While adopting, it is
    the licence the repo's files say."""
    choices = list(validation.CHOICES["license"])
    if recorded and "LICENSE" in (omit or ()) and spdx_expression(str(recorded)):
        own = str(recorded)
    else:
        own = repo_says(dst_path).get("license")
    return [*choices, own] if own and own not in choices else choices


def in_git_repo(dst_path) -> bool:
    """Whether dst_path is inside a git work tree: the adoption task has nothing to do elsewhere.

    Checked without running git, so that a plain copy starts no extra process.
    """
    path = Path(dst_path).resolve()
    return any((folder / ".git").exists() for folder in (path, *path.parents))
