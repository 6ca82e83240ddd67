"""The decisions copier records beside the answers (example_code, omit), as `copier copy` into an
existing repo takes them from it (lab_template/adoption/answers.py). A repo made before the
decisions were recorded gets them from its history on its next update instead
(lab_template/tasks/record_decisions.py, tested in test_update.py)."""

from __future__ import annotations

from pathlib import Path

from lab_template.adoption import answers as repo_answers
from support import ANSWERS_FILE, git_commit_all


def commit(repo: Path, message: str, **files: str) -> None:
    for name, text in files.items():
        path = repo / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git_commit_all(repo, message)


def test_a_repo_made_from_the_template_copied_over_again_keeps_what_the_user_changed(tmp_path):
    # The answers file came with the first commit, beside the example code and README it made.
    made = {ANSWERS_FILE: "_commit: v1\n", "pkg__stats.py": "", "README.md": "# Made\n"}
    commit(tmp_path, "Start from the lab template", **made)
    commit(tmp_path, "Work", **{"pkg__more.py": "", "README.md": "# Mine now\n"})
    says = repo_answers.repo_says(tmp_path)
    assert (says["example_code"], says["omit"]) == (True, ["README.md"])


def test_a_repo_with_code_of_its_own_takes_no_example_code_and_keeps_its_starter_files(tmp_path):
    commit(tmp_path, "Our code", **{"pkg__core.py": "", "README.md": "# Ours\n", "LICENSE": "MIT\n"})
    says = repo_answers.repo_says(tmp_path)
    assert (says["example_code"], says["omit"]) == (False, ["LICENSE", "README.md"])


def test_a_repo_that_adopted_the_template_before_the_decisions_keeps_its_code_its_own(tmp_path):
    commit(tmp_path, "Our code", **{"setup.py": "", "pkg__core.py": "", "README.md": "# Ours\n"})
    commit(tmp_path, "Adopt the lab template", **{ANSWERS_FILE: "_commit: v1\n"})
    says = repo_answers.repo_says(tmp_path)
    # Its code predates the template; its starter files were merged by then, not recorded.
    assert (says["example_code"], says["omit"]) == (False, [])


def test_a_folder_outside_git_decides_nothing(tmp_path):
    (tmp_path / "notes.txt").write_text("not a repo\n")
    says = repo_answers.repo_says(tmp_path)
    assert "example_code" not in says and "omit" not in says
