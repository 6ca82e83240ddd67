"""Update this repo from the lab template on a branch, ready for a pull request.

    python tools/template_update.py --check
    python tools/template_update.py [--branch template-update] [--output DIR] [--vcs-ref REF]

`--check` only checks that copier can update this repo (the answers file, the template's
address and the version recorded there), and says in one line what to fix if not: run it
before `copier update`, whose own errors about these are tracebacks.

Otherwise, on a clean checkout: makes the branch from the current commit, runs `copier update`
to the template's newest release (or REF), and commits the result there. DIR then holds the
pull request's `title.txt` and `body.md` (the template's CHANGELOG entries since this repo's
version, and every file or answer that needs a hand) and `update.patch`, the branch's change.
With nothing to update there is no branch and DIR stays empty. The workflow
.github/workflows/template-update.yml runs it each week and opens the pull request; run by
hand, it does the same without pushing.

Needs git, and copier, copier-template-extensions, tomlkit and packaging (pinned with hashes in
tools/template-update-requirements.txt); otherwise the standard library.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from packaging.version import InvalidVersion, Version

# PyYAML comes with copier; imported by name, so that type checkers need no stubs for it.
yaml = importlib.import_module("yaml")

ROOT = Path(__file__).resolve().parent.parent
ANSWERS_FILE = ROOT / ".copier-answers.yml"
# copier's shortcuts for template addresses (copier records the address as it was typed).
SHORTCUTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
REMOTE = ("gh:", "gl:", "git@", "git+", "http://", "https://", "ssh://", "file://")
# Lines that the template's update steps print for what needs a hand (its "before" migrations,
# an answer they changed; its last step, files and answers).
REPORT_LINE = re.compile(r"^(changed|omitted|moved|kept|conflict) ")
VERSION_HEADING = re.compile(r"^## \[?v?([^\]\s]+)\]?")
MARKERS = ("<<<<<<< before updating", ">>>>>>> after updating")


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def git(*args: str, check: bool = True, cwd: Path = ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode:
        fail(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def version_of(ref: str) -> Version | None:
    """A template version as copier reads one: a tag ('v1.2.0'), or `git describe` of a commit
    after a tag ('v1.2.0-3-gabc1234', after 1.2.0); None for a bare commit hash."""
    if match := re.fullmatch(r"(.+)-(\d+)-g([0-9a-f]+)", ref):
        base, count, commit = match.groups()
        ref = f"{base}.post{count}+g{commit}"
    try:
        return Version(ref)
    except InvalidVersion:
        return None


# --- What copier needs to update this repo ---------------------------------------------------------


def last_good_answers() -> str | None:
    """The newest commit whose answers file is a mapping, to restore it from."""
    for commit in git("log", "--format=%h", "--", ANSWERS_FILE.name).split():
        try:
            if isinstance(yaml.safe_load(git("show", f"{commit}:{ANSWERS_FILE.name}")), dict):
                return commit
        except yaml.YAMLError:
            continue
    return None


def restore_hint() -> str:
    commit = last_good_answers()
    if commit:
        return f"restore its last good version: git checkout {commit} -- {ANSWERS_FILE.name}"
    return f"`git log -p -- {ANSWERS_FILE.name}` shows its versions"


def read_answers() -> dict[str, Any]:
    name = ANSWERS_FILE.name
    if Path.cwd().resolve() != ROOT:
        fail(f"run this, and copier update, in the repo's top folder, where {name} is: cd {ROOT}")
    if not ANSWERS_FILE.is_file():
        fail(
            f"{name} is missing, so copier cannot tell which template made this repo; {restore_hint()}"
        )
    try:
        answers = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        fail(f"{name} is not valid YAML{line}; {restore_hint()}")
    if not isinstance(answers, dict):
        what = (
            "empty" if answers is None else f"a {type(answers).__name__}, not the answers by name"
        )
        fail(f"{name} is {what}; {restore_hint()}")
    return answers


def template_address(source: str) -> str:
    for prefix, address in SHORTCUTS.items():
        if source.startswith(prefix):
            return address + source.removeprefix(prefix)
    return source


def clone_template(source: str, folder: Path) -> Path:
    """A clone of the template, without a working tree, to read its tags and files."""
    clone = folder / "template"
    result = subprocess.run(
        [
            "git",
            "clone",
            "--quiet",
            "--no-checkout",
            "--filter=blob:none",
            template_address(source),
            clone,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        fail(
            f"{ANSWERS_FILE.name}: the template at _src_path {source!r} cannot be cloned "
            f"({result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'git failed'}); "
            "point _src_path at its git URL (such as gh:<org>/<template>) or the absolute path of a "
            "clone, commit, then update"
        )
    return clone


def check(answers: dict[str, Any], folder: Path) -> Path:
    """Check what copier needs (one line naming the problem and the fix); the template's clone."""
    name = ANSWERS_FILE.name
    source, commit = answers.get("_src_path"), answers.get("_commit")
    set_source = (
        "set _src_path in it to the template's git URL (such as gh:<org>/<template>) or the absolute "
        "path of a clone, commit, then update"
    )
    if not source or not isinstance(source, str):
        fail(f"{name} has no _src_path, so copier cannot tell where the template is; {set_source}")
    if not source.startswith(REMOTE):
        path = Path(source).expanduser()
        if not path.is_absolute():
            fail(
                f"{name}: _src_path {source!r} is a relative path, which copier reads from here; {set_source}"
            )
        if not path.is_dir():
            fail(
                f"{name}: _src_path {source!r} does not exist (the template moved?); {set_source}"
            )
        top = git("-C", str(path), "rev-parse", "--show-toplevel", check=False).strip()
        if not top or Path(top).resolve() != path.resolve():
            fail(f"{name}: _src_path {source!r} is not a git repository of its own; {set_source}")
    clone = clone_template(source, folder)
    if not commit or not isinstance(commit, str):
        fail(
            f"{name} has no _commit, the template version that made this repo (a bake from a download?); "
            "add the line `_commit: vX.Y.Z` with that version (`git tag` in the template lists them), "
            "commit, then update"
        )
    if not git("rev-parse", "--verify", "--quiet", commit + "^{commit}", check=False, cwd=clone):
        fail(
            f"{name}: _commit {commit!r} is not a tag or commit of the template at {source}; set it to "
            "the template version this repo was last updated to (`git tag` in the template lists them), "
            "commit, then update"
        )
    return clone


