"""Spark start-up (issue 23): a master Spark would refuse or wait on is one line in seconds, before any
JVM starts; a JVM that cannot start gives its own reason in one line; SIGTERM to the driver exits 143."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from tests.conftest import REPO_ROOT

from .conftest import FAKE_CONFIG
from .test_cli_messages import _need_java

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")

from ocrplug.errors import ConfigError
from ocrplug.spark.session import check_master


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local TCP port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


def _job(tmp_path: Path, **detector_options: float) -> tuple[Path, Path]:
    image = tmp_path / "a.png"
    img = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(img).rectangle((10, 20, 60, 40), fill="black")
    img.save(image)
    config = dict(FAKE_CONFIG, renderers=["text"])
    config["detector"] = {"name": "fake-box", "options": detector_options}
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(config))
    return image, job


def _env() -> dict[str, str]:
    paths = [str(REPO_ROOT), str(REPO_ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p), PYSPARK_PYTHON=sys.executable)
    env.pop("OCRPLUG_WORKER_THREADS", None)
    return env


@pytest.mark.parametrize(
    ("master", "expected"),
    [
        ("local[0]", "Spark master 'local[0]' asks for 0 worker threads; use local[N] with N >= 1, or local[*]"),
        ("local[0, 3]", "Spark master 'local[0, 3]' asks for 0 worker threads"),
        ("yarn", "Spark master 'yarn' needs HADOOP_CONF_DIR or YARN_CONF_DIR set in the environment"),
        ("spark://127.0.0.1:{port}", "Spark master 'spark://127.0.0.1:{port}' cannot be reached: no Spark master "
         "answers (127.0.0.1:{port}: Connection refused)"),
        ("spark://127.0.0.1:{port},localhost:{port}", "(127.0.0.1:{port}: Connection refused; localhost:{port}: "),
        ("k8s://https://127.0.0.1:{port}", "Spark master 'k8s://https://127.0.0.1:{port}' cannot be reached: no API "
         "server answers (127.0.0.1:{port}: Connection refused)"),
        ("k8s://127.0.0.1:{port}", "no API server answers (127.0.0.1:{port}: Connection refused)"),
        # these two took Spark 77 s to refuse, and local-cluster with 0 workers hung waiting for them
        ("spark://:0", "Spark master 'spark://:0': :0 is not HOST:PORT with a port 1-65535"),
        ("spark://master-host", "master-host is not HOST:PORT"),
        ("spark://h:99999", "h:99999 is not HOST:PORT"),
        ("spark://127.0.0.1:{port},", "(empty) is not HOST:PORT"),
        ("local-cluster[0,1,1024]", "asks for 0 workers, cores or MiB"),
        ("local-cluster[2, 0, 1024]", "asks for 0 workers, cores or MiB"),
    ],
)
def test_masters_spark_would_refuse_or_wait_on_are_refused_first(
    master: str, expected: str, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.delenv("YARN_CONF_DIR", raising=False)
    with pytest.raises(ConfigError) as caught:
        check_master(master.format(port=closed_port), probe_seconds=2)
    assert expected.format(port=closed_port) in str(caught.value)


def test_masters_that_answer_pass_the_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YARN_CONF_DIR", str(tmp_path))
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        for master in ("local[1]", "local[*]", "local[2,3]", "yarn", f"spark://127.0.0.1:{port}",
                       f"spark://127.0.0.1:1,127.0.0.1:{port}", f"k8s://https://127.0.0.1:{port}", "spark"):
            check_master(master, probe_seconds=2)


def test_start_failures_are_translated_to_the_jvms_reason() -> None:
    """What Spark printed while it failed (held back, not shown) gives the reason where the exception has
    none: spark-submit's uncaught exception, and the reason Spark logged for stopping its context."""
    from ocrplug.spark.session import _start_failure

    submit = (
        "WARNING: Using incubator modules: jdk.incubator.vector\n"
        "26/12/06 08:54:19 WARN Utils: Set SPARK_LOCAL_IP if you need to bind to another address\n"
        'Exception in thread "main" org.apache.spark.SparkException: When running with master \'yarn\' either '
        "HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment.\n"
        "\tat org.apache.spark.deploy.SparkSubmitArguments.error(SparkSubmitArguments.scala:670)\n"
    )
    exited = RuntimeError("[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number.")
    assert _start_failure(exited, submit) == (
        "When running with master 'yarn' either HADOOP_CONF_DIR or YARN_CONF_DIR must be set in the environment."
    )
    assert _start_failure(exited, "").startswith("the Java gateway exited before it started, with no message")
    stopped = RuntimeError("java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext.")
    log = (
        "26/12/06 08:54:02 WARN StandaloneSchedulerBackend: Application ID is not initialized yet.\n"
        "26/12/06 08:54:02 ERROR StandaloneSchedulerBackend: Application has been killed. Reason: All masters "
        "are unresponsive! Giving up.\n"
    )
    assert _start_failure(stopped, log) == "All masters are unresponsive! Giving up."
    assert _start_failure(stopped, "") == "Cannot call methods on a stopped SparkContext."


