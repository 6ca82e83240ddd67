"""Checking the result: the wheel built after adoption against the wheel before.

The adopted repo is built as it will be once committed (a clone with the changes committed, so
setuptools-scm sees the new files), with setuptools in an isolated environment. Package data
that the two wheels disagree on is fixed in pyproject.toml ([tool.setuptools] package-data and
exclude-package-data) and the repo built once more; every difference left is listed, with why.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lab_template.adoption import metadata as core
from lab_template.adoption import repo as git_repo
from lab_template.adoption import wheel as built
from lab_template.adoption.answers import spdx_expression


@dataclass
class Comparison:
    """The wheels before and after, and what differs between them."""

    before: built.Wheel
    after: built.Wheel | None = None
    error: str | None = None
    fixes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def same_files(self) -> bool:
        return self.after is not None and set(self.before.files) == set(self.after.files)


def build_after(repo: Path) -> built.Wheel:
    """The wheel of the repo as it will be once its changes are committed."""
    with tempfile.TemporaryDirectory(prefix="lab-template-after-") as scratch:
        work = git_repo.clone_with_working_tree(repo, Path(scratch) / "repo", "Adopt the lab template")
        path, _ = built.build(work, Path(scratch) / "dist")
        return built.read(path)


def fit_package_data(pyproject_text: str, before: built.Wheel, after: built.Wheel) -> tuple[str, list[str]]:
    """pyproject.toml with [tool.setuptools] package data that ships the files the wheel before
    shipped, and no others; the summary's lines."""
    import tomlkit

    missing = [f for f in before.files if f not in after.files and not f.endswith(".py") and "/" in f]
    extra = [f for f in after.files if f not in before.files and not f.endswith(".py") and "/" in f]
    if not missing and not extra:
        return pyproject_text, []
    document = tomlkit.parse(pyproject_text)
    setuptools = document["tool"]["setuptools"]
    notes = []
    for key, files in (("package-data", missing), ("exclude-package-data", extra)):
        if not files:
            continue
        table = setuptools.setdefault(key, tomlkit.table())
        for path in files:
            package = str(PurePosixPath(path).parent).replace("/", ".")
            patterns = table.setdefault(package, tomlkit.array())
            if PurePosixPath(path).name not in patterns:
                patterns.append(PurePosixPath(path).name)
        verb = "ships" if key == "package-data" else "leaves out"
        notes.append(f"[tool.setuptools.{key}]: {verb} {', '.join(files)}, as the wheel before did")
    return tomlkit.dumps(document), notes


def _licence(wheel: built.Wheel, fallback: str | None) -> str | None:
    from lab_template.adoption.answers import CLASSIFIER_LICENSES

    if expression := wheel.field("License-Expression"):
        return spdx_expression(expression) or expression
    if (text := wheel.field("License")) and (expression := spdx_expression(text)):
        return expression
    for classifier in wheel.fields("Classifier"):
        if classifier in CLASSIFIER_LICENSES:
            return CLASSIFIER_LICENSES[classifier]
    return fallback


def _shown(value: object) -> str:
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value) if value not in (None, "", {}) else "none"


# Why a field may differ after adoption, where the difference is expected.
WHY = {
    "Version": "versions now come from git tags (setuptools-scm)",
    "Description-Content-Type": "pyproject.toml's readme names the file, whose suffix gives its type",
    "Classifier": "setuptools takes the licence from the SPDX expression, not from a classifier",
}


def differences(before: built.Wheel, after: built.Wheel, licence_before: str | None) -> list[str]:
    """Every difference between the two wheels, a line each, with why where it is known."""
    lines = []
    only_before = sorted(set(before.files) - set(after.files))
    only_after = sorted(set(after.files) - set(before.files))
    if only_before:
        lines.append(f"files only in the wheel before: {', '.join(only_before)}")
    if only_after:
        lines.append(f"files only in the wheel after: {', '.join(only_after)}")
    tags = ["-".join(w.filename.removesuffix(".whl").split("-")[-3:]) for w in (before, after)]
    if tags[0] != tags[1]:
        why = (
            " (a universal wheel for Python 2 too before; the template builds for Python 3)"
            if "py2" in tags[0]
            else ""
        )
        lines.append(f"wheel tags: {tags[0]} before, {tags[1]} after{why}")
    if before.version != after.version:
        lines.append(f"Version: {before.version} before, {after.version} after ({WHY['Version']})")
    old, new = core.comparable(before, licence_before), core.comparable(after, _licence(after, None))
    for key, value in old.items():
        if new[key] == value:
            continue
        why = f" ({WHY[key]})" if key in WHY else ""
        if key == "Description":
            lines.append(
                f"Description: the long description differs ({len(str(value))} characters before, "
                f"{len(str(new[key]))} after){why}"
            )
        else:
            lines.append(f"{key}: {_shown(value)} before, {_shown(new[key])} after{why}")
    old_licence_fields = [f for f in ("License", "License-Expression") if before.field(f)]
    if old_licence_fields == ["License"] and after.field("License-Expression"):
        lines.append(
            "License: the licence's name or text before, License-Expression "
            f"{after.field('License-Expression')} after (PEP 639: the SPDX expression replaces it)"
        )
    if set(before.fields("License-File")) != set(after.fields("License-File")):
        lines.append(
            f"License-File: {_shown(before.fields('License-File'))} before, "
            f"{_shown(after.fields('License-File'))} after"
        )
    removed = [
        c
        for c in before.fields("Classifier")
        if c.startswith("License ::") and c not in after.fields("Classifier")
    ]
    if removed:
        lines.append(f"Classifier: {', '.join(removed)} left out ({WHY['Classifier']})")
    lines += field_differences(before, after)
    return lines


# Fields that say the same in another form after adoption, and why.
SAME_IN_ANOTHER_FIELD = {
    "Home-page": "now Project-URL Homepage (pyproject.toml's [project] has no home-page field)",
    "Download-URL": "now Project-URL Download (pyproject.toml's [project] has no download-url field)",
    "Author": "now in Author-email, as `name <email>` (how pyproject.toml's authors are written)",
    "Maintainer": "now in Maintainer-email, as `name <email>` (how pyproject.toml's maintainers are written)",
    "Dynamic": "setuptools lists the fields it computes",
}
# Fields compared above, or that differ by nature (the version, the metadata's own version).
COMPARED = {
    "Metadata-Version", "Version", "Name", "Summary", "Requires-Dist", "Provides-Extra", "Requires-Python",
    "License", "License-Expression", "License-File", "Classifier", "Author-email", "Maintainer-email",
    "Keywords", "Project-URL", "Description", "Description-Content-Type", "Platform",
}  # fmt: skip


def field_differences(before: built.Wheel, after: built.Wheel) -> list[str]:
    """The metadata fields only one of the wheels has, beyond those compared by meaning."""
    old = {key for key, _ in before.metadata} - COMPARED
    new = {key for key, _ in after.metadata} - COMPARED
    lines = []
    for key in sorted(old - new):
        lines.append(f"{key}: only before, {SAME_IN_ANOTHER_FIELD.get(key, 'not written by setuptools')}")
    for key in sorted(new - old):
        why = SAME_IN_ANOTHER_FIELD.get(key, "written by setuptools")
        lines.append(f"{key}: only after ({', '.join(after.fields(key))}): {why}")
    return lines
