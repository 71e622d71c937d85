#!/usr/bin/env python3
"""Time cascade's calibration against scikit-learn on the same pairs, in one run.

Run through ``compare.sh`` (it makes the throwaway virtualenv and builds the release binary).
Two comparisons, both on one generated file of N labelled pairs (default 1,000,000):

* sweep: the threshold search alone, data already in memory.
  scikit-learn: ``precision_recall_curve`` + F1 + argmax (ties to the highest threshold).
  cascade: the divan bench ``sweep_1m`` (sort, cumulative counts, F1 argmax, interval) on the
  same file's ``similarity`` column (``CASCADE_BENCH_PAIRS``); its fastest sample is used.
* end to end: read the JSONL, calibrate every type and ALL (optimum + the six grid thresholds),
  write the JSON document.
  Python: ``json.loads`` per line + numpy + scikit-learn, timed in-process from opening the file
  to writing the JSON (interpreter start-up and imports are NOT counted).
  cascade: ``cascade calibrate FILE --json --bootstrap 0 --cv 0``, timed as a whole process.

The fastest of several repetitions is reported for each side (the machine's other load only ever
adds time), with the ratio. Not run by CI.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time

import numpy as np
from sklearn.metrics import precision_recall_curve

TYPES = ["Occupation", "Skill", "Industry", "Location", "Company", "Person", "Tag"]
GRID = [0.65, 0.70, 0.75, 0.80, 0.85, 0.90]


def generate(path, n, seed=7):
    """N pairs, 40% same; scores ~ N(0.72, 0.15) same / N(0.45, 0.15) different, 6 decimals."""
    rng = random.Random(seed)
    with open(path, "w") as f:
        for i in range(n):
            same = rng.random() < 0.4
            s = min(1.0, max(-1.0, rng.gauss(0.72 if same else 0.45, 0.15)))
            row = {"type": TYPES[i % len(TYPES)], "a": f"left text {i}", "b": f"right text {i}",
                   "same": same, "similarity": round(s, 6)}
            f.write(json.dumps(row) + "\n")


def sweep(y, s):
    """scikit-learn's curve, F1 = 2PR/(P+R) (0 when P+R = 0), argmax with ties to the highest threshold."""
    p, r, t = precision_recall_curve(y, s)
    p, r = p[:-1], r[:-1]  # the last point (recall 0) has no threshold
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    i = len(f1) - 1 - int(np.argmax(f1[::-1]))  # thresholds ascend: last maximum = highest threshold
    return i, p, r, f1, t


def calibrate_group(y, s):
    i, p, r, f1, t = sweep(y, s)
    positives = int(y.sum())
    negatives = len(y) - positives
    threshold = float(t[i])
    accepted = s >= threshold
    tp = int((accepted & y).sum())
    fp = int(accepted.sum()) - tp
    lower = float(t[i - 1]) if i > 0 else None
    best = {"threshold": threshold, "precision": float(p[i]), "recall": float(r[i]), "f1": float(f1[i]),
            "tp": tp, "fp": fp, "fn": positives - tp, "tn": negatives - fp,
            "interval": [lower, threshold],
            "midpoint": threshold if lower is None else lower + (threshold - lower) / 2}
    order = np.sort(s)
    pos_sorted = np.sort(s[y])
    grid = []
    for g in GRID:
        acc = len(order) - int(np.searchsorted(order, g, side="left"))
        gtp = len(pos_sorted) - int(np.searchsorted(pos_sorted, g, side="left"))
        gfp = acc - gtp
        prec = gtp / acc if acc else 0.0
        rec = gtp / positives if positives else 0.0
        f = 2 * gtp / (2 * gtp + gfp + positives - gtp) if (2 * gtp + gfp + positives - gtp) else 0.0
        grid.append({"threshold": g, "precision": prec, "recall": rec, "f1": f,
                     "tp": gtp, "fp": gfp, "fn": positives - gtp, "tn": negatives - gfp})
    return {"n": len(y), "positives": positives, "best": best, "grid": grid}


