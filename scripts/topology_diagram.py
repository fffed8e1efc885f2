#!/usr/bin/env python3
"""Draw the production topology as docs/topology.png (matplotlib, from requirements/bench.txt).

    .venv/bin/python scripts/topology_diagram.py [--out docs/topology.png]

The figures on the arrows are the defaults of docs/operations.md's table of limits.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

ROOT = Path(__file__).resolve().parents[1]

INK = "#1f2937"
MUTED = "#6b7280"
COLOURS = {
    "client": "#e5e7eb",
    "proxy": "#dbeafe",
    "web": "#dcfce7",
    "pool": "#fef3c7",
    "db": "#fde68a",
    "cache": "#fee2e2",
}


def box(ax, x, y, w, h, title, lines, colour, *, dashed=False):
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=colour,
            edgecolor=INK,
            linewidth=1.2,
            linestyle="--" if dashed else "-",
        )
    )
    ax.text(x + w / 2, y + h - 0.22, title, ha="center", va="top", fontsize=11.5, fontweight="bold", color=INK)
    for i, line in enumerate(lines):
        ax.text(x + w / 2, y + h - 0.62 - i * 0.3, line, ha="center", va="top", fontsize=8.6, color=INK)


def arrow(ax, start, end, label="", *, offset=(0, 0.16), dashed=False, ha="center"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            linewidth=1.3,
            color=INK,
            linestyle="--" if dashed else "-",
            shrinkA=2,
            shrinkB=2,
        )
    )
    if label:
        mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
        ax.text(mx, my, label, ha=ha, va="bottom", fontsize=8, color=MUTED, linespacing=1.3)


def draw(out: Path) -> None:
    fig, ax = plt.subplots(figsize=(14, 6.6), dpi=130)
    ax.set_xlim(0, 14)
    ax.set_ylim(0, 6.6)
    ax.axis("off")

    box(ax, 0.2, 2.45, 1.7, 1.5, "clients", ["browsers, REST,", "GraphQL"], COLOURS["client"])
    box(
        ax,
        2.9,
        1.6,
        2.7,
        3.05,
        "proxy (nginx)",
        [
            "holds slow and idle clients",
            "headers/body 10 s, body 1 MiB",
            "buffers requests and answers",
            "gzip JSON, keep-alive upstream",
            "sets X-Forwarded-For/-Proto",
            "retries GET on another replica",
            "own 502/504 as JSON",
        ],
        COLOURS["proxy"],
    )
    # Three stacked replicas, the front one labelled.
    for dy in (0.3, 0.15):
        box(ax, 6.9 + dy, 1.75 + dy, 3.0, 2.6, "", [], COLOURS["web"])
    box(
        ax,
        6.9,
        1.75,
        3.0,
        2.6,
        "web x N (gunicorn)",
        ["stateless Django", "WEB_CONCURRENCY x 4 threads", "/healthz: alive", "/readyz: database, migrations"],
        COLOURS["web"],
    )
    box(ax, 11.55, 3.9, 2.3, 1.6, "PostgreSQL", ["managed, or your own", "statement timeout 15 s"], COLOURS["db"])
    redis_lines = ["shared cache: throttle", "budgets, caches", "no persistence"]
    box(ax, 11.55, 0.7, 2.3, 1.6, "Redis", redis_lines, COLOURS["cache"])
    box(ax, 8.05, 5.05, 2.5, 1.15, "PgBouncer", ["transaction mode, optional"], COLOURS["pool"], dashed=True)

    arrow(ax, (1.95, 3.2), (2.85, 3.2), "HTTP")
    arrow(ax, (5.65, 3.05), (6.85, 3.05), "connect 1 s\nread 35 s\n3 tries in 10 s", offset=(0, 0.1))
    arrow(ax, (10.25, 3.85), (11.5, 4.4), "connect 2 s\nround trip 3 s", offset=(0.0, 0.3), ha="center")
    arrow(ax, (10.25, 2.2), (11.5, 1.6), "REDIS_URL", offset=(0.0, 0.18))
    arrow(ax, (9.3, 4.7), (9.3, 5.0), "", dashed=True)
    arrow(ax, (10.6, 5.6), (11.5, 5.15), "", dashed=True)

    ax.text(
        0.2,
        0.2,
        "One published port (the proxy). Any replica serves any request; state lives in PostgreSQL and Redis.\n"
        "docker compose up --scale web=N, or the Kubernetes base in deploy/k8s. Limits: docs/operations.md.",
        fontsize=8.8,
        color=MUTED,
        linespacing=1.5,
    )
    ax.text(0.2, 6.25, "Hybrid Catalog: production topology", fontsize=14, fontweight="bold", color=INK)
    fig.savefig(out, bbox_inches="tight", facecolor="white")
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "topology.png")
    args = parser.parse_args()
    draw(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
