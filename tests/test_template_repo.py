"""The template repository itself: one source of truth, and CI runs what the README says."""

from __future__ import annotations

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
    code = [TEMPLATE_ROOT / name for name in ("lab_template", "tests", "benchmarks")]
    run("ruff", "check", "--no-cache", *code)
    run("ruff", "format", "--check", "--no-cache", *code)


def test_every_question_has_a_validation_rule():
    # copier.yml calls answer_error(question, answer) for every question.
    assert list(RULES) == list(QUESTIONS)
