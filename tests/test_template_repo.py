"""The template repository itself: one source of truth, and CI runs what the README says."""

from __future__ import annotations

import json
import re
import sys

import pytest

from lab_template.maintainer.write_copier_yml import copier_questions
from lab_template.render import clusters, license_texts
from lab_template.render.copier_questions import COPIER_ONLY, copier_when
from lab_template.render.validation import CHOICES as RULE_CHOICES
from lab_template.render.validation import RULES, answer_error
from support import CHOICES, QUESTIONS, TEMPLATE_DIR, TEMPLATE_ROOT, run

TEST_COMMAND = "python -m pip install -r requirements-test.txt && python -m pytest"


def test_copier_yml_is_generated_from_cookiecutter_json():
    run(sys.executable, TEMPLATE_ROOT / "lab_template" / "maintainer" / "write_copier_yml.py", "--check")


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


def test_copier_only_keys_are_merged_into_questions_cookiecutter_json_asks():
    cookiecutter = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
    questions = copier_questions(cookiecutter)
    for name, keys in COPIER_ONLY.items():
        # Every key as given, but `when`, which also holds once the answer is recorded.
        assert {k: v for k, v in questions[name].items() if k in keys and k != "when"} == {
            k: v for k, v in keys.items() if k != "when"
        }
        if "when" in keys:
            assert questions[name]["when"] == copier_when(name)
            assert keys["when"].strip("{} ") in copier_when(name) and f"or {name} is defined" in copier_when(
                name
            )
    assert COPIER_ONLY
    # A renamed or removed question must take its copier keys along, or generation stops.
    name = next(iter(COPIER_ONLY))
    with pytest.raises(SystemExit, match=f"COPIER_ONLY names what cookiecutter.json does not ask: {name}"):
        copier_questions({key: value for key, value in cookiecutter.items() if key != name})


def test_every_question_has_a_prompt():
    """Both tools ask with it (copier's `help`), rather than with the bare name."""
    prompts = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())["__prompts__"]
    assert list(prompts) == list(QUESTIONS)


def test_the_rules_take_their_choices_from_cookiecutter_json():
    assert {name: list(choices) for name, choices in RULE_CHOICES.items()} == CHOICES
    for name, choices in CHOICES.items():
        assert all(answer_error(name, choice) == "" for choice in choices)
        assert answer_error(name, "not-a-choice").startswith(f"{name}: must be one of {', '.join(choices)}")


def test_the_cluster_table_has_every_cluster_choice_and_no_other():
    """A cluster is its entry in clusters.py plus its choice, before 'none' (no HPC files)."""
    assert CHOICES["hpc_cluster"][-1] == "none"
    assert sorted(CHOICES["hpc_cluster"][:-1]) == sorted(clusters.CLUSTERS)


def test_a_cluster_the_table_does_not_have_is_an_error_not_a_blank():
    with pytest.raises(ValueError, match=r"no cluster 'none' in lab_template/render/clusters\.py"):
        clusters.cluster("none")


def test_every_licence_choice_has_its_text_and_every_text_is_a_choice():
    assert sorted(CHOICES["license"]) == license_texts.available()
    with pytest.raises(ValueError, match=r"add lab_template/render/licenses/WTFPL\.txt"):
        license_texts.license_text("WTFPL", "2026", "Ada Lovelace")


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


def template_files() -> dict[str, str]:
    """Every file of the generated repo's template, by its templated path."""
    return {
        str(path.relative_to(TEMPLATE_DIR)): path.read_text(encoding="utf-8")
        for path in TEMPLATE_DIR.rglob("*")
        if path.is_file()
    }


def test_the_repos_addresses_are_written_once():
    """The repo's GitHub and docs site addresses: __github_url and __docs_url in cookiecutter.json."""
    # An address on the repo's organisation (a fork's, on YOUR_USERNAME, is another address).
    address = re.compile(r"https://[^\s\"'()]*\{\{ cookiecutter\.github_org")
    files = template_files()
    assert not [path for path, text in files.items() if address.search(text)]
    assert len(address.findall((TEMPLATE_ROOT / "cookiecutter.json").read_text())) == 2
    used = "".join(files.values())
    assert "cookiecutter.__github_url" in used and "cookiecutter.__docs_url" in used


def test_the_docs_condition_is_written_one_way():
    """As in the names of the docs files: the site `cookiecutter.docs != 'none'`, its host
    `cookiecutter.docs == 'pages'` (or 'readthedocs'); every value one of the choices."""
    condition = re.compile(r"cookiecutter\.docs\s*(==|!=)\s*(\S+?)\s*(?:%|-%|\}|\))")
    found = set()
    for path, text in template_files().items():
        found.update(condition.findall(path), condition.findall(text))
    choices = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())["docs"]
    assert found == {("!=", "'none'"), ("==", "'none'"), ("==", "'pages'"), ("==", "'readthedocs'")}
    assert {value.strip("'") for _, value in found} == set(choices)
