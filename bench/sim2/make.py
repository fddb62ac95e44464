"""Generate simulated ballot scans and their truth file with the independent simulator.

Usage:
    .venv/bin/python bench/sim2/make.py TEMPLATE_DIR --profile NAME --ballots N --seed S \\
        --out SCANS_DIR --truth TRUTH.json [--workers 2]

Profiles: office, cheap, photocopy, phone, bilevel, streaky (see bench/sim2/profiles.py).
The same arguments give the same files byte for byte: every ballot draws from a generator
seeded by (seed, ballot, profile) and augraphy's generators are seeded before each use.
"""

from __future__ import annotations

import argparse
import sys
import time
import zlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from bench.sim2 import containers
from bench.sim2.layout import Template, load_template
from bench.sim2.paper import make_sheet
from bench.sim2.profiles import PROFILES, Profile
from bench.sim2.truth import BallotTruth, RowTruth, SheetTruth, document
from bench.sim2.voter import choose_pen, draw_sheet, row_truth


@dataclass(frozen=True)
class Job:
    """One ballot to make and where its sheets go."""

    ballot: int
    dpi: int
    container: str
    quality: int
    file: str  # multi-page file name, or "" for one file per sheet
    first_page: int  # page index of the ballot's first sheet in a multi-page file


def plan(profile: Profile, ballots: int, pages: int, seed: int) -> list[Job]:
    """Containers, DPI and grouping of every ballot; multi-page files hold 10-25 sheets."""
    rng = np.random.default_rng([seed, 0x5EED, _salt(profile.name)])
    names = [c for c, _ in profile.containers]
    weights = np.array([w for _, w in profile.containers], float)
    jobs: list[Job] = []
    b = files = 0
    while b < ballots:  # one scanner batch at a time: 10-25 sheets in one container
        container = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        dpi = int(rng.choice(profile.dpis))
        quality = int(rng.integers(profile.quality[0], profile.quality[1] + 1))
        count = min(max(1, int(rng.integers(10, 26)) // pages), ballots - b)
        if container in containers.MULTI_PAGE:
            name = f"stack-{files:04d}{containers.SUFFIX[container]}"
            files += 1
            jobs += [Job(b + k, dpi, container, quality, name, k * pages) for k in range(count)]
        else:
            jobs += [Job(b + k, dpi, container, quality, "", 0) for k in range(count)]
        b += count
    return jobs


def _salt(name: str) -> int:
    return zlib.crc32(name.encode())


_STATE: dict[str, Any] = {}


def _init(template_dir: str, profile: str, out: str, seed: int, pool: bool = False) -> None:
    if pool:  # one OpenCV thread per worker process: the workers already fill the cores
        import cv2

        cv2.setNumThreads(1)
    _STATE.update(template=load_template(Path(template_dir)), profile=PROFILES[profile], out=Path(out), seed=seed)


def make_ballot(job: Job) -> tuple[BallotTruth, list[tuple[str, tuple[int, ...], bytes]]]:
    """Draw, scan and (for single-page files) write one ballot; returns its truth and multi-page payloads."""
    template: Template = _STATE["template"]
    profile: Profile = _STATE["profile"]
    rng = np.random.default_rng([_STATE["seed"], job.ballot, _salt(profile.name)])
    pen = choose_pen(rng)  # one voter, one pen
    rows: dict[int, RowTruth] = {}
    sheets, payloads = [], []
    for k, page in enumerate(template.pages):
        aug_seed = int(rng.integers(1 << 30))
        low_ink = bool(rng.random() < profile.low_ink)
        mottle = float(rng.uniform(*profile.toner_mottle))
        sheet = make_sheet(template, page, job.dpi, rng, low_ink, mottle, aug_seed)
        drawing = draw_sheet(sheet, template, page, job.dpi, pen, profile.rates, rng)
        orientation = 180 if rng.random() < profile.upside_down else 0
        scan = profile.capture(sheet, drawing, page, rng, aug_seed, orientation)
        for row in page.rows:
            items = [it for it in drawing.items if it.official == row.official and it.role not in ("strike", "margin")]
            intended, level, kind, marks, drawn = row_truth(items)
            rows[row.official] = RowTruth(
                row.official, template.stts[row.official], intended, level, kind, marks, drawn
            )
        struck = any(it.role == "strike" and it.faint >= 0.1 for it in drawing.items)
        margin = any(it.role == "margin" and it.faint >= 0.1 for it in drawing.items)
        arte = list(scan.artefacts) + (["low-ink-lines"] if low_ink else []) + (["toner-mottle"] if mottle > 0 else [])
        extra = dict(scan.extra)
        lost = [it.label for it in drawing.items if it.role in ("strike", "margin") and it.faint < 0.1]
        if lost:
            extra["lost"] = lost
        if job.file:
            name, index = job.file, job.first_page + k
            payloads.append(containers.pack(scan.image, scan.mode))
        else:
            name, index = f"ballot-{job.ballot + 1:04d}-p{page.number}{containers.SUFFIX[job.container]}", 0
            data = containers.encode_single(scan.image, scan.mode, job.container, job.dpi, job.quality)
            (_STATE["out"] / name).write_bytes(data)
        uses_jpeg = "jpeg" in job.container
        sheets.append(
            SheetTruth(
                name,
                index,
                page.number,
                orientation,
                job.dpi,
                profile.name,
                struck,
                margin,
                pen.name,
                tuple(arte),
                scan.mode == "1" or job.container in containers.BILEVEL,
                job.container,
                job.quality if uses_jpeg else 0,
                extra,
            )
        )
    ordered = tuple(rows[i] for i in sorted(rows))
    return BallotTruth(job.ballot, ordered, tuple(sheets)), payloads


def run(
    template_dir: Path,
    profile_name: str,
    ballots: int,
    seed: int,
    out: Path,
    truth_path: Path,
    workers: int = 1,
    quiet: bool = False,
) -> list[BallotTruth]:
    """Generate everything; returns the ballots' truth (also written to ``truth_path``)."""
    profile = PROFILES[profile_name]
    template = load_template(template_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = plan(profile, ballots, len(template.pages), seed)
    args = (str(template_dir), profile_name, str(out), seed)
    pending: dict[str, list[tuple[str, tuple[int, ...], bytes]]] = {}
    last = {j.file: j.ballot for j in jobs if j.file}
    truths: list[BallotTruth] = []
    start = time.monotonic()
    step = max(1, ballots // 10)

    def collect(job: Job, result: tuple[BallotTruth, list[tuple[str, tuple[int, ...], bytes]]]) -> None:
        truth, payloads = result
        truths.append(truth)
        if job.file:
            pending.setdefault(job.file, []).extend(payloads)
            if last[job.file] == job.ballot:
                containers.write_multi(out / job.file, pending.pop(job.file), job.container, job.dpi, job.quality)
        done = len(truths)
        if not quiet and (done % step == 0 or done == ballots):
            rate = done / max(time.monotonic() - start, 1e-6)
            print(
                f"sim2 {profile_name}: {done}/{ballots} ballots, {time.monotonic() - start:.0f} s ({rate:.1f}/s)",
                flush=True,
            )

    if workers <= 1:
        _init(*args)
        for job in jobs:
            collect(job, make_ballot(job))
    else:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(*args, True)) as pool:
            for job, result in zip(jobs, pool.imap(make_ballot, jobs, chunksize=1), strict=True):
                collect(job, result)
    options = {
        "profile": profile_name,
        "ballots": ballots,
        "seed": seed,
        "template_dir": template_dir.name,
        "rates": asdict(profile.rates),
        "dpis": list(profile.dpis),
    }
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(document(template.fingerprint, options, truths), encoding="utf-8")
    return truths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("template", type=Path, help="template directory (template.json and ballot.pdf)")
    ap.add_argument("--profile", required=True, choices=sorted(PROFILES))
    ap.add_argument("--ballots", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="folder for the scans")
    ap.add_argument("--truth", type=Path, required=True, help="truth file to write")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--doubtful", type=float, help="share of rows with a doubtful mark (calibration sets rich in erasures, dots...)"
    )
    a = ap.parse_args(argv)
    if a.doubtful is not None:  # the workers are forked: they see the changed profile
        base = PROFILES[a.profile]
        PROFILES[a.profile] = replace(base, rates=replace(base.rates, doubtful=a.doubtful))
    run(a.template, a.profile, a.ballots, a.seed, a.out, a.truth, a.workers, a.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
