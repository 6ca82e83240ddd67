"""Checks that copier runs through the template's Jinja code, before it changes anything.

copier gives the template no hook of its own before a copy or an update; it renders the
template's strings in its own process, though, with the context it documents. The context hook
(lab_template/render/copier_namespace.py) calls these where that context tells what copier is
doing (``_copier_operation``, which copier gives the renders of ``_exclude``, tasks and
migrations, and ``_copier_phase``):

- ``at_copy``: on the first render of ``copier copy`` (``_exclude``, before any file is written):
  an answer to no question is refused; a bake that could never be updated says so.
- ``before_update``: when copier renders the "before" migrations of ``copier update``, after it
  rendered the repo's old template version in a temporary folder, before it touches the repo:
  an answer to no question is refused, as on copy, and so is an update of a repo whose last
  update left conflicts committed.
- ``update_outcome``: copier's closing message of an update (``_message_after_update``): the
  last line printed, exit status 1 if the update left conflicts.

Each refusal is one ``error:`` line and exit status 1. Standard library only, and copier's own
error type where copier runs.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

from lab_template.render import validation

# `copier update --conflict inline` marks a conflict with these lines (copier's labels).
CONFLICT_MARKERS = ("<<<<<<< before updating", ">>>>>>> after updating")
# Template addresses that are not local paths (copier's shortcuts and git's URL forms).
_REMOTE = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "file://")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def refuse(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


def refuse_unknown_questions(data) -> None:
    """`--data` (or `--data-file`) answers to no question: a misspelled name."""
    if message := validation.unknown_question_error(dict(data)):
        refuse(message)


@functools.cache
def at_copy(src_path: str, recorded_src: str, has_commit: bool, data_items: tuple) -> None:
    """Once per copy: refuse an answer to no question; warn if the repo could never be updated."""
    refuse_unknown_questions(dict(data_items))
    if not has_commit:
        print(
            f"warning: {src_path} is not a git repository of its own (a download, or a folder inside "
            "another git repo), so .copier-answers.yml records no template version and this repo "
            "cannot be updated from it later; copy from the template's git URL or a clone of it",
            file=sys.stderr,
        )
    elif not recorded_src.startswith(_REMOTE) and not Path(recorded_src).expanduser().is_absolute():
        print(
            f"warning: .copier-answers.yml records the template as the relative path {recorded_src!r}, "
            "which later updates, run in the repo, will not find; copy with the template's git URL "
            "or absolute path",
            file=sys.stderr,
        )


def committed_conflicts(repo: Path) -> list[str]:
    """The files of HEAD holding copier's conflict markers, or a .rej file."""
    markers = [argument for marker in CONFLICT_MARKERS for argument in ("-e", f"^{marker}$")]
    found = _git(repo, "grep", "--name-only", "-I", *markers, "HEAD").stdout.splitlines()
    rejected = _git(repo, "ls-tree", "-r", "--name-only", "HEAD").stdout.splitlines()
    return sorted(
        {name.removeprefix("HEAD:") for name in found} | {n for n in rejected if n.endswith(".rej")}
    )


@functools.cache
def before_update(dst_path: str, data_items: tuple) -> None:
    """Once per update: refuse an answer to no question, and an update over committed conflicts."""
    refuse_unknown_questions(dict(data_items))
    if files := committed_conflicts(Path(dst_path)):
        refuse(
            f"the last update's conflicts are committed, unresolved, in {', '.join(files)}: edit each to "
            "what it should say, without the lines "
            f"{CONFLICT_MARKERS[0]!r}, '=======' and {CONFLICT_MARKERS[1]!r} (or apply and delete the "
            ".rej file), commit, then update"
        )


def git_paths(*args: str) -> list[str]:
    command, *rest = args
    result = subprocess.run(["git", command, "-z", *rest], capture_output=True, text=True, check=True)
    return [path for path in result.stdout.split("\0") if path]


def conflicts() -> list[str]:
    """A line per conflicted file of the repo in the working directory, after an update:
    unmerged, holding copier's inline markers, or with a .rej file."""
    unmerged = dict.fromkeys(git_paths("diff", "--name-only", "--diff-filter=U"))
    changed = git_paths("diff", "--name-only", "HEAD") + git_paths(
        "ls-files", "--others", "--exclude-standard"
    )
    for path in changed:
        if path not in unmerged and Path(path).is_file():
            with Path(path).open("rb") as file:
                if any(line.rstrip() in {m.encode() for m in CONFLICT_MARKERS} for line in file):
                    unmerged[path] = None
    lines = [
        f"conflict {path}: you and the template changed the same lines; edit it to what it should "
        f"say and remove the lines {CONFLICT_MARKERS[0]!r}, '=======' and {CONFLICT_MARKERS[1]!r}"
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


def closing_line(conflicted: int) -> str:
    return (
        f"copier update left {conflicted} conflicted file(s), listed above: resolve them "
        "(then `git add` each), review with `git diff`, and commit"
    )


def update_outcome(dst_path) -> str:
    """The last line of an update; with conflicts, copier prints it as its error, and exits 1."""
    from copier.errors import UserMessageError

    repo = Path(str(dst_path)).resolve()
    here = os.getcwd()
    os.chdir(_git(repo, "rev-parse", "--show-toplevel").stdout.strip() or repo)
    try:
        conflicted = conflicts()
    finally:
        os.chdir(here)
    if conflicted:
        raise UserMessageError(closing_line(len(conflicted)))
    return "Review the update with `git status` and `git diff`, run the tests, then commit."
