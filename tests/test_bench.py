"""The benchmark script runs every line at tiny sizes and reports numbers and ratios."""

import io
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def test_bench_quick_reports_every_measure():
    sys.path.insert(0, str(SCRIPTS))
    try:
        import bench
    finally:
        sys.path.remove(str(SCRIPTS))
    out = io.StringIO()
    rows = bench.run(quick=True, markdown=True, out=out)
    names = [row[0] for row in rows]
    for name in bench.TARGETS:
        assert name in names
    timed = [row for row in rows if not row[0].startswith("peak RSS")]
    assert len(timed) == len(rows) - 1 == 14
    for _name, ours, baseline, _unit, ratio, _target in timed:
        assert ours > 0 and baseline > 0 and abs(ratio - ours / baseline) < 1e-9
    assert rows[-1][0].startswith("peak RSS") and rows[-1][1] is not None
    text = out.getvalue()
    assert text.startswith(
        "| measure | ours | baseline | ratio | target |\n|---|---|---|---|---|\n"
    )
    assert "SGD step, the layer classes" in text and "machine:" in text
