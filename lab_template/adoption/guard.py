"""Refuse to adopt a folder that adoption could damage, before copier writes anything.

copier writes the files while it renders them, so the checks run before: while copier asks its
questions (its "prompt" phase, in which every question's default and validator is rendered),
from a context hook that copier runs on every render. They apply only when copying into a
folder that already has files: a new folder, or the empty ones in which `copier update` renders
the old and new template versions, have nothing to lose. (`copier update` refuses a repo with
uncommitted changes itself; `copier recopy`, which overwrites as adoption does, is checked here.)

Adoption needs a git repo with at least one commit and nothing uncommitted (untracked files
included): the template overwrites and merges files, and HEAD is where the summary sends the
user to see and restore their versions. It also needs pyproject.toml and setup.cfg to parse,
and, for a repo with a Python project, the tools it runs where copier runs.

Every refusal is one line, ``error: <what is wrong>: <what to do>``, and exit status 1.
"""

from __future__ import annotations

import configparser
import importlib
import sys
from pathlib import Path
from typing import ClassVar

from copier_template_extensions import ContextHook

from lab_template.adoption import repo as git_repo
from lab_template.adoption.project import PROJECT_FILES, toml_loads

# What adopting a repo with a Python project runs in copier's environment (the README's install
# line names them too): tomlkit merges pyproject.toml, build makes the wheels it compares, and
# prek runs the template's hooks on the repo's own files (a program, not a module).
ADOPTION_TOOLS = {"tomlkit": "tomlkit", "build": "build"}


class Refusal(Exception):
    """What stops adoption, as the one line to print."""


def _has_files(folder: Path) -> bool:
    """Whether folder exists and holds anything but git's own folder."""
    try:
        return any(entry.name != ".git" for entry in folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return False


def _parse_error(folder: Path) -> str | None:
    """The message for a pyproject.toml or setup.cfg that does not parse, or None."""
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            toml_loads(pyproject.read_text(encoding="utf-8"))
        except Exception as error:  # noqa: BLE001 - each library has its own error type
            return (
                f"pyproject.toml does not parse ({str(error).splitlines()[0]}): fix it and commit, then adopt"
            )
    setup_cfg = folder / "setup.cfg"
    if setup_cfg.is_file():
        try:
            configparser.ConfigParser(interpolation=None).read_string(setup_cfg.read_text(encoding="utf-8"))
        except configparser.Error as error:
            return f"setup.cfg does not parse ({str(error).splitlines()[0]}): fix it and commit, then adopt"
    return None


def _missing_tools() -> list[str]:
    # Here, not at the top: the guard loads at every copier run, this runs only on adoption.
    from lab_template.adoption.lint import prek_command

    missing = []
    for module, package in ADOPTION_TOOLS.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if prek_command() is None:
        missing.append("prek")
    return missing


def check(dst_path: str | Path) -> None:
    """Raise Refusal if copying the template into dst_path could lose or damage anything."""
    folder = Path(dst_path)
    if not _has_files(folder):
        return
    # A repo that took the template already: `copier update` checked it is clean, and its
    # migrations may have rewritten the answers file since; a recopy is checked like adoption.
    took_it = (folder / git_repo.ANSWERS_FILE).is_file()
    commit = "git add --all && git commit -m 'Before the lab template'"
    if not git_repo.in_git_work_tree(folder):
        raise Refusal(
            f"{folder} is not in a git repository, and adoption overwrites files: "
            f"make it one with everything committed first (git init && {commit})"
        )
    if git_repo.head(folder) is None:
        raise Refusal(
            f"{folder} is a git repository without a commit, and adoption overwrites files: "
            f"commit everything first ({commit})"
        )
    changed = [
        path for path in git_repo.uncommitted(folder) if not (took_it and path == git_repo.ANSWERS_FILE)
    ]
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        raise Refusal(
            f"{folder} has uncommitted changes ({changed[0]}{more}), which adoption would overwrite: "
            "commit them, or put them aside with `git stash --include-untracked`, then adopt"
        )
    has_project = any((folder / name).is_file() for name in PROJECT_FILES)
    if not took_it and has_project and (missing := _missing_tools()):
        raise Refusal(
            f"adopting a Python project needs {', '.join(missing)} where copier runs: "
            f"pip install {' '.join(missing)} (or pipx inject copier {' '.join(missing)})"
        )
    if message := _parse_error(folder):
        raise Refusal(message)


def exit_on_refusal(dst_path: str | Path) -> None:
    """check(), with a refusal printed as one line and exit status 1."""
    try:
        check(dst_path)
    except Refusal as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        raise SystemExit(1) from None


class RefuseUnsafeAdoption(ContextHook):
    """copier's context hook: the checks above, once per copier run, in its prompt phase."""

    # The runs checked: each by its destination and the dict of its --data answers, which copier
    # makes once per run (`_copier_conf` itself is new at every render). The dicts are kept, so
    # that a later run's cannot take the same id.
    _checked: ClassVar[dict[tuple[str, int], object]] = {}

    def hook(self, context):
        conf = context.get("_copier_conf")
        if conf is None or str(context.get("_copier_phase")) != "prompt":
            return
        # Every render of the prompt phase comes here: check each destination once per run.
        data = conf["data"]
        key = (str(conf["dst_path"]), id(data))
        if key not in self._checked:
            exit_on_refusal(conf["dst_path"])
            self._checked[key] = data
