"""Merging pyproject.toml: the project's metadata and settings stay, the template's build arrives.

The repo's own entries, comments and order stay. What changes, each with a line for the summary:

- [build-system] becomes the handbook's setuptools and setuptools-scm, whatever backend built
  the project before.
- [project] keeps the repo's table where it has one; where the metadata lived elsewhere
  (setup.cfg, setup.py, [tool.poetry], a backend's dynamic fields), it is written from the
  metadata the project's own backend made (lab_template/adoption/metadata.py), so the wheel says
  the same. The version comes from git tags; a licence becomes its SPDX expression.
- [tool.setuptools] ships the modules and package data the wheel before shipped, from wherever
  they are (flat, src/, namespace packages, single modules); a setuptools configuration of the
  repo's own that lists packages stays, with the subpackages it left out.
- [dependency-groups] gains the template's groups, the `test` one with the repo's own test
  requirements (its test extra, poetry, hatch or requirements files), for `nox -s tests`.
- The template's tool tables arrive only where the repo has no configuration of the tool: pytest
  (only where the tests are), ruff (at the repo's own line length), mypy.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from lab_template.adoption import metadata as core
from lab_template.adoption.project import Project
from lab_template.adoption.wheel import Before
from lab_template.render import validation

# Requirement files that hold a repo's test (or development) requirements.
REQUIREMENT_FILES = re.compile(
    r"(requirements[-_](test|tests|testing|dev)|(test|tests|testing|dev)[-_]requirements|"
    r"requirements/(test|tests|testing|dev)[^/]*)\.(txt|in)"
)
TEST_NAMES = ("test", "tests", "testing")
# Fields setuptools fills from [tool.setuptools.dynamic] (the others, it cannot).
SETUPTOOLS_DYNAMIC = {
    "version",
    "description",
    "readme",
    "dependencies",
    "optional-dependencies",
    "classifiers",
    "entry-points",
    "scripts",
    "gui-scripts",
}
# The template's default, which says only that the repo gave no email: never put into metadata.
PLACEHOLDER_EMAIL = validation.COOKIECUTTER_JSON["author_email"]
# A hatch-vcs or setuptools-scm option, as [tool.setuptools_scm] spells it.
HATCH_VCS_OPTIONS = {"tag-pattern": "tag_regex", "fallback-version": "fallback_version"}


class Notes(list):
    """The summary's lines about one file."""

    def add(self, line: str) -> None:
        self.append(line)


def _array(values, multiline: bool | None = None):
    import tomlkit

    array = tomlkit.array()
    array.extend(values)
    return array.multiline(len(values) > 2 if multiline is None else multiline)


def _table(mapping: dict, inline: bool = False):
    import tomlkit

    table = tomlkit.inline_table() if inline else tomlkit.table()
    for key, value in mapping.items():
        table[key] = value
    return table


def requirement_name(requirement: str) -> str:
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return requirement


# --- [project] -----------------------------------------------------------------------------------


def _readme_value(project: Project, before: Before):
    """readme: the repo's file whose text the wheel's long description is."""
    candidates = {n: project.text(n) or "" for n in project.same_job_files("README.md") if "/" not in n}
    path = core.readme(before.wheel, candidates)
    content_type = (before.wheel.field("Description-Content-Type") or "").split(";")[0].strip()
    if path is None:
        if not before.wheel.description:
            return None
        # Assembled by a backend plugin (hatch-fancy-pypi-readme, ...): the text itself.
        import tomlkit

        text = tomlkit.string(before.wheel.description + "\n", multiline=True)
        return _table({"text": text, "content-type": content_type or "text/plain"}, inline=True)
    implied = core.CONTENT_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type and content_type != implied:
        return _table({"file": path, "content-type": content_type}, inline=True)
    return path


