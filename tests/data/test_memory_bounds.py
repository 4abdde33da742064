"""Memory bounds (18.6): a zip bomb and a huge header line are refused naming the file, in a
child process whose address space is limited (``RLIMIT_AS``) to what the bound allows; the
same inputs without the bound exhaust that limit, so the test proves the bound."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from data.delivery import write_zip_bomb
from data.fixtures import REPO, write_xlsx

MARGIN_MB = 192  # address space the child may add after its imports
BOMB_MB = 256  # inflated size of the bombs: beyond the margin
LIMIT = 32 << 20  # the reader's limit in the bomb tests (config extract.max_file_mb: 32)

CHILD = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from reintegration.codebook import load_codebook
    from reintegration.data.extract import ExtractOptions, extract_wave
    from reintegration.data.readers import Limits
    from reintegration.problems import ProblemsError
    codebook = load_codebook(Path(sys.argv[1]))
    limits = dict(
        bounded=Limits(max_bytes={limit}), default=Limits(), unbounded=Limits(1 << 40, 1 << 40, 1 << 40)
    )[sys.argv[3]]
    vm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize"))
    cap = vm * 1024 + {margin} * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        extract_wave(Path(sys.argv[2]), "2020-07", codebook, b"k", ExtractOptions(limits=limits))
    except ProblemsError as error:
        print(error)
        sys.exit(0)
    except MemoryError:
        print("MemoryError")
        sys.exit(3)
    print("read")
    sys.exit(4)
    """
).format(limit=LIMIT, margin=MARGIN_MB)


def run_child(folder: Path, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(REPO / "config" / "codebook"), str(folder), mode],
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    )


def assert_exhausts_memory(folder: Path) -> None:
    """Without the bound the child fails for lack of memory (or is killed), never reads."""
    result = run_child(folder, "unbounded")
    assert result.returncode != 0 and result.returncode != 4, result.stdout
    assert "MemoryError" in result.stdout + result.stderr or result.returncode < 0


def test_zip_bomb_member_refused(wave_dir):
    write_zip_bomb(wave_dir / "delivery.zip", "phone.csv", BOMB_MB)
    assert (wave_dir / "delivery.zip").stat().st_size < 2 << 20  # 1.7 MB -> 256 MiB
    result = run_child(wave_dir, "bounded")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "delivery.zip!phone.csv: " in result.stdout and "[too_large_file]" in result.stdout
    assert f"exceed the limit of {LIMIT} bytes" in result.stdout
    assert_exhausts_memory(wave_dir)


def test_xlsx_bomb_refused(wave_dir, tmp_path):
    """An xlsx whose sheet part inflates to 256 MiB: refused before any sheet is parsed."""
    good = write_xlsx(tmp_path / "good.xlsx", "case_management", [{"case_id": "GIN-2019-1"}])
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "xl/worksheets/sheet1.xml"}
    write_zip_bomb(wave_dir / "cm.xlsx", "xl/worksheets/sheet1.xml", BOMB_MB, parts)
    result = run_child(wave_dir, "bounded")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cm.xlsx: its parts" in result.stdout and "[too_large_file]" in result.stdout


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_huge_header_line_refused(wave_dir, delimiter):
    """4 million header fields (36 MB): refused from the header line's length."""
    fields = delimiter.join(f"h{i:07d}" for i in range(4_000_000))
    (wave_dir / "phone.csv").write_text(fields + "\n" + "x\n", encoding="utf-8")
    result = run_child(wave_dir, "default")  # the configured defaults
    assert result.returncode == 0, result.stdout + result.stderr
    assert "phone.csv: the header line is longer than 1048576 characters" in result.stdout
    assert "[too_large_file]" in result.stdout
    if delimiter == ",":
        assert_exhausts_memory(wave_dir)


def test_header_field_count_limit(wave_dir, codebook, key):
    from reintegration.data.extract import ExtractOptions, extract_wave
    from reintegration.data.readers import Limits
    from reintegration.problems import ProblemsError

    (wave_dir / "phone.csv").write_text(";".join("abcdefghijkl") + "\nx\n", encoding="utf-8")
    options = ExtractOptions(limits=Limits(max_header_fields=10))
    with pytest.raises(ProblemsError, match=r"phone.csv: the header line has 12 fields, more "):
        extract_wave(wave_dir, "2020-07", codebook, key, options)


def test_member_larger_than_declared_refused(wave_dir, tmp_path, codebook, key):
    """A part claiming 1,000 bytes (with the CRC of 1,000 zeros) that inflates to 256 MiB:
    the zip readers stop at the declared size, so it is refused, never inflated."""
    from reintegration.data.extract import extract_wave
    from reintegration.problems import ProblemsError

    good = write_xlsx(tmp_path / "good.xlsx", "case_management", [{"case_id": "GIN-2019-1"}])
    with zipfile.ZipFile(good) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != "xl/worksheets/sheet1.xml"}
    sheet = "xl/worksheets/sheet1.xml"
    write_zip_bomb(wave_dir / "cm.xlsx", sheet, BOMB_MB, parts, declared=1000)
    with pytest.raises(ProblemsError, match=r"cm.xlsx: .*larger than its declared"):
        extract_wave(wave_dir, "2020-07", codebook, key)
