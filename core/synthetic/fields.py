"""Numerical helpers for synthetic fields: smooth noise, blur, upsampling, distance."""

from __future__ import annotations

import numpy as np


def blur(field: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur (sigma in cells) through the FFT, with reflected edges."""
    if sigma <= 0:
        return field.astype(np.float32)
    pad = int(min(3 * sigma, *field.shape))
    padded = np.pad(field, pad, mode="reflect")
    fy = np.fft.fftfreq(padded.shape[0])[:, None]
    fx = np.fft.rfftfreq(padded.shape[1])[None, :]
    kernel = np.exp(-2 * (np.pi * sigma) ** 2 * (fy**2 + fx**2))
    out = np.fft.irfft2(np.fft.rfft2(padded) * kernel, s=padded.shape)
    return out[pad : pad + field.shape[0], pad : pad + field.shape[1]].astype(np.float32)


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Zero-mean, unit-std Gaussian random field with correlation length ~sigma cells."""
    field = blur(rng.standard_normal(shape), sigma)
    return ((field - field.mean()) / (field.std() + 1e-12)).astype(np.float32)


def gaussian_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x), accurate to ~1e-3: turns a Gaussian field into a uniform one."""
    return 0.5 * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


def upsample_bilinear(
    grid: np.ndarray, shape: tuple[int, int], rows: slice = slice(None)
) -> np.ndarray:
    """Bilinear resampling of a coarse grid onto ``shape`` (cell centres aligned), rows subset."""
    r = np.arange(shape[0])[rows]
    ry = np.clip((r + 0.5) * grid.shape[0] / shape[0] - 0.5, 0, grid.shape[0] - 1)
    cx = np.clip((np.arange(shape[1]) + 0.5) * grid.shape[1] / shape[1] - 0.5, 0, grid.shape[1] - 1)
    r0 = np.floor(ry).astype(int)
    c0 = np.floor(cx).astype(int)
    r1 = np.minimum(r0 + 1, grid.shape[0] - 1)
    c1 = np.minimum(c0 + 1, grid.shape[1] - 1)
    wy = (ry - r0).astype(np.float32)[:, None]
    wx = (cx - c0).astype(np.float32)[None, :]
    top = grid[r0][:, c0] * (1 - wx) + grid[r0][:, c1] * wx
    bottom = grid[r1][:, c0] * (1 - wx) + grid[r1][:, c1] * wx
    return (top * (1 - wy) + bottom * wy).astype(np.float32)


def upsample_nearest(
    grid: np.ndarray, shape: tuple[int, int], rows: slice = slice(None)
) -> np.ndarray:
    """Nearest-neighbour resampling of a coarse grid onto ``shape``, rows subset."""
    r = np.arange(shape[0])[rows] * grid.shape[0] // shape[0]
    c = np.arange(shape[1]) * grid.shape[1] // shape[1]
    return grid[r][:, c]


def block_mean(field: np.ndarray, factor_shape: tuple[int, int]) -> np.ndarray:
    """Mean over blocks so the result has ``factor_shape`` cells (edges trimmed)."""
    h, w = factor_shape
    fy, fx = field.shape[0] // h, field.shape[1] // w
    trimmed = field[: h * fy, : w * fx].astype(np.float32)
    return trimmed.reshape(h, fy, w, fx).mean(axis=(1, 3))


def distance_cells(mask: np.ndarray) -> np.ndarray:
    """Approximate Euclidean distance (in cells) to the nearest True cell (chamfer 3-4)."""
    big = np.float32(1e9)
    dist = np.where(mask, 0, big).astype(np.float32)
    h, w = dist.shape
    for _ in range(2):  # forward and backward passes, vectorised along rows
        for r in range(h):
            row = dist[r]
            if r > 0:
                prev = dist[r - 1]
                row = np.minimum(row, prev + 1)
                row[1:] = np.minimum(row[1:], prev[:-1] + 1.4142)
                row[:-1] = np.minimum(row[:-1], prev[1:] + 1.4142)
            for c in range(1, w):  # left-to-right within the row
                if row[c - 1] + 1 < row[c]:
                    row[c] = row[c - 1] + 1
            dist[r] = row
        dist = dist[::-1, ::-1].copy()
    return dist