def test_cli_refuses_each_bad_master_in_one_line(
    tmp_path: Path, closed_port: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's four masters: ``ocrplug spark run`` says why in one line, exit 2, no JVM started."""
    from ocrplug.cli import main

    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.delenv("YARN_CONF_DIR", raising=False)
    image, job = _job(tmp_path)
    for master in ("local[0]", f"spark://127.0.0.1:{closed_port}", "yarn", f"k8s://https://127.0.0.1:{closed_port}"):
        code = main(["spark", "run", str(image), "-c", str(job), "-o", str(tmp_path / "o"), "--master", master])
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.count("\n") == 1 and err.startswith(f"ocrplug: error: Spark master {master!r} "), err
    assert not (tmp_path / "o" / "a.txt").exists()


def test_a_jvm_that_cannot_start_gives_its_own_reason_in_one_line(tmp_path: Path) -> None:
    """spark-submit's JVM exits at once (a heap size it rejects): its message, not "Java 17 is needed"."""
    _need_java()
    code = (
        "from ocrplug.spark import spark_session\n"
        "spark_session('local[1]', **{'spark.driver.memory': '1zz'})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(),
                          cwd=tmp_path, timeout=300)
    assert proc.returncode == 1
    last = proc.stderr.rstrip().splitlines()[-1]
    assert last == (
        "ocrplug.errors.ConfigError: Spark could not start with master 'local[1]': Invalid maximum heap size: -Xmx1zz"
    )
    assert "Error: Could not create the Java Virtual Machine" not in proc.stderr  # the JVM's own lines held back


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process below ``pid``."""
    parents: dict[int, int] = {}
    lines: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if stat[0] != "Z":
                parents[int(entry.name)] = int(stat[1])
                lines[int(entry.name)] = cmdline
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent:
                found.append((child, lines[child]))
                todo.append(child)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_to_the_driver_exits_143_with_the_interrupted_message(tmp_path: Path) -> None:
    _need_java()
    image, job = _job(tmp_path, delay_s=600)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocrplug.cli", "spark", "run", str(image), "-c", str(job), "-o", str(out),
         "--master", "local[1]"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 240
        while not any("pyspark" in line and "daemon" in line for _, line in _descendants(proc.pid)):
            assert proc.poll() is None and time.monotonic() < deadline, "no Spark Python worker started"
            time.sleep(0.5)
        time.sleep(2)  # the worker builds the pipeline and sleeps in the page
        below = [pid for pid, _ in _descendants(proc.pid)]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)  # far less than the page's 600 s: the wait was interrupted
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err[-3000:]
    assert err.rstrip().splitlines()[-1].startswith("ocrplug: interrupted; documents finished before are complete")
    assert "Traceback" not in err
    assert not (out / "a.txt").exists()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(_alive(pid) for pid in below), "the JVM or its Python workers outlived the driver"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_yarn_with_an_empty_conf_dir_variable_is_refused_like_an_unset_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """`HADOOP_CONF_DIR=` (set but empty) names no folder: spark-submit would go on and the JVM would
    wait on a ResourceManager at 0.0.0.0:8032 for minutes (found by tester T1)."""
    monkeypatch.setenv("HADOOP_CONF_DIR", "")
    monkeypatch.setenv("YARN_CONF_DIR", "")
    with pytest.raises(ConfigError) as caught:
        check_master("yarn", probe_seconds=2)
    assert "needs HADOOP_CONF_DIR or YARN_CONF_DIR" in str(caught.value)
