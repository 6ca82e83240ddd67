"""The repo as git knows it: adoption reads what is committed, never the folder's other files.

copier renders into the folder, so the folder changes under adoption's feet; HEAD does not.
The guard (lab_template/adoption/guard.py) makes sure that HEAD is everything there is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ANSWERS_FILE = ".copier-answers.yml"
# What git must not take from the caller's environment when it runs on another repo (copier's
# tasks inherit the environment of the shell, which may be inside a git hook).
_GIT_REPO_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX")


def environment() -> dict[str, str]:
    """os.environ without the variables that would point git at another repo."""
    return {key: value for key, value in os.environ.items() if key not in _GIT_REPO_VARIABLES}


def git(repo: Path, *args: str) -> str | None:
    """A git command's output in repo, or None if it fails (not a repo, no such object)."""
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, env=environment()
    )
    return result.stdout if result.returncode == 0 else None


def run_git(repo: Path, *args: str) -> str:
    """A git command's output in repo; a failure raises, with git's message."""
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, env=environment()
    )
    if result.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def head(repo: Path) -> str | None:
    """The full commit id of HEAD, or None before the first commit (or outside git)."""
    found = git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return found.strip() if found else None


def in_git_work_tree(path: Path) -> bool:
    return (git(path, "rev-parse", "--is-inside-work-tree") or "").strip() == "true"


def prefix(repo: Path) -> str:
    """Where repo is in its git work tree: '' at the top, else 'sub/folder/'."""
    return (git(repo, "rev-parse", "--show-prefix") or "").strip()


def uncommitted(repo: Path) -> list[str]:
    """Every path under repo that differs from HEAD (changed, staged, deleted or untracked),
    relative to repo."""
    status = git(repo, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".") or ""
    entries = [entry for entry in status.split("\0") if entry]
    paths, skip = [], False
    for entry in entries:
        if skip:  # the old name of a rename
            skip = False
            continue
        paths.append(entry[3:])
        skip = entry[0] in "RC"
    # git status names paths from the top of the work tree.
    where = prefix(repo)
    return [path.removeprefix(where) for path in paths]


def committed_files(repo: Path, commit: str = "HEAD") -> list[str]:
    """The files of the commit under repo, '/'-separated and relative to repo."""
    listed = git(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", commit)
    where = prefix(repo)
    files = [name for name in (listed or "").split("\0") if name]
    return [name.removeprefix(where) for name in files if name.startswith(where)]


def committed_text(repo: Path, path: str, commit: str = "HEAD") -> str | None:
    """A committed file's text, or None if the commit has no such file."""
    return git(repo, "show", f"{commit}:./{path}")


def first_answers_commit(repo: Path) -> str | None:
    """The commit that added the answers file (the one that took the template), if any."""
    # `git log`, not `git rev-list`, which takes no --diff-filter (and so never found one).
    added = git(repo, "log", "--format=%H", "--diff-filter=A", "HEAD", "--", ANSWERS_FILE)
    return added.split()[-1] if added and added.split() else None


def clone(repo: Path, target: Path) -> Path:
    """A clone of repo's HEAD in target, sharing its objects (nothing of repo changes)."""
    top = run_git(repo, "rev-parse", "--show-toplevel").strip()
    subprocess.run(
        ["git", "clone", "--quiet", "--shared", "--no-checkout", top, str(target)],
        check=True,
        capture_output=True,
        env=environment(),
    )
    run_git(target, "checkout", "--quiet", "--detach", head(repo) or "HEAD")
    # A project in a subfolder of a bigger repo: work in that subfolder of the clone.
    return target / prefix(repo)


def clone_with_working_tree(repo: Path, target: Path, message: str) -> Path:
    """A clone of repo with its uncommitted changes committed on top: what the repo will be once
    the user commits, in a folder of its own (builds and hooks then leave the repo alone)."""
    work = clone(repo, target)
    for path in uncommitted(repo):
        source, copy = repo / path, work / path
        if source.is_file() or source.is_symlink():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy, follow_symlinks=False)
        elif copy.is_file():
            copy.unlink()
    run_git(work, "add", "--all", ".")
    run_git(
        work,
        "-c",
        "user.name=Lab template",
        "-c",
        "user.email=lab-template@localhost",
        "commit",
        "--quiet",
        "--allow-empty",
        "--no-verify",
        "-m",
        message,
    )
    return work
