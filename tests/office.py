"""Documents made by real tools at test time: LibreOffice headless (Debian libreoffice-writer, -calc,
-impress) converts small sources (CSV, HTML, flat ODF) into ODT, ODS, XLSX, DOCX, PPTX and PDF. A test
that needs it is skipped, saying so, where LibreOffice is not installed (scripts/test.sh installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# Import filters: the CSV's delimiter (59 = ";"), quote (34) and encoding (76 = UTF-8); HTML read by
# Writer proper, not Writer/Web (which saves "text-web" ODT).
CSV_FILTER = "CSV:59,34,76"
HTML_FILTER = "HTML (StarWriter)"


def soffice(source: Path, target: str, out: Path, infilter: str | None = None) -> Path:
    """Convert `source` with LibreOffice to `target` ("xlsx", "pdf", "docx:MS Word 2007 XML"…) in `out`."""
    binary = shutil.which("soffice")
    if binary is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer, -calc, -impress) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    cmd = [binary, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", target, "--outdir", str(out), str(source)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    produced = out / f"{source.stem}.{target.split(':')[0]}"
    assert produced.exists(), f"LibreOffice made no {produced.name}"
    return produced
