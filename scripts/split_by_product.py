#!/usr/bin/env python3
"""Split labelled tickets into two halves by product, to measure how rules
tuned on one half do on products they were never tuned on.

Products are sorted by name (tickets without a product, the tweets, count as
the product ""), then given alternately to half A and half B, so every
ticket of a product lands in the same half.

    python3 scripts/split_by_product.py ../shared/data/dev.jsonl /tmp/halves
    cargo run --release --example evaluate -- /tmp/halves/halfA.jsonl
    cargo run --release --example evaluate -- /tmp/halves/halfB.jsonl
"""

import json
import os
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source, out_dir = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    product_of = [json.loads(line).get("product") or "" for line in lines]
    half = {p: "A" if i % 2 == 0 else "B" for i, p in enumerate(sorted(set(product_of)))}

    os.makedirs(out_dir, exist_ok=True)
    counts = {"A": 0, "B": 0}
    with open(os.path.join(out_dir, "halfA.jsonl"), "w", encoding="utf-8") as a, open(
        os.path.join(out_dir, "halfB.jsonl"), "w", encoding="utf-8"
    ) as b:
        for line, product in zip(lines, product_of):
            (a if half[product] == "A" else b).write(line)
            counts[half[product]] += 1
    print(f"half A: {counts['A']} tickets, half B: {counts['B']} tickets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
