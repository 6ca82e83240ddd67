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
import zipfile
from pathlib import Path

import pytest
import readme_renderer.markdown
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename

from lab_template.render.extensions import LINE_LENGTH, dist_file_name, md_text, py_str_for, toml_str
from lab_template.render.stdlib_names import STDLIB_MODULES
from lab_template.render.validation import (
    MAX_NAME_LENGTH,
    TOOL_PACKAGES,
    answer_error,
    normalized_distribution_name,
)
from support import (
    QUESTIONS,
    TEMPLATE_ROOT,
    assert_repo_valid,
    bake_in_process,
    once_per_run,
    pip_install,
    run,
)

# Few examples, always the same ones: the checks are the same on every run and stay fast.
GENERATED = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BATCH = 40  # answers per process for the checks that run a tool once for many answers
# Those report the failing answer themselves; shrinking a batch would take minutes.
BATCHES = settings(GENERATED, phases=[Phase.explicit, Phase.generate])

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
typed_fragment = st.one_of(
    st.text(typed_characters, min_size=1, max_size=8),
    typography,
    markup,
    st.text(compatibility, min_size=1, max_size=3),
)
# What people type: mostly accepted; with any character (controls, format characters, private
# use, unassigned): often refused; long: names over their limit and summaries around PyPI's.
typed_text = st.lists(typed_fragment, min_size=1, max_size=8).map("".join)
free_text = st.one_of(
    typed_text,
    typed_text,
    st.lists(st.one_of(typed_fragment, st.text(anything, min_size=1, max_size=2)), max_size=8).map("".join),
    st.text(typed_characters, min_size=90, max_size=600),
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


@settings(BATCHES, max_examples=8)
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
    st.tuples(st.emails(), st.lists(st.one_of(anything, typography, st.sampled_from(", ;<>\"")), max_size=2).map("".join), st.integers(0, 40))
    .map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]),
)  # fmt: skip
answer_sets = st.fixed_dictionaries(
    {
        "project_name": typed_text,
        "description": st.one_of(typed_text, st.text(typed_characters, min_size=400, max_size=520)),
        "author_name": typed_text,
        "author_email": st.one_of(st.emails(), emails),
    }
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


@settings(BATCHES, max_examples=12)
@given(cases=st.lists(answer_sets, min_size=BATCH // 4, max_size=BATCH // 4))  # four answers each
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
        # Address parsers fold runs of spaces in a name, unless it is quoted; the header itself
        # holds them.
        fold = lambda text: re.sub(r"  +", " ", text)
        assert (fold(author[0]), author[1]) == (
            fold(answers["author_name"].strip()),
            answers["author_email"],
        ), metadata["Author-email"]
        assert rendered_text(result["html"], "h1") == [answers["project_name"].strip()]
        assert rendered_text(result["html"], "p") == [answers["description"].strip()]


@pytest.fixture(scope="session")
def docs_probe(docs_python):
    """The docs venv, with setuptools (the build backend) and pytest added (once per run), and
    the probe script."""
    once_per_run("docs-venv-probe", lambda _: pip_install(docs_python, "--quiet", "setuptools>=77", "pytest"))
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


@settings(BATCHES, max_examples=6)
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
    names = {canonicalize_name(Requirement(r).name) for r in requirements}
    # The dev extra names the docs extra as the project's own: that one is the package itself.
    import_names = {name.replace("-", "_") for name in names - {pyproject["project"]["name"]}}
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


# --- A representative few: the whole way, from the bake to the docs site (heavy) ------------

SAMPLE_ANSWERS = {
    "typography and Markdown": {
        "project_name": "\uff23alc \u201cquoted\u201d \u2013 \u2018dash\u2019 \uff08v2\uff09 #1 #",
        "description": (
            "~~~ fences, ``` too, &amp; &#35; entities, % a MyST comment, (target)=, +++, :smile:, "
            "https://example.org/a_b, <b>bold</b>, *stars*, _under_, [link](x), | table |, $x$ #"
        ),
        "author_name": "Zo\u00eb O\u2019Brien-\u0141ukasiewicz",
        "author_email": "zoe.o'brien+pypi@example.org",
    },
    "scripts, joiners and spaces": {
        "project_name": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Persian \u65e5\u672c\u8a9e\u3000text",
        "description": "Bonjour\u00a0! Typographie\u202f; emoji \U0001f469\u200d\U0001f52c and \U0001f3f3\ufe0f\u200d\U0001f308",
        "author_name": "\u0633\u0627\u0631\u0627\u200c \u0645\u062d\u0645\u062f\u06cc",
        "author_email": "sara@example.org",
    },
    "long text and line starts": {
        "project_name": "(x)= " + " ".join(["Bayesian optimisation toolkit"] * 4)[:95],
        "package_name": "bayesian_optimisation_toolkit_of_the_lab_in_20260",  # the longest allowed
        "distribution_name": "bayesian-optimisation-toolkit-of-the-lab-in-20260",
        "github_org": "a-github-organisation-named-at-length39",
        "description": ("% not a comment: 1. not a list; - nor this; " * 12)[:512],
        "author_name": "+++ Ada Lovelace",
        "author_email": "ada@example.org",
    },
}


@pytest.mark.parametrize("answers", SAMPLE_ANSWERS.values(), ids=SAMPLE_ANSWERS.keys())
def test_accepted_answers_build_a_clean_repo_that_shows_them(cookies, docs_probe, tmp_path, answers):
    assert len(SAMPLE_ANSWERS["long text and line starts"]["package_name"]) == MAX_NAME_LENGTH
    for field, value in answers.items():
        assert not answer_error(field, value), answer_error(field, value)
    repo = bake_in_process(
        cookies, **{"github_org": "lab", **answers, "hpc_cluster": "none", "docs": "pages"}
    )
    assert_repo_valid(repo)
    run("ruff", "check", "--no-cache", ".", cwd=repo)
    run("ruff", "format", "--check", "--no-cache", ".", cwd=repo)

    run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", repo)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser(policy=email.policy.default).parsestr(archive.read(name).decode())
    assert metadata["Summary"] == answers["description"]
    (author,) = email.utils.getaddresses([metadata["Author-email"]])
    assert author == (answers["author_name"], answers["author_email"])
    page = readme_renderer.markdown.render(metadata.get_payload(), variant="GFM")
    assert rendered_text(page, "h1")[0] == answers["project_name"]
    assert answers["description"] in rendered_text(page, "p")

    # Installed, the package imports and its own tests pass; the docs build with -W and show it.
    pip_install(docs_probe.python, "--quiet", "--no-deps", wheel)
    package = repo.name
    run(docs_probe.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs", package, cwd=tmp_path)
    html_dir = tmp_path / "html"
    run(
        docs_probe.python,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "docs",
        html_dir,
        cwd=repo,
    )
    index = (html_dir / "index.html").read_text()
    assert answers["project_name"] in rendered_text(index, "h1")[0]
    assert answers["description"] in rendered_text(index, "p")
    assert answers["project_name"] in html.unescape(re.search(r"<title>(.*?)</title>", index).group(1))


# --- Refused answers: one line, nothing written, whichever way the answer arrives -----------

# (field, value): each class of answer that once passed the rules and broke the repo.
REFUSED = {
    "Jinja is not evaluated": ("project_name", "Calc {{ 7*7 }}"),
    "Jinja does not run commands": (
        "description",
        "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    ),
    "email setuptools refuses": ("author_email", "j\u00fcrgen@example.org"),
    "look-alike of ASCII": ("distribution_name", "\u212aelvin"),
    "own dependency": ("package_name", "numpy"),
    "removed from the standard library": ("package_name", "imp"),
    "longer than PyPI's summary": ("description", "x" * 10_000),
}
FEWER = ["Jinja is not evaluated", "email setuptools refuses", "own dependency"]  # slower ways
WAYS = {
    "cookiecutter key=value": list(REFUSED),
    "cookiecutter --config-file": FEWER,
    "cookiecutter --replay-file": FEWER,
    "cookiecutter prompt": FEWER,
    "copier --data": list(REFUSED),
    "copier --data-file": FEWER,
}


@pytest.fixture(scope="module")
def good_replay(tmp_path_factory) -> dict:
    """cookiecutter's replay file of a good bake: the base for replays with one bad answer."""
    folder = tmp_path_factory.mktemp("replay")
    config = folder / "config.yaml"
    config.write_text(
        yaml.safe_dump({"replay_dir": str(folder / "replay"), "cookiecutters_dir": str(folder)})
    )
    output = folder / "out"
    output.mkdir()
    cookiecutter_command = [sys.executable, "-m", "cookiecutter", "--no-input", "--config-file", config]
    run(*cookiecutter_command, "-o", output, TEMPLATE_ROOT, cwd=output)
    (replay,) = (folder / "replay").glob("*.json")
    return json.loads(replay.read_text())


def refuse(way: str, answers: dict, work, good_replay=None):
    """Give the answers the way a user would; returns the finished process and the output folder."""
    output = work / "out"
    output.mkdir()
    typed = ""  # what is typed at the prompts: nothing but for the prompt way
    config = work / "config.yaml"
    settings_ = {"replay_dir": str(work / "replay"), "cookiecutters_dir": str(work / "cc")}
    cookiecutter_command = [sys.executable, "-m", "cookiecutter", "--config-file", config, "-o", output]
    copier_command = ["copier", "copy", "--trust", "--defaults", "--vcs-ref=HEAD"]
    if way == "cookiecutter key=value":
        arguments = [
            *cookiecutter_command,
            "--no-input",
            TEMPLATE_ROOT,
            *(f"{k}={v}" for k, v in answers.items()),
        ]
    elif way == "cookiecutter --config-file":
        settings_["default_context"] = answers
        arguments = [*cookiecutter_command, "--no-input", TEMPLATE_ROOT]
    elif way == "cookiecutter --replay-file":
        replay = json.loads(json.dumps(good_replay))
        replay["cookiecutter"].update(answers)
        replay["_cookiecutter"].update(answers)
        (work / "bad.json").write_text(json.dumps(replay))
        arguments = [*cookiecutter_command, "--replay-file", work / "bad.json", TEMPLATE_ROOT]
    elif way == "cookiecutter prompt":  # typed at the prompts; Enter takes the default
        typed = "".join(f"{answers.get(question, '')}\n" for question in QUESTIONS)
        arguments = [*cookiecutter_command, TEMPLATE_ROOT]
    elif way == "copier --data":
        arguments = [*copier_command, *(f"--data={k}={v}" for k, v in answers.items()), TEMPLATE_ROOT, output]
    else:  # copier --data-file
        (work / "data.yaml").write_text(yaml.safe_dump(answers))
        arguments = [*copier_command, "--data-file", work / "data.yaml", TEMPLATE_ROOT, output]
    config.write_text(yaml.safe_dump(settings_))
    process = subprocess.run(
        [str(a) for a in arguments],
        cwd=work,
        input=typed,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return process, output


def assert_refused(process, output: Path, field: str) -> None:
    assert process.returncode != 0
    last_line = process.stderr.strip().splitlines()[-1]
    assert re.match(rf"error: {field}: \S", last_line), process.stderr
    assert not output.exists() or not any(output.iterdir()), "a refused bake wrote files"


WAYS_AND_CASES = [(way, case) for way, cases in WAYS.items() for case in cases]


@pytest.mark.parametrize(
    ("way", "case"), WAYS_AND_CASES, ids=[f"{way}: {case}" for way, case in WAYS_AND_CASES]
)
def test_a_refused_answer_stops_with_one_line_and_writes_nothing(way, case, good_replay, tmp_path):
    field, value = REFUSED[case]
    process, output = refuse(way, {field: value}, tmp_path, good_replay)
    assert_refused(process, output, field)
    assert not (tmp_path / "pwned").exists()


# Refusals that belong to one way of answering.
ONE_WAY_REFUSALS = {
    "python_min: 3.10 in YAML is 3.1": ("copier --data-file", {"python_min": 3.10}, "python_min"),
    "a choice not in the list": ("copier --data", {"docs": "mkdocs"}, "docs"),
    "a misspelled question": ("copier --data", {"pakage_name": "gp_toolkit"}, "pakage_name"),
    "copier: no Latin letters to derive from": (
        "copier --data",
        {"project_name": "\u6570\u636e"},
        "package_name",
    ),
    "cookiecutter: no Latin letters": (
        "cookiecutter key=value",
        {"project_name": "\u6570\u636e"},
        "package_name",
    ),
    "cookiecutter: derives 'test'": (
        "cookiecutter key=value",
        {"project_name": "\u0422\u0435\u0441\u0442 test"},
        "package_name",
    ),
}


@pytest.mark.parametrize(("way", "answers", "field"), ONE_WAY_REFUSALS.values(), ids=ONE_WAY_REFUSALS.keys())
def test_refusals_of_one_way_of_answering(way, answers, field, tmp_path):
    process, output = refuse(way, answers, tmp_path)
    assert_refused(process, output, field)
