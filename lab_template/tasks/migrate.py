"""Steps that copier's migrations run in a repo being updated (see `_migrations` in copier.yml).

    python lab_template/tasks/migrate.py rename-answer OLD NEW

renames a recorded answer in `.copier-answers.yml`, so that a question renamed in the template
keeps the user's answer.

    python lab_template/tasks/migrate.py replace-answer QUESTION OLD NEW

rewrites a recorded answer OLD, a choice that the template no longer offers, as NEW, its
equivalent (copier would drop OLD and take the question's default). Nothing changes when the
recorded answer is another, so the step may run at every update.

Run them in the "before" stage: copier reads the answers again after that stage, and renders
the new version with them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

ANSWERS_FILE = Path(".copier-answers.yml")


def _read_answers() -> tuple[str, dict]:
    """The answers file's comment lines, and its answers."""
    text = ANSWERS_FILE.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    return header, yaml.safe_load(text)


def _write_answers(header: str, answers: dict) -> None:
    ANSWERS_FILE.write_text(
        header + yaml.safe_dump(answers, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )


def rename_answer(old: str, new: str) -> None:
    header, answers = _read_answers()
    if old in answers and new not in answers:
        answers[new] = answers.pop(old)
    _write_answers(header, answers)


def replace_answer(question: str, old: str, new: str) -> None:
    header, answers = _read_answers()
    if answers.get(question) == old:
        answers[question] = new
        _write_answers(header, answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rename = commands.add_parser("rename-answer", help="rename a recorded answer")
    rename.add_argument("old")
    rename.add_argument("new")
    replace = commands.add_parser("replace-answer", help="rewrite a recorded answer as its equivalent")
    replace.add_argument("question")
    replace.add_argument("old")
    replace.add_argument("new")
    arguments = parser.parse_args()
    if arguments.command == "rename-answer":
        rename_answer(arguments.old, arguments.new)
    else:
        replace_answer(arguments.question, arguments.old, arguments.new)


if __name__ == "__main__":
    main()
