"""Before every `copier update`: record the decisions that a repo made before the template
recorded them lacks.

The answers file records which of the template's files the repo takes (``example_code`` and
``omit``, lab_template/render/copier_questions.py). A repo made before it did records neither;
copier would then take their defaults from the repo as it is now, where a repo made from the
template holds the example code and starter files the template wrote, as if they were its own.
What decides is the repo as it was when it took the template: the commit before the one that
added the answers file (none, for a repo made from the template), as adoption decides
(lab_template/render/repo_answers.py).

copier runs this first among the "before" migrations (`_migrations` in copier.yml), in the repo;
copier reads the answers file again after them. Standard library, PyYAML and lab_template.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.render.copier_questions import DECISIONS
from lab_template.render.repo_answers import before_the_template, had_own_project, own_starter_files
from lab_template.tasks.update_report import ANSWERS_FILE, read_answers, write_answers


def main() -> int:
    answers = read_answers(Path(ANSWERS_FILE).read_text(encoding="utf-8"))
    if not answers or all(name in answers for name in DECISIONS):
        return 0
    repo = Path.cwd()
    before = before_the_template(repo)
    decided = {
        "example_code": not had_own_project(repo, before) if before else True,
        "omit": own_starter_files(repo, answers.get("package_name"), before) if before else [],
    }
    answers.update((name, value) for name, value in decided.items() if name not in answers)
    write_answers(answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
