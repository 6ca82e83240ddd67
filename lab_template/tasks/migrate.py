"""Steps that copier's migrations run in a repo being updated (see `_migrations` in copier.yml).

    python lab_template/tasks/migrate.py rename-answer OLD NEW

renames a recorded answer in `.copier-answers.yml`, so that a question renamed in the template
keeps the user's answer. Run it in the "before" stage: copier reads the answers again after that
stage, and renders the new version with them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

ANSWERS_FILE = Path(".copier-answers.yml")


def rename_answer(old: str, new: str) -> None:
    text = ANSWERS_FILE.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    answers = yaml.safe_load(text)
    if old in answers and new not in answers:
        answers[new] = answers.pop(old)
    ANSWERS_FILE.write_text(
        header + yaml.safe_dump(answers, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rename = commands.add_parser("rename-answer", help="rename a recorded answer")
    rename.add_argument("old")
    rename.add_argument("new")
    arguments = parser.parse_args()
    rename_answer(arguments.old, arguments.new)


if __name__ == "__main__":
    main()
