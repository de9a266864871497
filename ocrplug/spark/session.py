"""Starting Spark for ocrplug: one place for the master's checks, the JVM's start-up and its errors.

:func:`spark_session` checks what can be checked before a JVM starts (the master URL's form, ``local[0]``,
``yarn`` without its Hadoop configuration, whether a ``spark://`` or ``k8s://`` master accepts a TCP
connection within :data:`PROBE_SECONDS`), then starts the JVM with its stderr read by this module:
while Spark starts, the JVM's output is held back; on success it is passed on to ours, on failure it
is searched for the reason, which becomes one :class:`~ocrplug.errors.ConfigError` line naming the
master (the held output is logged at DEBUG level, ``ocrplug -vv``). Why a probe: Spark's standalone
client (``StandaloneAppClient``: ``REGISTRATION_RETRIES`` 3 x ``REGISTRATION_TIMEOUT_SECONDS`` 20, fixed
in Spark's code) retries an unreachable master for 60 s, then reports only that its context is stopped.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from urllib.parse import urlsplit

from ocrplug.components import require
from ocrplug.errors import ConfigError

require("pyspark", "spark", "spark")

from pyspark import SparkConf, SparkContext  # noqa: E402 - after the extra check
from pyspark.sql import SparkSession  # noqa: E402

__all__ = ["PROBE_SECONDS", "check_master", "spark_session"]

log = logging.getLogger(__name__)

PROBE_SECONDS = 5.0
"""Seconds a ``spark://`` or ``k8s://`` master's address is given to accept a TCP connection."""

# The local master forms SparkContext accepts (its LOCAL_N, LOCAL_N_FAILURES and LOCAL_CLUSTER patterns).
_LOCAL_MASTER = re.compile(
    r"local|local\[([0-9]+|\*)\]|local\[([0-9]+|\*)\s*,\s*[0-9]+\]"
    r"|local-cluster\[\s*[0-9]+\s*,\s*[0-9]+\s*,\s*[0-9]+\s*\]"
)


