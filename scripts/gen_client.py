"""Regenerate the OpenAPI document (clients/openapi.json) and the Python client generated from it
(clients/python, openapi-python-client) from the app's routes, in one deterministic step.

    scripts/gen-client                 # rewrite clients/ in place
    scripts/gen-client --output DIR    # write into DIR instead (the CI test compares the two)

Fails, printing the generator's output, when generation reports any warning: a warning means a
part of the API the client silently leaves out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "clients" / "python-client.yaml"


def openapi_document() -> str:
    from tally.app import create_app
    from tally.config import Settings

    spec = create_app(Settings(TALLY_ENV="test")).openapi()
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    document = output / "openapi.json"
    document.write_text(openapi_document(), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "python"
        result = subprocess.run(  # noqa: S603 - the generator installed beside this Python
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                str(document),
                "--config",
                str(CONFIG),
                "--output-path",
                str(target),
                "--meta",
                "uv",
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            # The post hooks run the ruff of this environment.
            env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
            check=False,
        )
        report = (result.stdout + result.stderr).strip()
        if result.returncode != 0 or "warning" in report.lower():
            sys.exit(f"openapi-python-client failed or warned:\n{report}")
        shutil.rmtree(output / "python", ignore_errors=True)
        shutil.copytree(target, output / "python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "clients")
    generate(parser.parse_args().output.resolve())


if __name__ == "__main__":
    main()
