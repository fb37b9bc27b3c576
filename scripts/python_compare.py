#!/usr/bin/env python3
"""Tag-free keyword matching in Python, on the corpus the Rust harness uses.

The Rust `throughput` example measures the tagger against a one-pass
Aho-Corasick floor and a naive regex per rule. This script runs the usual
Python tools over the same tickets and the same taxonomy, so the numbers can
be read side by side:

- flashtext: one KeywordProcessor with every keyword, case-insensitive,
  whole words (its own notion of them), longest match, no overlaps;
- pyahocorasick, if installed: one automaton of every literal the engine
  puts in its case-insensitive automaton (keywords, required terms,
  exclusions, negation cues), over the lowercased field, every overlapping
  match, like the Rust floor;
- re: one compiled regex per rule, `(?i)\\b(?:kw1|kw2|...)\\b`, plus each
  of the rule's patterns with re.IGNORECASE, `finditer` on every field, like
  the Rust naive baseline.

Each contender only counts matches. Rounds take turns, as in the Rust
harness, and the median is reported.

Usage:

    cargo run --release --example throughput -- --write-jsonl /tmp/corpus.jsonl
    pip install flashtext pyahocorasick
    python3 scripts/python_compare.py /tmp/corpus.jsonl [--taxonomy taxonomy.toml]
        [--mb 20] [--re-mb 5] [--runs 3] [--json]
"""

import argparse
import json
import re
import statistics
import sys
import time
import tomllib
from pathlib import Path


def load_tickets(path, max_bytes):
    """The first tickets of a JSON Lines file holding `max_bytes` of text."""
    tickets = []
    total = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if total >= max_bytes:
                break
            if not line.strip():
                continue
            record = json.loads(line)
            subject = record.get("subject") or ""
            body = record.get("body") or ""
            tickets.append((subject, body))
            total += len(subject.encode()) + len(body.encode())
    return tickets, total


def load_taxonomy(path):
    with open(path, "rb") as file:
        taxonomy = tomllib.load(file)
    rules = taxonomy.get("rule", [])
    cues = taxonomy.get("negation", {}).get("cues", [])
    literals = {c.lower() for c in cues}
    for rule in rules:
        for key in ("keywords", "all", "exclude"):
            literals.update(term.lower() for term in rule.get(key, []))
    return rules, sorted(literals)


def prefix(tickets, max_bytes):
    """The first tickets holding at least `max_bytes` bytes, and their size."""
    chosen = []
    total = 0
    for subject, body in tickets:
        if total >= max_bytes:
            break
        chosen.append((subject, body))
        total += len(subject.encode()) + len(body.encode())
    return chosen, total


def flashtext_contender(rules):
    from flashtext import KeywordProcessor

    processor = KeywordProcessor(case_sensitive=False)
    for rule in rules:
        for keyword in rule.get("keywords", []):
            processor.add_keyword(keyword)

    def run(tickets):
        found = 0
        for subject, body in tickets:
            found += len(processor.extract_keywords(subject))
            found += len(processor.extract_keywords(body))
        return found

    return run


def pyahocorasick_contender(literals):
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for index, literal in enumerate(literals):
        automaton.add_word(literal, index)
    automaton.make_automaton()

    def run(tickets):
        found = 0
        for subject, body in tickets:
            for field in (subject, body):
                for _ in automaton.iter(field.lower()):
                    found += 1
        return found

    return run


def re_contender(rules):
    regexes = []
    skipped = []
    for rule in rules:
        keywords = rule.get("keywords", [])
        if keywords:
            alternation = "|".join(re.escape(k) for k in keywords)
            regexes.append(re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE))
        for pattern in rule.get("patterns", []):
            try:
                regexes.append(re.compile(pattern, re.IGNORECASE))
            except re.error as error:
                skipped.append(f"{rule.get('id')}: {pattern!r} ({error})")

    def run(tickets):
        found = 0
        for subject, body in tickets:
            for field in (subject, body):
                for regex in regexes:
                    for _ in regex.finditer(field):
                        found += 1
        return found

    return run, len(regexes), skipped


def main():
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", help="JSON Lines with subject and body, e.g. from --write-jsonl")
    parser.add_argument("--taxonomy", default=str(root / "taxonomy.toml"))
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of tickets to read")
    parser.add_argument("--re-mb", type=float, default=2.0, help="megabytes for the re baseline")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    tickets, total = load_tickets(args.corpus, int(args.mb * 1e6))
    rules, literals = load_taxonomy(args.taxonomy)
    re_run, re_count, skipped = re_contender(rules)
    re_tickets, re_total = prefix(tickets, int(args.re_mb * 1e6))

    contenders = [("flashtext", flashtext_contender(rules), tickets, total)]
    try:
        contenders.append(("pyahocorasick", pyahocorasick_contender(literals), tickets, total))
    except ImportError:
        print("pyahocorasick is not installed: skipped", file=sys.stderr)
    re_name = f"re: regex per rule ({re_count} regexes, first {re_total / 1e6:.0f} MB)"
    contenders.append((re_name, re_run, re_tickets, re_total))

    rounds = {name: [] for name, *_ in contenders}
    found = {}
    for _ in range(max(1, args.runs)):
        for name, run, chosen, _ in contenders:
            started = time.perf_counter()
            found[name] = run(chosen)
            rounds[name].append(time.perf_counter() - started)

    results = []
    for name, _, chosen, size in contenders:
        seconds = statistics.median(rounds[name])
        results.append({
            "name": name,
            "bytes": size,
            "tickets": len(chosen),
            "median_s": seconds,
            "mb_per_s": size / 1e6 / seconds,
            "tickets_per_s": len(chosen) / seconds,
            "matches": found[name],
        })

    if args.json:
        print(json.dumps({
            "python": sys.version.split()[0],
            "taxonomy": args.taxonomy,
            "keywords": sum(len(r.get("keywords", [])) for r in rules),
            "literals": len(literals),
            "skipped_patterns": skipped,
            "contenders": results,
        }, indent=2))
        return

    print(f"python {sys.version.split()[0]}; corpus {args.corpus}: {len(tickets)} tickets, "
          f"{total / 1e6:.1f} MB; taxonomy {args.taxonomy}: {len(rules)} rules, "
          f"{len(literals)} distinct literals")
    for line in skipped:
        print(f"  pattern skipped, Python's re rejects it: {line}")
    print(f"\n{'contender':<52} {'MB/s':>8} {'tickets/s':>11} {'matches':>10}"
          f"   (median of {args.runs} interleaved rounds)")
    for r in results:
        print(f"{r['name']:<52} {r['mb_per_s']:>8.2f} {r['tickets_per_s']:>11.0f} "
              f"{r['matches']:>10}")


if __name__ == "__main__":
    main()