def python_end_to_end(path, out_path):
    start = time.perf_counter()
    types, scores, labels = [], [], []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            types.append(row["type"])
            scores.append(row["similarity"])
            labels.append(row["same"])
    s = np.array(scores, dtype=np.float64)
    y = np.array(labels, dtype=bool)
    t = np.array(types)
    doc = {"objective": "f1", "rule": "score >= threshold", "score_field": "similarity", "types": []}
    for name in list(dict.fromkeys(types)) + ["ALL"]:
        mask = slice(None) if name == "ALL" else (t == name)
        doc["types"].append({"type": name, **calibrate_group(y[mask], s[mask])})
    with open(out_path, "w") as out:
        json.dump(doc, out)
    return time.perf_counter() - start, doc


UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def divan_fastest(output, name):
    for line in output.splitlines():
        if re.search(rf"\b{name}\b", line):
            cells = [c.strip() for c in line.split("│")]
            value, unit = cells[0].split()[-2:]
            return float(value) * UNITS[unit]
    raise SystemExit(f"no `{name}` line in the divan output:\n{output}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", default="/tmp/cascade-calibrate-bench")
    ap.add_argument("--cascade", default="target/release/cascade")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"pairs_{args.pairs}.jsonl")
    if not os.path.exists(path):
        print(f"generating {args.pairs:,} pairs into {path} ...", file=sys.stderr)
        generate(path, args.pairs)

    # --- sweep, in memory ---
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    y = np.array([r["same"] for r in rows], dtype=bool)
    s = np.array([r["similarity"] for r in rows], dtype=np.float64)
    del rows
    sk_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        i, p, r, f1, t = sweep(y, s)
        sk_times.append(time.perf_counter() - t0)
    sk_sweep = min(sk_times)
    bench = subprocess.run(
        ["cargo", "bench", "-q", "--bench", "calibrate", "--", "sweep_1m"],
        env={**os.environ, "CASCADE_BENCH_PAIRS": path}, capture_output=True, text=True, check=True)
    rs_sweep = divan_fastest(bench.stdout, "sweep_1m")

    # --- end to end ---
    py_times, rs_times = [], []
    py_doc = rs_doc = None
    for _ in range(args.repeat):
        elapsed, py_doc = python_end_to_end(path, os.path.join(args.dir, "python.json"))
        py_times.append(elapsed)
        t0 = time.perf_counter()
        out = subprocess.run([args.cascade, "calibrate", path, "--json", "--bootstrap", "0", "--cv", "0"],
                             capture_output=True, check=True)
        rs_times.append(time.perf_counter() - t0)
        rs_doc = json.loads(out.stdout)
    py_e2e, rs_e2e = min(py_times), min(rs_times)

    # Both must have found the same optimum, or the timing compares different work.
    for a, b in zip(py_doc["types"], rs_doc["types"]):
        for k in ["threshold", "tp", "fp", "fn", "tn"]:
            if a["best"][k] != b["best"][k]:
                raise SystemExit(f"{a['type']}: {k} differs: python {a['best'][k]}, cascade {b['best'][k]}")
        for ga, gb in zip(a["grid"], b["grid"]):
            if (ga["tp"], ga["fp"]) != (gb["tp"], gb["fp"]):
                raise SystemExit(f"{a['type']}: grid {ga['threshold']} differs")

    import sklearn
    print(f"{args.pairs:,} pairs, {len(np.unique(s)):,} distinct scores; scikit-learn {sklearn.__version__}, "
          f"numpy {np.__version__}; fastest of {args.repeat} runs (of 20 divan samples for the cascade sweep)")
    print(f"sweep       scikit-learn {sk_sweep * 1e3:8.1f} ms   cascade {rs_sweep * 1e3:8.1f} ms   "
          f"{sk_sweep / rs_sweep:5.1f}x faster")
    print(f"end to end  python       {py_e2e * 1e3:8.1f} ms   cascade {rs_e2e * 1e3:8.1f} ms   "
          f"{py_e2e / rs_e2e:5.1f}x faster")
    print("same optimum and grid counts for every type and ALL: yes")


if __name__ == "__main__":
    main()
