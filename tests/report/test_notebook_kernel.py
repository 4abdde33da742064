"""A report page's kernel talks over Unix sockets in the page's own temporary folder, not TCP
ports, so kernels started side by side cannot be given the same port (papermill issue 511:
the kernel that lost the race hung, and its page failed after the 60 s start timeout)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from reintegration.report import notebooks

PROBE = """# %% tags=["parameters"]
value = 1

# %%
import json
from ipykernel import get_connection_info
info = json.loads(get_connection_info())
print("TRANSPORT", info["transport"], "IP", info["ip"], "VALUE", value)
"""


def _printed(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def test_a_page_kernel_uses_unix_sockets_in_a_folder_of_its_own(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(PROBE, encoding="utf-8")
    seen = []
    for run in ("first", "second"):
        notebook = tmp_path / f"{run}.ipynb"
        notebooks.run_chapter(source, notebook, tmp_path / f"{run}.html",
                              parameters={"value": 4}, title="probe", cwd=tmp_path)  # fmt: skip
        words = _printed(notebook).split()
        assert words[words.index("TRANSPORT") + 1] == "ipc"
        assert words[words.index("VALUE") + 1] == "4"
        ip = Path(words[words.index("IP") + 1])
        assert ip.name == "kernel" and "report-notebook-" in ip.parent.name
        assert not ip.parent.exists()  # the page's folder, sockets and all, is gone afterwards
        seen.append(ip.parent)
    assert seen[0] != seen[1]


def test_the_config_names_a_socket_path_a_unix_socket_can_take(tmp_path):
    config = notebooks.kernel_config(tmp_path)
    assert config.KernelManager.transport == "ipc"
    ip = config.KernelManager.ip
    assert Path(ip).parent == tmp_path
    # a real Unix socket at the longest path the kernel will bind (ip + "-5")
    with socket.socket(socket.AF_UNIX) as probe:
        probe.bind(ip + "-5")
    long_folder = tmp_path / ("x" * (notebooks.UNIX_SOCKET_PATH_MAX - len(str(tmp_path))))
    assert notebooks.kernel_config(long_folder) is None  # too long: TCP, as before
