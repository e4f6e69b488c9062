"""What a training run tells people: a progress line, a CSV, TensorBoard events, PNG plots."""

from __future__ import annotations

import csv
import sys
import time
import warnings
from pathlib import Path
from typing import Any

CSV_FIELDS = (
    "epoch",
    "step",
    "loss",
    "loss_SIC",
    "loss_SOD",
    "loss_FLOE",
    "lr",
    "SIC",
    "SOD",
    "FLOE",
    "combined",
    "seconds",
    "iterations_per_s",
    "data_share",
)


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """One line per update on a terminal; a line every ``every`` steps in a log file."""

    def __init__(self, total_steps: int, first_step: int, every: int) -> None:
        self.total, self.first, self.every = total_steps, first_step, every
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def update(self, step: int, epoch: int, loss: float, lr: float) -> None:
        done = step - self.first
        if done <= 0 or not (self.tty or step % self.every == 0 or step == self.total):
            return
        rate = done / (time.perf_counter() - self.start)
        eta = (self.total - step) / rate if rate > 0 else 0.0
        line = (
            f"epoch {epoch + 1} step {step}/{self.total} ({100 * step / self.total:5.1f}%) "
            f"loss {loss:.4f} lr {lr:.2e} {rate:.2f} it/s ETA {_duration(eta)}"
        )
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if step == self.total else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


class TrainLog:
    """``log.csv`` (one row per epoch) and TensorBoard events in ``tensorboard/``."""

    def __init__(self, out_dir: Path, enabled: bool = True) -> None:
        self.out_dir = out_dir
        self.enabled = enabled
        self._writer: Any = None
        if enabled:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(str(out_dir / "tensorboard"))

    def step(self, step: int, loss: float, parts: dict[str, float], lr: float) -> None:
        if self._writer is not None:
            self._writer.add_scalar("train/loss", loss, step)
            for name, value in parts.items():
                self._writer.add_scalar(f"train/loss_{name}", value, step)
            self._writer.add_scalar("train/lr", lr, step)

    def epoch(self, history: list[dict[str, Any]]) -> None:
        """Rewrite ``log.csv`` from the whole history (a resumed run repeats no row)."""
        if not self.enabled:
            return
        row = history[-1]
        with open(self.out_dir / "log.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, CSV_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(history)
        if self._writer is not None:
            for name in ("SIC", "SOD", "FLOE", "combined"):
                self._writer.add_scalar(f"val/{name}", row[name], row["step"])
            self._writer.flush()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def plot_history(history: list[dict[str, Any]], out_dir: Path) -> list[Path]:
    """``loss.png`` and ``scores.png`` from the per-epoch history."""
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():  # Debian's mpl_toolkits beside a newer pip matplotlib
        warnings.simplefilter("ignore", UserWarning)
        import matplotlib.pyplot as plt

    epochs = [row["epoch"] + 1 for row in history]
    paths = []
    for name, keys, label in (
        ("loss.png", ("loss", "loss_SIC", "loss_SOD", "loss_FLOE"), "training loss (epoch mean)"),
        ("scores.png", ("combined", "SIC", "SOD", "FLOE"), "validation score [%]"),
    ):
        figure, axes = plt.subplots(figsize=(7, 4), dpi=100)
        for key in keys:
            axes.plot(
                epochs,
                [row[key] for row in history],
                label=key,
                linewidth=2 if key in ("loss", "combined") else 1,
            )
        axes.set_xlabel("epoch")
        axes.set_ylabel(label)
        axes.grid(alpha=0.3)
        axes.legend()
        figure.tight_layout()
        path = out_dir / name
        figure.savefig(path)
        plt.close(figure)
        paths.append(path)
    return paths
