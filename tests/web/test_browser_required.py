"""The browser tests never pass in CI without having run: a missing Chromium fails them there,
and only skips them (saying why) on a developer's machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _collect_browser_tests(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["TALLY_TEST_CHROMIUM"] = str(tmp_path / "no-chromium")  # a browser that is not there
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "tests/web/test_browser.py", "--collect-only"]
    return subprocess.run(
        [*command, "-q", "-rs", "-p", "no:xdist", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_missing_chromium_fails_in_ci(tmp_path: Path) -> None:
    result = _collect_browser_tests(tmp_path, ci=True)
    assert result.returncode == pytest.ExitCode.INTERRUPTED, result.stdout
    assert "the browser tests need Chromium" in result.stdout
    assert "CI must run them" in result.stdout


@pytest.mark.slow
def test_missing_chromium_skips_with_its_reason_locally(tmp_path: Path) -> None:
    result = _collect_browser_tests(tmp_path, ci=False)
    assert result.returncode in {pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED}
    assert "SKIPPED" in result.stdout
    assert "the browser tests need Chromium" in result.stdout
