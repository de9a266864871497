"""torch must give the same results when OMP_THREAD_LIMIT (advised for Tesseract) is set."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("torch")

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import torch
    from ocrplug.threads import safe_torch_threads
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
                              torch.nn.Conv2d(64, 64, 3, padding=1)).eval()
    x = torch.randn(2, 3, 96, 160)
    if sys.argv[1] == "clamp":
        safe_torch_threads()
    with torch.inference_mode():
        np.save(sys.argv[2], net(x).numpy())
    print(torch.get_num_threads())
    """
)


def test_safe_torch_threads_keeps_results_right_under_omp_thread_limit(tmp_path) -> None:
    script = tmp_path / "net.py"
    script.write_text(SCRIPT)
    import numpy as np

    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    ref = subprocess.run([sys.executable, str(script), "plain", str(tmp_path / "ref.npy")], env={**env, "OMP_NUM_THREADS": "2"}, capture_output=True, text=True, check=True)
    out = subprocess.run(
        [sys.executable, str(script), "clamp", str(tmp_path / "lim.npy")],
        env={**env, "OMP_NUM_THREADS": "2", "OMP_THREAD_LIMIT": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "1" and ref.stdout.strip() == "2"
    assert np.allclose(np.load(tmp_path / "ref.npy"), np.load(tmp_path / "lim.npy"), atol=1e-4)
