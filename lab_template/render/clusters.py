"""One table of the lab's SLURM clusters: what changes between them in a job script.

A cluster is its entry here plus its name among the ``hpc_cluster`` choices of cookiecutter.json
(before ``none``, which means no HPC files); a test checks that the two name the same clusters.

The generated scripts (slurm/*.sh) and the README's "Running on <cluster>" section read
only this table. Each entry gives the defaults of a one-GPU job, from the cluster's docs:

- ``name``, ``docs``: how people write the cluster's name; its batch-job documentation.
- ``account_example``: the default ``slurm_account``, in the form the cluster's projects have.
- ``login_host``: where ``ssh`` goes.
- ``scratch``: the user's own work area for code and data (``{account}``: the project).
- ``gpu_partition``, ``cpu_partition``: where GPU jobs and CPU-only jobs go.
- ``gpu_request``: the directive that asks for one GPU; ``no_gpu``: the sbatch option that
  takes it back for a CPU-only run (command-line options override the script's).
- ``cpus_per_gpu``, ``mem``, ``time``: the cores, memory and time limit asked with one GPU
  (the cluster's fair share of a GPU node per GPU, and the handbook's five hours).
- ``cpu_cores``, ``cpu_mem``: what a CPU-only run asks for instead (a share of a CPU node).
- ``environment``: the shell commands, one a line, that give a job the cluster's Python for
  its GPUs, as the cluster's documentation gives them; ``environment_docs``: that page;
  ``environment_note``: what the README adds about it (Markdown; may be empty).
- ``container``: the container image that Python runs in, if the cluster runs it in one
  (the scripts then run ``singularity run "$SIF" python``); empty elsewhere.
- ``venv_options``: the options of ``python -m venv`` that the documentation gives for a venv
  on top of the cluster's Python (``--system-site-packages`` keeps its packages visible).
- ``slurm_cluster``: for a login node that serves several SLURM clusters, the one to use
  (``--clusters``, also for squeue, scancel and sacct); empty elsewhere.
- ``cpu_login_host``: where CPU-only jobs are submitted from, if not ``login_host``;
  empty elsewhere.

``RETIRED`` lists the clusters the template no longer offers: each one's ``name``, the day its
computing shut down (``shut_down``), its ``successor`` among CLUSTERS and the page on
``moving`` there. ``copier update`` moves a repo that chose one to its successor
(lab_template/tasks/migrate.py).
"""

from __future__ import annotations

