"""Bad inputs by class, generated from the committed tiny scenes and a freshly saved bundle.

Each ``Case`` is one command of the real CLI (``python -m core ...``) with what its output must
say. ``build_cases`` makes every file a case needs inside ``root``; the suite runs them all in
one subprocess (``cli_driver.py``) and asserts, per case, a clear message naming the problem,
the expected exit status and no traceback.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import netCDF4
import numpy as np

from repo_paths import REPO_ROOT

SCENES = REPO_ROOT / "tests" / "data" / "scenes"
GOOD_SCENE = SCENES / "20190315T101500_cis_prep.nc"


@dataclass
class Case:
    kind: str  # class of bad input, e.g. "scene file"
    name: str  # what is wrong, one line
    argv: list[str]
    expect: str  # regex that stdout + stderr must match (the problem, named)
    code: int | None = None  # exit status; None: any non-zero
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}: {self.name}"


def scene_copy(root: Path, name: str = GOOD_SCENE.name, source: Path = GOOD_SCENE) -> Path:
    folder = root / f"scene-{len(list(root.glob('scene-*')))}"
    folder.mkdir(parents=True)
    return Path(shutil.copy(source, folder / name))


def edited_scene(root: Path, edit: Callable[[netCDF4.Dataset], None]) -> Path:
    path = scene_copy(root)
    with netCDF4.Dataset(path, "a") as ds:
        ds.set_auto_mask(False)
        edit(ds)
    return path


def _set(name: str, index: object, value: object) -> Callable[[netCDF4.Dataset], None]:
    def edit(ds: netCDF4.Dataset) -> None:
        ds[name][index] = value

    return edit


def huge_declared_scene(root: Path) -> Path:
    """A small file whose dimensions declare 200000 × 200000 pixels (nothing written)."""
    folder = root / "huge"
    folder.mkdir()
    path = folder / GOOD_SCENE.name
    with netCDF4.Dataset(GOOD_SCENE) as src, netCDF4.Dataset(path, "w") as dst:
        for dim, size in src.dimensions.items():
            dst.createDimension(dim, 200_000 if dim in ("sar_lines", "sar_samples") else len(size))
        for name, var in src.variables.items():
            chunks = (256, 256) if var.dimensions == ("sar_lines", "sar_samples") else None
            dst.createVariable(name, var.dtype, var.dimensions, chunksizes=chunks)
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    return path


def netcdf3_scene(root: Path) -> Path:
    folder = root / "nc3"
    folder.mkdir()
    path = folder / GOOD_SCENE.name
    with (
        netCDF4.Dataset(GOOD_SCENE) as src,
        netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as dst,
    ):
        src.set_auto_mask(False)
        for dim, size in src.dimensions.items():
            dst.createDimension(dim, len(size))
        for name, var in src.variables.items():
            dtype = np.int16 if var.dtype.kind == "u" else var.dtype  # netCDF-3 has no unsigned
            out = dst.createVariable(name, dtype, var.dimensions)
            attrs = {k: var.getncattr(k) for k in var.ncattrs() if k != "_FillValue"}
            out.setncatts({k: v for k, v in attrs.items() if np.asarray(v).dtype.kind != "u"})
            out[:] = var[:]
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    return path


def scene_cases(root: Path, out: Path, weights: Path) -> list[Case]:
    """Scene files that are missing, damaged, odd-typed, huge-declared or mis-georeferenced."""
    root.mkdir(parents=True)

    def predict(scene: Path | str) -> list[str]:
        folder = out / f"scene-case-{len(cases)}"  # each its own: no collisions between cases
        return [
            "predict",
            str(scene),
            "--out",
            str(folder),
            "--weights",
            str(weights),
            "--device",
            "cpu",
            "--quiet",
        ]

    cases: list[Case] = []

    def add(name: str, scene: Path | str, expect: str, info: bool = True, code: int = 1) -> None:
        if info:
            cases.append(Case("scene file", f"{name} (info)", ["info", str(scene)], expect, code))
        cases.append(Case("scene file", f"{name} (predict)", predict(scene), expect, code))

    add("missing", root / "nowhere_prep.nc", "does not exist")
    dangling = root / "dangling_prep.nc"
    dangling.symlink_to(root / "gone.nc")
    add("dangling symbolic link", dangling, "does not exist")
    empty = root / "20190315T101500_cis_prep.nc"
    empty.write_bytes(b"")
    add("empty", empty, "empty")
    truncated = scene_copy(root)
    truncated.write_bytes(GOOD_SCENE.read_bytes()[: GOOD_SCENE.stat().st_size // 3])
    add("truncated", truncated, "truncated or corrupt|cannot be opened")
    garbage = scene_copy(root)
    garbage.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 40)
    add("HDF5 signature, random body", garbage, "cannot be opened|corrupt")
    text = scene_copy(root)
    text.write_text("secret-content-never-echoed " * 50)
    add("text file", text, "not a netCDF file")
    cases.append(Case("scene file", "folder (info)", ["info", str(root)], "is a folder", 1))
    (root / "empty-folder").mkdir()
    cases.append(
        Case(
            "scene file",
            "folder without scenes (predict)",
            predict(root / "empty-folder"),
            "(?i)no scenes found",
            2,
        )
    )
    add("netCDF-3 (a correct result)", netcdf3_scene(root), r"OK|1 predicted", code=0)
    add("declares 200000² pixels", huge_declared_scene(root), "200000 × 200000")
    add(
        "string fill value",
        edited_scene(
            root, lambda ds: ds["nersc_sar_primary"].setncattr("variable_fill_value", "abc")
        ),
        "variable_fill_value",
    )
    add("integer SAR variable", _retyped(root), "expected standard-scaled")

    def stretched(ds: netCDF4.Dataset) -> None:  # 2,200 km across a 64 × 80 scene
        lat = ds["sar_grid2d_latitude"][:]
        lon = ds["sar_grid2d_longitude"][:]
        ds["sar_grid2d_latitude"][:] = lat.mean() + (lat - lat.mean()) * 300
        ds["sar_grid2d_longitude"][:] = lon.mean() + (lon - lon.mean()) * 300

    add("tie points 300× too far apart", edited_scene(root, stretched), "tie points")

    def degenerate(ds: netCDF4.Dataset) -> None:  # latitude − longitude constant everywhere
        lat = ds["sar_grid2d_latitude"][:]
        ds["sar_grid2d_longitude"][:] = lat - 130.0

    add("tie points on a line", edited_scene(root, degenerate), "tie points")
    add(
        "NaN tie points",
        edited_scene(root, _set("sar_grid2d_latitude", (3, 4), np.nan)),
        "missing or out of range|tie points",
    )
    add(
        "latitude beyond 90°",
        edited_scene(root, _set("sar_grid2d_latitude", (0, 0), 95.0)),
        "out of range",
    )
    add(
        "SIC label 37",
        edited_scene(root, _set("SIC", (slice(0, 20), slice(0, 20)), 37)),
        "SIC.*outside its class table",
        info=False,
    )
    add("missing variable", _without(root, "nersc_sar_secondary"), "missing the variable")
    odd = root / "odd-bytes"
    odd.mkdir()
    bad_name = Path(shutil.copy(GOOD_SCENE, odd / "x_prep.nc")).rename(
        odd / bytes.fromhex("ff20bad6").decode("utf-8", "surrogateescape")
    )
    add("non-UTF-8 name", bad_name, "not valid UTF-8")
    return cases


def _retyped(root: Path) -> Path:
    path = scene_copy(root)
    tmp = path.with_suffix(".tmp")
    with netCDF4.Dataset(path) as src, netCDF4.Dataset(tmp, "w") as dst:
        src.set_auto_mask(False)
        for dim, size in src.dimensions.items():
            dst.createDimension(dim, len(size))
        for name, var in src.variables.items():
            dtype = np.int16 if name == "nersc_sar_secondary" else var.dtype
            out = dst.createVariable(name, dtype, var.dimensions)
            out[:] = np.nan_to_num(var[:]).astype(dtype)
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    return tmp.replace(path)


def _without(root: Path, missing: str) -> Path:
    path = scene_copy(root)
    tmp = path.with_suffix(".tmp")
    with netCDF4.Dataset(path) as src, netCDF4.Dataset(tmp, "w") as dst:
        src.set_auto_mask(False)
        for dim, size in src.dimensions.items():
            dst.createDimension(dim, len(size))
        for name, var in src.variables.items():
            if name != missing:
                dst.createVariable(name, var.dtype, var.dimensions)[:] = var[:]
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    return tmp.replace(path)


def nested_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def manifest_cases(root: Path, out: Path, weights: Path) -> list[Case]:
    """Weight bundles: bad JSON, wrong field types, impossible values, damaged tensors."""
    root.mkdir(parents=True)
    good = json.loads(weights.read_text())
    cases = []

    def bundle(name: str, text: str | None = None, tensors: bytes | None = None, **fields) -> Path:
        folder = root / name.replace(" ", "_").replace("/", "_")
        folder.mkdir()
        shutil.copy(weights.with_suffix(".safetensors"), folder / "w.safetensors")
        manifest = {**good, "weights_file": "w.safetensors", **fields}
        (folder / "w.json").write_text(text if text is not None else json.dumps(manifest))
        if tensors is not None:
            (folder / "w.safetensors").write_bytes(tensors)
        return folder / "w.json"

    def add(name: str, path: Path, expect: str) -> None:
        argv = [
            "predict",
            str(GOOD_SCENE),
            "--out",
            str(out),
            "--weights",
            str(path),
            "--device",
            "cpu",
            "--quiet",
        ]
        cases.append(Case("weight bundle", name, argv, expect, 2))

    add("nested 100000 deep", bundle("nested", nested_json()), "nested too deeply|not valid JSON")
    add("not JSON", bundle("notjson", "{'format': pickle}"), "not valid JSON")
    add("a JSON list", bundle("list", "[1, 2]"), "not a Sea Ice Mapper model manifest")
    add("channels a string", bundle("channels", channels="abc"), "'channels'")
    add("channels of numbers", bundle("channels2", channels=[1, 2]), "'channels'")
    add("downscale factor a string", bundle("dsf", downscale_factor="10"), "'downscale_factor'")
    add("downscale factor 10⁶", bundle("dsf2", downscale_factor=10**6), "downscale factor")
    add("downscale factor true", bundle("dsf3", downscale_factor=True), "'downscale_factor'")
    add("latitude std 0", bundle("std0", latitude_mean_std=[70.0, 0.0]), "latitude_mean_std")
    add(
        "longitude std NaN",
        bundle("stdnan", text=json.dumps({**good, "longitude_mean_std": [0, float("nan")]})),
        "longitude_mean_std",
    )
    add(
        "weights file in another folder",
        bundle("wf", weights_file="../w.safetensors"),
        "'weights_file'",
    )
    add("fill value a string", bundle("fill", sar_fill_value="x"), "'sar_fill_value'")
    add("architecture a list", bundle("arch", architecture=[]), "'architecture'")
    add(
        "10⁵ filters",
        bundle("filters", architecture={**good["architecture"], "filters": [100000]}),
        "filters",
    )
    add("classes a list", bundle("classes", classes=[]), "'classes'")
    tensors = bytearray(weights.with_suffix(".safetensors").read_bytes())
    tensors[len(tensors) // 2] ^= 0xFF
    add(
        "flipped byte in tensors",
        bundle("flipped", tensors=bytes(tensors)),
        "does not match its manifest",
    )
    missing = bundle("missingw")
    missing.with_suffix(".safetensors").unlink()
    add("tensors missing", missing, "not in")
    huge = bundle("huge")
    with open(huge.with_suffix(".safetensors"), "r+b") as handle:
        handle.truncate(6 << 30)  # sparse: 6 GB declared, nothing on disk
    add("6 GB tensor file", huge, "GiB")
    add("no manifest", root / "absent.json", "No model manifest")
    return cases


def option_cases(root: Path, out: Path, weights: Path, run: Path) -> list[Case]:
    """Options and environment out of range, and scene lists that are not lists."""
    root.mkdir(parents=True)
    base = [
        "predict",
        str(GOOD_SCENE),
        "--out",
        str(out),
        "--weights",
        str(weights),
        "--device",
        "cpu",
        "--quiet",
    ]
    nested = root / "nested.json"
    nested.write_text(nested_json())
    not_list = root / "object.json"
    not_list.write_text('{"a": 1}')
    numbers = root / "numbers.json"
    numbers.write_text("[1, 2, 3]")
    binary = root / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00secret")
    cases = [
        Case("option", "--tile 0", [*base, "--tile", "0"], "tile size 0", 2),
        Case("option", "--tile -5", [*base, "--tile", "-5"], "tile size -5", 2),
        Case(
            "option",
            "--crs EPSG:garbage",
            [*base, "--crs", "EPSG:garbage"],
            "Cannot use the CRS",
            2,
        ),
        Case(
            "option",
            "--crs EPSG:4326 (not projected)",
            [*base, "--crs", "EPSG:4326"],
            "not projected",
            2,
        ),
        Case("option", "--shard 5/2", [*base, "--shard", "5/2"], "INDEX < COUNT", 2),
        Case("option", "--shard a/b", [*base, "--shard", "a/b"], "not INDEX/COUNT", 2),
        Case(
            "option",
            "SLURM_ARRAY_TASK_ID=abc",
            base,
            "SLURM_ARRAY_TASK_ID",
            2,
            env={"SLURM_ARRAY_TASK_ID": "abc", "SLURM_ARRAY_TASK_COUNT": "4"},
        ),
        Case(
            "option",
            "--device quantum",
            [*base[:-3], "--device", "quantum", "--quiet"],
            "quantum",
            2,
        ),
        Case(
            "scene list",
            "nested 100000 deep",
            ["predict", str(nested), "--out", str(out)],
            "nested too deeply",
            2,
        ),
        Case(
            "scene list",
            "a JSON object",
            ["predict", str(not_list), "--out", str(out)],
            "not a JSON list",
            2,
        ),
        Case(
            "scene list",
            "numbers",
            ["predict", str(numbers), "--out", str(out)],
            "not a JSON list",
            2,
        ),
        Case(
            "scene list",
            "binary text list",
            ["predict", str(binary), "--out", str(out)],
            "Cannot read the scene list",
            2,
        ),
        Case(
            "option",
            "chart --min-area nan",
            ["chart", str(run), "--out", str(root / "c.gpkg"), "--min-area", "nan"],
            "minimum polygon area",
            2,
        ),
        Case(
            "option",
            "chart --min-area inf",
            ["chart", str(run), "--out", str(root / "c.gpkg"), "--min-area", "inf"],
            "minimum polygon area",
            2,
        ),
        Case(
            "option",
            "chart --min-area -1",
            ["chart", str(run), "--out", str(root / "c.gpkg"), "--min-area", "-1"],
            "minimum polygon area",
            2,
        ),
        Case(
            "option",
            "chart --simplify nan",
            ["chart", str(run), "--out", str(root / "c.gpkg"), "--simplify", "nan"],
            "smoothing tolerance",
            2,
        ),
        Case(
            "option",
            "chart --crs garbage",
            ["chart", str(run), "--out", str(root / "c.gpkg"), "--crs", "EPSG:garbage"],
            "unknown CRS",
            2,
        ),
        Case(
            "option",
            "chart --out x.shp",
            ["chart", str(run), "--out", str(root / "x.shp")],
            r"GeoPackage \(.gpkg\)",
            2,
        ),
        Case(
            "option",
            "synth --size 10x10",
            ["synth", str(root / "s"), "--size", "10x10"],
            "too small",
            2,
        ),
        Case(
            "option",
            "synth --size 300000x300000",
            ["synth", str(root / "s"), "--size", "300000x300000"],
            "outside 32 x 32",
            2,
        ),
    ]
    return cases


def run_folder_cases(root: Path, run: Path) -> list[Case]:
    """Run folders altered after the fact: chart and compare must refuse them clearly."""
    root.mkdir(parents=True)
    cases = []

    def altered(name: str, change: Callable[[Path], None]) -> Path:
        folder = root / name / run.name
        shutil.copytree(run, folder)
        change(folder)
        return folder

    variants = {
        "run.json a list": (
            lambda f: (f / "run.json").write_text("[1, 2]"),
            "not a finished Sea Ice Mapper run",
        ),
        "run.json missing": (lambda f: (f / "run.json").unlink(), "run.json is missing"),
        "run.json nested deep": (
            lambda f: (f / "run.json").write_text(nested_json()),
            "run.json is missing or unreadable",
        ),
        "sic.tif not a GeoTIFF": (
            lambda f: (f / "sic.tif").write_text("not a tiff"),
            "sic.tif .*not a readable GeoTIFF",
        ),
        "sod.tif deleted": (lambda f: (f / "sod.tif").unlink(), "lacks sod.tif"),
    }
    for name, (change, expect) in variants.items():
        folder = altered(name.replace(" ", "_"), change)
        cases.append(
            Case(
                "run folder",
                f"{name} (chart)",
                ["chart", str(folder), "--out", str(root / f"{name}.gpkg".replace(" ", "_"))],
                expect,
                2,
            )
        )
        cases.append(
            Case(
                "run folder",
                f"{name} (compare)",
                ["compare", str(folder), "--out", str(root / name.replace(" ", "_") / "cmp")],
                expect,
                2,
            )
        )
    return cases


def chart_cases(root: Path, run: Path) -> list[Case]:
    """Ice chart files: other formats (VRT, CSV), damaged files, impossible coordinates."""
    from charts_build import poison_shapefile, write_chart

    root.mkdir(parents=True)
    cases = []

    def add(name: str, chart: Path, expect: str) -> None:
        cases.append(
            Case(
                "ice chart",
                name,
                [
                    "compare",
                    str(run),
                    str(chart),
                    "--out",
                    str(root / "out" / name.replace(" ", "_")),
                ],
                expect,
                2,
            )
        )

    vrt = root / "chart.vrt"
    vrt.write_text(
        '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/http://127.0.0.1:9/x.shp</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>'
    )
    add("VRT pointing at the network", vrt, r"shapefiles \(.shp\) and GeoPackages")
    csv = root / "chart.csv"
    csv.write_text('WKT,CT\n"POLYGON((0 0,1 0,1 1,0 0))",92\n')
    add("CSV", csv, r"shapefiles \(.shp\) and GeoPackages")
    fake = root / "fake.gpkg"
    fake.write_text("SECRET-BYTES " * 20)
    add("text named .gpkg", fake, "content is not one")
    trunc = root / "trunc.shp"
    trunc.write_bytes(b"\x00\x00\x27\x0a" + b"\x00" * 40)
    add("truncated shapefile", trunc, "Cannot read .* as a vector layer")
    add("missing", root / "nothere.shp", "does not exist")
    square = [(-50.0, 70.0), (-49.0, 70.0), (-49.0, 71.0), (-50.0, 71.0), (-50.0, 70.0)]
    inf = poison_shapefile(write_chart(root / "inf.shp", [square], "EPSG:4326"), 1, float("inf"))
    add("infinite coordinates", inf, "infinite or missing")
    nan = poison_shapefile(write_chart(root / "nan.shp", [square], "EPSG:4326"), 2, float("nan"))
    add("NaN coordinates", nan, "infinite or missing")
    beyond = [(-50.0, 70.0), (-49.0, 95.0), (-49.0, 71.0), (-50.0, 70.0)]
    add("latitude 95°", write_chart(root / "beyond.gpkg", [beyond], "EPSG:4326"), "beyond ±90°")
    add(
        "far from the scene",
        write_chart(root / "far.gpkg", [[(x + 180, -y) for x, y in square]], "EPSG:4326"),
        "does not overlap",
    )
    return cases


def training_cases(root: Path, weights: Path) -> list[Case]:
    """``python -m training``: configs that are not configs, an unwritable submission."""
    root.mkdir(parents=True)
    nested, listed, garbage = root / "nested.json", root / "list.json", root / "garbage.json"
    nested.write_text(nested_json())
    listed.write_text("[1, 2]")
    garbage.write_bytes(b"\xff\xfe secret")
    blocker = root / "blocker"
    blocker.write_text("a file where a folder should be")
    train = ["training", "train", "--config"]
    evaluate = ["training", "evaluate", str(GOOD_SCENE), "--weights", str(weights)]
    return [
        Case(
            "training", "config nested 100000 deep", [*train, str(nested)], "nested too deeply", 2
        ),
        Case("training", "config a list", [*train, str(listed)], "not a JSON object", 2),
        Case(
            "training",
            "config not UTF-8",
            [*train, str(garbage)],
            "Cannot use the training config",
            2,
        ),
        Case(
            "training",
            "config missing",
            [*train, str(root / "none.json")],
            "Cannot use the training config",
            2,
        ),
        Case(
            "training",
            "submission under a file",
            [*evaluate, "--device", "cpu", "--submission", str(blocker / "sub.nc")],
            "Cannot create the output folder",
            2,
        ),
    ]
