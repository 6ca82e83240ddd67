"""Update this repo from the lab template on a branch, ready for a pull request.

    python tools/template_update.py [--branch template-update] [--output DIR] [--vcs-ref REF]

On a clean checkout: makes the branch from the current commit, runs `copier update` to the
template's newest release (or REF), and commits the result there. DIR then holds the pull
request's `title.txt` and `body.md`: the template's CHANGELOG entries since this repo's version,
every answer the update changed and every file it kept or left conflicted. With nothing to update there is no branch and
DIR stays empty. The workflow .github/workflows/template-update.yml runs it each week and opens
the pull request; run by hand, it does the same without pushing.

Needs git, copier and copier-template-extensions; otherwise standard library only.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
ANSWERS_FILE = ROOT / ".copier-answers.yml"
# copier's shortcuts for template addresses (copier records the address as it was typed).
SHORTCUTS = {"gh:": "https://github.com/", "gl:": "https://gitlab.com/"}
# Lines that the template's update steps print: an answer its migration changed, a kept or a
# conflicted file.
REPORT_LINE = re.compile(r"^(changed|kept|conflict) ")
VERSION_HEADING = re.compile(r"^## \[?v?(\d+(?:\.\d+)*)\]?")


def fail(message: str) -> NoReturn:
    sys.exit(f"error: {message}")


def git(*args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if check and result.returncode:
        fail(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def recorded_answer(name: str) -> str:
    """One of the `_name: value` lines copier writes in .copier-answers.yml."""
    for line in ANSWERS_FILE.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key == name:
            return value.strip().strip("'\"")
    fail(f"{ANSWERS_FILE.name} has no {name}: is this repo made from the template?")


def version_key(version: str) -> tuple[int, ...]:
    """'v1.2.0' -> (1, 2, 0); a version copier recorded from a commit sorts by its release part."""
    match = re.match(r"v?(\d+(?:\.\d+)*)", version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def changelog_entries(source: str, old: str, new: str) -> str | None:
    """The sections of the template's CHANGELOG.md at `new` for versions after `old`, up to `new`.

    None if the template or its CHANGELOG.md cannot be read.
    """
    for prefix, address in SHORTCUTS.items():
        if source.startswith(prefix):
            source = address + source.removeprefix(prefix)
    with tempfile.TemporaryDirectory(prefix="template-") as clone:
        subprocess.run(
            ["git", "clone", "--quiet", "--no-checkout", "--filter=blob:none", source, clone],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        shown = subprocess.run(
            ["git", "-C", clone, "show", f"{new}:CHANGELOG.md"],
            capture_output=True,
            text=True,
            check=False,
        )
    if shown.returncode:
        return None
    sections, keep = [], False
    for line in shown.stdout.splitlines():
        if line.startswith("## "):
            heading = VERSION_HEADING.match(line)
            released = version_key(heading[1]) if heading else None
            keep = released is not None and version_key(old) < released <= version_key(new)
        if keep:
            sections.append("#" + line if line.startswith("#") else line)
    return "\n".join(sections).strip()


def pull_request_body(old: str, new: str, entries: str | None, report: list[str]) -> str:
    changed = [line for line in report if line.startswith("changed ")]
    kept = [line for line in report if line.startswith("kept ")]
    conflicts = [line for line in report if line.startswith("conflict ")]
    intro = (
        f"Updates this repository from the lab template {old} to {new} "
        "(`copier update`, by `tools/template_update.py`)."
    )
    if entries is None:
        entries = f"The template's CHANGELOG.md at {new} could not be read."
    elif not entries:
        entries = f"The template's CHANGELOG.md has no entries after {old}."
    parts = [intro, "## What the template changed", entries]
    if changed:
        parts += [
            "## Answers changed",
            "The update changed these answers of yours; check what each line asks:",
            "\n".join(f"- {line}" for line in changed),
        ]
    if kept:
        parts += [
            "## Files kept",
            "The update would have deleted these files, which you had changed; they are still here:",
            "\n".join(f"- {line}" for line in kept),
        ]
    if conflicts:
        parts += [
            "## Conflicts",
            "Resolve these on this branch before merging (`git diff --check` finds the markers):",
            "\n".join(f"- {line}" for line in conflicts),
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
    start = git("rev-parse", "--abbrev-ref", "HEAD").strip()
    start = start if start != "HEAD" else git("rev-parse", "HEAD").strip()
    old, source = recorded_answer("_commit"), recorded_answer("_src_path")
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
        command + (["--vcs-ref", vcs_ref] if vcs_ref else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
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
    new = recorded_answer("_commit")
    title = f"Update from the lab template {old} to {new}"
    git("add", "--all")
    git("commit", "--quiet", "--no-verify", "--message", title)
    git("checkout", "--quiet", start)
    output.mkdir(parents=True, exist_ok=True)
    (output / "title.txt").write_text(title + "\n", encoding="utf-8")
    body = pull_request_body(old, new, changelog_entries(source, old, new), report)
    (output / "body.md").write_text(body, encoding="utf-8")
    print(f"{title}: committed on {branch}; pull request text in {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branch", default="template-update", help="the branch to (re)make")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(tempfile.gettempdir()) / "template-update",
        help="where to write title.txt and body.md",
    )
    parser.add_argument(
        "--vcs-ref", help="a template tag or commit, instead of the newest release"
    )
    arguments = parser.parse_args()
    update(arguments.branch, arguments.output.resolve(), arguments.vcs_ref)


if __name__ == "__main__":
    main()
