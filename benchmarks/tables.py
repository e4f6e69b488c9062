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
    "scoring": "scoring form: file → SIC/SOD/FLOE uint8 on the 80 m grid, reading in two "
    "processes (as batches and the engine do)",
    "scoring_alone": "the same in one process",
    "reference": "MMSeaIce's plain path (`benchmarks/reference_mmseaice.py`), same output",
}


def _spread(s: dict, unit: str = "s", digits: int = 2) -> str:
    if s["n"] == 1:
        return f"{s['median']:.{digits}f} {unit}"
    return (
        f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f} to {s['max']:.{digits}f}, "
        f"n = {s['n']})"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}es" if noun.endswith("s") else f"{n} {noun}s"


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
        "kind, interleaved. Work excludes the fixed costs (imports, loading weights, starting "
        "the reading process), which a batch or an engine process pays once. Peak RSS of the "
        "two-process form adds both processes' peaks.",
        "",
        "| chunks | what | work: median (min to max) | CPU time of the work | imports + weights "
        "| peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for layout, kinds in result["layouts"].items():
        for kind in ("reference", "scoring", "scoring_alone", "floor_whole", "floor_strided"):
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
            lines += [
                f"| {layout} | reference work / scoring-form work | "
                f"{ratios['reference_over_scoring']:.1f}× | "
                f"{ratios['reference_over_scoring_cpu']:.1f}× | ≥ 10× |",
                f"| {layout} | reference work / scoring-form work, one process | "
                f"{ratios['reference_over_scoring_alone']:.1f}× | "
                f"{ratios['reference_over_scoring_alone_cpu']:.1f}× | — |",
            ]
        lines += [
            f"| {layout} | scoring-form work / I/O floor | {ratios['scoring_over_floor']:.2f}× "
            f"| {ratios['scoring_over_floor_cpu']:.2f}× | ≤ 1.5× |",
            f"| {layout} | scoring-form work, one process / I/O floor | "
            f"{ratios['scoring_alone_over_floor']:.2f}× | "
            f"{ratios['scoring_alone_over_floor_cpu']:.2f}× | — |",
        ]
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
            "(the engine and its reading process) | ≤ 5 s, ≤ 1 GB |"
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


