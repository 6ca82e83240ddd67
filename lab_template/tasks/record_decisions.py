"""Before every `copier update`: record the decisions that a repo made before the template
recorded them lacks.

The answers file records which of the template's files the repo takes (``example_code`` and
``omit``, lab_template/render/copier_questions.py). A repo made before it did records neither, and
copier would take their defaults from the repo as it is now, as for an adoption: the example code
and starter files the template wrote, and the user has edited since, would count as the repo's
own, and the template's changes to them would stop arriving. What decides is the repo as it was
when it took the template, the commit before the one that added the answers file:

- none (the template made the repo): the example code and every starter file are the template's;
- one (the repo adopted the template): it takes no example code if it had Python code of its
  own, and its starter files of then stay its own.

copier runs this first among the "before" migrations (`_migrations` in copier.yml), in the repo;
it reads the answers file again after them. Standard library, PyYAML and lab_template.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.adoption import repo as git_repo
from lab_template.render import file_kinds
from lab_template.render.copier_questions import DECISIONS
from lab_template.tasks.update_report import ANSWERS_FILE, read_answers, write_answers

PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def decisions_as_taken(repo: Path, package: str) -> dict:
    """example_code and omit as the repo was when it took the template."""
    taken = git_repo.first_answers_commit(repo)
    before = git_repo.committed_files(repo, f"{taken}^") if taken else []
    if not before:  # the template made the repo (or the history does not say otherwise)
        return {"example_code": True, "omit": []}
    starter = set(file_kinds.paths("starter", package)) - set(file_kinds.example_code(package))
    return {
        "example_code": not any(name in PROJECT_FILES or name.endswith(".py") for name in before),
        "omit": sorted(starter & set(before)),
    }


def main() -> int:
    answers = read_answers(Path(ANSWERS_FILE).read_text(encoding="utf-8"))
    if not answers or all(name in answers for name in DECISIONS):
        return 0
    decided = decisions_as_taken(Path.cwd(), str(answers.get("package_name", "")))
    answers.update((name, value) for name, value in decided.items() if name not in answers)
    write_answers(answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
