"""Answers: what the rules accept builds a clean repo that shows the text as typed; what they
refuse stops both tools with one `error: <field>: ...` line, whichever way the answer arrives.

Many generated answers go through the cheap checks (the rules, the escaping filters, ruff, PyPI's
Markdown renderer, and setuptools' metadata writer and MyST-Parser in the docs venv, all cases in
one process); a representative few go through a whole bake, build, install, test and Sphinx run.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import html
import json
import keyword
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
import readme_renderer.markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

from lab_template.extensions import LINE_LENGTH, dist_file_name, md_text, py_str_for, toml_str
from lab_template.stdlib_names import STDLIB_MODULES
from lab_template.validation import (
    MAX_NAME_LENGTH,
    TOOL_PACKAGES,
    answer_error,
    normalized_distribution_name,
)
from support import TEMPLATE_ROOT, pip_install, run

# Few examples, always the same ones: the checks are the same on every run and stay fast.
GENERATED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BATCH = 40  # answers per process for the checks that run a tool once for many answers

# --- What people type, and what breaks tools -------------------------------------------------

typed_characters = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
# Typography and scripts the rules once refused or the repo's own checks failed on.
typography = st.sampled_from(
    [
        *"\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2039\u203a\u00ab\u00bb",  # quotes, dashes
        *"\uff08\uff09\uff3b\uff3d\uff5b\uff5d\uff1c\uff1e\uff1a\uff1b\uff0c\u3002\u3001",  # full-width
        "\u00a0",  # French no-break space: 'Bonjour\u00a0!'
        "\u202f",  # narrow no-break space
        "\u3000",  # ideographic (full-width) space
        "\u200c",  # zero-width non-joiner: Persian 'می\u200cخواهم'
        "\u200d",  # zero-width joiner
        "\U0001f469\u200d\U0001f52c",  # woman scientist: emoji joined by ZWJ
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag: variation selector and ZWJ
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "\u65e5\u672c\u8a9e\u3000\u30c6\u30ad\u30b9\u30c8",
    ]
)
# Markdown, GitHub Markdown and MyST syntax: each fragment is markup somewhere in a line.
markup = st.sampled_from(
    [
        "```", "~~~", "#", " #", "# ", "## x ##", "&amp;", "&#35;", "&copy;", "&nbsp;", "% ", "%",
        "(target)=", "+++", "---", "===", "***", "<!-- x -->", "<b>", "</div>", "*a*", "_a_",
        "**b**", "`x`", "[a](b)", "![i](x)", "[a]: b", "| a | b |", "> q", "- ", "+ ", "* ",
        "1. ", "1) ", "\\", "$x$", "$$", "{sub}`x`", ":::", "[^1]", "~~s~~", "~s~", ":smile:",
        "www.example.org", "https://example.org/a_b", "a_b@x.org", "x_@b.org", "snake_case", "<https://x.org>", "a@b.org", "{", "}",
        "\\*", "\\\\", "  ", "-->",
    ]
)  # fmt: skip
# Compatibility characters: NFKC or case folding turns them into something else (often ASCII).
compatibility = st.sampled_from(
    [
        ch
        for ch in map(chr, range(0x20000))
        if unicodedata.category(ch)[0] in "LNPS"
        and (unicodedata.normalize("NFKC", ch) != ch or ch.casefold() != ch.lower())
    ]
)
anything = st.characters(exclude_categories=["Cs"])
fragment = st.one_of(
    st.text(typed_characters, max_size=8),
    typography,
    markup,
    st.text(compatibility, min_size=1, max_size=3),
    st.text(anything, max_size=2),
)
free_text = st.one_of(
    st.lists(fragment, max_size=8).map("".join),
    st.lists(fragment, max_size=8).map("".join),
    st.text(typed_characters, min_size=90, max_size=600),  # long: names and PyPI's summary
)


def rendered_text(page: str, tag: str) -> list[str]:
    """The text of every <tag> element of an HTML page, as a reader sees it."""
    elements = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", element)) for element in elements]


def markdown_page(project_name: str, description: str) -> str:
    """The start of the generated README.md and docs/index.md."""
    return f"# {md_text(project_name)}\n\n{md_text(description)}\n"


# --- Free text: every accepted answer survives each format (cheap checks, many answers) -------


@settings(GENERATED, max_examples=300)
@given(project_name=free_text, description=free_text)
def test_markdown_shows_the_text_as_typed_on_pypi(project_name, description):
    if answer_error("project_name", project_name) or answer_error("description", description):
        return
    page = readme_renderer.markdown.render(markdown_page(project_name, description), variant="GFM")
    assert rendered_text(page, "h1") == [project_name.strip()]
    assert rendered_text(page, "p") == [description.strip()]


@settings(GENERATED, max_examples=8)
@given(texts=st.lists(free_text, min_size=BATCH, max_size=BATCH))
def test_python_literals_pass_the_repos_ruff_and_hold_the_text(default_repo, tmp_path_factory, texts):
    """docs/conf.py holds the project and author names, as py_str_for writes them."""
    texts = [text.strip() for text in texts if not answer_error("description", text)]
    folder = tmp_path_factory.mktemp("py-str")
    shutil.copy(default_repo / "pyproject.toml", folder)  # the repo's own ruff settings
    lines = ['"""Answers as docs/conf.py holds them."""', "", "values = []"]
    for text in texts:
        lines += [
            f"project = {py_str_for(text, 'project')}",
            f"author = {py_str_for(text, 'author')}",
            f"copyright = {py_str_for('2026, ' + text, 'copyright')}",
            "values.append((project, author, copyright))",
        ]
    (folder / "conf.py").write_text("\n".join(lines) + "\n")
    run("ruff", "check", "--no-cache", "conf.py", cwd=folder)
    run("ruff", "format", "--check", "--no-cache", "conf.py", cwd=folder)
    namespace: dict = {}
    exec((folder / "conf.py").read_text(), namespace)  # noqa: S102 - the literals under test
    assert namespace["values"] == [(text, text, "2026, " + text) for text in texts]


def test_py_str_for_lays_out_for_the_repos_line_length(default_repo):
    import tomllib

    pyproject = tomllib.loads((default_repo / "pyproject.toml").read_text())
    assert pyproject["tool"]["ruff"]["line-length"] == LINE_LENGTH


# Email addresses as people get them wrong: commas, spaces, non-ASCII, invisible characters.
emails = st.one_of(
    st.emails(),
    st.tuples(st.emails(), st.text(st.one_of(anything, typography, st.sampled_from(", ;<>\"")), max_size=2), st.integers(0, 40))
    .map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]),
)  # fmt: skip
answer_sets = st.fixed_dictionaries(
    {"project_name": free_text, "description": free_text, "author_name": free_text, "author_email": emails}
)


def minimal_pyproject(answers: dict) -> str:
    """The [project] lines of the generated pyproject.toml that hold free text."""
    return (
        "[project]\n"
        'name = "answers"\n'
        'version = "0.1"\n'
        f"description = {toml_str(answers['description'])}\n"
        f"authors = [{{ name = {toml_str(answers['author_name'])}, email = {toml_str(answers['author_email'])} }}]\n"
    )


@pytest.mark.xdist_group("docs")
@settings(GENERATED, max_examples=8)
@given(cases=st.lists(answer_sets, min_size=BATCH, max_size=BATCH))
def test_setuptools_and_myst_take_every_accepted_answer(docs_probe, cases):
    """The metadata holds the text exactly; the MyST docs page shows it as typed."""
    accepted = [answers for answers in cases if not any(answer_error(k, v) for k, v in answers.items())]
    probe_input = [
        {"pyproject": minimal_pyproject(a), "markdown": markdown_page(a["project_name"], a["description"])}
        for a in accepted
    ]
    probe = subprocess.run(
        [docs_probe.python, docs_probe.script],
        input=json.dumps(probe_input),
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    results = json.loads(probe.stdout)
    for answers, result in zip(accepted, results, strict=True):
        assert result["error"] is None, (answers, result["error"])
        metadata = email.parser.Parser(policy=email.policy.default).parsestr(result["metadata"])
        assert metadata["Summary"] == answers["description"].strip()
        (author,) = email.utils.getaddresses([metadata["Author-email"]])
        assert author == (answers["author_name"].strip(), answers["author_email"])
        assert rendered_text(result["html"], "h1") == [answers["project_name"].strip()]
        assert rendered_text(result["html"], "p") == [answers["description"].strip()]


@pytest.fixture(scope="session")
def docs_probe(docs_python):
    """The docs venv, with setuptools (the build backend) added, and the probe script."""
    pip_install(docs_python, "--quiet", "setuptools>=77")
    return type("Probe", (), {"python": docs_python, "script": TEMPLATE_ROOT / "tests" / "answer_probe.py"})


# --- Names ----------------------------------------------------------------------------------

LOOK_ALIKES = "abcdeiklmnopstuxyzſKıİﬁﬂＡａ１𝐚ⅰ²ｉ"  # with the Kelvin sign, long s, dotless i, ...
package_names = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
    st.sampled_from(sorted(STDLIB_MODULES | TOOL_PACKAGES | set(keyword.kwlist) | set(keyword.softkwlist))),
    st.text(st.sampled_from(LOOK_ALIKES + "_"), min_size=1, max_size=8),
    st.text(st.characters(categories=["L", "N", "Pc"]), max_size=8),
    st.text(st.sampled_from("abc_"), min_size=MAX_NAME_LENGTH - 2, max_size=MAX_NAME_LENGTH + 2),
)


IMPORT_FROM_LAST_PATH = """
import importlib, sys
sys.path.append(sys.argv[1])
for name in sys.argv[2:]:
    print(importlib.import_module(name).__file__)
