"""The end of every `copier update`: put right what it cannot know, and report what needs a hand.

copier runs this as the last migration of each update (`_migrations` in copier.yml), in the
updated repo. copier updates only a clean repo, so HEAD is the repo as it was, with the answers
it was made from, and the working tree is the update with the new answers.

- **Handed to the repo**: a file the update deleted that the new answers hand to the repo
  (``omit``, or the example code where ``example_code`` is false) is restored without a word.
- **Removed by you**: what the template version recorded in HEAD makes but HEAD lacks, you
  deleted. It is recorded under ``omit`` in the answers file, so that no later update writes
  there (a whole folder if you deleted all of it, new files in it included); files this update
  added there go again. One ``omitted`` line says so, once, with the command that takes it back.
- **A renamed package**: when ``package_name`` changed, what is left in the old package folder
  (your modules, the template's files you had changed) moves into the new one; your changes to
  the template's files are merged into the new version. One ``moved`` line per file.
- **Kept**: a file the update deleted that differs from what the old version made from the old
  answers holds your work: it is restored, with one ``kept`` line.
- **Conflicts**: files left unmerged by ``--conflict inline`` (or holding its markers), ``.rej``
  files of ``--conflict rej``. A notebook never keeps inline markers (that is not JSON any
  more): it takes the template's version with your changes that still apply, and the rest goes
  to ``<notebook>.rej``, as ``--conflict rej`` does.
- **Answers no longer accepted** (run as ``update_report.py before``, the last "before"
  migration): copier forgets a recorded answer that this version refuses and takes the
  default; one ``changed`` line says so, with the command for another value.

Every line starts with "changed ", "omitted ", "moved ", "kept " or "conflict " (as does a
"before" migration's, lab_template/tasks/migrate.py, with "changed "), which
tools/template_update.py of a generated repo relies on. With conflicts, the update fails: the
template's closing message (copier.yml's ``_message_after_update``) ends it with one line and
exit status 1, so a conflicted update cannot look like a clean one to a person or a script
(``copier update && git commit -a`` stops). copier skips that message under ``--quiet``: there
this script exits 1 itself. It runs in copier's Python: standard library, PyYAML, copier and
lab_template.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script, by its path

from lab_template.render import validation
from lab_template.render.copier_checks import closing_line, conflicts
from lab_template.render.file_kinds import example_code_folders

ANSWERS_FILE = ".copier-answers.yml"
ANSWERS_HEADER = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"
# A copyright year, the one thing that differs between a file made in an earlier year and the
# same file rendered again today.
YEAR = re.compile(rb"\b(19|20)\d\d\b")


def git(*args: str, check: bool = True, stdin: str | None = None) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=check, input=stdin).stdout


def git_paths(command: str, *args: str) -> list[str]:
    return [path for path in git(command, "-z", *args).split("\0") if path]


def read_answers(text: str) -> dict:
    answers = yaml.safe_load(text)
    return answers if isinstance(answers, dict) else {}


def write_answers(answers: dict) -> None:
    """The answers file as copier writes it (its header, then the answers, sorted)."""
    body = yaml.safe_dump(answers, sort_keys=True, allow_unicode=True, default_flow_style=False)
    Path(ANSWERS_FILE).write_text(ANSWERS_HEADER + body, encoding="utf-8")


def under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def handed_to_the_repo(answers: dict) -> Callable[[str], bool]:
    """Whether a path is one that the answers file says the template never writes.

    The template's example code folders where `example_code` is false, and what `omit` lists
    (lab_template/render/copier_questions.py).
    """
    prefixes = [str(path) for path in answers.get("omit") or []]
    if answers.get("example_code") is False:
        prefixes += example_code_folders(str(answers.get("package_name")))
    return lambda path: under(path, prefixes)


class Update:
    """The repo as it was (HEAD) and as the update left it (the working tree)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.old_answers = read_answers(git("show", f"HEAD:{ANSWERS_FILE}"))
        self.new_answers = read_answers(Path(ANSWERS_FILE).read_text(encoding="utf-8"))
        self.version = self.new_answers.get("_commit", "")
        self.head_files = set(git_paths("ls-tree", "-r", "--name-only", "HEAD"))
        self.deleted = [
            p for p in git_paths("diff", "--name-only", "--diff-filter=D", "HEAD") if p != ANSWERS_FILE
        ]
        self.added = git_paths("ls-files", "--others", "--exclude-standard")

    @functools.cached_property
    def old_render(self) -> Path | None:
        """What the template version recorded in HEAD made from the answers recorded there, as
        copier renders it for the update (its tasks included); None if it cannot be rendered
        (then every deleted file counts as possibly yours, and nothing as deleted by you)."""
        from copier import run_copy

        target = self.scratch / "old"
        answers = self.old_answers
        try:
            run_copy(
                answers["_src_path"],
                target,
                data={key: value for key, value in answers.items() if not key.startswith("_")},
                vcs_ref=answers["_commit"],
                defaults=True,
                unsafe=True,
                quiet=True,
            )
        # The template's own checks exit (an answer the old version does not know, say).
        except (Exception, SystemExit) as error:  # noqa: BLE001 - then every deleted file is kept
            print(f"could not render the template version this repo was made from: {error}", file=sys.stderr)
            return None
        return target

    @functools.cached_property
    def old_files(self) -> set[str]:
        old = self.old_render
        if old is None:
            return set()
        return {p.relative_to(old).as_posix() for p in old.rglob("*") if p.is_file() or p.is_symlink()}

    def made_unchanged(self, path: str) -> bool:
        """Whether HEAD's path is what the old version made (but for a copyright year)."""
        old = self.old_render
        made = old / path if old else None
        if made is None or not made.is_file():
            return False
        head = subprocess.run(["git", "show", f"HEAD:{path}"], capture_output=True, check=True).stdout
        made_bytes = made.read_bytes()
        return head == made_bytes or YEAR.sub(b"YEAR", head) == YEAR.sub(b"YEAR", made_bytes)


