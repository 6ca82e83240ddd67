"""copier's task after copying the template into a git repo: merge, check, then say what happened.

Run by copier (``_tasks`` in copier.yml) after ``copier copy`` (or ``copier recopy``) into a git
repo, in that repo. The steps are in lab_template/adoption/, one module per concern: the files
the repo and the template share are merged with the repo's committed version (HEAD, which the
guard made sure is everything), the wheel is built again and compared with the one the
project's own backend built before, the template's pre-commit hooks run on the result (the
rules the repo's code breaks are left off for it), and the summary lists it all.

A repo without a Python project of its own (new, or made by the template) gets only the merges.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.adoption import answers as inferred
from lab_template.adoption import check, files, lint, report
from lab_template.adoption import project as found_project
from lab_template.adoption import pyproject as merged_pyproject
from lab_template.adoption import repo as git_repo
from lab_template.adoption import wheel as built
from lab_template.render import file_kinds

RECIPES = ("recipe/meta.yaml", "recipe/recipe.yaml")


def merge_shared_files(repo: Path, project, answers: dict, before) -> list[str]:
    """Merge the files the repo and the template share with their committed version; the notes."""
    notes: list[str] = []
    package = str(answers.get("package_name", ""))
    for path in file_kinds.paths("merged", package):
        committed, current = project.text(path), repo / path
        if not current.is_file():
            continue
        template_text = current.read_text(encoding="utf-8")
        if path == "pyproject.toml" and before is not None:
            # The project's metadata, from wherever it was (a setup.py project may have none).
            keeps_setup_py = "setup.py" in (answers.get("omit") or [])
            text, lines = merged_pyproject.merge(
                committed, template_text, project, before, str(answers["license"]), keeps_setup_py
            )
            notes += [f"pyproject.toml {line}" for line in lines]
        elif path == "pyproject.toml" and committed != template_text and (committed or project.has_own_code):
            # The template's packaging, for the package as it is (loose modules have no file).
            text, lines = merged_pyproject.merge_template_made(committed or "", template_text, repo, package)
            notes += [f"pyproject.toml {line}" for line in lines]
        elif committed is None or committed == template_text:
            continue
        elif path == "MANIFEST.in":
            text, added = files.merge_manifest(committed, template_text, repo)
            notes.append(
                f"{path}: kept yours" + (f", the template's {', '.join(added)} first" if added else "")
            )
        else:
            text, added = files.merge_lines(committed, template_text)
            notes.append(
                f"{path}: kept yours" + (f", added the template's {', '.join(added)}" if added else "")
            )
        current.write_text(text, encoding="utf-8")
    if before is not None and (setup_cfg := project.text("setup.cfg")) is not None:
        text, removed = files.setup_cfg_without_setuptools(setup_cfg)
        if removed:
            if text:
                (repo / "setup.cfg").write_text(text, encoding="utf-8")
            else:
                (repo / "setup.cfg").unlink()
            where = "kept the rest" if text else "nothing else was left, so the file is gone"
            notes.append(f"setup.cfg: [{'], ['.join(removed)}] moved to pyproject.toml; {where}")
    return notes


def fit_recipe(repo: Path, project, answers: dict, before) -> list[str]:
    from lab_template.adoption import metadata as core

    notes = []
    for path in RECIPES:
        recipe = repo / path
        if not recipe.is_file():
            continue
        requirements, _ = core.dependencies(before.wheel)
        text, lines = files.fit_recipe(
            recipe.read_text(encoding="utf-8"),
            requirements,
            before.wheel.top_level,
            before.wheel.fields("License-File") or project.license_files,
            str(answers["python_min"]),
        )
        recipe.write_text(text, encoding="utf-8")
        notes += [f"{path} {line}" for line in lines]
    return notes


def adopt(repo: Path) -> list[str]:
    """Merge, check and report; the summary's lines ([] outside git or before the first commit)."""
    started = time.monotonic()
    project = found_project.find(repo)
    if project is None:
        return []
    answers = yaml.safe_load((repo / git_repo.ANSWERS_FILE).read_text(encoding="utf-8")) or {}
    adopting = not answers.get("example_code", True) and not git_repo.first_answers_commit(repo)
    builds = adopting and project.has_own_code and project.builds
    before = built.built_at_head(repo, project.build_backend) if builds else None
    summary = report.Summary(project=project, answers=answers, inferred=inferred.infer(repo))
    summary.merged = merge_shared_files(repo, project, answers, before)
    if before is not None:
        summary.recipe = fit_recipe(repo, project, answers, before)
        summary.wheels = compare_wheels(repo, before)
        code = merged_pyproject.code_paths(project, before)
        config = repo / lint.CONFIG
        config.write_text(files.fit_mypy_hook(config.read_text(encoding="utf-8"), code), encoding="utf-8")
        # The repo's own files: those it had, less those the template now writes for it.
        own = [
            f
            for f in project.files
            if file_kinds.kind_of(f, str(answers["package_name"])) != "infrastructure"
        ]
        summary.lint = lint.check(repo, own)
        if summary.lint.excluded.get("mypy") and not project.has_mypy_config:
            summary.merged.append(merged_pyproject.mypy_without(repo / "pyproject.toml", code))
        summary.before_seconds = before.seconds
    summary.seconds = time.monotonic() - started
    lines = summary.lines()
    if before is not None:
        shutil.rmtree(built.work_folder(repo), ignore_errors=True)
    return lines


def compare_wheels(repo: Path, before) -> check.Comparison:
    """Build the adopted repo, fit its package data to the wheel before's, and compare."""
    comparison = check.Comparison(before=before.wheel)
    licence = inferred.infer(repo).get("license")
    try:
        comparison.after = check.build_after(repo)
        pyproject = repo / "pyproject.toml"
        text, fixes = check.fit_package_data(
            pyproject.read_text(encoding="utf-8"), before.wheel, comparison.after
        )
        if fixes:
            pyproject.write_text(text, encoding="utf-8")
            comparison.fixes = fixes
            comparison.after = check.build_after(repo)
    except built.BuildError as error:
        comparison.error = str(error)
        return comparison
    comparison.differences = check.differences(
        before.wheel, comparison.after, licence.value if licence else None
    )
    return comparison


def main() -> int:
    lines = adopt(Path.cwd())
    if lines:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