def _from_metadata(field: str, project: Project, before: Before, notes: Notes):
    """A [project] field's value, made from the wheel's metadata (None: the metadata has none)."""
    wheel = before.wheel
    required, extras = core.dependencies(wheel)
    entry_points = dict(wheel.entry_points)
    values = {
        "description": lambda: wheel.field("Summary"),
        "readme": lambda: _readme_value(project, before),
        "requires-python": lambda: wheel.field("Requires-Python"),
        "authors": lambda: [_table(p, inline=True) for p in _people(project, wheel, "Author")] or None,
        "maintainers": lambda: (
            [_table(p, inline=True) for p in _people(project, wheel, "Maintainer")] or None
        ),
        "keywords": lambda: core.keywords(wheel) or None,
        "classifiers": lambda: wheel.fields("Classifier") or None,
        "urls": lambda: _table(core.urls(wheel)) if core.urls(wheel) else None,
        "dependencies": lambda: required or None,
        "optional-dependencies": lambda: (
            _table({e: _array(r) for e, r in extras.items()}) if extras else None
        ),
        "scripts": lambda: (
            _table(entry_points["console_scripts"]) if "console_scripts" in entry_points else None
        ),
        "gui-scripts": lambda: _table(entry_points["gui_scripts"]) if "gui_scripts" in entry_points else None,
        "entry-points": lambda: _entry_points_table(entry_points),
    }
    value = values[field]()
    if field == "readme" and isinstance(value, dict) and "text" in value:
        notes.add(
            "[project] readme: the long description as text (no file of the repo is it: the build "
            "assembled it); update it there, or point readme at a file"
        )
    if field in ("dependencies", "urls", "authors", "maintainers", "keywords", "classifiers") and isinstance(
        value, list
    ):
        return _array(value)
    return value


def _people(project: Project, wheel, role: str) -> list[dict[str, str]]:
    """Authors or maintainers: every one poetry lists (its metadata names only the first), else
    those of the metadata."""
    listed = (
        project.tool.get("poetry", {}).get(f"{role.lower()}s")
        if project.build_backend.startswith("poetry")
        else None
    )
    if isinstance(listed, list) and listed:
        people = []
        for entry in listed:
            name, email = parseaddr(str(entry))
            people.append({k: v for k, v in (("name", name or str(entry)), ("email", email)) if v})
        return people
    return core.people(wheel, role)


def _entry_points_table(entry_points: dict):
    groups = {g: points for g, points in entry_points.items() if g not in ("console_scripts", "gui_scripts")}
    if not groups:
        return None
    table = _table({})
    for group, points in groups.items():
        table[group] = _table(points)
    return table


PROJECT_ORDER = (
    "description",
    "readme",
    "requires-python",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "dependencies",
    "optional-dependencies",
    "urls",
    "scripts",
    "gui-scripts",
    "entry-points",
)


def project_from_metadata(project: Project, before: Before, notes: Notes):
    """A [project] table that makes the same core metadata as the wheel before."""
    import tomlkit

    table = tomlkit.table()
    table["name"] = before.wheel.name
    table["dynamic"] = _array(["version"])
    for field in PROJECT_ORDER:
        value = _from_metadata(field, project, before, notes)
        if value is not None:
            table[field] = value
    return table


def merge_project(table, project: Project, before: Before, keeps_setup_py: bool, notes: Notes) -> None:
    """The repo's own [project]: fields a backend computed (dynamic) written out where setuptools
    cannot compute them."""
    dynamic = [str(d) for d in table.get("dynamic", [])]
    setuptools_dynamic = project.tool.get("setuptools", {}).get("dynamic", {})
    for field in [d for d in dynamic if d != "version"]:
        computed = project.build_backend.startswith("setuptools") and (
            field in setuptools_dynamic or (keeps_setup_py and field in SETUPTOOLS_DYNAMIC)
        )
        if computed:
            continue
        value = _from_metadata(field, project, before, notes)
        table["dynamic"].remove(field)
        if value is not None:
            table[field] = value
            notes.add(
                f"[project] {field}: written out as the build made it (it was computed by {project.build_backend})"
            )


