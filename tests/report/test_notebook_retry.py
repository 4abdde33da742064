"""A report kernel that dies while starting (port race of two kernels) is started again; any
other error, or a kernel that keeps dying, fails the page."""

from __future__ import annotations

import pytest
from reintegration.report import notebooks

DIED = "Kernel died before replying to kernel_info"


def _flaky(failures: int, message: str = DIED):
    calls = {"n": 0}

    def run():
        calls["n"] += 1
        if calls["n"] <= failures:
            raise RuntimeError(message)
        return "executed"

    return run, calls


def test_a_kernel_dying_at_start_is_started_again(capsys):
    run, calls = _flaky(1)
    assert notebooks._execute(run, name="03_chapter3.py") == "executed"
    assert calls["n"] == 2
    assert "starting it again" in capsys.readouterr().err


def test_other_errors_and_a_kernel_that_keeps_dying_fail():
    run, calls = _flaky(1, "a cell raised")
    with pytest.raises(RuntimeError, match="a cell raised"):
        notebooks._execute(run, name="x")
    assert calls["n"] == 1
    run, calls = _flaky(notebooks.KERNEL_START_ATTEMPTS)
    with pytest.raises(RuntimeError, match="Kernel died"):
        notebooks._execute(run, name="x")
    assert calls["n"] == notebooks.KERNEL_START_ATTEMPTS