def spark_session(master: str | None = None, app_name: str = "ocrplug", **conf: str) -> SparkSession:
    """A Spark session whose Python workers run this interpreter (so they see ocrplug and its plugins).

    ``master`` (e.g. ``local[2]``, ``spark://host:7077``) defaults to what ``spark-submit`` set, else
    ``local[*]``; a given one is checked first (:func:`check_master`). ``conf`` adds Spark settings;
    Arrow batches default to 16 records, since ocrplug rows hold whole files or page images. Raises
    :class:`~ocrplug.errors.ConfigError` naming the master when it is not a Spark master URL, cannot
    be reached, or Spark cannot start with it: one line with the JVM's reason, not its stack trace.

    pyspark 4.3 warns on every pandas-backed call that it "does not yet fully support pandas >= 3.0.0"
    (a ``FutureWarning``); ocrplug moves pages in Arrow batches, so exactly that warning is filtered here.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warnings.filterwarnings(
        "ignore", message=r"PySpark does not yet fully support pandas >= 3", category=FutureWarning,
        module=r"pyspark(\.|$)",
    )
    if master is not None:
        check_master(master)
    effective = master or SparkConf().get("spark.master", None) or "local[*]"
    settings = {"spark.sql.execution.arrow.maxRecordsPerBatch": "16"} | dict(conf)
    builder = SparkSession.builder.appName(app_name).master(effective)
    for key, value in settings.items():
        builder = builder.config(key, value)
    output = _OUTPUT
    with output.held():
        try:
            _launch_jvm(output, SparkConf().setAll([*settings.items(), ("spark.master", effective),
                                                    ("spark.app.name", app_name)]))
            return builder.getOrCreate()
        except Exception as exc:  # Py4JJavaError, PySparkRuntimeError: the JVM's reason is in them
            text = output.text(jvm_exited=SparkContext._gateway is None)  # the launch failed
            log.debug("Spark's output while it failed to start:\n%s", text)
            raise ConfigError(f"Spark could not start with master {effective!r}: {_start_failure(exc, text)}") from exc


def check_master(master: str, probe_seconds: float = PROBE_SECONDS) -> None:
    """Refuse, before a JVM starts, a master Spark would refuse or wait on; ConfigError naming it.

    The form is ``spark-submit``'s rule (``yarn``, or starting with ``spark``, ``k8s`` or ``local``;
    Spark 4 has no Mesos) plus SparkContext's patterns for the ``local`` forms; ``local[0]`` asks for
    no thread; ``yarn`` needs ``HADOOP_CONF_DIR`` or ``YARN_CONF_DIR`` (spark-submit's own check);
    a ``spark://HOST:PORT[,HOST:PORT...]`` master needs one address, a ``k8s://`` master its API
    server, that accepts a TCP connection within ``probe_seconds``.
    """
    known = master == "yarn" or master.startswith(("spark", "k8s"))
    if not known and not (master.startswith("local") and _LOCAL_MASTER.fullmatch(master)):
        raise ConfigError(
            f"Spark master {master!r} is not a master URL (use local[N], local[*], spark://HOST:PORT, "
            "k8s://https://HOST:PORT or yarn)"
        )
    if re.fullmatch(r"local\[0+(\s*,\s*[0-9]+)?\]", master):
        raise ConfigError(f"Spark master {master!r} asks for 0 worker threads; use local[N] with N >= 1, or local[*]")
    cluster = re.fullmatch(r"local-cluster\[\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*\]", master)
    if cluster and 0 in [int(n) for n in cluster.groups()]:
        # Spark starts and then waits for workers that never register (a hang, not an error).
        raise ConfigError(
            f"Spark master {master!r} asks for 0 workers, cores or MiB; use local-cluster[WORKERS,CORES,MiB] "
            "with each at least 1"
        )
    if master.startswith("spark://"):
        _check_standalone(master)
    if master == "yarn" and not os.environ.get("HADOOP_CONF_DIR") and not os.environ.get("YARN_CONF_DIR"):
        raise ConfigError(
            "Spark master 'yarn' needs HADOOP_CONF_DIR or YARN_CONF_DIR set in the environment (the folder "
            "of the cluster's yarn-site.xml and core-site.xml)"
        )
    addresses = _addresses(master)
    if not addresses:
        return
    reasons = []
    for host, port in addresses:
        reason = _probe(host, port, probe_seconds)
        if reason is None:
            return
        reasons.append(f"{host}:{port}: {reason}")
    what = "API server" if master.startswith("k8s") else "Spark master"
    raise ConfigError(f"Spark master {master!r} cannot be reached: no {what} answers ({'; '.join(reasons)})")


def _check_standalone(master: str) -> None:
    """ConfigError unless each address of ``spark://H1:P1[,H2:P2...]`` has a host and a port 1-65535
    (Spark retries a master such as ``spark://:0`` for over a minute before it fails)."""
    for part in master[len("spark://"):].split(","):
        try:
            url = urlsplit("//" + part.strip())
            port = url.port
        except ValueError:
            port = None
            url = None
        if url is None or not url.hostname or not port:
            raise ConfigError(
                f"Spark master {master!r}: {part.strip() or '(empty)'!s} is not HOST:PORT with a port 1-65535 "
                "(e.g. spark://spark-master:7077)"
            )


def _addresses(master: str) -> list[tuple[str, int]]:
    """The (host, port) pairs to probe: each of ``spark://H1:P1,H2:P2``, the API server of
    ``k8s://[https://]HOST[:PORT]`` (port 443 by default, 80 for http); [] for a URL Spark must parse."""
    if master.startswith("spark://"):
        parts = [urlsplit("//" + part) for part in master[len("spark://"):].split(",")]
    elif master.startswith("k8s://"):
        rest = master[len("k8s://"):]
        parts = [urlsplit(rest if "://" in rest else "https://" + rest)]
    else:
        return []
    found = []
    for part in parts:
        try:
            port = part.port or {"http": 80, "https": 443}.get(part.scheme)
        except ValueError:  # not a port number: Spark's own message says what is wrong
            return []
        if not part.hostname or port is None:
            return []
        found.append((part.hostname, port))
    return found


def _probe(host: str, port: int, seconds: float) -> str | None:
    """None when ``host:port`` accepts a TCP connection within ``seconds``, else the OS's reason."""
    try:
        with socket.create_connection((host, port), timeout=seconds):
            return None
    except TimeoutError:
        return f"no answer in {seconds:g} s"
    except socket.gaierror as exc:
        return exc.strerror or str(exc)
    except OSError as exc:
        return exc.strerror or str(exc)


class _JvmOutput:
    """The stderr of the JVM this module starts, read line by line by a daemon thread: passed on to
    our stderr (file descriptor 2, where the JVM would have written), or held while Spark starts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: list[bytes] | None = None
        self._thread: threading.Thread | None = None

    def pipe(self) -> int:
        """A new pipe's write end for the JVM's stderr; its read end is pumped from now on."""
        read, write = os.pipe()
        self._thread = threading.Thread(
            target=self._pump, args=(os.fdopen(read, "rb"),), name="ocrplug-jvm-stderr", daemon=True
        )
        self._thread.start()
        return write

    def _pump(self, stream: IO[bytes]) -> None:
        with stream:
            for line in iter(stream.readline, b""):
                with self._lock:
                    if self._held is not None:
                        self._held.append(line)
                        continue
                    _write_stderr(line)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the output during the block; pass it on after a success, drop it after an error."""
        with self._lock:
            self._held = []
        ok = False
        try:
            yield
            ok = True
        finally:
            with self._lock:
                held, self._held = self._held or [], None
                for line in held if ok else ():
                    _write_stderr(line)

    def text(self, jvm_exited: bool) -> str:
        """The output held so far; all of it when the JVM has exited (the reader gets a moment)."""
        if jvm_exited and self._thread is not None:
            self._thread.join(timeout=2.0)
        with self._lock:
            return b"".join(self._held or []).decode("utf-8", "replace")


def _write_stderr(data: bytes) -> None:
    try:
        os.write(2, data)
    except OSError:  # stderr closed: the JVM's messages have nowhere to go
        pass


_OUTPUT = _JvmOutput()
"""The one reader of the JVM's stderr (a process has one Spark JVM)."""


def _launch_jvm(output: _JvmOutput, conf: SparkConf) -> None:
    """Start Spark's JVM with its stderr piped to ``output``, unless one runs already (one an earlier
    session left, or the one ``spark-submit`` started: ``PYSPARK_GATEWAY_PORT``), which is used as it is.

    pyspark's ``launch_gateway`` takes ``popen_kwargs`` for exactly this (capturing the JVM's output);
    SparkContext uses the gateway it finds on its class, as after its own launch. ``conf`` goes to
    ``spark-submit`` (settings such as ``spark.driver.memory`` only apply when the JVM starts).
    """
    if SparkContext._gateway is not None or "PYSPARK_GATEWAY_PORT" in os.environ:  # pyspark has no public test
        return
    from pyspark.java_gateway import launch_gateway

    write = output.pipe()
    try:
        gateway = launch_gateway(conf, popen_kwargs={"stderr": write})
    finally:
        os.close(write)  # the JVM holds its own copy; the pump sees the end when the JVM exits
    with SparkContext._lock:  # as SparkContext._ensure_initialized does
        if SparkContext._gateway is None:
            SparkContext._gateway = gateway
            SparkContext._jvm = gateway.jvm


def _start_failure(exc: BaseException, output: str = "") -> str:
    """Why Spark failed to start, in one line: the Java exception's message (without its class name)
    and, when it has causes, the innermost one (e.g. ``java.net.UnknownHostException: nohost``); when
    the JVM exited before Py4J could reach it, the exception ``spark-submit`` printed; when Spark only
    says its context was stopped, the reason it logged for stopping it."""
    java = getattr(exc, "java_exception", None)
    first = _first_line(str(java) if java is not None else str(exc)) or type(exc).__name__
    if "JAVA_GATEWAY_EXITED" in first:
        return _gateway_exit_reason(output)
    if ": " in first and first.split(": ", 1)[0].replace(".", "").replace("$", "").isalnum():
        first = first.split(": ", 1)[1]  # "org.apache.spark.SparkException: Could not parse ..." -> the reason
    if "stopped SparkContext" in first:
        logged = re.findall(r"\bERROR \S+: .*?Reason: (.+)", output)
        if logged:
            return logged[-1].strip()
    try:
        root = java
        while root is not None and root.getCause() is not None:
            root = root.getCause()
        cause = _first_line(str(root)) if root is not None and root is not java else ""
    except Exception:  # the JVM went away: the top message is all there is
        cause = ""
    return f"{first} (caused by {cause})" if cause and cause not in first else first


# Lines spark-submit prints on every start, and the JVM's stack frames: never the reason.
_NOISE = re.compile(
    r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d (INFO|WARN) |WARNING: Using incubator modules|Using Spark's default log4j"
    r"|Setting default log level|To adjust logging level|at |\.\.\. \d+ more"
)


def _gateway_exit_reason(output: str) -> str:
    """The reason in what ``spark-submit`` printed before its JVM exited: the uncaught exception's
    message, else its first message line (``Error:`` dropped), e.g. ``Invalid maximum heap size``."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not _NOISE.match(line)]
    for line in lines:
        match = re.match(r'Exception in thread "[^"]*" (\S+?)(?:: (.*))?$', line)
        if match:
            return match.group(2) or match.group(1)
    if lines:
        return lines[0].removeprefix("Error: ")
    return "the Java gateway exited before it started, with no message (is Java 17 installed? `java -version`)"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")
