"""The end of every `copier update`: keep what it would delete of your work, and list its conflicts.

copier runs this as the last migration of each update (`_migrations` in copier.yml), in the
updated repo. copier updates only a clean repo, so HEAD is the repo as it was and the working
tree is the update.

- A file that is in HEAD but gone from the working tree was deleted by the update: the new
  template version, or a changed answer, no longer makes it. If the answers file now hands it
  to the repo (``omit``, or the example code where ``example_code`` is false), it is the repo's
  own and is restored without a word. Otherwise, if it differs from what the old version made
  from the old answers, it holds the user's work: it is restored, with one line saying so and
  what to do.
- Conflicts (files left unmerged by ``--conflict inline``, ``.rej`` files by ``--conflict rej``)
  are listed one a line, and the script exits 1: a conflicted update must not look like a clean
  one to a person or a script (``copier update && git commit -a`` stops).

Every line starts with "kept " or "conflict " (and a migration's, before the update, with
"changed "), which tools/template_update.py of a generated repo relies on. It runs in copier's
Python: standard library, PyYAML, copier and lab_template.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.render.file_kinds import example_code_folders

ANSWERS_FILE = ".copier-answers.yml"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def git_paths(command: str, *args: str) -> list[str]:
    return [path for path in git(command, "-z", *args).split("\0") if path]


def render_old_version(target: Path) -> Path:
    """What the template version recorded in HEAD made from the answers recorded there."""
    from copier import run_copy  # only needed when the update deleted something

    answers = yaml.safe_load(git("show", f"HEAD:{ANSWERS_FILE}"))
    run_copy(
        answers["_src_path"],
        target,
        data={key: value for key, value in answers.items() if not key.startswith("_")},
        vcs_ref=answers["_commit"],
        defaults=True,
        unsafe=True,
        quiet=True,
        skip_tasks=True,
    )
    return target


def blob_of(path: Path) -> str:
    return git("hash-object", "--", str(path)).strip()


def handed_to_the_repo(answers: dict) -> Callable[[str], bool]:
    """Whether a path is one that the answers file says the template never writes.

    The template's example code folders where `example_code` is false, and what `omit` lists
    (lab_template/render/copier_questions.py).
    """
    prefixes = [str(path).rstrip("/") for path in answers.get("omit") or []]
    if answers.get("example_code") is False:
        prefixes += [folder.rstrip("/") for folder in example_code_folders(str(answers.get("package_name")))]
    return lambda path: any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def restore(path: str) -> None:
    git("restore", "--source=HEAD", "--staged", "--worktree", "--", path)


def keep_deleted_user_files() -> list[str]:
    """Restore the deleted files that are the repo's, or differ from the old template's; one line
    for each of the latter."""
    deleted = [p for p in git_paths("diff", "--name-only", "--diff-filter=D", "HEAD") if p != ANSWERS_FILE]
    new_answers = yaml.safe_load(Path(ANSWERS_FILE).read_text(encoding="utf-8"))
    the_repos = handed_to_the_repo(new_answers)
    for path in [p for p in deleted if the_repos(p)]:
        restore(path)
        deleted.remove(path)
    if not deleted:
        return []
    # A file that a migration moved is deleted here and new elsewhere with the same content.
    moved = {blob_of(Path(p)) for p in git_paths("ls-files", "--others", "--exclude-standard")}
    new_version = new_answers.get("_commit", "")
    lines = []
    with tempfile.TemporaryDirectory(prefix="template-before-update-") as folder:
        try:
            old = render_old_version(Path(folder) / "repo")
            why = "it has your changes"
        except Exception as error:  # noqa: BLE001 - then every deleted file is kept
            print(f"could not render the template version this repo was made from: {error}", file=sys.stderr)
            old, why = None, "it may have your changes"
        for path in deleted:
            head_blob = git("rev-parse", f"HEAD:{path}").strip()
            made = old / path if old else None
            if head_blob in moved or (made and made.is_file() and blob_of(made) == head_blob):
                continue
            restore(path)
            lines.append(
                f"kept {path}: {why}, and template {new_version} with your answers no longer makes "
                f"it; move what you still need, then `git rm {path}`"
            )
    return lines


def conflicts() -> list[str]:
    unmerged = dict.fromkeys(git_paths("diff", "--name-only", "--diff-filter=U"))
    lines = [
        f"conflict {path}: you and the template changed the same lines; edit it to what it should "
        f"say, remove the <<<<<<< ======= >>>>>>> lines, then `git add {path}`"
        for path in unmerged
    ]
    # Ignored ones too: a repo may ignore *.rej.
    for rejected in git_paths("ls-files", "--others", "--", "*.rej"):
        path = rejected.removesuffix(".rej")
        lines.append(
            f"conflict {path}: it has the template's version; your change that no longer applies "
            f"is in {rejected}: apply it by hand, then delete {rejected}"
        )
    return lines


def main() -> int:
    kept = keep_deleted_user_files()
    conflicted = conflicts()
    for line in kept + conflicted:
        print(line, file=sys.stderr)
    if conflicted:
        print(
            f"copier update left {len(conflicted)} conflicted file(s), listed above: resolve them, "
            "review with `git diff`, then commit",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
