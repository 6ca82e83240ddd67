"""The summary adoption prints: every answer and where it came from, what happened to each file,
what was merged, every difference between the wheels before and after, the hooks, what next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lab_template.adoption import repo as git_repo
from lab_template.adoption.answers import Found
from lab_template.adoption.check import Comparison
from lab_template.adoption.lint import Lint
from lab_template.adoption.project import Project
from lab_template.render import file_kinds, validation

# Versions from git tags before adoption too: the build requirements that say so.
VCS_VERSIONS = re.compile(
    r"setuptools[-_]scm|hatch-vcs|poetry-dynamic-versioning|setuptools-git-versioning|versioneer|pbr",
    re.IGNORECASE,
)


def section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"{title} ({len(items)}):", *(f"  {item}" for item in items)]


@dataclass
class Summary:
    """What adoption did, gathered as it goes."""

    project: Project
    answers: dict
    inferred: dict[str, Found]
    merged: list[str] = field(default_factory=list)
    recipe: list[str] = field(default_factory=list)
    wheels: Comparison | None = None
    lint: Lint | None = None
    seconds: float = 0.0
    before_seconds: float = 0.0

    @property
    def head(self) -> str:
        return self.project.head[:7]

    # --- The parts ----------------------------------------------------------------------------------

    def answer_lines(self) -> list[str]:
        lines = []
        defaults = validation.COOKIECUTTER_JSON
        for name, value in self.answers.items():
            if name.startswith("_") or name == "omit":
                continue
            found = self.inferred.get(name)
            if found is not None and found.value == value:
                source = found.source
            elif found is not None:
                source = f"given; the repo says {found.value!r} ({found.source})"
            elif (
                isinstance(defaults.get(name), list)
                and value == defaults[name][0]
                or value == defaults.get(name)
            ):
                source = "the template's default"
            else:
                source = "given, or the template's default from another answer"
            lines.append(f"{name}: {_yaml(value)} ({source})")
        return lines

    def file_lines(self) -> tuple[list[str], list[str], list[str], list[str]]:
        """Added, kept, replaced and also changed files."""
        root = self.project.root
        package = str(self.answers.get("package_name", ""))
        changed = git_repo.uncommitted(root)
        committed = set(self.project.files)
        added = sorted(p for p in changed if p not in committed and (root / p).exists())
        replaced = sorted(
            p for p in changed if p in committed and file_kinds.kind_of(p, package) == "infrastructure"
        )
        merged = set(file_kinds.paths("merged", package)) | {line.split(":")[0] for line in self.merged}
        other = sorted(p for p in changed if p in committed and p not in replaced and p not in merged)
        reasons = _omit_reasons(self.inferred.get("omit"))
        kept = [f"{path}: {reasons.get(path, 'omit lists it')}" for path in self.answers.get("omit") or []]
        return added, kept, replaced, other

    def own_version_attribute(self) -> str | None:
        """Where the project's code set its version before (flit, `attr:` in setup.cfg, hatch's
        version path): that module's __version__ no longer makes the version."""
        project = self.project
        if project.build_backend.startswith("flit") and self.wheels:
            top = self.wheels.before.top_level[0] if self.wheels.before.top_level else ""
            return f"{top}.__version__" if top else None
        setup_cfg = project.setup_cfg
        if setup_cfg and setup_cfg.get("metadata", "version", fallback="").strip().startswith("attr:"):
            return setup_cfg.get("metadata", "version").split(":", 1)[1].strip()
        path = project.tool.get("hatch", {}).get("version", {}).get("path")
        return f"__version__ in {path}" if path else None

    def version_lines(self) -> list[str]:
        """What to do about the version, where it came from the repo's files before."""
        wheels = self.wheels
        requires = " ".join(self.project.build_requires)
        hatch_vcs = self.project.tool.get("hatch", {}).get("version", {}).get("source") == "vcs"
        if (
            wheels is None
            or VCS_VERSIONS.search(requires)
            or hatch_vcs
            or "setuptools_scm" in self.project.tool
        ):
            return []
        version = wheels.before.version
        tag = f"v{version}"
        attribute = self.own_version_attribute()
        lines = []
        if attribute:
            lines.append(
                f"{attribute} made the version before; it stays in your code but no longer follows the "
                f"releases: have it read importlib.metadata.version({wheels.before.name!r}), or remove it."
            )
        if git_repo.git(self.project.root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}"):
            return lines + [
                (
                    f"Version: it was {version}, written in the project's files; versions now come from git "
                    f"tags, and the tag {tag} exists, so builds after it are the next version's development "
                    "versions until you tag the next release."
                )
            ]
        return lines + [
            (
                f"Version: it was {version}, written in the project's files; versions now come from git tags. "
                f"After committing, `git tag {tag}` keeps it the version of the next build."
            )
        ]

    def wheel_lines(self) -> list[str]:
        wheels = self.wheels
        if wheels is None:
            return []
        title = f"The wheels before ({wheels.before.filename}) and after adoption"
        if wheels.error or wheels.after is None:
            return [
                f"{title}:",
                f"  the repo does not build after adoption: {wheels.error}",
                "  fix that before you commit",
            ]
        lines = [f"{title} ({wheels.after.filename}):"]
        lines += [f"  {fix}" for fix in wheels.fixes]
        if wheels.same_files:
            lines.append("  the same modules and package data")
        lines += [f"  {difference}" for difference in wheels.differences]
        if wheels.same_files and len(wheels.differences) <= 1:
            lines.append("  the same core metadata" + (" but the version" if wheels.differences else ""))
        return lines

    def lint_lines(self) -> list[str]:
        result = self.lint
        if result is None:
            return []
        title = "The template's pre-commit hooks on every file (`nox -s lint`, as CI runs them)"
        if result.error:
            return [f"{title}:", f"  {result.error}; run `nox -s lint` before you push"]
        lines = [f"{title}:"]
        if result.ignored_rules:
            lines.append(
                f"  ruff rules your code breaks, left off in ruff's lint ignore list: {', '.join(result.ignored_rules)}"
            )
        if result.unformatted:
            lines.append(
                "  files laid out other than ruff format would, left out of ruff's format exclude: "
                + ", ".join(result.unformatted)
            )
        for hook, names in result.excluded.items():
            lines.append(f"  {hook}: left off, in .pre-commit-config.yaml, for {', '.join(names)}")
        for hook, output in result.still_failing.items():
            lines.append(f"  {hook}: still fails: {output}")
        if not result.still_failing:
            lines.append(
                "  every hook passes"
                + (
                    " with those left off; take them back one by one as you fix the code"
                    if len(lines) > 1
                    else ""
                )
            )
        return lines

    def next_lines(self) -> list[str]:
        lines = self.version_lines()
        omit = self.answers.get("omit") or []
        if omit:
            lines.append(
                "To take one of the kept files later: delete or move your own, then `copier update --trust "
                "--defaults --data 'omit=[...]'` with that file left out of the list."
            )
        requires = self.answers.get("python_min")
        if (
            (found := self.inferred.get("python_min"))
            and found.value == requires
            and "requires-python" in found.source
        ):
            lines.append(
                f"python_min {requires}: CI tests from Python {requires} up; requires-python stays as it was."
            )
        lines.append(f"Review with `git status` and `git diff {self.head}`, run `nox -s tests`, then commit.")
        return lines

    # --- All of it -----------------------------------------------------------------------------------

    def lines(self) -> list[str]:
        added, kept, replaced, other = self.file_lines()
        if not (kept or replaced or self.merged or self.wheels):  # a new project in a repo that has others
            return []
        took = f" (in {self.seconds + self.before_seconds:.0f} s)" if self.wheels else ""
        lines = [f"Adopted the lab template over commit {self.head}{took}."]
        lines += section("Answers, and where each came from", self.answer_lines())
        lines += section("Added", added)
        lines += section("Kept as the repo's own: the template never writes them", kept)
        lines += section(
            f"Replaced by the template's (see your version with: git show {self.head}:<file>)", replaced
        )
        lines += section("Merged (your entries kept)", self.merged)
        lines += section("The conda recipe, fitted to the project", self.recipe)
        lines += section("Also changed", other)
        lines += self.wheel_lines()
        lines += self.lint_lines()
        lines += ["Next:", *(f"  {line}" for line in self.next_lines())]
        return lines


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if value != "" else "(none)"


def _omit_reasons(found: Found | None) -> dict[str, str]:
    if found is None:
        return {}
    reasons = {}
    for part in found.source.split("; "):
        path, _, why = part.partition(": ")
        reasons[path] = why
    return reasons
