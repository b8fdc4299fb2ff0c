"""A scripted clock for modules that wait: time moves only when the module sleeps (or a test ticks).

Modules import common's clock hooks under their own names (``_wall``, ``_now``, ``_sleep``); ``patch_clock``
replaces those names on the module, so no test sleeps.
"""

from __future__ import annotations

import datetime
import functools

import pytest

T0 = datetime.datetime(2026, 12, 6, 10, 0, 0, tzinfo=datetime.UTC)


class FakeClock:
    """Wall and monotonic time that move only when the module sleeps or a test ticks."""

    def __init__(self, t0: datetime.datetime = T0) -> None:
        self.t0 = t0
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def wall(self) -> datetime.datetime:
        return self.t0 + datetime.timedelta(seconds=self.elapsed)

    def now(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds


def patch_clock(monkeypatch, module, t0: datetime.datetime = T0) -> FakeClock:
    """A FakeClock in place of ``module``'s ``_wall``, ``_now`` and ``_sleep`` (those of them it imports)."""
    fake = FakeClock(t0)
    hooks = {"_wall": fake.wall, "_now": fake.now, "_sleep": fake.sleep}
    present = [name for name in hooks if hasattr(module, name)]
    assert present, f"{module.__name__} imports none of the clock hooks {', '.join(hooks)}"
    for name in present:
        monkeypatch.setattr(module, name, hooks[name])
    return fake


def clock_fixture(module, t0: datetime.datetime = T0):
    """A ``clock`` fixture for a test module: patch_clock on ``module`` for each test that asks for it."""

    @pytest.fixture
    def clock(monkeypatch) -> FakeClock:
        return patch_clock(monkeypatch, module, t0)

    return clock


def patch_wait_for(monkeypatch, module, t0: datetime.datetime = T0) -> FakeClock:
    """A FakeClock for ``module``'s ``wait_for`` (common's, imported under that name), for modules that import
    none of the clock hooks."""
    from ansible_collections.multiregion.serverless.plugins.module_utils import common

    fake = FakeClock(t0)
    monkeypatch.setattr(module, "wait_for", functools.partial(common.wait_for, clock=fake.now, sleep=fake.sleep))
    return fake
