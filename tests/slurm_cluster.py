"""A real one-node SLURM on 127.0.0.1, with accounting, to run the generated job scripts.

Debian's munge, MariaDB, slurmdbd, slurmctld and slurmd (installed by .ci/run) are started
by hand, as root, with their files in temporary folders and on ports of their own: no
systemd, no cgroups. The controller is registered in the database as the cluster ``name``
(Turso's scripts ask for ``--clusters=ukko``), with the accounts the scripts bill to.
The node claims more cores, memory and GPUs than this machine has (SLURM is told to
believe its configuration) and enforces nothing (task/none), so each cluster's scripts run
with their own requests. Its GPUs are device nodes made like /dev/null: slurmd refuses
plain files.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from support import free_port

# Stopped in reverse order: the controller reports to slurmdbd, slurmdbd to MariaDB.
DAEMONS = ("munged", "mariadbd", "slurmdbd", "slurmctld", "slurmd")
CLIENTS = (
    "mungekey",
    "mariadb-install-db",
    "sacctmgr",
    "sbatch",
    "salloc",
    "srun",
    "scontrol",
    "scancel",
    "squeue",
    "sacct",
)
NEEDED_PROGRAMS = (*DAEMONS, *CLIENTS, "seff")
# What .ci/run installs; seff comes from the slurm-wlm source package (Debian ships no binary).
# Lmod gives the jobs' bash the `module` command, as the clusters' logins do.
DEBIAN_PACKAGES = (
    "munge mariadb-server slurmdbd slurm-wlm-mysql-plugin slurmctld slurmd slurm-client "
    "libslurm-perl libslurmdb-perl lmod"
)
# Lmod's set-up for bash: BASH_ENV names it, so that every bash script has `module`.
LMOD_INIT = Path("/usr/share/lmod/lmod/init/bash")
FINAL_JOB_STATES = {
    "BOOT_FAIL",
    "CANCELLED",
    "COMPLETED",
    "DEADLINE",
    "FAILED",
    "NODE_FAIL",
    "OUT_OF_MEMORY",
    "PREEMPTED",
    "TIMEOUT",
}
SACCT_FIELDS = ("JobID", "JobName", "Cluster", "Account", "Partition", "State", "ExitCode", "AllocTRES")


class SlurmError(RuntimeError):
    """SLURM did not do what was asked; the message holds the daemons' logs."""


def cannot_run_here() -> str | None:
    """Why this machine cannot run the cluster, in one line saying what it needs; or None."""
    missing = [name for name in NEEDED_PROGRAMS if not shutil.which(name)]
    if not LMOD_INIT.is_file():
        missing.append("Lmod")
    if missing:
        return (
            f"a real SLURM needs {', '.join(missing)}: apt-get install {DEBIAN_PACKAGES}, and seff "
            "from Debian's slurm-wlm source (see .ci/run)"
        )
    if os.geteuid() != 0:
        return "a real SLURM needs root here: its daemons run as root and its GPUs are device nodes"
    return None


def _is_running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (which only its parent can reap)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _parse_record(line: str) -> dict[str, str]:
    """One line of `scontrol show ... -o`: space-separated Key=Value pairs."""
    return dict(field.split("=", 1) for field in line.split() if "=" in field)


