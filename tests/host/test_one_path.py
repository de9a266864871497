"""Issue 22: one run path under every door. Config resolution (layered over the default, ``None``
switches a stage off, once per process), one page loop (an unreadable page is that page's failure,
whatever the door), image bytes as input, and the counts of one ``ocrplug run``."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrplug import config as config_module
from ocrplug.cli import main
from ocrplug.config import DEFAULT_CONFIG, PipelineConfig
from ocrplug.errors import ConfigError, PageError
from ocrplug.manager import PluginHost
from ocrplug.pipeline import Pipeline
from ocrplug.processing import PageProcessor

FAKES = ["tests.fakes.fault_plugin"]
SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[3] / "shared"))
CORRUPT = SHARED / "cases" / "corrupt_middle.tif"


def _fakes(**more: object) -> dict[str, object]:
    return {"detector": "fake-box", "recognizer": "fake-echo", "renderers": [], "plugins": FAKES} | more


def _image(path: Path | None = None, fmt: str = "PNG") -> bytes:
    img = Image.new("RGB", (40, 24), "white")
    img.paste((0, 0, 0), (5, 5, 30, 15))
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    if path is not None:
        path.write_bytes(buf.getvalue())
    return buf.getvalue()


# -- one config resolution -------------------------------------------------------------------------


def test_every_python_door_starts_from_the_default_pipeline() -> None:
    default = PipelineConfig.model_validate(DEFAULT_CONFIG)
    assert Pipeline().config == default
    assert Pipeline.from_dict({}).config == default
    # A recognizer given alone keeps the default detector (it used to leave the pipeline without one).
    only = Pipeline.from_dict({"recognizer": {"name": "ppocr", "options": {"threads": 1}}}).config
    assert only.detector == default.detector and only.recognizer.options == {"threads": 1}
    assert Pipeline(recognizer={"name": "ppocr", "options": {"threads": 1}}).config == only


def test_none_switches_a_stage_off_as_null_does_in_yaml(tmp_path: Path) -> None:
    assert Pipeline(detector=None).config.detector is None
    assert Pipeline.from_dict({"detector": None, "renderers": []}).config.detector is None
    job = tmp_path / "job.yaml"
    job.write_text("detector: null\nrenderers: []\n")
    assert Pipeline.from_yaml(job).config == Pipeline.from_dict({"detector": None, "renderers": []}).config


def test_from_preset_is_the_cli_preset() -> None:
    accurate = Pipeline.from_preset("accurate")
    assert accurate.config.detector is not None and accurate.config.detector.name == "craft"
    assert Pipeline.from_dict({}, preset="accurate").config == accurate.config
    with pytest.raises(ConfigError, match="known presets: accurate, fast"):
        Pipeline.from_preset("fastest")


def test_a_python_run_writes_nothing_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pipe = Pipeline.from_dict(_fakes(renderers=["fake-lines"]))
    doc = pipe.run(np.asarray(Image.open(io.BytesIO(_image()))))
    assert doc.pages[0].text == "page0"
    assert not (tmp_path / "ocrplug-out").exists()  # the default's output.dir is not the user's
    pipe = Pipeline.from_dict(_fakes(renderers=["fake-lines"], output={"dir": str(tmp_path / "mine")}))
    _image(tmp_path / "a.png")
    pipe.run(tmp_path / "a.png")
    assert (tmp_path / "mine" / "a.lines").exists()  # written to your own output.dir
    doc = pipe.run(_image(), out_dir=tmp_path / "asked")
    assert doc.source == "<bytes>" and (tmp_path / "asked" / "bytes.lines").read_text() == "0 1 True\n"


def test_processor_pickles_as_its_config() -> None:
    processor = PageProcessor(Pipeline.from_dict(_fakes()).config)
    back = pickle.loads(pickle.dumps(processor))
    assert back.config == processor.config and back.detector is None  # rebuilt, nothing loaded yet


def test_a_pipeline_pickles_and_runs_in_a_process_pool(tmp_path: Path) -> None:
    # T15 (session 15): pickle.dumps(Pipeline()) raised "cannot pickle 'module' object" (its plugin host),
    # so pool.map(pipeline.run, files) failed; the brief's "built from its config in any process".
    import multiprocessing

    # No output folder: processes writing into one folder at once are refused (its lock); run_many with
    # jobs is the way to write one folder from several processes.
    pipe = Pipeline.from_dict(_fakes())
    back = pickle.loads(pickle.dumps(pipe))
    assert back.to_dict() == pipe.to_dict() and back.source == pipe.source
    files = []
    for k in range(3):
        path = tmp_path / f"p{k}.png"
        path.write_bytes(_image())
        files.append(str(path))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        docs = pool.map(pipe.run, files)
    assert [Path(d.source).name for d in docs] == ["p0.png", "p1.png", "p2.png"]
    assert all(len(d.pages) == 1 and d.pages[0].regions for d in docs)


def test_a_pipeline_holding_python_components_refuses_to_pickle() -> None:
    pipe = Pipeline.from_dict(_fakes())
    held = Pipeline(detector=pipe.detector, recognizer=None, renderers=[], plugins=FAKES)
    with pytest.raises(ConfigError, match="Python objects"):
        pickle.dumps(held)


def test_one_ocrplug_run_validates_the_config_once_and_builds_one_plugin_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config_module, "_HOSTS", {})  # as in a fresh process
    validations: list[int] = []
    hosts: list[int] = []
    validate = PipelineConfig.model_validate.__func__  # type: ignore[attr-defined]
    host_init = PluginHost.__init__

    def counting_validate(cls: type, *args: object, **kwargs: object) -> object:
        validations.append(1)
        return validate(cls, *args, **kwargs)

    def counting_host(self: PluginHost, *args: object, **kwargs: object) -> None:
        hosts.append(1)
        host_init(self, *args, **kwargs)

    monkeypatch.setattr(PipelineConfig, "model_validate", classmethod(counting_validate))
    monkeypatch.setattr(PluginHost, "__init__", counting_host)
    job = tmp_path / "job.yaml"
    job.write_text("plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\nrecognizer: fake-echo\nrenderers: [fake-lines]\n")
    image = tmp_path / "a.png"
    _image(image)
    assert main(["run", str(image), "-c", str(job), "-o", str(tmp_path / "out"), "--no-progress"]) == 0
    assert (tmp_path / "out" / "a.lines").exists()
    assert (len(validations), len(hosts)) == (1, 1)


# -- one page loop ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_run_accepts_image_bytes(fmt: str) -> None:
    doc = Pipeline.from_dict(_fakes()).run(_image(fmt=fmt))
    assert doc.source == "<bytes>" and [p.text for p in doc.pages] == ["page0"]
    assert doc.pages[0].source == "<bytes>"


def test_pdf_bytes_and_unknown_bytes(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    Image.open(io.BytesIO(_image())).save(pdf)
    doc = Pipeline.from_dict(_fakes(input={"dpi": 72})).run(pdf.read_bytes())
    assert len(doc.pages) == 1 and doc.pages[0].text == "page0"
    with pytest.raises(Exception, match="not the bytes of a PNG, JPEG, TIFF, PDF"):
        Pipeline.from_dict(_fakes()).run(b"hello")


@pytest.mark.skipif(not CORRUPT.exists(), reason=f"{CORRUPT} not found (set OCRPLUG_SHARED)")
def test_an_unreadable_middle_page_is_its_own_failure_through_every_python_door(tmp_path: Path) -> None:
    pipe = Pipeline.from_dict(_fakes())
    doc = pipe.run(CORRUPT)
    assert [p.index for p in doc.pages] == [0, 2]
    assert [(f.index, "page 2" in f.error) for f in doc.failures] == [(1, True)]
    results = list(pipe.iter_results(CORRUPT))
    assert [(type(r).__name__, r.index) for r in results] == [("Page", 0), ("PageFailure", 1), ("Page", 2)]
    pages = pipe.iter_pages(CORRUPT)
    assert next(pages).index == 0
    with pytest.raises(PageError):
        next(pages)
    same = pipe.run(CORRUPT.read_bytes())
    assert [p.index for p in same.pages] == [0, 2] and same.failures[0].index == 1
    assert "/tmp" not in same.failures[0].error and same.failures[0].error.startswith("<bytes>")
    report = pipe.run_many([CORRUPT], out_dir=tmp_path / "out")
    assert [p.index for p in report.documents[0].pages] == [0, 2]
    assert [f.index for f in report.failures] == [1]
    out = tmp_path / "cli"
    assert main(["run", str(CORRUPT), "-o", str(out), "--no-progress", "--set", "plugins=[tests.fakes.fault_plugin]",
                 "--set", "detector=fake-box", "--set", "recognizer=fake-echo", "--set", "renderers=[fake-lines]"]) == 1
    assert [line.split()[0] for line in (out / "corrupt_middle.lines").read_text().splitlines()] == ["0", "2"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_build_error_keeps_its_type(tmp_path: Path, jobs: int) -> None:
    from ocrplug.errors import WeightsError

    detector = {"name": "fake-box", "options": {"weights_error": "fake.pth is missing"}}
    pipe = Pipeline.from_dict(_fakes(detector=detector, jobs=jobs, renderers=["fake-lines"]))
    image = tmp_path / "a.png"
    _image(image)
    with pytest.raises(WeightsError, match=r"fake\.pth is missing"):
        pipe.run_many([image, image.with_name("b.png")], out_dir=tmp_path / "out")