def eggcode_table(result: dict) -> str:
    lines = [
        f"{result['polygons']} chart polygons' egg codes, strings as read from shapefiles (blanks "
        f"and -9 included), {_count(result['seconds']['n'], 'run')} in one process; "
        f"{result['undecodable']} undecodable.",
        "",
        "| what | seconds: median (min to max) | target |",
        "|---|---|---|",
        f"| parse + decode | {_spread(result['seconds'], digits=3)} | < {result['target_s']:g} s |",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def scene_table(result: dict) -> str:
    gen, read = result["generate"], result["read"]
    lines = [
        f"Synthetic scene {result['size']} (seed 0, a {result['file_mb']:.0f} MB file), each "
        f"stage a fresh process; generated once, read {_count(result['runs'], 'time')}.",
        "",
        "| what | wall: median (min to max) | peak RSS |",
        "|---|---|---|",
        f"| generate the scene | {gen['seconds']:.2f} s | {gen['peak_rss_mb']:.0f} MB |",
        "| read for inference: open, the four full-grid inputs every 10th pixel, valid mask, "
        f"15 coarse inputs, tie points | {_spread(read['strided_seconds'])} | "
        f"{read['peak_rss_mb']['median']:.0f} MB |",
        "| then each full-grid input read whole, one at a time | "
        f"{_spread(read['full_each_seconds'])} | |",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def draft_table(result: dict) -> str:
    source = f"a {result['size']} synthetic scene" if result.get("size") else "the run"
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result["stages"].items())
    agreement = ", ".join(f"{k} {v:.1f} %" for k, v in result["agreement_percent"].items())
    lines = [
        f"The prediction of {source} ({result['run']}) turned into a draft chart, minimum "
        f"polygon area {result['min_area_km2']:g} km², one run in one process.",
        "",
        "| what | wall | target |",
        "|---|---|---|",
        f"| draft chart of {result['polygons']} polygons, read-back check included | "
        f"{result['total_s']:.2f} s | ≤ {result['target_s']:g} s |",
        "",
        f"Stages: {stages}. The chart read back agrees with the prediction on {agreement} of "
        "the valid cells.",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def safe_table(result: dict) -> str:
    lines_40m, samples_40m = result["image_40m"]
    targets = result["targets"]
    built = (
        "kept from an earlier run"
        if result.get("reused")
        else f"built in {result['build_s']:.0f} s"
    )
    lines = [
        f"Synthetic Sentinel-1 EW GRDM product of {lines_40m} × {samples_40m} DN per "
        f"polarisation ({built}), read from the "
        f"{result['input']} into the 80 m arrays {result['shape_80m'][0]} × "
        f"{result['shape_80m'][1]}; {_count(result['runs'], 'fresh process')}.",
        "",
        "| what (from the start of the read) | wall: median (min to max) | CPU time | peak RSS "
        "| target |",
        "|---|---|---|---|---|",
        f"| open and validate | {_spread(result['open_s'])} | | | |",
        f"| … and σ⁰ of HH and HV (calibrated, denoised, 2 × 2, dB) | "
        f"{_spread(result['sar_s'])} | | | |",
        f"| … and the incidence angle and the 21 × 21 latitude/longitude grid | "
        f"{_spread(result['wall_s'])} | {result['cpu_s']['median']:.2f} s | "
        f"{result['peak_rss_mb']['median']:.0f} MB | ≤ {targets['wall_s']:g} s idle, "
        f"≤ {targets['peak_rss_mb']:g} MB |",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def engine_table(result: dict) -> str:
    overhead = result["overhead_s"]
    target = f"≤ {result['target_overhead_s']:g} s"
    lines = [
        f"Synthetic scene {result['size']}, CPU, bundled weights, "
        f"{_count(result['runs'], 'run')} of each kind; a standby engine is started "
        f"{result['think_s']:g} s before its run. "
        "Overhead: the median minus the warm in-process median.",
        "",
        "| what | wall: median (min to max) | overhead | target |",
        "|---|---|---|---|",
        "| in-process, warm (the model inside QGIS, from its second run) | "
        f"{_spread(result['in_process_warm_s'])} | | |",
        "| in-process, cold (the first run of a fresh process, imports included) | "
        f"{_spread(result['in_process_cold_s'])} | | |",
        "| engine, standby (the dock's way: the command handed to a waiting engine) | "
        f"{_spread(result['engine_standby_s'])} | {overhead['standby']:+.2f} s | {target} |",
        "| engine, cold (`python -m core --json predict` started afresh: Processing's way) | "
        f"{_spread(result['engine_cold_s'])} | {overhead['cold']:+.2f} s | |",
    ]
    return "\n".join([*lines, "", _provenance(result)])


def train_table(result: dict) -> str:
    it_s, batch = result["iterations_per_s"], result["batch_size"]
    memory = result.get("gpu_memory_gib")
    validations = f" and {result['validations']} validations" if "validations" in result else ""
    scenes = (
        f" on {_count(result['scenes'], 'synthetic scene')} of {result['size']}"
        if "scenes" in result
        else ""
    )
    lines = [
        f"Preset `{result['preset']}` on {result['device']}: batch {batch}, patch "
        f"{result['patch_size']}, {result['steps']} steps in two short epochs{scenes}; the "
        "figures are the warm (second) epoch's.",
        "",
        "| what | figure |",
        "|---|---|",
        f"| iterations/s | {it_s:.2f} ({it_s * batch:.0f} patches/s) |",
        f"| data share of the step time | {100 * result['data_share']:.1f} % |",
        f"| GPU memory | {'—' if memory is None else f'{memory:.2f} GiB'} |",
        "| validation per epoch, scaled to the paper's 17 scenes | "
        f"{result['validation_s_per_epoch']:.2f} s |",
        f"| projected time of the whole preset: {result['iterations']} iterations"
        f"{validations} | "
        f"{result['projected_min']:.1f} min |",
    ]
    return "\n".join([*lines, "", _provenance(result)])


RENDERERS = {
    "predict": ("Scoring form, side by side", predict_table),
    "end_to_end": ("End to end and batch", end_to_end_table),
    "gpu_check": ("GPU check", gpu_table),
    "eggcode": ("Egg codes decoded", eggcode_table),
    "scene": ("Synthetic scene: generating and reading it", scene_table),
    "draft": ("Draft chart", draft_table),
    "safe": ("Sentinel-1 product read, .SAFE folder", safe_table),
    "safe_zip": ("Sentinel-1 product read, .zip", safe_table),
    "engine": ("Engine process and in-process prediction", engine_table),
    "train": ("Training throughput", train_table),
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
