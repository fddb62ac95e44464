"""Throughput of `scanner scan` end to end, beside the decode-only floor, and its peak memory.

Simulates a stack of 200-DPI grayscale JPEG pages of the 12-official template (cached
under out/bench/), then, repeated and reported as medians:

- decode only: cv2.imread of every file, in 1 and in 2 processes (no reader can beat this);
- end to end: the `scanner scan` command into a fresh database with --workers 1 and 2,
  wall clock of the whole command (start-up, hashing, reading, storing);
- peak memory: the summed RSS of the scan process and its workers, sampled every 20 ms,
  for half the stack and the whole stack (it must not grow with the stack).

Run:  .venv/bin/python bench/throughput.py [--pages 300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "uy-ban-thuong-vu-12"


def make_stack(pages: int, folder: Path) -> list[Path]:
    files = sorted(folder.glob("*.jpg")) if folder.exists() else []
    if len(files) != pages:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "scanner",
                "simulate",
                str(TEMPLATE),
                "--ballots",
                str(pages),
                "--out",
                str(folder),
                "--seed",
                "2026",
                "--dpi",
                "200",
                "--format",
                "jpeg",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        files = sorted(folder.glob("*.jpg"))
    return files


def _decode(path: Path) -> int:
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    return int(image.shape[0])


def decode_rate(files: list[Path], processes: int) -> float:
    started = time.perf_counter()
    if processes == 1:
        for f in files:
            _decode(f)
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            started = time.perf_counter()  # pool start-up is not decoding
            pool.map(_decode, files, chunksize=4)
    return len(files) / (time.perf_counter() - started)


def _tree_rss_bytes(pid: int) -> int:
    """RSS of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    stack += [int(x) for x in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def scan_once(files: list[Path], workers: int, db: Path) -> tuple[float, int]:
    """Wall seconds of one `scanner scan` and the peak RSS of its process tree."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "scanner",
        "scan",
        "--db",
        str(db),
        "--template",
        str(TEMPLATE),
        "--workers",
        str(workers),
        *map(str, files),
    ]
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0 or f"Pages read: {len(files)}" not in out:
        raise SystemExit(f"scan failed (exit {proc.returncode}):\n{out}")
    return seconds, peak


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = ROOT / "out" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    files = make_stack(args.pages, work / f"scans-{args.pages}")
    print(
        f"Machine: {os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}, OpenCV {cv2.__version__}"
    )
    print(
        f"Stack: {len(files)} simulated 200-DPI grayscale JPEG pages, 12 officials each "
        f"({sum(f.stat().st_size for f in files) / len(files) / 1024:.0f} KiB a page)"
    )
    print(f"Each figure is the median of {args.repeats} runs.\n")

    decode = {p: statistics.median(decode_rate(files, p) for _ in range(args.repeats)) for p in (1, 2)}
    results: dict[int, tuple[float, int]] = {}
    for workers in (1, 2):
        runs = [scan_once(files, workers, work / "bench.db") for _ in range(args.repeats)]
        results[workers] = (statistics.median(len(files) / s for s, _ in runs), max(p for _, p in runs))
    half = files[: len(files) // 2]
    half_peak = max(scan_once(half, 2, work / "bench.db")[1] for _ in range(args.repeats))

    print(f"{'':34}{'1 worker':>12}{'2 workers':>12}")
    print(f"{'decode only (pages/s)':34}{decode[1]:12.1f}{decode[2]:12.1f}")
    print(f"{'scan end to end (pages/s)':34}{results[1][0]:12.1f}{results[2][0]:12.1f}")
    print(f"{'end to end / decode only':34}{results[1][0] / decode[1]:12.2f}{results[2][0] / decode[2]:12.2f}")
    print(f"{'speed-up, 2 workers over 1':34}{'':12}{results[2][0] / results[1][0]:12.2f}")
    print("\nPeak memory (scan process and its workers, RSS), 2 workers:")
    print(
        f"  {len(half)} pages: {half_peak / 2**20:.0f} MiB;  {len(files)} pages: {results[2][1] / 2**20:.0f} MiB;"
        f"  ratio {results[2][1] / half_peak:.2f} for {len(files) / len(half):.1f}x the pages"
    )
    target = 20.0
    verdict = "met" if results[2][0] >= target else "NOT met"
    print(f"\nTarget: at least {target:.0f} pages/s with 2 workers: {verdict} ({results[2][0]:.1f} pages/s)")


if __name__ == "__main__":
    main()