def set_version_scheme(table, tools, project: Project, before: Before, template, notes: Notes) -> None:
    """The version from git tags (setuptools-scm), with the repo's own scheme where it had one."""
    import tomlkit

    if "version" in table:
        notes.add(
            f'[project] version: removed "{table["version"]}"; versions now come from git tags (setuptools-scm)'
        )
        del table["version"]
    dynamic = table.setdefault("dynamic", _array([]))
    if "version" not in dynamic:
        dynamic.insert(0, "version")
    scm = tools.get("setuptools_scm")
    hatch = project.tool.get("hatch", {})
    if scm is None:
        scm = tools["setuptools_scm"] = tomlkit.table()
        if hatch.get("version", {}).get("source") == "vcs":  # hatch-vcs: the same scheme, its options
            for key, value in hatch["version"].get("raw-options", {}).items():
                scm[key] = value
            for key, option in HATCH_VCS_OPTIONS.items():
                if key in hatch["version"]:
                    scm[option] = hatch["version"][key]
            version_file = hatch.get("build", {}).get("hooks", {}).get("vcs", {}).get("version-file")
            if version_file:
                scm["version_file"] = version_file
            notes.add("[tool.setuptools_scm]: hatch-vcs's settings, for setuptools-scm")
    for key, value in template["tool"]["setuptools_scm"].items():
        if key not in scm:
            scm[key] = value


def set_license(table, project: Project, before: Before, license_id: str, notes: Notes) -> None:
    """license as an SPDX expression (setuptools 77 and later), the licence files as they were."""
    wheel = before.wheel
    had_licence = (
        "license" in table
        or wheel.field("License")
        or wheel.field("License-Expression")
        or any(c.startswith("License ::") for c in wheel.fields("Classifier"))
    )
    license_files = wheel.fields("License-File") or project.license_files
    if not had_licence and not license_files:
        return
    if table.get("license") != license_id:
        old = table.get("license")
        table["license"] = license_id
        what = (
            f"replacing {old.as_string() if hasattr(old, 'as_string') else old!r}"
            if old is not None
            else "added"
        )
        notes.add(f'[project] license: "{license_id}" (an SPDX expression), {what}')
    if license_files and [str(f) for f in table.get("license-files", [])] != list(license_files):
        table["license-files"] = _array(list(license_files), multiline=False)
        notes.add(f"[project] license-files: {', '.join(license_files)} (shipped as before)")
    classifiers = table.get("classifiers", [])
    for classifier in [c for c in classifiers if str(c).startswith("License ::")]:
        classifiers.remove(classifier)
        notes.add(
            f'[project] classifiers: removed "{classifier}" (the SPDX expression says it; setuptools refuses both)'
        )


# --- Packaging -------------------------------------------------------------------------------------


def _package_dirs(files: list[str]) -> list[str]:
    """Every folder of the wheel that holds files, as a dotted package name."""
    folders = sorted(
        {str(PurePosixPath(f).parent) for f in files if "/" in f and not f.split("/")[0].endswith(".data")}
    )
    return [folder.replace("/", ".") for folder in folders]


def source_root(project: Project, wheel_files: list[str]) -> str | None:
    """The folder that holds the wheel's top-level packages and modules: '' or 'src', ..."""
    tops = {f.split("/")[0] for f in wheel_files if not f.split("/")[0].endswith(".data")}
    for root in ("", "src/", "lib/", "python/"):
        if all(
            any(name == root + top or name.startswith(root + top + "/") for name in project.files)
            for top in tops
        ):
            return root.rstrip("/")
    return None


def _has_own_packaging(project: Project) -> bool:
    setuptools = project.tool.get("setuptools", {})
    return project.build_backend.startswith("setuptools") and any(
        key in setuptools for key in ("packages", "py-modules")
    )


