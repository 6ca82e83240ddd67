"""Checking the result: the template's pre-commit hooks on the adopted repo, never a red first push.

Every hook of the template's .pre-commit-config.yaml runs, one at a time, in a clone of the
adopted repo (their fixes land there, not in the repo), as `nox -s lint` and CI will run them.
A rule or file the repo's existing code breaks is left off for it, never changed:

- ruff-check: the rule codes it reports go into ruff's `ignore` list;
- ruff-format: the files it would lay out otherwise go into ruff's format `exclude` (the
  repo's code keeps its formatter's layout, the template's files keep theirs);
- any other hook: the files it fails on go into that hook's `exclude` in .pre-commit-config.yaml.

Then every hook runs once more on the result, which the summary reports. The hooks run with
prek, as the generated repo runs them (same config; environments built by uv): it installs their
environments into its store (~/.cache/prek), where `nox -s lint` and `prek install` find them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from lab_template.adoption import repo as git_repo

CONFIG = ".pre-commit-config.yaml"
# mypy's cache, shared by the clones the hooks run in (each would otherwise check from scratch).
MYPY_CACHE = Path(tempfile.gettempdir()) / "lab-template-adoption" / "mypy-cache"
# A ruff finding's rule code, where ruff's output names it: at the start of a finding (its full
# format), after `file:line:col:` (its concise format), or in --show-fixes' "2 × I001" lines; prek
# indents a hook's output. (Codes elsewhere, as in "Unused `noqa` directive (non-enabled: SIM101)",
# are not findings.)
RULE_CODE = re.compile(r"(?:^[ \t]*(?:\S+:\d+:\d+: )?|\d+ × )([A-Z]{1,4}[0-9]{2,4})\b", re.MULTILINE)
_HOOK_LINE = re.compile(r"^(?P<indent>\s*)- id: (?P<id>\S+)\s*$")


@dataclass
class Lint:
    """What the hooks said, and what adoption left off for the repo's code."""

    ran: bool = False
    error: str | None = None
    ignored_rules: list[str] = field(default_factory=list)
    unformatted: list[str] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    still_failing: dict[str, str] = field(default_factory=dict)


def prek_command() -> str | None:
    """prek where copier runs: installed beside its Python (a venv, pipx), or on PATH."""
    beside = Path(sys.executable).with_name("prek")
    return str(beside) if beside.is_file() else shutil.which("prek")


def _prek(work: Path, *args: str) -> subprocess.CompletedProcess:
    """prek with these arguments in work; `run` with the manual stage too, as `nox -s lint` (CI)
    runs the hooks: those that run in CI only are as red there."""
    if args[:1] == ("run",):
        args = ("run", "--stage", "manual", *args[1:])
    return subprocess.run(
        [prek_command() or "prek", *args],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
        env={
            **git_repo.environment(),
            "NO_COLOR": "1",
            "SKIP": "",
            "MYPY_CACHE_DIR": str(MYPY_CACHE),
        },
    )


def _reset(work: Path) -> None:
    git_repo.run_git(work, "checkout", "--quiet", "--", ".")
    git_repo.run_git(work, "clean", "--quiet", "-d", "--force", "--", ".")


def _failures(
    work: Path, files: list[str], hooks: list[str] | None = None
) -> dict[str, tuple[list[str], str]]:
    """The hooks (all, or those named) on every file: those that fail, each with the files it
    fails on (those it changes, or names in a finding) and its output."""
    outputs = (
        [_prek(work, "run", "--all-files")]
        if hooks is None
        else [_prek(work, "run", h, "--all-files") for h in hooks]
    )
    _reset(work)
    found = {}
    for result in outputs:
        if result.returncode == 0:
            continue
        for hook, output, changed_files in _sections(result.stdout + result.stderr):
            changed: list[str] = []
            if changed_files:  # a fixer: which files it changes, it alone
                _prek(work, "run", hook, "--all-files")
                changed = [
                    p
                    for p in (git_repo.git(work, "diff", "--name-only", "--relative") or "").splitlines()
                    if p
                ]
                _reset(work)
            found[hook] = (sorted(set(changed) | {p for p in files if _names_a_finding(output, p)}), output)
    return found


def _sections(output: str) -> list[tuple[str, str, bool]]:
    """(hook id, its output, whether it changed files) for every hook that failed."""
    sections = []
    parts = re.split(r"^- hook id: (\S+)\s*$", output, flags=re.MULTILINE)
    for hook, text in zip(parts[1::2], parts[2::2]):
        # The section ends where the next hook's status line ("name.....Passed") starts.
        text = re.split(
            r"^.*\.{3,}\s*(\(no files to check\))?(Passed|Failed|Skipped)\s*$", text, flags=re.MULTILINE
        )[0]
        sections.append((hook, text, "- files were modified by this hook" in text))
    return sections


