"""The wheel a project's own build backend makes: its files and core metadata.

The metadata comes from the backend itself (PEP 517, through `build`, in an isolated
environment as pip would make one), wherever the project keeps it: pyproject.toml's
[project], setup.cfg, setup.py, [tool.poetry], flit's or hatch's dynamic fields. Adoption
builds the committed project once before it changes anything (kept in a temporary folder for
the task that runs after copier has written the files), and once after, to compare the two.
"""

from __future__ import annotations

import email.parser
import functools
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from email.utils import getaddresses
from pathlib import Path

from lab_template.adoption import repo as git_repo

# Converts poetry's dependency groups to PEP 508 requirements with poetry-core itself, in the
# isolated environment that built the wheel (poetry's `^1.2` and `~1.2` are its own notation).
POETRY_GROUPS = """
import json, sys
from pathlib import Path
from poetry.core.factory import Factory

package = Factory().create_poetry(Path.cwd()).package
groups = {
    name: [dependency.to_pep_508() for dependency in package.dependency_group(name).dependencies]
    for name in package.dependency_group_names(include_optional=True)
    if name != "main"
}
json.dump(groups, sys.stdout)
"""


class BuildError(Exception):
    """The backend could not build the project; the message is one line."""


@dataclass
class Wheel:
    """A built wheel: its file name, its files (not its .dist-info) and its core metadata."""

    filename: str
    files: list[str]
    metadata: list[tuple[str, str]]
    description: str = ""
    entry_points: dict[str, dict[str, str]] = field(default_factory=dict)
    purelib: bool = True

    def field(self, name: str) -> str | None:
        found = self.fields(name)
        return found[0] if found else None

    def fields(self, name: str) -> list[str]:
        return [value for key, value in self.metadata if key.lower() == name.lower()]

    @property
    def version(self) -> str:
        return self.field("Version") or ""

    @property
    def name(self) -> str:
        return self.field("Name") or ""

    def people(self, role: str) -> list[tuple[str, str]]:
        """(name, email) of every author or maintainer (role), from both fields that name them."""
        found = [(name, "") for name in self.fields(role) for name in _names(name)]
        found += [(name, address) for name, address in getaddresses(self.fields(f"{role}-email"))]
        return [(name.strip(), address.strip()) for name, address in found if name.strip() or address.strip()]

    @property
    def top_level(self) -> list[str]:
        """The import names the wheel installs: packages (dotted for a namespace package, whose
        folder has no __init__.py) and modules, in order."""
        names: list[str] = []
        for path in self.files:
            parts = path.split("/")
            if parts[0].endswith(".data") or not (path.endswith(".py") or len(parts) > 1):
                continue
            if len(parts) == 1:
                name = parts[0].removesuffix(".py")
            else:
                depth = 1  # a namespace folder: go down to the first regular package
                while depth < len(parts) - 1 and f"{'/'.join(parts[:depth])}/__init__.py" not in self.files:
                    depth += 1
                name = ".".join(parts[:depth])
            if name not in names and not any(name.startswith(n + ".") for n in names):
                names.append(name)
        return names


def _names(text: str) -> list[str]:
    """The names in an Author or Maintainer field: several, separated by commas or 'and'."""
    return [part for part in (p.strip() for p in text.replace(" and ", ",").split(",")) if part]