# --- The pull request ------------------------------------------------------------------------------


def newest_release(clone: Path) -> str | None:
    """The highest version tag of the template (PEP 440), pre-releases left out."""
    releases = [
        (version, tag)
        for tag in git("tag", "--list", cwd=clone).split()
        if (version := version_of(tag)) is not None and not version.is_prerelease
    ]
    return max(releases)[1] if releases else None


def changelog_entries(clone: Path, old: str, new: str) -> str | None:
    """The sections of the template's CHANGELOG.md at `new` for versions after `old`, up to
    `new`; for a template without release tags, its Unreleased section. None if unreadable."""
    shown = subprocess.run(
        ["git", "-C", str(clone), "show", f"{new}:CHANGELOG.md"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode:
        return None
    old_version, new_version = version_of(old), version_of(new)
    sections, keep = [], False
    for line in shown.stdout.splitlines():
        if line.startswith("## "):
            heading = VERSION_HEADING.match(line)
            label = heading[1] if heading else ""
            if new_version is None:
                keep = label.lower() == "unreleased"
            else:
                released = version_of(label)
                keep = (
                    released is not None
                    and released <= new_version
                    and (old_version is None or released > old_version)
                )
        if keep:
            sections.append("#" + line if line.startswith("#") else line)
    return "\n".join(sections).strip()


def pull_request_body(
    old: str, new: str, entries: str | None, report: list[str], branch: str = "template-update"
) -> str:
    def lines_of(kind: str) -> str:
        return "\n".join(f"- {line}" for line in report if line.startswith(kind + " "))

    intro = (
        f"Updates this repository from the lab template {old} to {new} "
        "(`copier update`, by `tools/template_update.py`)."
    )
    if entries is None:
        entries = f"The template's CHANGELOG.md at {new} could not be read."
    elif not entries:
        entries = f"The template's CHANGELOG.md has no entries for {new}."
    parts = [intro, "## What the template changed", entries]
    switch = f"`git fetch origin {branch} && git switch {branch}`"
    if changed := lines_of("changed"):
        parts += [
            "## Answers changed",
            "The update changed these answers of yours; check what each line asks:",
            changed,
        ]
    if omitted := lines_of("omitted"):
        parts += [
            "## Left out",
            (
                "You had deleted these: the update records them in `.copier-answers.yml`, and no "
                "update writes them again."
            ),
            omitted,
        ]
    if moved := lines_of("moved"):
        parts += ["## Moved with the package", moved]
    if kept := lines_of("kept"):
        parts += [
            "## Files kept",
            "The update would have deleted these files, which you had changed; they are still here:",
            kept,
        ]
    if conflicts := lines_of("conflict"):
        parts += [
            "## Conflicts",
            (
                f"These files need a hand before merging. On this branch ({switch}), edit each to "
                f"what it should say, without the lines `{MARKERS[0]}`, `=======` and `{MARKERS[1]}` "
                f"(`git grep -n -e '^{MARKERS[0]}' -e '^{MARKERS[1]}'` finds them); where a `.rej` "
                "file holds your change, apply it by hand and `git rm` the `.rej` file. Then "
                '`git commit -am "Resolve the template update" && git push`.'
            ),
            conflicts,
        ]
    review = (
        "Read the diff, run the tests, and merge. Once you push to this branch, the weekly "
        "run leaves it to you until it is merged or closed."
    )
    parts += ["## Review", review]
    return "\n\n".join(parts) + "\n"


def update(branch: str, output: Path, vcs_ref: str | None) -> None:
    if git("status", "--porcelain"):
        fail("commit or stash your changes first: copier updates only a clean repo")
    answers = read_answers()
    with tempfile.TemporaryDirectory(prefix="template-") as folder:
        clone = check(answers, Path(folder))
        old = answers["_commit"]
        # A template without releases: its newest commit.
        target = vcs_ref or newest_release(clone) or "HEAD"
        old_version, target_version = version_of(old), version_of(target)
        if vcs_ref is None and old_version and target_version and target_version <= old_version:
            print(
                f"Up to date with the template's newest release, {target} (this repo is at {old}): no branch made."
            )
            return
        start = git("rev-parse", "--abbrev-ref", "HEAD").strip()
        start = start if start != "HEAD" else git("rev-parse", "HEAD").strip()
        base = git("rev-parse", "HEAD").strip()
        git("switch", "--quiet", "--force-create", branch)
        command = [
            sys.executable,
            "-m",
            "copier",
            "update",
            "--trust",
            "--defaults",
            "--conflict",
            "inline",
        ]
        result = subprocess.run(
            [*command, "--vcs-ref", target], cwd=ROOT, capture_output=True, text=True, check=False
        )
        report = [line for line in result.stderr.splitlines() if REPORT_LINE.match(line)]
        conflicted = any(line.startswith("conflict ") for line in report)
        if (result.returncode and not conflicted) or not git("status", "--porcelain"):
            git("reset", "--quiet", "--hard")
            git("clean", "--quiet", "--force", "-d")
            git("checkout", "--quiet", start)
            git("branch", "--quiet", "--delete", "--force", branch)
            if result.returncode:
                fail(f"copier update failed:\n{result.stderr.strip()}")
            print(f"Up to date with the template ({old}): no branch made.")
            return
        new = read_answers()["_commit"]
        title = f"Update from the lab template {old} to {new}"
        git("add", "--all")
        git("commit", "--quiet", "--no-verify", "--message", title)
        patch = git("diff", "--binary", base, "HEAD")
        git("checkout", "--quiet", start)
        output.mkdir(parents=True, exist_ok=True)
        (output / "title.txt").write_text(title + "\n", encoding="utf-8")
        body = pull_request_body(old, new, changelog_entries(clone, old, new), report, branch)
        (output / "body.md").write_text(body, encoding="utf-8")
        (output / "update.patch").write_text(patch, encoding="utf-8")
    print(f"{title}: committed on {branch}; pull request text and patch in {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that copier can update this repo, then exit",
    )
    parser.add_argument("--branch", default="template-update", help="the branch to (re)make")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(tempfile.gettempdir()) / "template-update",
        help="where to write title.txt, body.md and update.patch",
    )
    parser.add_argument(
        "--vcs-ref", help="a template tag or commit, instead of the newest release"
    )
    arguments = parser.parse_args()
    if arguments.check:
        with tempfile.TemporaryDirectory(prefix="template-") as folder:
            check(read_answers(), Path(folder))
        return
    update(arguments.branch, arguments.output.resolve(), arguments.vcs_ref)


if __name__ == "__main__":
    os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")  # a template that needs a password fails
    main()