def _names_a_finding(output: str, path: str) -> bool:
    """Whether a hook's output reports a finding in path: `path:12:`, `--> path:12`, `"path", line`,
    `In path line 12` (a bare mention, as in "checked path", does not count)."""
    return (
        re.search(rf"(?:^|[\s'\"(>]){re.escape(path)}(?::\d|::|\", line| line \d|: )", output, re.MULTILINE)
        is not None
    )


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def run_hooks(repo: Path) -> tuple[Lint, dict[str, tuple[list[str], str]]]:
    """Every hook on a clone of the adopted repo; the failures of each."""
    lint = Lint()
    with tempfile.TemporaryDirectory(prefix="lab-template-lint-") as scratch:
        work = git_repo.clone_with_working_tree(repo, Path(scratch) / "repo", "Adopt the lab template")
        installed = _prek(work, "prepare-hooks")
        if installed.returncode:
            lint.error = f"could not install the hooks: {_tail(installed.stdout + installed.stderr, 2)}"
            return lint, {}
        lint.ran = True
        return lint, _failures(work, git_repo.committed_files(work))


# The hooks that check the files in which adoption leaves things off.
CONFIG_HOOKS = {CONFIG: ["check-yaml"], "ruff": ["check-toml", "validate-pyproject"]}
# Hooks that follow imports: left off for a file, they still report it through the files that
# import it, so they are left off for all of the project's code at once.
WHOLE_CODE_HOOKS = {"mypy"}


def verify(repo: Path, hooks: list[str], edited: set[str]) -> dict[str, tuple[list[str], str]]:
    """The hooks that still fail on the adopted repo, among those that failed and those that
    check the configuration adoption changed (every other hook passed already)."""
    checks = [h for files in edited for h in CONFIG_HOOKS[files] if h not in hooks]
    with tempfile.TemporaryDirectory(prefix="lab-template-lint-") as scratch:
        work = git_repo.clone_with_working_tree(repo, Path(scratch) / "repo", "Adopt the lab template")
        return _failures(work, git_repo.committed_files(work), [*hooks, *checks])


# --- Leaving rules and files off ---------------------------------------------------------------------


EXCLUDE_COMMENT = "# The repo's own files that break this hook (left off on adoption)."


def exclude_files(config_text: str, hook: str, files: list[str]) -> str:
    """The pre-commit config with files added to one hook's `exclude`, one per line."""
    lines = config_text.splitlines()
    for number, line in enumerate(lines):
        match = _HOOK_LINE.match(line)
        if not match or match["id"] != hook:
            continue
        key_indent = match["indent"] + "  "
        end = number + 1
        while end < len(lines) and lines[end].startswith(key_indent) and not _HOOK_LINE.match(lines[end]):
            end += 1
        alternatives: list[str] = []
        for index in range(number + 1, end):
            if not lines[index].strip().startswith("exclude:"):
                continue
            value = lines[index].split(":", 1)[1].strip()
            stop = index + 1
            if value == "|":  # the block this function writes: one alternative a line
                while stop < end and lines[stop].startswith(key_indent + " "):
                    stop += 1
                alternatives = [l.strip().rstrip("|") for l in lines[index + 1 : stop]][1:-1]
            else:
                plain = re.fullmatch(r"\^(.*)\$", value)
                alternatives = [plain.group(1) if plain else f"(?:{value})"]
            first = index - 1 if lines[index - 1].strip() == EXCLUDE_COMMENT else index
            del lines[first:stop]
            break
        new = [re.escape(path) + (".*" if path.endswith("/") else "") for path in files]
        alternatives += [alternative for alternative in new if alternative not in alternatives]
        folders = [a.removesuffix(".*") for a in alternatives if a.endswith("/.*")]
        alternatives = [
            a for a in alternatives if not any(a != f + ".*" and a.startswith(f) for f in folders)
        ]
        block = [
            f"{key_indent}{EXCLUDE_COMMENT}",
            f"{key_indent}exclude: |",
            f"{key_indent}  (?x)^(",
            *(
                f"{key_indent}    {alternative}{'|' if i < len(alternatives) - 1 else ''}"
                for i, alternative in enumerate(alternatives)
            ),
            f"{key_indent}  )$",
        ]
        lines[number + 1 : number + 1] = block
        return "\n".join(lines) + "\n"
    return config_text


def _ruff_config(repo: Path) -> tuple[Path, list[str]]:
    """The file that holds ruff's settings, and the key path of its tables in it."""
    for name in ("ruff.toml", ".ruff.toml"):
        if (repo / name).is_file():
            return repo / name, []
    return repo / "pyproject.toml", ["tool", "ruff"]


