"""The committed charts are what the committed data draws, to the byte: the same measurements give the same SVG."""

from __future__ import annotations

from pathlib import Path

from bench import _charts, _report


def test_the_committed_charts_are_what_the_committed_data_draws(tmp_path: Path) -> None:
    """docs/benchmarks/*.svg equal, byte for byte, the charts drawn again from docs/benchmarks.json."""
    data = _report.load_data()
    drawn = _charts.draw_all(_report.measurements(data), _report.load_quotes(), tmp_path)
    assert [p.stem for p in drawn] == list(_report.CHARTS)
    assert sorted(p.name for p in _report.CHARTS_DIR.glob("*.svg")) == sorted(p.name for p in drawn)
    for path in drawn:
        assert (_report.CHARTS_DIR / path.name).read_bytes() == path.read_bytes(), (
            f"{path.name}: regenerate: python -m bench report --committed")


def test_drawing_twice_gives_identical_bytes_and_no_date(tmp_path: Path) -> None:
    """Two drawings of the same results are byte-identical and carry no creation date."""
    data = _report.load_data()
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for out in (first, second):
        _charts.draw_all(_report.measurements(data), _report.load_quotes(), out)
    for name in _report.CHARTS:
        svg = (first / f"{name}.svg").read_bytes()
        assert svg == (second / f"{name}.svg").read_bytes()
        assert b"<dc:date>" not in svg


def test_charts_without_measurements_say_so_instead_of_failing(tmp_path: Path) -> None:
    """An empty run still draws every chart, each saying what is missing."""
    drawn = _charts.draw_all({}, [], tmp_path)
    assert [p.stem for p in drawn] == list(_report.CHARTS)
    assert b"no budget measured in this run" in (tmp_path / "budgets.svg").read_bytes()
