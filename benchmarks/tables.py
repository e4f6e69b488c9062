"""The tables of docs/benchmarks.md, rendered from the benchmarks' JSON results.

Run: ``.venv/bin/python benchmarks/tables.py [FOLDER] [--write docs/benchmarks.md]``. Without
``--write`` the tables are printed; with it they replace what lies between the
``<!-- tables:begin -->`` and ``<!-- tables:end -->`` markers, so no figure is typed by hand.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_RESULTS = HERE / "results"
BEGIN, END = "<!-- tables:begin -->", "<!-- tables:end -->"
LABELS = {
    "floor_whole": "I/O floor, whole-variable reads: the four full-grid inputs, every 10th pixel",
    "floor_strided": "I/O floor, strided reads, chunk cache of a chunk row: the same pixels",
    "scoring": "scoring form: file → SIC/SOD/FLOE uint8 on the 80 m grid",
    "reference": "MMSeaIce's plain path (`benchmarks/reference_mmseaice.py`), same output",
}


def _spread(s: dict, unit: str = "s", digits: int = 2) -> str:
    if s["n"] == 1:
        return f"{s['median']:.{digits}f} {unit}"
    return (
        f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f} to {s['max']:.{digits}f}, "
        f"n = {s['n']})"
    )


def _provenance(result: dict) -> str:
    m, v, g = result["machine"], result["versions"], result["git"]
    libs = ", ".join(f"{k} {val}" for k, val in v.items())
    dirty = " + uncommitted changes" if g.get("dirty") else ""
    return (
        f"*{result['benchmark']}.json, {result['created']}: {m['cpu']}, {m['cores']} cores, "
        f"{m['memory_gib']} GiB, load average {m.get('load_average', '?')} at the end, "
        f"Python {m['python']}; {libs}; commit "
        f"{g['commit'][:10]}{dirty}.*"
    )


def predict_table(result: dict) -> str:
    lines = [
        f"Full synthetic scene {result['size']}, CPU, {result['runs']} fresh processes of each "
        "kind, interleaved. Work excludes the fixed costs (imports, loading weights), which a "
        "batch or an engine process pays once.",
        "",
        "| chunks | what | work: median (min to max) | CPU time of the work | imports + weights "
        "| peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for layout, kinds in result["layouts"].items():
        for kind in ("reference", "scoring", "floor_whole", "floor_strided"):
            if kind not in kinds:
                continue
            k = kinds[kind]
            fixed = k["import_s"]["median"] + k["load_s"]["median"]
            lines.append(
                f"| {layout} | {LABELS[kind]} | {_spread(k['work_s'])} | "
                f"{k['cpu_s']['median']:.2f} s | {fixed:.2f} s | "
                f"{k['peak_rss_mb']['median']:.0f} MB |"
            )
    lines += [
        "",
        "| chunks | ratio (medians of the same run) | wall time | CPU time | target |",
        "|---|---|---|---|---|",
    ]
    for layout, kinds in result["layouts"].items():
        ratios = kinds["ratios"]
        if "reference_over_scoring" in ratios:
            lines.append(
                f"| {layout} | reference work / scoring-form work | "
                f"{ratios['reference_over_scoring']:.1f}× | "
                f"{ratios['reference_over_scoring_cpu']:.1f}× | ≥ 10× |"
            )
        lines.append(
            f"| {layout} | scoring-form work / I/O floor | {ratios['scoring_over_floor']:.2f}× "
            f"| {ratios['scoring_over_floor_cpu']:.2f}× | ≤ 1.5× |"
        )
    return "\n".join([*lines, "", _provenance(result)])


def end_to_end_table(result: dict) -> str:
    single, no_sar = result["single"], result["no_sar"]
    stages = ", ".join(f"{k} {v['median']:.2f} s" for k, v in single["stages"].items())
    lines = [
        f"Full synthetic scene {result['size']}, CPU, {result['runs']} fresh processes each; "
        "wall time of the whole process, interpreter start included.",
        "",
        "| what | wall: median (min to max) | peak RSS | target |",
        "|---|---|---|---|",
        f"| end to end, all {single['layers']} layers (SAR display layers included) | "
        f"{_spread(single['wall_s'])} | {single['peak_rss_mb']['median']:.0f} MB | "
        "≤ 1 GB |",
        f"| end to end without the SAR display layers | {_spread(no_sar['wall_s'])} | "
        f"{no_sar['peak_rss_mb']['median']:.0f} MB | |",
    ]
    plugin = result.get("plugin")
    if plugin:
        lines.append(
            "| the plugin's path: the same run handed to the dock's standby engine (torch "
            f"imported while the analyst chose the scene), command to layers | "
            f"{_spread(plugin['wall_s'])} | {plugin['peak_rss_mb']['median']:.0f} MB "
            "(the engine) | ≤ 5 s, ≤ 1 GB |"
        )
    batch = result.get("batch")
    if batch:
        lines.append(
            f"| batch of {batch['scenes']} scenes in one process, all layers | "
            f"{batch['seconds_per_scene']:.2f} s per scene ({batch['scenes_per_hour']:.0f} "
            f"scenes/hour; {batch['per_scene_over_single_process']:.2f}× a single-scene "
            f"process) | {batch['peak_rss_mb']:.0f} MB | fixed costs paid once |"
        )
    lines += [
        "",
        f"Stages of a single run (run.json, medians): {stages}; importing "
        f"{single['import_s']['median']:.2f} s.",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def gpu_table(result: dict) -> str:
    if result.get("status") != "ok":
        return f"GPU check: {result.get('status')}: {result.get('message', '')}"
    lines = ["| what | figure |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in result.get("figures", {}).items()]
    return "\n".join([*lines, "", _provenance(result)])


RENDERERS = {
    "predict": ("Scoring form, side by side", predict_table),
    "end_to_end": ("End to end and batch", end_to_end_table),
    "gpu_check": ("GPU check", gpu_table),
}


def render(folder: Path) -> str:
    parts = []
    for name, (title, renderer) in RENDERERS.items():
        path = folder / f"{name}.json"
        if path.exists():
            parts.append(f"### {title}\n\n{renderer(json.loads(path.read_text('utf-8')))}")
    if not parts:
        raise SystemExit(f"no benchmark results (*.json) in {folder}")
    return "\n\n".join(parts)


def replace_between_markers(text: str, tables: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"the document has no {BEGIN} … {END} markers")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{tables}\n{END}{tail}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=DEFAULT_RESULTS)
    parser.add_argument("--write", type=Path, help="a Markdown file with the table markers")
    args = parser.parse_args()
    tables = render(args.folder)
    if args.write is None:
        print(tables)
        return
    args.write.write_text(replace_between_markers(args.write.read_text("utf-8"), tables), "utf-8")


if __name__ == "__main__":
    main()