CLUSTERS: dict[str, dict[str, str]] = {
    # https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/partitions/
    # https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/lumig-job/
    # https://docs.lumi-supercomputer.eu/hardware/lumic/
    # https://docs.lumi-supercomputer.eu/runjobs/lumi_env/dailymanagement/ (project_46XXXXXXX)
    # https://docs.lumi-supercomputer.eu/laif/software/ai-environment/
    # https://github.com/Lumi-supercomputer/LUMI-AI-Guide (chapters 1 and 2)
    # A LUMI-G node: 4 AMD MI250X = 8 GCDs, which SLURM counts as 8 GPUs; LUMI's examples
    # give each GPU 7 cores and 60G. small-g shares nodes; standard-g gives whole nodes
    # (for jobs that use all 8 GPUs). A LUMI-C node (small): 128 cores, 256 GiB.
    # Python for the GPUs: the LUMI AI Factory's PyTorch containers (ROCm builds) in
    # /appl/local/laifs/containers/, the `lumi-aif-singularity-bindings` module for the
    # container's access to the file systems and the network, and a venv made in the container
    # with --system-site-packages on top; jobs run `singularity run $SIF ...`. The image is the
    # one the LUMI AI Guide's examples use (the newest `lumi-multitorch-full-*` is the docs'
    # advice; the README says how to take another).
    "lumi": {
        "name": "LUMI",
        "docs": "https://docs.lumi-supercomputer.eu/runjobs/scheduled-jobs/partitions/",
        "account_example": "project_465000000",
        "login_host": "lumi.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "small-g",
        "cpu_partition": "small",
        "gpu_request": "--gpus-per-node=1",
        "no_gpu": "--gpus-per-node=0",
        "cpus_per_gpu": "7",
        "mem": "60G",
        "time": "05:00:00",
        "cpu_cores": "8",
        "cpu_mem": "16G",
        "environment": (
            "module purge\nmodule use /appl/local/laifs/modules\nmodule load lumi-aif-singularity-bindings"
        ),
        "environment_docs": "https://docs.lumi-supercomputer.eu/laif/software/ai-environment/",
        "environment_note": (
            "LUMI runs PyTorch on its AMD GPUs (ROCm) in the LUMI AI Factory's containers; the venv, "
            "made in the container, adds the package and its dependencies to the container's. (PyPI's "
            "`torch` is a CUDA build, which cannot use LUMI's GPUs.) `SIF` is the image that LUMI's AI "
            "guide uses: the newest `lumi-multitorch-full-*` in `/appl/local/laifs/containers/` is "
            "the documentation's advice for PyTorch. To use another, set `SIF` to its path before you "
            "make the venv and when you submit, or change its default in `slurm/environment.sh`."
        ),
        "container": (
            "/appl/local/laifs/containers/lumi-multitorch-u24r70f21m50t210-20260415_130625/"
            "lumi-multitorch-full-u24r70f21m50t210-20260415_130625.sif"
        ),
        "venv_options": "--system-site-packages",
        "slurm_cluster": "",
        "cpu_login_host": "",
    },
    # https://wiki.helsinki.fi/display/it4sci/HPC+Environment+User+Guide
    # Turso (University of Helsinki): the login node turso.cs.helsinki.fi submits to several
    # SLURM clusters; the GPU nodes are in ukko's gpu partition, which takes a plain
    # --gres=gpu:N (add --constraint=v100 or a100 for one model). Work files go in
    # /wrk-vakka/users/$USER. The University's network or VPN is needed to log in.
    # The template's maintainers could not read that guide's pages on projects or on Python
    # for the GPUs: the account is a placeholder to replace, and the environment is the
    # `Python` module with a plain venv.
    "turso": {
        "name": "Turso",
        "docs": "https://wiki.helsinki.fi/display/it4sci/HPC+Environment+User+Guide",
        "account_example": "your_project",
        "login_host": "turso.cs.helsinki.fi",
        "scratch": "/wrk-vakka/users/$USER",
        "gpu_partition": "gpu",
        "cpu_partition": "short",
        "gpu_request": "--gres=gpu:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "8",
        "mem": "32G",
        "time": "05:00:00",
        "cpu_cores": "8",
        "cpu_mem": "32G",
        "environment": "module load Python",
        "environment_docs": "https://wiki.helsinki.fi/display/it4sci/HPC+Environment+User+Guide",
        "environment_note": "",
        "container": "",
        "venv_options": "",
        "slurm_cluster": "ukko",
        "cpu_login_host": "",
    },
    # https://docs.csc.fi/computing/running/batch-job-partitions/#roihu-partitions
    # https://docs.csc.fi/computing/running/creating-job-scripts-roihu/#gpu-jobs
    # https://docs.csc.fi/computing/systems-roihu/
    # https://docs.csc.fi/computing/roihu-disk/ (project_2001234: a project's Unix group)
    # https://docs.csc.fi/computing/connecting/
    # https://docs.csc.fi/apps/python-data/
    # https://docs.csc.fi/apps/pytorch/
    # https://docs.csc.fi/support/tutorials/python-usage-guide/#installing-python-packages-to-existing-modules
    # CSC's successor of Puhti and Mahti. A Roihu GPU node: 4 NVIDIA GH200; each GPU reserved
    # grants up to 72 cores and 217 GiB (gpumedium: 1 to 4 GPUs, at most 36 hours). GPU jobs
    # are submitted from the ARM login nodes (roihu-gpu.csc.fi), CPU jobs from the x86 ones
    # (roihu-cpu.csc.fi); software built on one side runs only on that side's nodes. A CPU
    # node: 384 cores, 768 GiB (small shares nodes).
    # Python: the `python-data` module, on both sides (with CuPy on the GPU side), and a venv
    # with --system-site-packages on top; PyTorch is the `python-pytorch` module, GPU side only.
    "roihu": {
        "name": "Roihu",
        "docs": "https://docs.csc.fi/computing/running/batch-job-partitions/",
        "account_example": "project_2000000",
        "login_host": "roihu-gpu.csc.fi",
        "scratch": "/scratch/{account}/$USER",
        "gpu_partition": "gpumedium",
        "cpu_partition": "small",
        "gpu_request": "--gres=gpu:gh200:1",
        "no_gpu": "--gres=none",
        "cpus_per_gpu": "72",
        "mem": "217G",
        "time": "05:00:00",
        "cpu_cores": "8",
        "cpu_mem": "16G",
        "environment": "module load python-data",
        "environment_docs": "https://docs.csc.fi/apps/python-data/",
        "environment_note": (
            "`--system-site-packages` keeps the module's packages (NumPy, SciPy, pandas; CuPy on the "
            "GPU nodes) in the venv. For PyTorch, load `python-pytorch` instead of `python-data`, "
            "here and in `slurm/environment.sh` (GPU nodes only: see "
            "[CSC's PyTorch page](https://docs.csc.fi/apps/pytorch/))."
        ),
        "container": "",
        "venv_options": "--system-site-packages",
        "slurm_cluster": "",
        "cpu_login_host": "roihu-cpu.csc.fi",
    },
}

# https://docs.csc.fi/computing/systems-roihu/#schedule
# https://docs.csc.fi/support/tutorials/roihu/#add-roihu-as-a-service
# CSC shut down Puhti's computing on 31 July 2026 and Mahti's on 31 August 2026; both
# machines, storage and logins included, were retired on 15 October 2026. A project of
# theirs can add Roihu as a service and keep its billing units.
RETIRED: dict[str, dict[str, str]] = {
    "puhti": {
        "name": "Puhti",
        "shut_down": "31 July 2026",
        "successor": "roihu",
        "moving": "https://docs.csc.fi/support/tutorials/roihu/",
    },
    "mahti": {
        "name": "Mahti",
        "shut_down": "31 August 2026",
        "successor": "roihu",
        "moving": "https://docs.csc.fi/support/tutorials/roihu/",
    },
}


def cluster(name: str) -> dict[str, str]:
    """The settings for one cluster, and ``python``: the command that runs its Python in a job.

    A name the table does not have is an error, not a blank (which would render
    ``#SBATCH --partition=``)."""
    try:
        settings = CLUSTERS[name]
    except KeyError:
        raise ValueError(
            f"hpc_cluster: no cluster {name!r} in lab_template/render/clusters.py (it has {', '.join(CLUSTERS)})"
        ) from None
    python = 'singularity run "$SIF" python' if settings["container"] else "python"
    return {**settings, "python": python}


def account_example(name: str) -> str:
    """The default SLURM account for a cluster choice (``none``: no cluster, no account)."""
    return CLUSTERS[name]["account_example"] if name in CLUSTERS else "none"