def leave_off_in_ruff(repo: Path, rules: list[str], unformatted: list[str]) -> None:
    import tomlkit

    path, keys = _ruff_config(repo)
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    table = document
    for key in keys:
        table = table.setdefault(key, tomlkit.table())

    def extend(section: str, key: str, values: list[str], multiline: bool) -> None:
        listed = table.setdefault(section, tomlkit.table()).setdefault(key, tomlkit.array())
        listed.extend([value for value in dict.fromkeys(values) if value not in listed])
        listed.multiline(multiline or len(listed) > 6)

    if rules:
        extend("lint", "ignore", rules, multiline=False)
    if unformatted:
        extend("format", "exclude", unformatted, multiline=True)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")


def apply(repo: Path, failures: dict[str, tuple[list[str], str]], lint: Lint) -> set[str]:
    """Leave off, in the repo's files, what each hook failed on; the configurations edited."""
    config = repo / CONFIG
    text = original = config.read_text(encoding="utf-8")
    for hook, (files, output) in failures.items():
        if hook == "ruff-check":
            lint.ignored_rules += [
                c for c in sorted(set(RULE_CODE.findall(output))) if c not in lint.ignored_rules
            ]
        elif hook == "ruff-format":
            lint.unformatted += [f for f in files if f not in lint.unformatted]
        elif files:
            text = exclude_files(text, hook, files)
            listed = lint.excluded.setdefault(hook, [])
            listed += [f for f in files if f not in listed]
            folders = [f for f in listed if f.endswith("/")]
            listed[:] = [f for f in listed if not any(f != d and f.startswith(d) for d in folders)]
    edited = set()
    if text != original:
        config.write_text(text, encoding="utf-8")
        edited.add(CONFIG)
    if "ruff-check" in failures or "ruff-format" in failures:
        leave_off_in_ruff(repo, lint.ignored_rules, lint.unformatted)
        edited.add("ruff")
    return edited


def _widened(config_text: str, hook: str, own: list[str], named: list[str]) -> list[str]:
    """The repo's own files that a hook looks at (its `files` pattern) and that are like those
    it failed on (named: in the same top folders, with the same suffixes), whole folders where
    that is all of them: for a hook that follows imports, or stops at one bad file."""
    config = yaml.safe_load(config_text) or {}
    hooks = [h for r in config.get("repos", []) for h in r.get("hooks", []) if h.get("id") == hook]
    pattern = hooks[0].get("files", "") if hooks else ""
    suffixes = {PurePosixPath(p).suffix for p in named if not p.endswith("/")}
    tops = {p.split("/")[0] for p in named if "/" in p}

    def alike(path: str) -> bool:
        if not named:
            return True
        suffix_alike = not suffixes or PurePosixPath(path).suffix in suffixes
        return suffix_alike and (path.split("/")[0] in tops or path in named)

    chosen = [path for path in own if re.search(pattern, path) and alike(path)]
    candidates = {path.split("/")[0] for path in chosen if "/" in path}
    whole = {
        f
        for f in candidates
        if all(p in chosen for p in own if p.startswith(f + "/") and re.search(pattern, p) and alike(p))
    }
    return sorted({f"{f}/" for f in whole} | {p for p in chosen if p.split("/")[0] not in whole})


RUFF_HOOKS = ("ruff-check", "ruff-format")  # left off by rule or by file in ruff's own settings


def check(repo: Path, own: list[str]) -> Lint:
    """Run the hooks, leave off what the repo's own files (own: those committed before adoption)
    break, and run them again. What the first round leaves off is exact (the files and rules the
    hooks report); a hook that still fails is left off for all the repo's files like those."""
    lint = Lint()
    try:
        lint, failures = run_hooks(repo)
        if not lint.ran:
            return lint
        config = (repo / CONFIG).read_text(encoding="utf-8")
        if failures:
            exact = {
                hook: (_widened(config, hook, own, files), output)
                if hook in WHOLE_CODE_HOOKS
                else (files, output)
                for hook, (files, output) in failures.items()
            }
            failures = verify(repo, list(failures), apply(repo, exact, lint))
        if failures:
            wider = {
                hook: (files, output)
                if hook in RUFF_HOOKS
                else (_widened(config, hook, own, [*lint.excluded.get(hook, []), *files]), output)
                for hook, (files, output) in failures.items()
            }
            failures = verify(repo, list(failures), apply(repo, wider, lint))
        lint.still_failing = {hook: _tail(output) for hook, (_, output) in failures.items()}
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        lint.error = f"could not run the hooks: {error}"
    return lint