def set_packaging(tools, project: Project, before: Before, notes: Notes) -> None:
    """[tool.setuptools]: the modules and package data of the wheel before."""
    import tomlkit

    wheel_files = [f for f in before.wheel.files if not f.split("/")[0].endswith(".data")]
    setuptools = tools.get("setuptools")
    if setuptools is None:
        setuptools = tools["setuptools"] = tomlkit.table()
    if setuptools.get("include-package-data") is not True:
        setuptools["include-package-data"] = True
        notes.add("[tool.setuptools] include-package-data: true")
    packages = _package_dirs(wheel_files)
    modules = sorted(f.removesuffix(".py") for f in wheel_files if "/" not in f and f.endswith(".py"))
    if _has_own_packaging(project):
        # The repo's own list (or finder) stays; a list gains the folders setuptools would
        # otherwise ship as data, with a warning, or not at all.
        listed = setuptools.get("packages")
        if isinstance(listed, list) and (missing := [p for p in packages if p not in listed]):
            setuptools["packages"] = _array([*map(str, listed), *missing], multiline=True)
            notes.add(f"[tool.setuptools] packages: added {', '.join(missing)}, which the wheel had")
        return
    root = source_root(project, wheel_files)
    if root is None:
        notes.add(
            "[tool.setuptools]: the wheel's modules are not in the repo as they are named: see the wheels' differences"
        )
        root = ""
    for key in ("packages", "py-modules", "package-dir", "package-data"):
        if key in setuptools:
            del setuptools[key]
    if root:
        setuptools["package-dir"] = _table({"": root}, inline=True)
    if packages:
        setuptools["packages"] = _array(packages, multiline=True)
    if modules:
        setuptools["py-modules"] = _array(modules)
    data: dict[str, list[str]] = {}
    for name in wheel_files:
        if name.endswith(".py") or "/" not in name:
            continue
        folder = str(PurePosixPath(name).parent).replace("/", ".")
        data.setdefault(folder, []).append(PurePosixPath(name).name)
    if data:
        setuptools["package-data"] = _table({k: _array(v) for k, v in sorted(data.items())})
    what = ", ".join(
        filter(
            None,
            [
                f"packages {', '.join(packages)}" if packages else "",
                f"modules {', '.join(modules)}" if modules else "",
            ],
        )
    )
    where = f" from {root}/" if root else ""
    notes.add(f"[tool.setuptools]: {what}{where}, and their package data, as the wheel had them")


# --- Dependency groups and tools -----------------------------------------------------------------------


