"""Batch prediction over many scenes: resumable, shardable, and never stopped by one bad scene.

A scene is done when its run folder holds a ``run.json`` with the same cache key (scene file,
weights, output-changing parameters), so a re-run skips it. ``--shard INDEX/COUNT`` takes every
COUNT-th scene starting at INDEX of the sorted list; on SLURM it defaults from the job array
(``SLURM_ARRAY_TASK_ID``/``SLURM_ARRAY_TASK_COUNT``), so an array job needs no coordination
beyond the shared output folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParamsError, SeaIceMapperError
from ..failures import describe_failure, shown
from ..output.contract import record_layers
from ..output.georef import parse_crs
from ..safe.container import is_safe_product
from ..scene.names import parse_scene_id, prep_name
from ..scene.read_helper import read_helper
from ..scene.reader import open_scene
from .loading import LoadedModel, ModelLoader
from .progress import Reporter
from .run import PredictParams, cache_key, finished_run, run_prediction


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str | None, env: Mapping[str, str] = os.environ) -> Shard:
        """``INDEX/COUNT``; without it, the SLURM job array's task, else the whole list."""
        if text is None:
            if "SLURM_ARRAY_TASK_ID" not in env or "SLURM_ARRAY_TASK_COUNT" not in env:
                return cls()
            try:
                offset = int(env.get("SLURM_ARRAY_TASK_MIN", "0"))
                text = f"{int(env['SLURM_ARRAY_TASK_ID']) - offset}/{env['SLURM_ARRAY_TASK_COUNT']}"
            except ValueError:
                raise ParamsError(
                    "SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT must be "
                    f"whole numbers, found {env.get('SLURM_ARRAY_TASK_ID')!r}, "
                    f"{env.get('SLURM_ARRAY_TASK_MIN')!r}, {env.get('SLURM_ARRAY_TASK_COUNT')!r}; "
                    "pass --shard INDEX/COUNT to choose explicitly."
                ) from None
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise ParamsError(f"shard {text!r} is not INDEX/COUNT, e.g. 0/4") from None
        if not 0 <= index < count:
            raise ParamsError(f"shard {text!r}: need 0 <= INDEX < COUNT")
        return cls(index, count)

    def take(self, items: Sequence[Path]) -> list[Path]:
        return list(items[self.index :: self.count])


def read_scene_list(path: Path) -> list[Path]:
    """Scenes named in a ``.json`` list (like the official datalists, raw or ready-to-train
    names) or a text file (one per line, ``#`` comments), relative to the list's folder."""
    try:
        text = path.read_text(encoding="utf-8")
        names = (
            json.loads(text)
            if path.suffix == ".json"
            else [
                line.strip()
                for line in text.splitlines()
                if line.strip() and not line.startswith("#")
            ]
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SeaIceMapperError(f"Cannot read the scene list {shown(path)}: {error}") from None
    except RecursionError:
        raise SeaIceMapperError(
            f"{shown(path)} is nested too deeply to be a list of scene file names."
        ) from None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SeaIceMapperError(f"{shown(path)} is not a JSON list of scene file names.")
    return [path.parent / prep_name(name) for name in names]


def collect_scenes(sources: Sequence[Path]) -> list[Path]:
    """Scene files from files, Sentinel-1 products, folders (their ``*_prep.nc``, ``*.SAFE``
    and ``S1*.zip``) and scene lists; sorted, unique."""
    scenes: list[Path] = []
    for source in sources:
        if is_safe_product(source):
            scenes.append(source)
        elif source.is_dir():
            scenes += source.glob("*_prep.nc")
            scenes += (p for p in source.glob("S1*") if p.suffix.lower() in (".safe", ".zip"))
        elif source.suffix in (".json", ".txt"):
            scenes += read_scene_list(source)
        else:
            scenes.append(source)
    return sorted(set(scenes))


@dataclass
class BatchReport:
    done: list[tuple[Path, Path]] = field(default_factory=list)  # (scene, run folder)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{len(self.done)} predicted, {len(self.skipped)} already done, "
            f"{len(self.failed)} failed"
        ]
        lines += [f"  FAILED {shown(path)}: {message}" for path, message in self.failed]
        return "\n".join(lines)


def already_done(
    scene: Path, out_dir: Path, model: LoadedModel | ModelLoader, params: PredictParams
) -> bool:
    try:
        name = parse_scene_id(scene.name).name
    except ValueError:  # a renamed file: its id is inside
        with open_scene(scene, required=()) as opened:
            name = opened.info.scene_id.name
    folder = out_dir / name
    record = finished_run(folder) or {}
    return record.get("cache_key") == cache_key(scene, model.manifest, params) and complete(
        folder, record
    )


def complete(folder: Path, record: object) -> bool:
    """Whether every layer ``run.json`` lists is still in the folder (none deleted since)."""
    if not isinstance(record, dict) or not record.get("layers"):
        return False
    try:
        names = [layer.file for layer in record_layers(record)]
    except (TypeError, KeyError, ValueError, AttributeError):  # an altered run.json
        return False
    return all(isinstance(n, str) and n == Path(n).name and (folder / n).is_file() for n in names)


SceneReporter = Callable[[int, int, Path], Reporter]  # (index, count, scene) -> its reporter


def run_batch(
    scenes: Sequence[Path],
    out_dir: Path,
    params: PredictParams,
    shard: Shard,
    on_scene: SceneReporter | None = None,
) -> BatchReport:
    """Predict this shard's scenes with one model, loaded while the first scene is read; a
    failing scene is reported, not fatal (a model that fails to load is). Differing earlier
    outputs are replaced only with ``params.overwrite``."""
    mine = shard.take(scenes)
    parse_crs(params.crs)  # a bad CRS fails once, before the model loads, not once per scene
    report = BatchReport()
    with ModelLoader(params.weights, params.device) as model, read_helper() as helper:
        for i, scene in enumerate(mine):
            try:
                if already_done(scene, out_dir, model, params):
                    report.skipped.append(scene)
                    continue
                reporter = on_scene(i, len(mine), scene) if on_scene else Reporter()
                result = run_prediction(scene, out_dir, params, model, reporter, helper)
                report.done.append((scene, result.folder))
            except Exception as error:  # one scene never stops the batch
                if model.failed_with(error):
                    raise
                report.failed.append((scene, describe_failure(error)))
        model.get()  # weights that cannot load fail the batch, even if no scene got that far
    return report