def read(path: Path) -> Wheel:
    """A wheel's files and metadata, read from the archive."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        dist_info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        message = email.parser.Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode("utf-8"))
        wheel_info = email.parser.Parser().parsestr(archive.read(f"{dist_info}/WHEEL").decode("utf-8"))
        entry_points: dict[str, dict[str, str]] = {}
        if f"{dist_info}/entry_points.txt" in names:
            import configparser

            parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
            parser.optionxform = str  # type: ignore[assignment,method-assign]  # names keep their case
            parser.read_string(archive.read(f"{dist_info}/entry_points.txt").decode("utf-8"))
            entry_points = {group: dict(parser.items(group)) for group in parser.sections()}
    return Wheel(
        filename=path.name,
        files=sorted(n for n in names if not n.startswith(f"{dist_info}/") and not n.endswith("/")),
        metadata=[(key, str(value)) for key, value in message.items()],
        description=str(message.get_payload() or "").strip(),
        entry_points=entry_points,
        purelib=str(wheel_info.get("Root-Is-Purelib", "true")).lower() == "true",
    )


def _installer() -> str:
    """uv where it is installed (much faster to make the build environment), else pip."""
    try:
        import uv  # noqa: F401
    except ImportError:
        return "uv" if shutil.which("uv") else "pip"
    return "uv"


def _one_line(error: BaseException) -> str:
    """The last meaningful line of what the backend printed, or the error itself."""
    cause = getattr(error, "exception", None) or error
    output = getattr(cause, "output", None) or getattr(cause, "stderr", None) or b""
    text = output.decode(errors="replace") if isinstance(output, bytes) else str(output)
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not set(line.strip()) <= set("*!")
    ]
    return lines[-1] if lines else str(error).splitlines()[0]


def build(source: Path, out_dir: Path, after_build=None) -> tuple[Path, object]:
    """Build source's wheel into out_dir with its own backend, in a fresh isolated environment.

    after_build(python) runs in that environment before it is removed; its result comes back.
    """
    import pyproject_hooks
    from build import BuildBackendException, BuildException, ProjectBuilder
    from build.env import DefaultIsolatedEnv

    try:
        with warnings.catch_warnings(), DefaultIsolatedEnv(installer=_installer()) as env:
            warnings.simplefilter(
                "ignore"
            )  # the backend's deprecation warnings: the summary has what matters
            builder = ProjectBuilder.from_isolated_env(
                env, source, runner=pyproject_hooks.quiet_subprocess_runner
            )
            env.install(builder.build_system_requires)
            env.install(builder.get_requires_for_build("wheel"))
            wheel = Path(builder.build("wheel", out_dir))
            extra = after_build(env.python_executable) if after_build else None
    except (BuildBackendException, BuildException, subprocess.CalledProcessError, RuntimeError) as error:
        raise BuildError(_one_line(error)) from None
    return wheel, extra


# --- The wheel of the committed project, built once per adoption --------------------------------


def work_folder(repo: Path) -> Path:
    """A temporary folder of this adoption: the repo's path and its commit name it, so the
    questions' defaults and the task after copier's render find the same one."""
    head = git_repo.head(repo) or "none"
    key = hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "lab-template-adoption" / f"{key}-{head[:12]}"


@dataclass
class Before:
    """The committed project as its own backend builds it."""

    wheel: Wheel
    wheel_path: str
    poetry_groups: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0  # how long the build took


def _poetry_groups(source: Path, backend: str):
    if not backend.startswith("poetry"):
        return None

    def convert(python: str) -> dict[str, list[str]]:
        result = subprocess.run(
            [python, "-c", POETRY_GROUPS], cwd=source, capture_output=True, text=True, check=False
        )
        return json.loads(result.stdout) if result.returncode == 0 else {}

    return convert


@functools.cache
def _built_at_head(root: str, head: str, backend: str) -> Before:
    repo = Path(root)
    folder = work_folder(repo)
    saved = folder / "before.json"
    if saved.is_file():
        data = json.loads(saved.read_text(encoding="utf-8"))
        data["wheel"]["metadata"] = [tuple(pair) for pair in data["wheel"]["metadata"]]
        return Before(**{**data, "wheel": Wheel(**data["wheel"])})
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="source-", dir=folder) as scratch:
        source = git_repo.clone(repo, Path(scratch) / "repo")
        path, groups = build(source, folder / "before", _poetry_groups(source, backend))
    seconds = round(time.monotonic() - started, 1)
    before = Before(wheel=read(path), wheel_path=str(path), poetry_groups=groups or {}, seconds=seconds)
    saved.write_text(json.dumps(asdict(before)), encoding="utf-8")
    return before


def built_at_head(repo: Path, backend: str) -> Before:
    """The committed project's wheel (raises BuildError if it does not build)."""
    return _built_at_head(str(repo.resolve()), git_repo.head(repo) or "", backend)
