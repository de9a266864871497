"""The public seams other engines use: a custom Executor in the run loop, and OutputFolder /
DocumentWriter fed page by page (as `ocrplug spark run` does), sharing the resume manifest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrplug.errors import OutputError
from ocrplug.executors import Executor, PageBatch, PageResult, process_batch
from ocrplug.manager import PluginHost
from ocrplug.model import Page, PageImage
from ocrplug.pipeline import Pipeline
from ocrplug.runner import run_inputs
from ocrplug.writing import OutputFolder

FAKES = ["tests.fakes.fault_plugin"]


@pytest.fixture
def pipe() -> Pipeline:
    host = PluginHost(extra_plugins=FAKES)
    return Pipeline.from_dict(
        {"detector": "fake-box", "recognizer": "fake-echo", "renderers": ["text", "fake-lines"], "plugins": FAKES},
        host=host,
    )


def _tif(path: Path, pages: int) -> Path:
    frames = [Image.new("RGB", (24, 16), "white") for _ in range(pages)]
    for frame in frames:
        frame.paste((0, 0, 0), (2, 2, 9, 8))
    frames[0].save(path, save_all=True, append_images=frames[1:])
    return path


class _Recording(Executor):
    """Works like another engine would: all batches first, results handed back in order."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.sizes: list[int] = []

    def map(self, batches: Iterable[PageBatch]) -> Iterator[tuple[PageBatch, list[PageResult]]]:
        for batch in batches:
            self.sizes.append(len(batch.images))
            yield batch, process_batch(self.pipeline, batch.images)


def test_a_custom_executor_runs_the_pages(tmp_path: Path, pipe: Pipeline) -> None:
    pipe.batch_pages = 2
    executor = _Recording(pipe)
    tif = _tif(tmp_path / "doc.tif", 5)
    report = run_inputs(pipe, [tif], tmp_path / "out", executor=executor, jobs=2)
    assert report.ok and report.pages_done == 5
    assert executor.sizes == [2, 2, 1]  # pages batched per document (jobs > 1 batches)
    assert (tmp_path / "out" / "doc.lines").read_text().splitlines() == [f"{i} 1 True" for i in range(5)]


def test_process_batch_keeps_other_pages_when_one_fails(pipe: Pipeline) -> None:
    bad = Pipeline.from_dict({"detector": {"name": "fake-box", "options": {"fail_on_pages": [1]}}, "plugins": FAKES},
                             host=PluginHost(extra_plugins=FAKES))
    images = [PageImage(np.full((10, 10, 3), 255, np.uint8), i, "x") for i in range(3)]
    results = process_batch(bad, images)
    assert [type(r).__name__ for r in results] == ["Page", "PageFailure", "Page"]
    assert "injected failure on page 1" in results[1].error


def test_an_external_engine_writes_through_output_folder_and_resumes(tmp_path: Path, pipe: Pipeline) -> None:
    tif = _tif(tmp_path / "doc.tif", 3)
    out = tmp_path / "out"
    files, _ = pipe.sources.discover([tif])[:2]

    def feed(stop_after: int | None = None) -> OutputFolder:
        with OutputFolder(out, pipe.named_renderers(), pipe.config, resume=True) as folder:
            folder.plan(files)
            for file in files:
                if folder.is_done(file):
                    folder.skip(file)
                    continue
                document = pipe.sources.open(file)
                writer = folder.document(file, document.page_count)
                for image in document.pages():
                    if stop_after is not None and image.index == stop_after:
                        writer.abort()
                        return folder
                    cached = writer.cached(image.index)
                    if cached is not None:
                        writer.add(cached, image, from_journal=True)
                    else:
                        writer.add(pipe.process_page(image), image)
                writer.commit()
        return folder

    first = feed(stop_after=2)  # interrupted: nothing written, two pages journaled
    assert not (out / "doc.txt").exists() and first.report.outputs == []
    second = feed()
    assert second.report.pages_resumed == 2 and (out / "doc.txt").read_text().count("page") == 3
    third = feed()
    assert third.report.skipped == [str(tif)]


def test_output_folder_refuses_a_file_and_a_second_run(tmp_path: Path, pipe: Pipeline) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        OutputFolder(tmp_path / "file", pipe.named_renderers(), pipe.config).__enter__()
    with OutputFolder(tmp_path / "out", pipe.named_renderers(), pipe.config):
        with pytest.raises(OutputError, match="another ocrplug run"):
            OutputFolder(tmp_path / "out", pipe.named_renderers(), pipe.config).__enter__()


def test_page_results_pickle(pipe: Pipeline) -> None:
    import pickle

    image = PageImage(np.zeros((8, 8, 3), np.uint8), 0, "x")
    assert isinstance(pickle.loads(pickle.dumps(process_batch(pipe, [image])))[0], Page)
    assert pickle.loads(pickle.dumps(pipe.config)) == pipe.config


def test_protected_inputs_are_never_replaced_even_through_a_symlink(tmp_path: Path) -> None:
    from ocrplug.io.atomic import protect, write_text_atomic

    original = tmp_path / "scan.txt"
    original.write_text("the input")
    link = tmp_path / "link.txt"
    link.symlink_to(original)
    with protect([original]):
        for target in (original, link):
            with pytest.raises(OutputError, match="refusing to overwrite an input file"):
                write_text_atomic(target, "an output")
    assert original.read_text() == "the input" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "scan.txt"]  # no temporary left
    write_text_atomic(tmp_path / "other.txt", "fine")  # protection ends with the block