"""


@settings(GENERATED, max_examples=6)
@given(names=st.lists(package_names, min_size=BATCH, max_size=BATCH, unique=True))
def test_an_accepted_package_name_imports_as_itself(tmp_path_factory, names):
    """No case folding or NFKC look-alike, no shadowing of what is installed or standard."""
    for name in names:
        message = answer_error("package_name", name)
        assert not message or message.startswith("package_name: ")
    accepted = [name for name in names if not answer_error("package_name", name)]
    folder = tmp_path_factory.mktemp("packages")
    for name in accepted:
        assert name.isascii() and unicodedata.normalize("NFKC", name) == name
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text("")
    # Installed, a package comes after the standard library and the packages already installed.
    result = run(sys.executable, "-I", "-c", IMPORT_FROM_LAST_PATH, folder, *accepted)
    assert result.stdout.split() == [str(folder / name / "__init__.py") for name in accepted]


distribution_names = st.one_of(
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True),
    st.text(st.sampled_from(LOOK_ALIKES + "-._ "), min_size=1, max_size=8),
    st.sampled_from(sorted(TOOL_PACKAGES)).map(lambda name: name.replace("_", "-").upper()),
    st.text(st.sampled_from("ab-"), min_size=MAX_NAME_LENGTH - 2, max_size=MAX_NAME_LENGTH + 2),
)


@settings(GENERATED, max_examples=300)
@given(name=distribution_names)
def test_an_accepted_distribution_name_is_what_pip_and_the_file_names_read(name):
    message = answer_error("distribution_name", name)
    if message:
        assert message.startswith("distribution_name: ")
        return
    assert Requirement(name).name == name
    assert canonicalize_name(name) == normalized_distribution_name(name)
    assert canonicalize_name(name) not in {canonicalize_name(tool) for tool in TOOL_PACKAGES}
    wheel = f"{dist_file_name(name)}-0.1.0.dev1+g0123456.d20260101-py3-none-any.whl"
    assert canonicalize_name(parse_wheel_filename(wheel)[0]) == canonicalize_name(name)
    sdist = f"{dist_file_name(name)}-0.1.0.tar.gz"
    assert canonicalize_name(parse_sdist_filename(sdist)[0]) == canonicalize_name(name)
    assert len(wheel.encode()) < 255  # a file name on every file system


def test_reserved_names_cover_what_the_repo_installs_and_runs(default_repo):
    import tomllib

    pyproject = tomllib.loads((default_repo / "pyproject.toml").read_text())
    requirements = [
        *pyproject["build-system"]["requires"],
        *pyproject["project"]["dependencies"],
        *(r for extra in pyproject["project"]["optional-dependencies"].values() for r in extra),
    ]
    import_names = {canonicalize_name(Requirement(r).name).replace("-", "_") for r in requirements}
    assert import_names <= TOOL_PACKAGES
    for name in [*import_names, "test"]:
        assert answer_error("package_name", name)
        assert answer_error("distribution_name", name.replace("_", "-"))


def test_the_standard_library_list_covers_every_supported_python():
    """Not the running interpreter's list: a package for 3.10 must not be called imp under 3.13."""
    running = {name for name in sys.stdlib_module_names if not name.startswith("_")}
    assert running <= STDLIB_MODULES
    removed_since_310 = {"asynchat", "asyncore", "distutils", "imp", "smtpd", "binhex", "cgi", "telnetlib"}
    added_since_310 = {"tomllib", "annotationlib", "compression"}
    assert removed_since_310 | added_since_310 <= STDLIB_MODULES
    for minor in range(10, 15):  # other supported Pythons, where the machine has them
        python = shutil.which(f"python3.{minor}")
        found = python and run(python, "-c", "import sys; print(*sys.stdlib_module_names)", check=False)
        if found and found.returncode == 0:
            names = found.stdout.split()
            assert {name for name in names if not name.startswith("_")} <= STDLIB_MODULES, minor
    for name in removed_since_310:
        assert "standard-library" in answer_error("package_name", name)