def restore(path: str) -> None:
    git("restore", "--source=HEAD", "--staged", "--worktree", "--", path)


def blob_of(path: Path) -> str:
    return git("hash-object", "--", str(path)).strip()


# --- What the repo owns, and what you deleted ----------------------------------------------------


def restore_handed_to_the_repo(update: Update) -> None:
    the_repos = handed_to_the_repo(update.new_answers)
    for path in [p for p in update.deleted if the_repos(p)]:
        restore(path)
        update.deleted.remove(path)


def _top_removed(path: str, update: Update) -> str:
    """The highest folder of path that you deleted whole ('<folder>/'), else path itself."""
    found = path
    for folder in PurePosixPath(path).parents:
        name = folder.as_posix()
        if name == "." or any(under(f, [name]) for f in update.head_files):
            break
        found = name + "/"
    return found


def _deleted_since_last_update(update: Update) -> bool:
    """Whether git shows a file deleted since (the parent of) the commit of the last update."""
    last = git("rev-list", "-1", "HEAD", "--", ANSWERS_FILE).strip()
    if not last:
        return False
    since = f"{last}^" if git("rev-list", "--parents", "-1", last).split()[1:] else last
    return bool(git("diff", "--name-only", "--diff-filter=D", since, "HEAD").strip())


def _added_where_head_has_nothing(update: Update) -> bool:
    folders = {PurePosixPath(p).parts[0] for p in update.added if len(PurePosixPath(p).parts) > 1}
    return any(not any(under(f, [folder]) for f in update.head_files) for folder in folders)


def record_what_you_removed(update: Update) -> list[str]:
    """Record under `omit` what the old version made and HEAD lacks; drop what this update
    added there. One `omitted` line per path newly recorded."""
    if not (update.deleted or _added_where_head_has_nothing(update) or _deleted_since_last_update(update)):
        return []  # nothing can have been removed: no need to render the old version
    already = handed_to_the_repo(update.new_answers)
    missing = sorted(p for p in update.old_files - update.head_files if p != ANSWERS_FILE and not already(p))
    removed = sorted({_top_removed(path, update) for path in missing})
    if not removed:
        return []
    lines = []
    left_out = [p for p in update.added if under(p, removed)]
    for added in left_out:
        Path(added).unlink()
        update.added.remove(added)
    omit = [*(update.new_answers.get("omit") or []), *removed]
    update.new_answers["omit"] = omit
    write_answers(update.new_answers)
    for path in removed:
        rest = ", ".join(p for p in omit if p != path)
        lines.append(
            f"omitted {path}: you deleted it, so .copier-answers.yml now lists it under omit and "
            f"no update writes it again; to have the template's version back: "
            f"copier update --trust --defaults --data 'omit=[{rest}]'"
        )
    for folder in sorted({str(Path(p).parent) for p in left_out}, key=len, reverse=True):
        _remove_empty_folders(Path(folder))
    return lines


def _remove_empty_folders(folder: Path) -> None:
    while folder != Path(".") and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- A renamed package -----------------------------------------------------------------------------


def _merge_into(target: Path, base: bytes, ours: bytes) -> bool:
    """Merge your version (ours, from base) into the template's new target; True if it conflicts."""
    with tempfile.TemporaryDirectory(prefix="package-move-") as folder:
        base_file, theirs_file = Path(folder) / "base", Path(folder) / "theirs"
        base_file.write_bytes(base)
        theirs_file.write_bytes(target.read_bytes())
        target.write_bytes(ours)
        result = subprocess.run(
            ["git", "merge-file", "-L", "before updating", "-L", "last update", "-L", "after updating",
             str(target), str(base_file), str(theirs_file)],
            capture_output=True, check=False,
        )  # fmt: skip
    return result.returncode != 0