def _requirements_file(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-", "git+", "http:", "https:", ".")):
            continue
        try:
            Requirement(line)
        except InvalidRequirement:
            continue
        found.append(line)
    return found


def test_requirements(project: Project, before: Before | None) -> tuple[list, str | None]:
    """The repo's own test requirements, and where they are, for the `test` dependency group.

    A dependency group of the repo's own for its tests is included by name (PEP 735), so that it
    stays the one list; a `test` group is the template's own name, and merged as it is.
    """
    own_groups = project.pyproject.get("dependency-groups") or {}
    for group in TEST_NAMES:
        if group != "test" and group in own_groups:
            return [{"include-group": group}], f"your {group} group (included by name)"
    name = before.wheel.name if before else ""
    extras = core.dependencies(before.wheel)[1] if before else {}
    sources: list[tuple[str, list[str]]] = []
    for extra in [*TEST_NAMES, "dev"]:
        match = next((e for e in extras if canonicalize_name(e) == extra), None)
        if match is not None:
            sources.append((f"the {match} extra", _expand(extras[match], extras, name)))
    groups = before.poetry_groups if before else {}
    for group in [*TEST_NAMES, "dev"]:
        if group in groups:
            sources.append((f"poetry's {group} group", groups[group]))
    hatch_envs = project.tool.get("hatch", {}).get("envs", {})
    for env in [*TEST_NAMES, "default"]:
        if hatch_envs.get(env, {}).get("dependencies"):
            sources.append((f"hatch's {env} environment", [str(r) for r in hatch_envs[env]["dependencies"]]))
    pdm = project.tool.get("pdm", {}).get("dev-dependencies", {})
    for group in [*TEST_NAMES, "dev"]:
        if group in pdm:
            sources.append((f"pdm's {group} dependencies", [str(r) for r in pdm[group]]))
    for path in project.top_level(REQUIREMENT_FILES):
        sources.append((path, _requirements_file(project.text(path) or "")))
    # A test source first; a dev one (which may hold docs and lint tools too) only without one,
    # and only if it has the test runner.
    for where, requirements in sorted(sources, key=lambda s: "dev" in s[0] or "default" in s[0]):
        general = "dev" in where or "default" in where
        if requirements and (not general or "pytest" in {requirement_name(r) for r in requirements}):
            return requirements, where
    return [], None


def _expand(requirements: list[str], extras: dict[str, list[str]], name: str) -> list[str]:
    """Requirements with the project's own extras (`pkg[docs]` in its dev extra) written out."""
    found: list[str] = []
    for requirement in requirements:
        try:
            parsed = Requirement(requirement)
        except InvalidRequirement:
            continue
        if name and canonicalize_name(parsed.name) == canonicalize_name(name):
            for extra in parsed.extras:
                own = next((e for e in extras if canonicalize_name(e) == canonicalize_name(extra)), None)
                if own:
                    found += [r for r in extras[own] if requirement_name(r) != canonicalize_name(name)]
        else:
            found.append(requirement)
    return list(dict.fromkeys(found))


def _requirement_names(entries: list, groups, seen: frozenset[str] = frozenset()) -> set[str]:
    """The names of the requirements in a dependency group's entries, an included group's too."""
    names = set()
    for entry in entries:
        if isinstance(entry, str):
            names.add(requirement_name(entry))
        elif isinstance(entry, dict) and (included := entry.get("include-group")) not in seen | {None}:
            names |= _requirement_names(list(groups.get(included, [])), groups, seen | {included})
    return names


def merge_dependency_groups(merged, template, project: Project, before: Before | None, notes: Notes) -> None:
    import tomlkit

    groups = merged.get("dependency-groups")
    if groups is None:
        merged["dependency-groups"] = groups = tomlkit.table()
    own_tests, where = test_requirements(project, before)
    for name, requirements in template["dependency-groups"].items():
        if name not in groups:
            entries = list(requirements)
            if name == "test" and own_tests:
                have = _requirement_names(own_tests, groups)
                entries = own_tests + [r for r in entries if requirement_name(str(r)) not in have]
            groups[name] = _array(entries, multiline=True)
            notes.add(
                f"[dependency-groups] {name}: added"
                + (f", with the requirements of {where}" if name == "test" and where else "")
            )
            continue
        have = {requirement_name(str(r)) for r in groups[name] if isinstance(r, str)}
        added = [r for r in requirements if isinstance(r, str) and requirement_name(r) not in have]
        for requirement in added:
            groups[name].append(requirement)
        notes.add(
            f"[dependency-groups] {name}: in both, kept yours"
            + (f", added {', '.join(added)}" if added else "")
        )


def merge_tools(merged, template, project: Project, code_paths: list[str], notes: Notes) -> dict:
    """The template's tool tables the repo lacks; returns those to add at the end."""
    new_tools = {}
    for name, value in template["tool"].items():
        if name in ("setuptools", "setuptools_scm") or name in project.tool:
            if name not in ("setuptools", "setuptools_scm"):
                notes.add(f"[tool.{name}]: kept yours")
            continue
        if name == "pytest":
            if project.has_pytest_config or not project.test_folders:
                continue
            options = {"testpaths": _array(project.test_folders, multiline=False)}
            new_tools[name] = _table({"ini_options": _table(options)})
            notes.add(
                f"[tool.pytest.ini_options] testpaths: {', '.join(project.test_folders)} (your tests, for `nox -s tests`)"
            )
        elif name == "ruff":
            if project.has_ruff_config:
                notes.add("[tool.ruff]: kept your ruff configuration")
                continue
            if project.line_length:
                value["line-length"] = project.line_length
            new_tools[name] = value
            notes.add(
                f"[tool.ruff]: added, line length {value['line-length']}"
                + (" (your formatter's)" if project.line_length else "")
            )
        elif name == "mypy":
            if project.has_mypy_config:
                continue
            value["files"] = _array([*code_paths, "tools", "noxfile.py"], multiline=False)
            new_tools[name] = value
            notes.add("[tool.mypy]: added (strict)")
        elif name == "repo-review":
            continue  # its reasons are about the template's own layout
        else:
            new_tools[name] = value
            notes.add(f"[tool.{name}]: added the template's")
    return new_tools


def mypy_without(path: Path, code: list[str]) -> str:
    """[tool.mypy] files without the project's code, which the mypy hook leaves off; the note."""
    import tomlkit

    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    files = document["tool"]["mypy"]["files"]
    for name in [f for f in files if f in code]:
        files.remove(name)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return f"pyproject.toml [tool.mypy] files: {', '.join(map(str, files))} (your code breaks strict mypy: see below)"


# --- All together ------------------------------------------------------------------------------------


def code_paths(project: Project, before: Before) -> list[str]:
    """Where the wheel's top-level packages and modules are in the repo."""
    root = source_root(project, before.wheel.files) or ""
    prefix = f"{root}/" if root else ""
    paths = []
    for name in before.wheel.top_level:
        top = name.split(".")[0]
        path = prefix + top
        paths.append(path if f"{path}.py" not in project.files else f"{path}.py")
    return list(dict.fromkeys(paths))


def merge(
    repo_text: str | None,
    template_text: str,
    project: Project,
    before: Before,
    license_id: str,
    keeps_setup_py: bool,
) -> tuple[str, Notes]:
    """The adopted repo's pyproject.toml, and what was done, a line each."""
    import tomlkit

    notes = Notes()
    merged = tomlkit.parse(repo_text or "")
    template = tomlkit.parse(template_text)

    old_build = merged.get("build-system")
    if old_build is None or old_build.unwrap() != template["build-system"].unwrap():
        merged["build-system"] = template["build-system"]
        requires = ", ".join(template["build-system"]["requires"])
        was = (
            f", replacing yours ({project.build_backend}: {', '.join(project.build_requires)})"
            if old_build
            else ""
        )
        notes.add(f"[build-system]: setuptools and setuptools-scm (requires {requires}){was}")

    front = None
    if "name" in merged.get("project", {}):
        table = merged["project"]
        merge_project(table, project, before, keeps_setup_py, notes)
    else:
        table = project_from_metadata(project, before, notes)
        if "project" in merged:  # a [project] table without a name: keep what it has
            for key, value in merged["project"].items():
                table[key] = value
            del merged["project"]
        front = table
        notes.add(f"[project]: written from the metadata the project's build made ({_where(project)})")

    tools = merged.get("tool")
    if tools is None:
        merged["tool"] = tools = tomlkit.table(is_super_table=True)
    set_version_scheme(table, tools, project, before, template, notes)
    set_license(table, project, before, license_id, notes)
    set_packaging(tools, project, before, notes)
    merge_dependency_groups(merged, template, project, before, notes)
    new_tools = merge_tools(merged, template, project, code_paths(project, before), notes)
    for name in ("poetry", "hatch", "flit", "pdm"):
        if name in tools and not project.build_backend.startswith("setuptools"):
            notes.add(f"[tool.{name}]: kept, no longer read by the build (setuptools builds the project now)")

    text = tomlkit.dumps(merged)
    if front is not None:
        # The build system and the project first, as the packaging guide lays them out.
        head = tomlkit.document()
        head["build-system"] = merged["build-system"]
        head["project"] = front
        del merged["build-system"]
        text = tomlkit.dumps(head).rstrip("\n") + "\n\n" + tomlkit.dumps(merged).lstrip("\n")
    if new_tools:
        appended = tomlkit.document()
        appended["tool"] = tomlkit.table(is_super_table=True)
        for name, value in new_tools.items():
            appended["tool"][name] = value
        added = tomlkit.dumps(appended).strip("\n").splitlines()
        while added and added[-1].startswith("#"):  # the comment of a template table left out
            added.pop()
        text = text.rstrip("\n") + "\n\n" + "\n".join(added).rstrip("\n") + "\n"
    return text, notes


def _where(project: Project) -> str:
    from lab_template.adoption.answers import metadata_source

    return metadata_source(project)


# --- A repo without a project of its own: the template's packaging wins ---------------------------


def _packages_in(root: Path, name: str) -> list[str]:
    """name, and every folder under root that holds files and Python would import as a subpackage.

    setuptools ships only the packages listed (and warns about such a folder left out), with or
    without an __init__.py.
    """
    found = [name]
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        parts = folder.relative_to(root).parts
        importable = all(part.isidentifier() for part in parts) and "__pycache__" not in parts
        if importable and any(child.is_file() for child in folder.iterdir()):
            found.append(".".join((name, *parts)))
    return found


def _test_folders(repo: Path, package: str) -> list[str]:
    names = (f"{package}/tests", f"{package}/testing", "tests")
    return [name for name in names if (repo / name).is_dir()]


def merge_template_made(
    repo_text: str, template_text: str, repo: Path, package: str
) -> tuple[str, list[str]]:
    """The pyproject.toml of a repo that has no Python project of its own to keep (one the
    template made, or one without code), with what the template requires; and what was done.

    The repo's own entries, comments and order stay. The template's build system and packaging
    (setuptools, setuptools-scm) win; the repo's entries win everywhere else, and the template's
    fill in what the repo does not have.
    """
    import tomlkit

    merged = tomlkit.parse(repo_text)
    template = tomlkit.parse(template_text)
    notes: list[str] = []

    old_build = merged.get("build-system")
    if old_build is None or old_build.unwrap() != template["build-system"].unwrap():
        merged["build-system"] = template["build-system"]
        requires = ", ".join(template["build-system"]["requires"])
        notes.append(
            f"[build-system]: the template's (requires {requires})"
            + (
                f", replacing yours (requires {', '.join(old_build.get('requires', []))})"
                if old_build
                else ""
            )
        )

    if "project" not in merged:
        merged["project"] = template["project"]
        notes.append("[project]: the template's (the repo had none)")
    else:
        notes += _merge_project(merged["project"], template["project"], repo)

    new_tools, tool_notes = _merge_tools(merged, template, repo, package)
    notes += tool_notes
    text = tomlkit.dumps(merged)
    if new_tools:
        # After the repo's own entries, rather than among them.
        appended = tomlkit.document()
        appended["tool"] = tomlkit.table(is_super_table=True)
        for name, value in new_tools.items():
            appended["tool"][name] = value
        text = text.rstrip("\n") + "\n\n" + tomlkit.dumps(appended).lstrip("\n")
    return text, notes


def _merge_project(project, template_project, repo: Path) -> list[str]:
    import tomlkit

    notes = []
    if "version" in project:
        notes.append(f"[project] version: removed {project['version']!s}; versions now come from git tags")
        del project["version"]
    dynamic = project.setdefault("dynamic", [])
    if "version" not in dynamic:
        dynamic.append("version")
        notes.append('[project] dynamic: added "version" (setuptools-scm)')
    license_value = project.get("license")
    if license_value is not None and not isinstance(license_value, str):
        # The table form is deprecated; an SPDX expression cannot go with licence classifiers.
        project["license"] = template_project["license"]
        notes.append(f'[project] license: "{template_project["license"]}" (SPDX), replacing the table form')
        classifiers = project.get("classifiers", [])
        for classifier in [c for c in classifiers if str(c).startswith("License ::")]:
            classifiers.remove(classifier)
            notes.append(f'[project] classifiers: removed "{classifier}" (the SPDX licence says it)')
    for key, value in template_project.items():
        if key in ("dynamic", "version"):
            continue
        if key == "dependencies":
            # The template's are those of its example code, which an existing package lacks.
            if key in project:
                notes.append(f"[project] dependencies: kept yours ({len(project[key])})")
            continue
        if key == "optional-dependencies":
            notes += _merge_extras(project, value)
            continue
        if key == "license-files" and not (repo / "LICENSE").is_file():
            continue
        if key not in project:
            if key == "authors":
                for index, author in enumerate(value):
                    if author.get("email") == PLACEHOLDER_EMAIL:  # the repo gave none
                        value[index] = tomlkit.inline_table()
                        value[index]["name"] = author["name"]
            if key == "classifiers":  # a released package is past the template's "Alpha"
                for classifier in [c for c in value if str(c).startswith("Development Status ::")]:
                    value.remove(classifier)
            project[key] = value
            notes.append(f"[project] {key}: added the template's")
    return notes


def _merge_extras(project, template_extras) -> list[str]:
    import tomlkit

    notes = []
    extras = project.setdefault("optional-dependencies", tomlkit.table())
    for extra, requirements in template_extras.items():
        if extra not in extras:
            extras[extra] = requirements
            notes.append(f"[project.optional-dependencies] {extra}: added the template's")
            continue
        have = {requirement_name(str(r)) for r in extras[extra]}
        added = [str(r) for r in requirements if requirement_name(str(r)) not in have]
        for requirement in added:
            extras[extra].append(requirement)
        note = f"[project.optional-dependencies] {extra}: in both, kept yours"
        notes.append(note + (f", added the template's {', '.join(added)}" if added else ""))
    return notes


def _merge_tools(merged, template, repo: Path, package: str) -> tuple[dict, list[str]]:
    """Merge the [tool.*] tables the repo has; return the template's it lacks, to append."""
    import tomlkit

    notes, new_tools = [], {}
    tools = merged.get("tool")
    if tools is None:
        merged["tool"] = tools = tomlkit.table(is_super_table=True)
    for name, value in template["tool"].items():
        if name == "setuptools":
            notes += _merge_setuptools(tools, repo, package)
        elif name == "setuptools_scm" and name in tools:
            for key, setting in value.items():
                if key not in tools[name]:
                    tools[name][key] = setting
                    notes.append(f"[tool.{name}] {key}: added the template's")
        elif name in tools:
            notes.append(f"[tool.{name}]: kept yours (the template's not applied)")
        elif name == "pytest":
            options = value["ini_options"]
            tests = _test_folders(repo, package)
            if tests:
                options["testpaths"] = tests
            else:
                del options["testpaths"]
            # Tests written without this setting may warn; turn it on once they are clean.
            del options["filterwarnings"]
            new_tools[name] = value
            notes.append(
                f"[tool.{name}]: added the template's, for {', '.join(tests) or 'the tests'}, "
                "without turning warnings into errors"
            )
        else:
            new_tools[name] = value
            notes.append(f"[tool.{name}]: added the template's")
    return new_tools, notes


def _merge_setuptools(tools, repo: Path, package: str) -> list[str]:
    import tomlkit

    notes = []
    setuptools = tools.get("setuptools")
    if setuptools is None:
        tools["setuptools"] = setuptools = tomlkit.table()
    if setuptools.get("include-package-data") is not True:
        setuptools["include-package-data"] = True
        notes.append("[tool.setuptools] include-package-data: true")
    if not (repo / package).is_dir():  # e.g. under src/: the repo's own configuration knows
        notes.append(f"[tool.setuptools] packages: kept yours (no {package}/ folder at the top)")
        return notes
    packages = _packages_in(repo / package, package)
    examples = f"{package}.examples"
    has_examples = (repo / "examples").is_dir()
    if has_examples:
        packages += _packages_in(repo / "examples", examples)
    old = setuptools.get("packages")
    if old is None or old.unwrap() != packages:
        listed = tomlkit.array()
        listed.extend(packages)
        setuptools["packages"] = listed.multiline(len(packages) > 2)
        notes.append(f"[tool.setuptools] packages: {', '.join(packages)}")
    if has_examples:
        package_dir = setuptools.setdefault("package-dir", tomlkit.inline_table())
        if package_dir.get(examples) != "examples":
            package_dir[examples] = "examples"
            notes.append(f'[tool.setuptools] package-dir: "{examples}" = "examples" (the notebooks)')
        package_data = setuptools.setdefault("package-data", tomlkit.table())
        patterns = package_data.setdefault(examples, tomlkit.array())
        if "*.ipynb" not in patterns:
            patterns.append("*.ipynb")
            notes.append(f'[tool.setuptools.package-data] "{examples}": "*.ipynb"')
    return notes
