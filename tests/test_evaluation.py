"""`ocrplug eval`'s engine: ICDAR 2015 detection scores, CER/WER, dataset loading, the report.

The tiny dataset below is built in the test; every expected number is worked out by hand in comments.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from ocrplug.errors import ConfigError, InputError
from ocrplug.evaluation import (
    BagScores,
    GtRegion,
    char_error_rate,
    evaluate,
    load_dataset,
    polygon_iou,
    run_eval,
    score_detection,
    score_page,
    word_error_rate,
)
from ocrplug.evaluation.reference import geometric_order
from ocrplug.layout import LayoutOptions, layout_regions
from ocrplug.model import Document, Page, PageFailure, Region
from tests.conftest import shared_path

# Image "shapes" (200 x 100), word-level GT:
#   A "hello" box (10,10)-(60,30)      area 1000
#   B "world" box (70,10)-(130,30)     area 1200
#   C "rot"   a 45-degree rotated square (diamond) centred (160,60), half-diagonal 20: area 800
#   D "###"   don't care, box (10,50)-(60,90)
DIAMOND = [[140, 60], [160, 40], [180, 60], [160, 80]]
SHAPES_GT: dict[str, Any] = {
    "image": "shapes.png",
    "width": 200,
    "height": 100,
    "words": [
        {"text": "hello", "quad": [[10, 10], [60, 10], [60, 30], [10, 30]], "ignore": False},
        {"text": "world", "quad": [[70, 10], [130, 10], [130, 30], [70, 30]], "ignore": False},
        {"text": "rot", "quad": DIAMOND, "ignore": False},
        {"text": "###", "quad": [[10, 50], [60, 50], [60, 90], [10, 90]], "ignore": True},
    ],
    "lines": [],
}
# Image "lines" (200 x 100), line-level GT with a page `text` key.
LINES_GT: dict[str, Any] = {
    "image": "lines.png",
    "width": 200,
    "height": 100,
    "words": [],
    "lines": [
        {"text": "the quick fox", "quad": [[10, 10], [190, 10], [190, 40], [10, 40]]},
        {"text": "jumps", "quad": [[10, 50], [190, 50], [190, 80], [10, 80]]},
    ],
    "text": "the quick fox\njumps",
}


def _word(x0: float, y0: float, x1: float, y1: float, text: str | None) -> Region:
    return Region.from_box(x0, y0, x1, y1, level="word", text=text)


def shapes_prediction() -> Page:
    """Predicted words for "shapes".

    p1 = A exactly, "hello"                       -> match (IoU 1), region CER 0
    p2 = (70,10)-(95,30), "wrld": IoU with B 500/1200 = 0.417 -> false positive, B missed
    p3 = square (145,45)-(175,75), "rat": the diamond loses 4 corner triangles of 25 px^2 outside it,
         so intersection 700, union 800 + 900 - 700 = 1000, IoU 0.7 -> match with C, region CER 1/3
    p4 = (15,55)-(55,85), entirely inside the don't-care D -> removed before matching
    p5 = (40,50)-(100,90): 800 of its 2400 px^2 inside D (1/3 <= 0.5) -> kept, false positive
    Cared-for: GT 3, detections 4, matched 2 -> P 1/2, R 2/3, H 4/7.
    Page text "hello wrld rat" vs "hello world rot": 2 char edits / 15, 2 word edits / 3.
    """
    regions = [
        _word(10, 10, 60, 30, "hello"),
        _word(70, 10, 95, 30, "wrld"),
        _word(145, 45, 175, 75, "rat"),
        _word(15, 55, 55, 85, None),
        _word(40, 50, 100, 90, None),
    ]
    return Page(index=0, width=200, height=100, source="shapes.png", regions=regions)


def lines_prediction() -> Page:
    """Predicted lines only (no words) for "lines".

    l1 = GT line 1 exactly, "the quick fox"    -> match, region CER 0
    l2 = (10,65)-(190,95), "jumps": overlap 15 x 180 = 2700, union 5400*2 - 2700 = 8100, IoU 1/3 -> no match
    Lines: P 1/2, R 1/2, H 1/2. Page text identical to the reference: CER 0, WER 0.
    """
    regions = [
        Region.from_box(10, 10, 190, 40, level="line", text="the quick fox"),
        Region.from_box(10, 65, 190, 95, level="line", text="jumps", order=1),
    ]
    return Page(index=0, width=200, height=100, source="lines.png", regions=regions)


def write_dataset(root: Path, annotations: dict[str, dict[str, Any]]) -> Path:
    """Write small images with cv2 and their annotation JSON files in the shared/eval layout."""
    (root / "images").mkdir(parents=True)
    (root / "annotations").mkdir()
    for stem, ann in annotations.items():
        image = np.full((ann["height"], ann["width"], 3), 255, np.uint8)
        for region in ann.get("words", []) + ann.get("lines", []):
            if region["quad"] is not None:
                cv2.polylines(image, [np.asarray(region["quad"], np.int32)], True, (0, 0, 0), 1)
        assert cv2.imwrite(str(root / "images" / ann["image"]), image)
        (root / "annotations" / f"{stem}.json").write_text(json.dumps(ann), encoding="utf-8")
    return root


class FakePipeline:
    """Returns hand-made pages by image file name; records the paths it was given."""

    def __init__(self, pages: dict[str, Page | Exception | Document]) -> None:
        self.pages = pages
        self.calls: list[Path] = []

    def run(self, path: Any) -> Document:
        self.calls.append(Path(path))
        page = self.pages[Path(path).name]
        if isinstance(page, Exception):
            raise page
        if isinstance(page, Document):
            return page
        return Document(source=str(path), pages=(page,))


@pytest.fixture
def tiny_set(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "tiny", {"shapes": SHAPES_GT, "lines": LINES_GT})


def test_polygon_iou_of_rotated_quad_uses_true_polygon_area() -> None:
    square = [[145, 45], [175, 45], [175, 75], [145, 75]]
    assert polygon_iou(DIAMOND, square) == pytest.approx(0.7)
    # Vertex order (start corner, orientation) does not matter.
    assert polygon_iou(DIAMOND[::-1], square[2:] + square[:2]) == pytest.approx(0.7)
    assert polygon_iou(DIAMOND, [[0, 0], [10, 0], [10, 10], [0, 10]]) == 0.0


def test_cer_and_wer_by_hand() -> None:
    assert char_error_rate("hello wrld rat", "hello world rot") == pytest.approx(2 / 15)
    assert word_error_rate("hello wrld rat", "hello world rot") == pytest.approx(2 / 3)
    # Whitespace (newlines, runs of spaces) is normalized before counting.
    assert char_error_rate(" the  quick\nfox ", "the quick fox") == 0.0
    assert char_error_rate("", "abcd") == 1.0
    assert char_error_rate("abcdefgh", "abcd") == 1.0  # 4 insertions over 4 reference characters
    with pytest.raises(ValueError):
        char_error_rate("x", "  ")


def test_score_page_word_level_with_dont_care_and_rotated_quad(tiny_set: Path) -> None:
    gt = next(g for g in load_dataset(tiny_set) if g.name == "shapes")
    scores = score_page(gt, shapes_prediction())
    assert set(scores.levels) == {"word"}  # no GT lines: line level is not scored
    word = scores.levels["word"]
    assert (word.gt_care, word.gt_dont_care, word.det_care, word.det_dont_care, word.matched) == (3, 1, 4, 1, 2)
    assert word.precision == pytest.approx(1 / 2)
    assert word.recall == pytest.approx(2 / 3)
    assert word.hmean == pytest.approx(4 / 7)
    assert [(m.gt, m.det) for m in word.matches] == [(0, 0), (2, 2)]
    assert word.matches[1].iou == pytest.approx(0.7)
    assert word.region_cer == pytest.approx((0 + 1 / 3) / 2)
    assert word.region_accuracy == pytest.approx(1 / 2)
    assert scores.text is not None
    assert scores.text.cer == pytest.approx(2 / 15)
    assert scores.text.wer == pytest.approx(2 / 3)
    assert scores.reference == "geometric"  # word-only GT: the evaluation's own frozen order


def test_order_free_and_end_to_end_scores_by_hand(tiny_set: Path) -> None:
    gt = next(g for g in load_dataset(tiny_set) if g.name == "shapes")
    scores = score_page(gt, shapes_prediction())
    # Bags: hypothesis {hello, wrld, rat}, reference {hello, world, rot} ('###' left out).
    # "hello" matches; the rest pair nearest first: world~wrld (1 edit), rot~rat (1 edit).
    bag = scores.bag
    assert bag is not None
    assert (bag.word_matched, bag.word_ref, bag.word_hyp, bag.word_errors) == (1, 3, 3, 2)
    assert (bag.char_edits, bag.char_ref) == (2, 13)  # spaces are not characters of a bag
    assert bag.cer == pytest.approx(2 / 13) and bag.wer == pytest.approx(2 / 3)
    assert bag.f1 == pytest.approx(1 / 3)
    # End to end: of the 2 IoU matches only "hello" reads right; P 1/4 (4 cared-for detections),
    # R 1/3 (3 cared-for GT words), F1 2 * (1/12) / (7/12) = 2/7.
    word = scores.levels["word"]
    assert (word.e2e_exact, word.e2e_nocase) == (1, 1)
    assert word.e2e_f1 == pytest.approx(2 / 7)
    # Reading the page in another order moves the ordered CER, never the order-free scores.
    shuffled = shapes_prediction()
    shuffled = shuffled.with_(regions=tuple(reversed(shuffled.regions)))
    again = score_page(
        gt,
        Page(
            index=0,
            width=200,
            height=100,
            source="s",
            regions=tuple(
                Region.from_box(*r.bbox, level="line", text=r.text, order=i)
                for i, r in enumerate(shuffled.regions)
                if r.text
            ),
        ),
    )
    assert again.bag is not None and (again.bag.char_edits, again.bag.word_errors) == (2, 2)


def test_order_free_scores_of_word_bags() -> None:
    same = BagScores.of(["b", "a", "c", "a"], ["a", "a", "b", "c"])
    assert (same.cer, same.wer, same.f1) == (0.0, 0.0, 1.0)
    extra = BagScores.of(["a", "b", "zz"], ["a", "b"])  # one inserted word: its length in characters
    assert (extra.char_edits, extra.word_errors, extra.wer) == (2, 1, 0.5)
    missed = BagScores.of([], ["abc", "de"])
    assert (missed.cer, missed.wer, missed.recall) == (1.0, 1.0, 0.0)
    # A split word: "318.40" pairs with "318.40EUR" (3 edits) and "EUR" is left over (3 more): a split
    # costs the short part twice, where an ordered CER charges one space.
    split = BagScores.of(["318.40", "EUR"], ["318.40EUR"])
    assert (split.char_edits, split.word_errors) == (6, 2)
    # Nearest pairs first: "cat" pairs with "cut" (1 edit), not with "dog".
    assert BagScores.of(["dog", "cut"], ["cat", "dig"]).char_edits == 2
    total = BagScores.total([same, extra])
    assert total.char_ref == same.char_ref + extra.char_ref and total.word_errors == 1


def test_end_to_end_match_needs_overlap_and_text() -> None:
    gt = [
        GtRegion(quad=((0, 0), (50, 0), (50, 20), (0, 20)), text="Hello"),
        GtRegion(quad=((60, 0), (110, 0), (110, 20), (60, 20)), text="World"),
        GtRegion(quad=((0, 40), (50, 40), (50, 60), (0, 60)), text="###"),
    ]
    dets = [
        Region.from_box(0, 0, 50, 20, text="HELLO"),  # right place, right word but for case
        Region.from_box(60, 0, 110, 20, text="World"),  # exact
        Region.from_box(0, 100, 50, 120, text="Hello"),  # right word, wrong place: no match
        Region.from_box(0, 40, 50, 60, text="blur"),  # inside the don't-care region: not counted
    ]
    s = score_detection(gt, dets, recognition=True)
    assert (s.e2e_exact, s.e2e_nocase, s.det_care, s.gt_care) == (1, 2, 3, 2)
    assert s.e2e_f1 == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    assert s.e2e_f1_nocase == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))


def test_words_read_in_dont_care_regions_are_not_charged_to_the_bag(tiny_set: Path) -> None:
    gt = next(g for g in load_dataset(tiny_set) if g.name == "shapes")
    page = shapes_prediction()
    regions = list(page.regions)
    regions[3] = regions[3].with_(text="blur")  # p4 lies inside the don't-care D
    scores = score_page(gt, page.with_(regions=tuple(regions)))
    assert scores.bag is not None and scores.bag.word_hyp == 3 and scores.bag.char_edits == 2


def test_detection_in_dont_care_region_is_neither_rewarded_nor_penalised() -> None:
    gt = [
        GtRegion(quad=((0, 0), (10, 0), (10, 10), (0, 10)), text="a"),
        GtRegion(quad=((20, 0), (60, 0), (60, 20), (20, 20)), text="###", ignore=False),  # '###' alone suffices
    ]
    exact = Region.from_box(0, 0, 10, 10)
    base = score_detection(gt, [exact])
    with_dc = score_detection(gt, [exact, Region.from_box(25, 2, 55, 18)])
    assert (base.precision, base.recall) == (1.0, 1.0)
    assert (with_dc.precision, with_dc.recall, with_dc.det_dont_care) == (1.0, 1.0, 1)
    # A detection half outside the don't-care box (exactly 0.5 inside, not more) is a false positive.
    half = score_detection(gt, [exact, Region.from_box(40, 0, 80, 20)])
    assert (half.det_care, half.matched, half.precision) == (2, 1, 0.5)


def test_matching_is_one_to_one() -> None:
    gt = [GtRegion(quad=((0, 0), (100, 0), (100, 20), (0, 20)), text="x")]
    dets = [Region.from_box(0, 0, 100, 20), Region.from_box(2, 0, 100, 20), Region.from_box(0, 0, 98, 20)]
    s = score_detection(gt, dets)
    assert (s.matched, s.precision, s.recall) == (1, 1 / 3, 1.0)
    assert s.matches[0].det == 0  # the best IoU wins
    # Two GT, one detection covering both: IoU 0.5 with each is not > 0.5, so nothing matches.
    two = [
        GtRegion(quad=((0, 0), (50, 0), (50, 20), (0, 20))),
        GtRegion(quad=((50, 0), (100, 0), (100, 20), (50, 20))),
    ]
    s2 = score_detection(two, [Region.from_box(0, 0, 100, 20)])
    assert (s2.matched, s2.precision, s2.recall, s2.hmean) == (0, 0.0, 0.0, 0.0)


def test_evaluate_overall_from_summed_counts(tiny_set: Path) -> None:
    pipeline = FakePipeline({"shapes.png": shapes_prediction(), "lines.png": lines_prediction()})
    seen: list[tuple[int, int, str]] = []
    report = evaluate(pipeline, tiny_set, progress=lambda done, total, name: seen.append((done, total, name)))
    assert [p.name for p in pipeline.calls] == ["lines.png", "shapes.png"]  # name order
    assert seen == [(1, 2, "lines"), (2, 2, "shapes")]
    assert report.levels == ("word", "line") and report.recognition
    rows = {r.name: r for r in report.images}
    # "lines" has no GT words, and its prediction no words: nothing to find, nothing found.
    assert rows["lines"].scores.levels["word"].hmean == 1.0
    line = rows["lines"].scores.levels["line"]
    assert (line.precision, line.recall, line.hmean, line.region_cer) == (0.5, 0.5, 0.5, 0.0)
    assert rows["lines"].scores.text is not None and rows["lines"].scores.text.cer == 0.0
    # "shapes" has no GT lines, and its prediction no lines.
    assert rows["shapes"].scores.levels["line"].matched == 0

    word, lines = report.overall["word"], report.overall["line"]
    assert (word.matched, word.gt_care, word.det_care) == (2, 3, 4)
    assert word.hmean == pytest.approx(4 / 7)
    assert (lines.matched, lines.gt_care, lines.det_care) == (1, 2, 2)
    text = report.overall_text
    assert text is not None
    # 2 edits over 15 + 19 reference characters; 2 word edits over 3 + 4 words.
    assert text.cer == pytest.approx(2 / 34)
    assert text.wer == pytest.approx(2 / 7)
    assert report.pages_per_second is not None and report.pages_per_second > 0

    data = json.loads(json.dumps(report.to_dict()))
    assert data["overall"]["detection"]["word"]["hmean"] == pytest.approx(4 / 7)
    assert data["overall"]["text"]["cer"] == pytest.approx(2 / 34)
    assert [img["name"] for img in data["images"]] == ["lines", "shapes"]
    table = report.render_text()
    assert "overall" in table and "0.571" in table and "0.059" in table


def test_evaluate_failed_image_counts_as_empty_page_and_limit(tiny_set: Path) -> None:
    failed = Document(source="shapes.png", failures=(PageFailure("shapes.png", 0, "boom"),))
    pipeline = FakePipeline({"shapes.png": failed, "lines.png": RuntimeError("model crashed")})
    report = evaluate(pipeline, tiny_set)
    assert [(r.name, r.error) for r in report.images] == [
        ("lines", "RuntimeError: model crashed"),
        ("shapes", "boom"),
    ]
    # No page came back with text, so recognition is not scored; every cared-for GT is missed.
    assert not report.recognition and report.overall_text is None
    assert report.overall["word"].recall == 0.0 and report.overall["line"].recall == 0.0
    assert "failed" in report.render_text()

    one = evaluate(FakePipeline({"lines.png": lines_prediction()}), tiny_set, limit=1)
    assert [r.name for r in one.images] == ["lines"]


def test_detection_only_pipeline_is_not_charged_for_text(tiny_set: Path) -> None:
    untexted = shapes_prediction().with_(regions=tuple(r.with_(text=None) for r in shapes_prediction().regions))
    report = evaluate(FakePipeline({"shapes.png": untexted, "lines.png": lines_prediction()}), tiny_set)
    shapes = next(r for r in report.images if r.name == "shapes")
    # The run as a whole has text ("lines"), so the untexted page is charged full deletion.
    assert shapes.scores.text is not None and shapes.scores.text.cer == 1.0
    alone = score_page(load_dataset(tiny_set)[1], untexted)
    assert alone.text is None and alone.levels["word"].region_cer is None
    assert alone.levels["word"].hmean == pytest.approx(4 / 7)


def test_prediction_at_another_scale_is_compared_in_annotation_pixels(tiny_set: Path) -> None:
    gt = load_dataset(tiny_set)[0]  # "lines"
    page = lines_prediction()
    doubled = page.with_(
        width=400,
        height=200,
        regions=tuple(r.with_(quad=tuple((2 * x, 2 * y) for x, y in r.quad)) for r in page.regions),
    )
    scores = score_page(gt, doubled)
    assert scores.levels["line"].matched == 1 and scores.notes


def test_run_eval_json_and_exit_code(tiny_set: Path) -> None:
    pipeline = FakePipeline({"shapes.png": shapes_prediction(), "lines.png": lines_prediction()})
    text, code = run_eval(pipeline, tiny_set, as_json=True)
    assert code == 0
    assert json.loads(text)["overall"]["detection"]["line"]["hmean"] == 0.5
    text, code = run_eval(FakePipeline({"shapes.png": shapes_prediction(), "lines.png": OSError("x")}), tiny_set)
    assert code == 1 and "word H" in text


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda a: a["words"][1].update(quad=[[0, 0], [1, 1]]), "words[1].quad"),
        (lambda a: a["words"][0].pop("quad"), "words[0].quad"),
        (lambda a: a["words"][2].update(ignore="yes"), "words[2].ignore"),
        (lambda a: a["words"][0].update(text=5), "words[0].text"),
        (lambda a: a.update(lines={"text": "x"}), "lines"),
        (lambda a: a.update(image="missing.png"), "image"),
        (lambda a: a.pop("image"), "image"),
        (lambda a: a.update(width=-3), "width"),
    ],
)
def test_malformed_annotation_names_file_and_key(tmp_path: Path, change: Any, key: str) -> None:
    ann = json.loads(json.dumps(SHAPES_GT))
    change(ann)
    root = write_dataset(tmp_path / "bad", {"shapes": SHAPES_GT})
    (root / "annotations" / "shapes.json").write_text(json.dumps(ann), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dataset(root)
    assert "shapes.json" in str(info.value) and repr(key) in str(info.value)


def test_a_key_given_twice_in_an_annotation_is_named(tmp_path: Path) -> None:
    """T14: `"words"` given twice kept the last list silently (JSON parsers do); it is refused, named."""
    root = write_dataset(tmp_path / "dup", {"shapes": SHAPES_GT})
    text = json.dumps(SHAPES_GT)
    twice = text[:-1] + ', "words": []}'
    (root / "annotations" / "shapes.json").write_text(twice, encoding="utf-8")
    with pytest.raises(InputError, match=r"shapes\.json: malformed annotation at key 'words': given twice"):
        load_dataset(root)


def test_dataset_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_dataset(tmp_path / "nope")
    (tmp_path / "images").mkdir()
    with pytest.raises(InputError, match="annotations/"):
        load_dataset(tmp_path)
    (tmp_path / "annotations").mkdir()
    with pytest.raises(InputError, match="no annotation"):
        load_dataset(tmp_path)
    (tmp_path / "annotations" / "x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json"):
        load_dataset(tmp_path)
    with pytest.raises(ConfigError, match="limit"):
        load_dataset(tmp_path, limit=0)


def test_gt_page_text_fallbacks(tiny_set: Path) -> None:
    lines_gt, shapes_gt = load_dataset(tiny_set)
    assert lines_gt.page_text == "the quick fox\njumps"  # the `text` key
    assert shapes_gt.page_text == "hello world rot"  # words in reading order, '###' left out
    no_key = json.loads(json.dumps(LINES_GT))
    del no_key["text"]
    no_key["lines"][0]["text"] = "first"
    root = write_dataset(tiny_set.parent / "nokey", {"l": no_key})
    assert load_dataset(root)[0].page_text == "first\njumps"  # GT lines in file order


class OraclePipeline:
    """Returns the ground truth itself as the prediction: a perfect pipeline."""

    def __init__(self, dataset_dir: Path) -> None:
        self.gt = {g.image_path: g for g in load_dataset(dataset_dir)}

    def run(self, path: Path) -> Document:
        gt = self.gt[path]
        regions = [
            Region(quad=r.quad, level="line", text=r.text if r.has_text else None)  # type: ignore[arg-type]
            for r in gt.lines
        ]
        # A perfect detector that also orders its words as the reference does (the evaluation's own
        # frozen geometric order; don't-care words, which carry no text, go last).
        read = [r for r in gt.words if r.has_text]
        read = [read[i] for i in geometric_order([r.quad for r in read])] + [r for r in gt.words if not r.has_text]
        words = [Region(quad=r.quad, text=r.text if r.has_text else None) for r in read]  # type: ignore[arg-type]
        regions = layout_regions([*regions, *words], LayoutOptions(reading_order="detector"))
        page = Page(index=0, width=gt.width or 1, height=gt.height or 1, source=str(path), regions=regions)
        return Document(source=str(path), pages=(page,))


@pytest.mark.shared
@pytest.mark.parametrize(("name", "level"), [("icdar2015", "word"), ("sroie", "line")])
def test_oracle_pipeline_scores_perfectly_on_real_set(name: str, level: str) -> None:
    root = shared_path("eval", name)
    report = evaluate(OraclePipeline(root), root, limit=6)
    assert len(report.images) == 6
    overall = report.overall[level]
    assert overall.gt_care > 0
    assert (overall.precision, overall.recall, overall.hmean) == (1.0, 1.0, 1.0)
    assert overall.region_cer == 0.0
    assert report.overall_text is not None and report.overall_text.cer == 0.0
    assert report.overall_bag is not None and (report.overall_bag.cer, report.overall_bag.wer) == (0.0, 0.0)
    assert overall.e2e_f1 == 1.0 and overall.e2e_f1_nocase == 1.0
    if name == "icdar2015":
        assert report.overall[level].gt_dont_care > 0  # the don't-care path is exercised on real data


class BatchPipeline(FakePipeline):
    """Like the real Pipeline: ``run_many`` over all inputs, reporting progress per page."""

    def run_many(self, inputs: list[Any], progress: Any = None) -> Any:
        from ocrplug.pipeline import RunReport

        report = RunReport()
        for path in inputs:
            page = self.pages[Path(path).name]
            self.calls.append(Path(path))
            if isinstance(page, Exception):  # an unreadable input: no document, a failure with index None
                report.failures.append(PageFailure(str(path), None, str(page)))
                continue
            report.documents.append(Document(source=str(path), pages=(page,)))
            if progress:
                progress(str(path), len(report.documents), len(inputs))
        return report


def test_evaluate_uses_run_many_when_available(tiny_set: Path) -> None:
    pipeline = BatchPipeline({"shapes.png": shapes_prediction(), "lines.png": InputError("lines.png: corrupt")})
    seen: list[str] = []
    report = evaluate(pipeline, tiny_set, progress=lambda done, total, name: seen.append(name))
    assert [p.name for p in pipeline.calls] == ["lines.png", "shapes.png"] and seen == ["shapes"]
    rows = {r.name: r for r in report.images}
    assert rows["lines"].error == "lines.png: corrupt" and rows["shapes"].error is None
    assert rows["shapes"].scores.levels["word"].hmean == pytest.approx(4 / 7)
    assert report.overall["line"].recall == 0.0  # the unreadable image's lines are all missed
    assert rows["shapes"].seconds >= 0.0 and rows["lines"].seconds == 0.0


def _render_words(path: Path, words: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Draw words with DejaVu Sans at (x, y) and return their GT entries with tight ink quads."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 44)
    except OSError:
        try:
            font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
        except OSError:
            pytest.skip("DejaVu Sans font not installed")
    image = Image.new("RGB", (640, 160), "white")
    draw = ImageDraw.Draw(image)
    out = []
    for text, x, y in words:
        draw.text((x, y), text, fill="black", font=font)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        out.append({"text": text, "quad": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], "ignore": False})
    cv2.imwrite(str(path), cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR))
    return out


@pytest.mark.slow
def test_run_eval_with_the_default_pipeline_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pytesseract")
    from ocrplug.config import DEFAULT_CONFIG

    root = tmp_path / "set"
    (root / "images").mkdir(parents=True)
    (root / "annotations").mkdir()
    words = _render_words(root / "images" / "page.png", [("Quick", 30, 40), ("brown", 230, 40), ("fox", 440, 40)])
    ann = {"image": "page.png", "width": 640, "height": 160, "words": words}
    (root / "annotations" / "page.json").write_text(json.dumps(ann), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = json.loads(json.dumps(DEFAULT_CONFIG))
    assert config["renderers"], "the default config is expected to have renderers, which eval must ignore"
    text, code = run_eval(config, root, as_json=True, source="<test config>")
    data = json.loads(text)
    assert code == 0 and data["failed"] == 0
    word = data["overall"]["detection"]["word"]
    assert (word["matched"], word["gt_care"]) == (3, 3)
    assert word["hmean"] == 1.0
    assert data["overall"]["text"]["cer"] <= 0.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"]  # no renderer output was written

    bad = dict(config, renderers=[{"name": "no-such-renderer"}])
    with pytest.raises(ConfigError, match="no-such-renderer"):
        run_eval(bad, root, source="<test config>")


class _GtWordDetector:
    """A word detector (like craft without its refiner): the GT lines of each image cut into word boxes,
    returned in shuffled order and without lines, so only the host layout can rebuild the lines."""

    def __init__(self, dataset_dir: Path) -> None:
        self.gt = {g.image_path.name: g for g in load_dataset(dataset_dir)}

    def detect(self, page: Any) -> list[Region]:
        from ocrplug.layout import synthesize_words

        gt = self.gt[Path(page.source).name]
        words: list[Region] = []
        for r in gt.lines:
            if r.quad is None or not r.text:
                continue
            words += [w.with_(text=None, attributes={}) for w in synthesize_words(Region(quad=r.quad, text=r.text))]
        rng = np.random.default_rng(0)
        return [words[i] for i in rng.permutation(len(words))]


@pytest.mark.shared
def test_word_detector_is_scored_at_line_level_through_the_layout() -> None:
    from ocrplug import Pipeline
    from ocrplug.components import Detector

    root = shared_path("eval", "sroie")
    detector = type("WordDetector", (_GtWordDetector, Detector), {})(root)
    report = evaluate(Pipeline(detector=detector, recognizer=None), root, limit=3)
    line = report.overall_level("line")
    assert line.hmean >= 0.8, line


def test_images_without_an_annotation_are_named_not_silently_left_out(tiny_set: Path) -> None:
    # T16: an image whose annotation was lost was skipped without a word; the rest scored clean.
    import shutil

    shutil.copy(tiny_set / "images" / "lines.png", tiny_set / "images" / "orphan.png")
    (tiny_set / "images" / ".hidden.png").write_bytes(b"")
    pipeline = FakePipeline({"shapes.png": shapes_prediction(), "lines.png": lines_prediction()})
    report = evaluate(pipeline, tiny_set)
    assert [r.name for r in report.images] == ["lines", "shapes"]
    assert report.unannotated == ("orphan.png",)
    assert "1 image(s) in images/ have no annotation and were not scored: orphan.png" in report.render_text()
    assert json.loads(json.dumps(report.to_dict()))["unannotated"] == ["orphan.png"]
    # With --limit the images past it are not "unannotated".
    assert evaluate(FakePipeline({"lines.png": lines_prediction()}), tiny_set, limit=1).unannotated == ()


def test_a_note_names_the_images_it_is_about(tiny_set: Path) -> None:
    page = lines_prediction()
    doubled = page.with_(
        width=400,
        height=200,
        regions=tuple(r.with_(quad=tuple((2 * x, 2 * y) for x, y in r.quad)) for r in page.regions),
    )
    report = evaluate(FakePipeline({"shapes.png": shapes_prediction(), "lines.png": doubled}), tiny_set)
    assert "scaled to the annotation's 200x100 (lines)" in report.render_text()