def move_renamed_package(update: Update, kept: dict[str, str]) -> list[str]:
    """Move what is left in the old package folder into the new one, if package_name changed."""
    old, new = update.old_answers.get("package_name"), update.new_answers.get("package_name")
    if not old or not new or old == new or not Path(old).is_dir():
        return []
    lines = []
    for source in sorted(p for p in Path(old).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = source.relative_to(old)
        target = Path(new) / relative
        path = source.as_posix()
        kept.pop(path, None)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            source.rename(target)
            lines.append(
                f"moved {path} to {target.as_posix()}: package_name is now {new}; "
                f"update its imports of {old} (`git grep -n {old}` lists them)"
            )
            continue
        made = update.old_render / path if update.old_render else None
        base = made.read_bytes() if made and made.is_file() else b""
        conflicted = _merge_into(target, base, source.read_bytes())
        source.unlink()
        how = "with conflicts to resolve in it" if conflicted else "with your changes merged into it"
        lines.append(f"moved {path} to {target.as_posix()}: package_name is now {new}; {how}")
    _remove_empty_folders_below(Path(old))
    return lines


def _remove_empty_folders_below(root: Path) -> None:
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True
    ):
        if not any(folder.iterdir()):
            folder.rmdir()
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()


# --- Your work that the update would delete ----------------------------------------------------------


def keep_deleted_user_files(update: Update) -> dict[str, str]:
    """Restore the deleted files that differ from what the old version made: path -> line."""
    if not update.deleted:
        return {}
    # A file that a migration moved is deleted here and new elsewhere with the same content.
    moved = {blob_of(Path(p)) for p in update.added}
    why = "it has your changes" if update.old_render else "it may have your changes"
    kept = {}
    for path in update.deleted:
        head_blob = git("rev-parse", f"HEAD:{path}").strip()
        if head_blob in moved or update.made_unchanged(path):
            continue
        restore(path)
        kept[path] = (
            f"kept {path}: {why}, and template {update.version} with your answers no longer makes "
            f"it; move what you still need, then `git rm {path}`"
        )
    return kept


# --- Answers this version no longer accepts -------------------------------------------------------


def answers_no_longer_accepted() -> list[str]:
    """A recorded answer that this version refuses (a Python version it dropped) is forgotten by
    copier, which takes the default instead: one `changed` line each, with the command for
    another value.

    Run as the last "before" migration (`update_report.py before`), when the migrations that
    rewrite an answer to its successor (lab_template/tasks/migrate.py) have run, and before
    copier reads the answers again.
    """
    answers = read_answers(Path(ANSWERS_FILE).read_text(encoding="utf-8"))
    lines = []
    for field, old in answers.items():
        known = field in validation.RULES or field in validation.DECISION_RULES
        if known and (why := validation.answer_error(field, old)):
            lines.append(
                f"changed {field}: this template version no longer accepts {old!r} ({why}), so the "
                f"update takes its default (see .copier-answers.yml); for another value, run copier "
                f"update --trust --defaults --vcs-ref=:current: --data {field}=VALUE"
            )
    return lines


# --- Conflicts -------------------------------------------------------------------------------------


def _stage(path: str, number: int) -> bytes:
    result = subprocess.run(["git", "show", f":{number}:{path}"], capture_output=True, check=False)
    return result.stdout if result.returncode == 0 else b""


def notebooks_to_rej() -> None:
    """A conflicted notebook takes the template's version with your hunks that apply; the rest
    goes to <notebook>.rej, as with --conflict rej: inline markers would leave invalid JSON."""
    for path in git_paths("diff", "--name-only", "--diff-filter=U"):
        if not path.endswith(".ipynb"):
            continue
        base, yours, template = _stage(path, 1), _stage(path, 2), _stage(path, 3)
        git("reset", "--quiet", "--", path)
        Path(path).write_bytes(template)
        with tempfile.TemporaryDirectory(prefix="notebook-") as folder:
            for name, content in (("a", base), ("b", yours)):
                (Path(folder) / name / path).parent.mkdir(parents=True, exist_ok=True)
                (Path(folder) / name / path).write_bytes(content)
            diff = subprocess.run(
                ["git", "diff", "--no-index", "--no-prefix", "--no-color", f"a/{path}", f"b/{path}"],
                cwd=folder, capture_output=True, text=True, check=False,
            ).stdout  # fmt: skip
        applied = subprocess.run(
            ["git", "apply", "--reject", "-"], input=diff, text=True, capture_output=True, check=False
        )
        if applied.returncode and not Path(f"{path}.rej").exists():  # not one hunk could be tried
            Path(f"{path}.rej").write_text(diff, encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["before"]:
        for line in answers_no_longer_accepted():
            print(line, file=sys.stderr)
        return 0
    quiet = argv[:1] == ["True"]  # copier.yml passes `_copier_conf.quiet`
    with tempfile.TemporaryDirectory(prefix="template-before-update-") as scratch:
        update = Update(Path(scratch))
        restore_handed_to_the_repo(update)
        omitted = record_what_you_removed(update)
        kept = keep_deleted_user_files(update)
        moved = move_renamed_package(update, kept)
    notebooks_to_rej()
    conflicted = conflicts()
    for line in [*omitted, *moved, *kept.values(), *conflicted]:
        print(line, file=sys.stderr)
    if conflicted and quiet:
        print(closing_line(len(conflicted)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
