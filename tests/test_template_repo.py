"""The template repository itself: one source of truth, and CI runs what the README says."""

from __future__ import annotations

import re
import sys

from lab_template.validation import RULES
from support import QUESTIONS, TEMPLATE_ROOT, run

TEST_COMMAND = "python -m pip install -r requirements-test.txt && python -m pytest"


def test_copier_yml_is_generated_from_cookiecutter_json():
    run(sys.executable, TEMPLATE_ROOT / "lab_template" / "write_copier_yml.py", "--check")


def test_ci_runs_the_readme_test_command():
    assert TEST_COMMAND in (TEMPLATE_ROOT / "README.md").read_text()
    ci_lines = (TEMPLATE_ROOT / ".ci" / "run").read_text().splitlines()
    assert ci_lines[-1] == TEST_COMMAND


def test_the_template_code_passes_ruff():
    # Exactly what a maintainer runs at the repository root: pyproject.toml excludes the
    # generated repo there (a Jinja template of a repo, which ruff cannot parse); test_bake.py
    # runs ruff on a baked one.
    run("ruff", "check", ".", cwd=TEMPLATE_ROOT)
    run("ruff", "format", "--check", ".", cwd=TEMPLATE_ROOT)


def test_every_question_has_a_validation_rule():
    # copier.yml calls answer_error(question, answer) for every question.
    assert list(RULES) == list(QUESTIONS)


def test_changelog_says_what_each_entry_brings_and_whether_it_needs_a_hand():
    """Keep a Changelog's form, which tools/template_update.py of a generated repo reads."""
    text = (TEMPLATE_ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    assert all(re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", h) for h in headings[1:]), headings
    entries = re.findall(r"^- (.*?)(?=^- |^#|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert entries
    for entry in entries:
        assert re.search(r"Update: (automatic|by hand)", entry), entry


def test_readme_links_nothing_outside_the_repository():
    """A clone on GitHub has only the repository: every relative link must stay inside it."""
    text = (TEMPLATE_ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)", text)
    outside = [
        target
        for target in targets
        if "://" not in target and not (TEMPLATE_ROOT / target).resolve().is_relative_to(TEMPLATE_ROOT)
    ]
    assert targets and not outside, outside