class SlurmCluster:
    """One controller and one compute node (this machine) serving ``partitions``.

    ``gpu_types``: the GRES types of the node's GPUs (``gpus_per_type`` of each); a request
    without a type (``--gres=gpu:1``, ``--gpus-per-node=1``) takes any of them.
    ``accounts``: the accounts root may bill to.
    """

    def __init__(
        self,
        root: Path,
        partitions: list[str],
        gpu_types: list[str],
        accounts: list[str],
        name: str = "ukko",
        cpus: int = 512,
        memory_mb: int = 2_000_000,
        gpus_per_type: int = 8,
    ):
        self.root = root
        self.partitions = partitions
        self.gpu_types = gpu_types
        self.accounts = accounts
        self.name = name
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.gpus_per_type = gpus_per_type
        self.node = socket.gethostname().split(".")[0]
        self.conf = root / "slurm.conf"
        self.munge_dir: Path | None = None  # made by start()
        self.mariadb: subprocess.Popen | None = None  # the one daemon that does not fork
        self.running = False
        self.start_error: SlurmError | None = None
        # Every client command finds the cluster through SLURM_CONF; jobs get it from slurmd.
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}

    # --- lifecycle ---------------------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        """Start the daemons, once: later calls do nothing, or raise the first call's error."""
        if self.start_error:
            raise self.start_error
        if self.running:
            return
        try:
            self._start(timeout)
        except SlurmError as error:
            self.start_error = error
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / "start-error").write_text(str(error))  # for attach()
            raise
        self.running = True

    @classmethod
    def attach(cls, root: Path, *args, **kwargs) -> SlurmCluster:
        """The cluster that start() started in ``root``, maybe in another process (the same
        arguments otherwise): its commands run on it, or raise the error it could not start with."""
        cluster = cls(root, *args, **kwargs)
        if (root / "start-error").exists():
            cluster.start_error = SlurmError((root / "start-error").read_text())
        else:
            cluster.running = True
        return cluster

    @classmethod
    def stop_in(cls, root: Path) -> None:
        """Stop the cluster that start() started in ``root``, maybe in another process."""
        cls(root, partitions=[], gpu_types=[], accounts=[]).stop()

    def _start(self, timeout: float) -> None:
        reason = cannot_run_here()
        if reason:
            raise SlurmError(reason)
        for folder in ("spool", "state", "mysql", "gpus"):
            (self.root / folder).mkdir(parents=True)
        # munged wants every folder above its socket open to all: not so pytest's tmp_path.
        munge_dir = self.munge_dir = Path(tempfile.mkdtemp(prefix="munge-"))
        (self.root / "munge-dir").write_text(str(munge_dir))  # for stop() in another process
        munge_dir.chmod(0o755)
        self._run("mungekey", "--create", "--keyfile", munge_dir / "munge.key")
        self._start_daemon(
            "munged",
            f"--key-file={munge_dir / 'munge.key'}",
            f"--socket={munge_dir / 'munge.socket'}",
            f"--pid-file={self.root / 'munged.pid'}",
            f"--seed-file={munge_dir / 'munge.seed'}",
            f"--log-file={self.root / 'munged.log'}",
        )
        self.mysql_port, self.dbd_port, self.controller_port = free_port(), free_port(), free_port()
        self._start_mariadb()
        self.conf.write_text(self._slurm_conf())
        (self.root / "gres.conf").write_text(self._gres_conf())
        # slurmdbd reads slurmdbd.conf beside slurm.conf; it holds a password, so 600.
        dbd_conf = self.root / "slurmdbd.conf"
        dbd_conf.write_text(self._slurmdbd_conf())
        dbd_conf.chmod(0o600)
        self._start_daemon("slurmdbd")
        self._wait_for(lambda: self._try("sacctmgr", "--noheader", "show", "cluster"), "slurmdbd", timeout)
        self._run("sacctmgr", "--immediate", "add", "cluster", self.name)
        for account in self.accounts:
            self._run("sacctmgr", "--immediate", "add", "account", account, f"cluster={self.name}")
        self._run(
            "sacctmgr", "--immediate", "add", "user", "root", f"account={','.join(self.accounts)}",
            f"cluster={self.name}",
        )  # fmt: skip
        self._start_daemon("slurmctld", "-f", self.conf)
        self._start_daemon("slurmd", "-f", self.conf)
        self._wait_for(self._node_is_idle, f"node {self.node} to be IDLE", timeout)
        # sbatch --clusters looks the controller up in slurmdbd, where slurmctld registers.
        self._wait_for(self._controller_is_registered, f"cluster {self.name} in slurmdbd", timeout)

    def _start_mariadb(self) -> None:
        """MariaDB on its own socket and port, trusting whoever connects (only slurmdbd does).

        Its system tables are needed: slurmdbd stores functions, which live there."""
        data = self.root / "mysql"
        small = ["--innodb-log-file-size=8M", "--innodb-buffer-pool-size=64M"]
        self._run(
            "mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root", *small,
            "--auth-root-authentication-method=normal", "--skip-test-db",
        )  # fmt: skip
        command = [
            "mariadbd", "--no-defaults", f"--datadir={data}", *small, "--user=root",
            f"--socket={self.root / 'mysql.sock'}", "--bind-address=127.0.0.1", f"--port={self.mysql_port}",
            f"--pid-file={self.root / 'mariadbd.pid'}", f"--log-error={self.root / 'mariadbd.log'}",
            "--skip-grant-tables", "--skip-log-bin",
        ]  # fmt: skip
        with (self.root / "mariadbd.out").open("w") as out:
            self.mariadb = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_for(lambda: self._port_open(self.mysql_port), "MariaDB", 30)

    def stop(self) -> None:
        """Cancel what is left, then stop the daemons this cluster started (by pid file)."""
        if self.conf.exists():
            subprocess.run(
                ["scancel", "--full", "--user", "root"], check=False, env=self.env, capture_output=True
            )
        for daemon in reversed(DAEMONS):
            pid_file = self.root / f"{daemon}.pid"
            if not pid_file.exists():
                continue
            pid = int(pid_file.read_text().split()[0])
            _signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while _is_running(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _is_running(pid):
                _signal(pid, signal.SIGKILL)
        if self.mariadb:
            self.mariadb.wait(timeout=15)
        if (self.root / "munge-dir").exists():
            shutil.rmtree((self.root / "munge-dir").read_text(), ignore_errors=True)
        shutil.rmtree(self.root / "mysql", ignore_errors=True)  # the database: large, and done with

    def logs(self) -> str:
        """The end of each daemon's log, for failure messages."""
        parts = []
        for daemon in DAEMONS:
            log = self.root / f"{daemon}.log"
            text = log.read_text(errors="replace") if log.exists() else "(no log)"
            parts.append(f"--- {log}\n" + "\n".join(text.splitlines()[-40:]))
        return "\n".join(parts)

    # --- jobs --------------------------------------------------------------------------

    def command(self, *args, cwd: Path | None = None, env: dict | None = None, timeout: float = 60):
        """Run a client command (sbatch, bash slurm/interactive.sh, ...) after start(): a
        cluster that could not start fails the test that runs it, with the daemons' logs."""
        self.start()
        return subprocess.run(
            [str(a) for a in args],
            check=False,
            cwd=cwd,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def wait_for_job(self, job_id: str, tasks: int = 1, timeout: float = 60) -> list[dict[str, str]]:
        """Poll until the job (or each of an array's ``tasks``) has ended; its records."""
        deadline = time.monotonic() + timeout
        while True:
            records = self.job_records(job_id)
            if len(records) == tasks and all(r.get("JobState") in FINAL_JOB_STATES for r in records):
                return records
            if time.monotonic() > deadline:
                raise SlurmError(f"job {job_id} did not end in {timeout} s: {records}\n{self.logs()}")
            time.sleep(0.1)

    def job_records(self, job_id: str) -> list[dict[str, str]]:
        """`scontrol show job ID`: one record per job (an array's not yet split up counts once)."""
        result = self.command("scontrol", "show", "job", "-o", job_id)
        return [_parse_record(line) for line in result.stdout.splitlines() if line.strip()]

    def accounting(
        self, job_id: str, *options: str, tasks: int = 1, timeout: float = 120
    ) -> list[dict[str, str]]:
        """`sacct OPTIONS -j ID` rows (jobs, then steps), once slurmdbd has the whole job (each of
        an array's ``tasks``): it records a job a moment after the controller is done with it.

        The timeout allows for a machine busy with the rest of the test run: the jobs of the
        README's commands are all submitted at once, and each starts Python twice."""
        deadline = time.monotonic() + timeout
        while True:
            result = self._run(
                "sacct", *options, "-j", job_id, "--noheader", "--parsable2", "-o", ",".join(SACCT_FIELDS)
            )
            rows = [dict(zip(SACCT_FIELDS, line.split("|"))) for line in result.stdout.splitlines() if line]
            jobs = [row for row in rows if "." not in row["JobID"]]
            # A step recorded before its job makes a stand-in job named "allocation", until
            # the job's own record arrives.
            if len(jobs) >= tasks and all(
                row["State"] in FINAL_JOB_STATES and row["JobName"] != "allocation" for row in jobs
            ):
                return rows
            if time.monotonic() > deadline:
                raise SlurmError(f"sacct has no end for job {job_id} in {timeout} s: {rows}\n{self.logs()}")
            time.sleep(0.2)

    # --- configuration -----------------------------------------------------------------

    def _slurm_conf(self) -> str:
        root = self.root
        gres = ",".join(f"gpu:{kind}:{self.gpus_per_type}" for kind in self.gpu_types)
        lines = [
            f"ClusterName={self.name}",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={self.controller_port}",
            f"SlurmdPort={free_port()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={self.munge_dir / 'munge.socket'}",
            f"StateSaveLocation={root / 'state'}",
            f"SlurmdSpoolDir={root / 'spool'}",
            f"SlurmctldPidFile={root / 'slurmctld.pid'}",
            f"SlurmdPidFile={root / 'slurmd.pid'}",
            f"SlurmctldLogFile={root / 'slurmctld.log'}",
            f"SlurmdLogFile={root / 'slurmd.log'}",
            # No cgroups here: track processes by their parents, enforce nothing.
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/linux",  # what seff reports on
            "MpiDefault=none",
            "MailProg=/bin/true",
            "ReturnToService=2",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            # Start batch jobs at once (default: a few seconds' wait).
            "SchedulerParameters=batch_sched_delay=0",
            # Jobs are recorded by slurmdbd, GPUs included, and billed to known accounts only.
            "AccountingStorageType=accounting_storage/slurmdbd",
            "AccountingStorageHost=127.0.0.1",
            f"AccountingStoragePort={self.dbd_port}",
            f"AccountingStoragePass={self.munge_dir / 'munge.socket'}",  # AuthInfo's, for slurmdbd
            "AccountingStorageTRES=gres/gpu",
            "AccountingStorageEnforce=associations",
            # `scontrol show job` keeps answering for an hour after a job ends.
            "MinJobAge=3600",
            "GresTypes=gpu",
            # The node claims more cores, memory and GPUs than this machine has.
            "SlurmdParameters=config_overrides",
            (
                f"NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} "
                f"RealMemory={self.memory_mb} Gres={gres} State=UNKNOWN"
            ),
        ]
        lines += [
            f"PartitionName={name} Nodes={self.node} MaxTime=INFINITE State=UP" for name in self.partitions
        ]
        return "\n".join(lines) + "\n"

    def _gres_conf(self) -> str:
        lines = ["AutoDetect=off"]
        for kind in self.gpu_types:
            devices = []
            for index in range(self.gpus_per_type):
                device = self.root / "gpus" / f"{kind}-{index}"
                os.mknod(device, 0o666 | 0o020000, os.makedev(1, 3))  # a character device, as /dev/null
                devices.append(str(device))
            lines.append(f"NodeName={self.node} Name=gpu Type={kind} File={','.join(devices)}")
        return "\n".join(lines) + "\n"

    def _slurmdbd_conf(self) -> str:
        root = self.root
        return "\n".join(
            [
                "AuthType=auth/munge",
                f"AuthInfo=socket={self.munge_dir / 'munge.socket'}",
                "DbdHost=localhost",
                "DbdAddr=127.0.0.1",
                f"DbdPort={self.dbd_port}",
                "SlurmUser=root",
                f"PidFile={root / 'slurmdbd.pid'}",
                f"LogFile={root / 'slurmdbd.log'}",
                "StorageType=accounting_storage/mysql",
                "StorageHost=127.0.0.1",
                f"StoragePort={self.mysql_port}",
                "StorageUser=root",
                "StoragePass=unused",  # MariaDB here checks no password
                "StorageLoc=slurm_acct_db",
                "",
            ]
        )

    # --- helpers -----------------------------------------------------------------------

    def _node_is_idle(self) -> bool:
        result = self._try("scontrol", "show", "node", "-o", self.node)
        record = _parse_record(result.stdout) if result else {}
        return record.get("State") == "IDLE" and record.get("SlurmdStartTime", "None") != "None"

    def _controller_is_registered(self) -> bool:
        result = self._try(
            "sacctmgr", "--noheader", "--parsable2", "show", "cluster", "format=cluster,controlport"
        )
        return bool(result) and any(
            line.split("|") == [self.name, str(self.controller_port)] for line in result.stdout.splitlines()
        )

    @staticmethod
    def _port_open(port: int) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    def _wait_for(self, ready, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                raise SlurmError(f"waited {timeout} s for {what}\n{self.logs()}")
            time.sleep(0.1)

    def _start_daemon(self, *args) -> None:
        """Run a daemon, which forks into the background; its early complaints go to a file."""
        output = self.root / f"{args[0]}.out"
        command = [str(a) for a in args]
        with output.open("w") as out:
            result = subprocess.run(
                command, check=False, env=self.env, stdout=out, stderr=subprocess.STDOUT, timeout=30
            )
        if result.returncode:
            raise SlurmError(
                f"{' '.join(command)} exited {result.returncode}\n{output.read_text()}\n{self.logs()}"
            )

    def _try(self, *args) -> subprocess.CompletedProcess | None:
        result = subprocess.run(
            [str(a) for a in args], check=False, env=self.env, capture_output=True, text=True, timeout=30
        )
        return result if result.returncode == 0 else None

    def _run(self, *args) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(a) for a in args], check=False, env=self.env, capture_output=True, text=True, timeout=30
        )
        if result.returncode:
            raise SlurmError(
                f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}{result.stderr}\n"
                f"{self.logs()}"
            )
        return result
