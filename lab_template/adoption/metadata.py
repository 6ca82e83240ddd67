"""Core metadata (what a wheel's METADATA says) as pyproject.toml's [project] table, and back.

Adoption keeps a project's metadata wherever the project had it by writing the [project] table
that makes the same core metadata, from the metadata its own backend wrote
(lab_template/adoption/wheel.py); and it compares the wheels before and after field by field.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from lab_template.adoption.wheel import Wheel

# A marker clause that says which extra a requirement belongs to.
_EXTRA_CLAUSE = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")
CONTENT_TYPES = {".md": "text/markdown", ".rst": "text/x-rst", ".txt": "text/plain", "": "text/plain"}


def _without_extra_clause(marker: str) -> str:
    """A marker without its `extra == "x"` clause (and the `and` that joined it)."""
    marker = re.sub(r"\s*\band\s+" + _EXTRA_CLAUSE.pattern, "", marker)
    marker = re.sub(_EXTRA_CLAUSE.pattern + r"\s*\band\s*", "", marker)
    marker = _EXTRA_CLAUSE.sub("", marker).strip()
    while marker.startswith("(") and marker.endswith(")") and marker.count("(") == 1:
        marker = marker[1:-1].strip()
    return marker


def requirement_text(requirement: str) -> str:
    """A requirement as pyproject.toml would say it, without its extra clause."""
    parsed = Requirement(requirement)
    text = parsed.name + (f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else "")
    # Lower bounds first, as people write them (>=13.0,<14.0), not in packaging's sorted order.
    rank = {">=": 0, ">": 0, "~=": 0, "==": 1, "===": 1, "!=": 2, "<=": 3, "<": 3}
    specifiers = sorted(parsed.specifier, key=lambda s: (rank.get(s.operator, 4), str(s)))
    text += f" @ {parsed.url}" if parsed.url else ",".join(map(str, specifiers))
    marker = _without_extra_clause(str(parsed.marker)) if parsed.marker else ""
    return f"{text}; {marker}" if marker else text


def extra_of(requirement: str) -> str | None:
    match = _EXTRA_CLAUSE.search(requirement.partition(";")[2])
    return match.group(1) if match else None


def dependencies(wheel: Wheel) -> tuple[list[str], dict[str, list[str]]]:
    """The dependencies and, for every extra, its own requirements."""
    required: list[str] = []
    extras: dict[str, list[str]] = {extra: [] for extra in wheel.fields("Provides-Extra")}
    for requirement in wheel.fields("Requires-Dist"):
        extra = extra_of(requirement)
        if extra is None:
            required.append(requirement_text(requirement))
        else:
            # Metadata spells the extra normalised; the project's own name for it is Provides-Extra's.
            name = next((e for e in extras if canonicalize_name(e) == canonicalize_name(extra)), extra)
            extras.setdefault(name, []).append(requirement_text(requirement))
    return required, extras


def people(wheel: Wheel, role: str) -> list[dict[str, str]]:
    """[project] authors or maintainers: names with their emails, as the metadata pairs them."""
    found: list[dict[str, str]] = []
    named = [n.strip() for field in wheel.fields(role) for n in re.split(r",|\band\b", field) if n.strip()]
    for name, email in getaddresses(wheel.fields(f"{role}-email")):
        person = {"name": name} if name else {}
        if not name and named:
            person["name"] = named.pop(0)
        if email:
            person["email"] = email
        if person:
            found.append(person)
    found += [{"name": name} for name in named if name not in {p.get("name") for p in found}]
    return found


def urls(wheel: Wheel) -> dict[str, str]:
    found = {}
    for field in wheel.fields("Project-URL"):
        label, _, url = field.partition(",")
        found[label.strip()] = url.strip()
    if (home := wheel.field("Home-page")) and home not in found.values():
        found = {"Homepage": home, **found}
    if (download := wheel.field("Download-URL")) and download not in found.values():
        found["Download"] = download
    return found


def keywords(wheel: Wheel) -> list[str]:
    found: list[str] = []
    for field in wheel.fields("Keywords"):
        found += [k.strip() for k in re.split(r"," if "," in field else r"\s+", field) if k.strip()]
    return list(dict.fromkeys(found))


def readme(wheel: Wheel, files: dict[str, str]) -> str | None:
    """The repo file whose text is the wheel's long description (files: path -> text)."""
    description = wheel.description.strip()
    if not description:
        return None
    for path, text in files.items():
        if text.strip() == description or text.replace("\r\n", "\n").strip() == description:
            return path
    return None


# --- Comparing two wheels' metadata ---------------------------------------------------------------


def _requirements(values: list[str]) -> set[str]:
    found = set()
    for value in values:
        try:
            parsed = Requirement(value)
        except InvalidRequirement:
            found.add(value)
            continue
        found.add(
            f"{canonicalize_name(parsed.name)}{sorted(parsed.extras)}{parsed.specifier}{parsed.url or ''};{parsed.marker or ''}"
        )
    return found


def _specifier(value: str | None) -> object:
    try:
        return SpecifierSet(value or "")
    except InvalidSpecifier:
        return value


def comparable(wheel: Wheel, licence: str | None) -> dict[str, object]:
    """The metadata fields the promise of adoption is about, in a form that compares equal when
    they mean the same (order and spelling aside); licence: the wheel's SPDX licence."""
    return {
        "Name": canonicalize_name(wheel.name),
        "Summary": (wheel.field("Summary") or "").strip(),
        "Requires-Dist": _requirements(wheel.fields("Requires-Dist")),
        "Provides-Extra": {canonicalize_name(e) for e in wheel.fields("Provides-Extra")},
        "Requires-Python": _specifier(wheel.field("Requires-Python")),
        "entry points": wheel.entry_points,
        "licence": licence,
        "Author": people(wheel, "Author"),
        "Maintainer": people(wheel, "Maintainer"),
        "Keywords": set(keywords(wheel)),
        "Classifier": {c for c in wheel.fields("Classifier") if not c.startswith("License ::")},
        "Project-URL": urls(wheel),
        "Description": wheel.description.replace("\r\n", "\n").strip(),
        "Description-Content-Type": (wheel.field("Description-Content-Type") or "").split(";")[0].strip(),
        "Platform": set(wheel.fields("Platform")),
    }
