"""Shared by the structured fuzzers (scripts/fuzz_*.py): run hepexc under a
memory and time limit, and decide whether a run is a finding."""
import subprocess

MEMORY_LIMIT_KIB = 6 << 20


def run(binary, args, timeout):
    """(exit status or None on timeout, stderr, stdout) of `binary args`."""
    limited = f"ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" \"$@\""
    try:
        p = subprocess.run(["/bin/sh", "-c", limited, binary, *args], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout", ""
    return p.returncode, p.stderr, p.stdout


def is_finding(status, stderr):
    """Anything but a result (0) or a one-line error (1): a signal, exit 70
    (internal error), a timeout or a multi-line message."""
    lines = [line for line in (stderr or "").splitlines() if line.strip()]
    return status is None or status not in (0, 1) or (status == 1 and len(lines) != 1)
