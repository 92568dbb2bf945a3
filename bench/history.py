#!/usr/bin/env python3
"""What reading git history costs a build: the same generated book built inside a git
repository with many commits and as a plain folder, side by side in one run.

    python3 bench/history.py                          # 1,000 documents, 300 commits
    python3 bench/history.py --docs 10000 --commits 5000

"in git" reads the history from the commits (its cache in .git/policybook removed before each
run); "in git, cached" is the usual warm build, which finds it cached for the same HEAD.

The repository is written with `git fast-import` (deterministic; every commit after the
first edits two documents, every 25th moves one away and the next moves it back), into --work (default
/tmp/policybook-bench). Wall and CPU times are medians of --runs warm builds, the two
books alternating (CPU time is the steadier figure on a busy machine).
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the main benchmark's helpers)


def fast_import(book, commits, seed=7):
    """Turns `book` into a git repository whose history has `commits` commits."""
    rng = random.Random(seed)
    content = os.path.join(book, "content")
    files = sorted(
        os.path.relpath(os.path.join(d, f), book).replace(os.sep, "/")
        for d, _, fs in os.walk(content) for f in fs if f.endswith(".md")
    )
    texts = {f: open(os.path.join(book, f), "rb").read() for f in files}
    texts["book.toml"] = open(os.path.join(book, "book.toml"), "rb").read()
    out = []

    def data(b):
        out.append(b"data %d\n" % len(b))
        out.append(b)
        out.append(b"\n")

    def commit(n, message, ops):
        when = 1767225600 + n * 3600  # 2026-01-01, one commit an hour
        out.append(b"commit refs/heads/main\n")
        out.append(b"mark :%d\n" % (n + 1))
        author = b"Author %d <a%d@example.com>" % (n % 7, n % 7)
        out.append(b"author %s %d +0000\n" % (author, when))
        out.append(b"committer %s %d +0000\n" % (author, when))
        data(message.encode())
        if n > 0:
            out.append(b"from :%d\n" % n)
        out.extend(ops)

    def modify(path, text):
        ops = [b"M 100644 inline %s\n" % path.encode()]
        ops.append(b"data %d\n%s\n" % (len(text), text))
        return ops

    ops = []
    for f, t in sorted(texts.items()):
        ops.extend(modify(f, t))
    commit(0, "Initial ISMS", ops)
    live = list(files)
    for n in range(1, commits):
        ops = []
        if n >= 25 and n % 25 in (0, 1):
            # A document moves away and back (links to it stay valid at the end).
            i = (n // 25 * 7919) % len(live)
            old = live[i]
            new = old[:-3] + "-moved.md" if n % 25 == 0 else old[: -len("-moved.md")] + ".md"
            ops.append(b'R "%s" "%s"\n' % (old.encode(), new.encode()))
            texts[new] = texts.pop(old)
            live[i] = new
        for _ in range(2):
            f = live[rng.randrange(len(live))]
            texts[f] = texts[f] + b"\nRevised in change %d.\n" % n
            ops.extend(modify(f, texts[f]))
        message = "Change %d" % n
        if n % 10 == 0:
            message += "\n\nApproved-by: Board\n"
        commit(n, message, ops)
    shutil.rmtree(os.path.join(book, ".git"), ignore_errors=True)
    subprocess.run(["git", "init", "-q", book], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=book, input=b"".join(out), check=True)
    # The working tree becomes the last commit's (renamed files move).
    shutil.rmtree(content)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=book, check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--commits", type=int, default=300)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--work", default="/tmp/policybook-bench")
    args = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "policybook"], cwd=bench.REPO, check=True)
    binary = os.path.join(bench.REPO, "target/release/policybook")
    plain = bench.corpus(args.work, args.docs)
    repo = os.path.join(args.work, f"git-{args.docs}-{args.commits}")
    if not os.path.isdir(os.path.join(repo, ".git")):
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(plain, repo, ignore=shutil.ignore_patterns("book", ".policybook-*"))
        fast_import(repo, args.commits)
    # The plain side is the repository's own files without .git, so both build the same book.
    outside = repo + "-plain"
    shutil.rmtree(outside, ignore_errors=True)
    shutil.copytree(repo, outside, ignore=shutil.ignore_patterns(".git", "book"))
    build = [binary, "build", "--as-of", bench.AS_OF]
    cache = os.path.join(repo, ".git", "policybook")
    books = (("outside git", outside, None), ("in git", repo, cache), ("in git, cached", repo, None))
    for _, book, _ in books:
        bench.run(build, cwd=book)  # the first build writes the site; the rest are warm
    # Alternating keeps a busy machine from favouring any of them.
    times = {name: [] for name, _, _ in books}
    cpus = {name: [] for name, _, _ in books}
    peaks = {name: 0 for name, _, _ in books}
    for _ in range(args.runs):
        for name, book, uncached in books:
            if uncached:
                shutil.rmtree(uncached, ignore_errors=True)  # history read from the commits
            t, cpu, m = bench.timed(build, book)
            times[name].append(t)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], m)
    rows = [(name, statistics.median(times[name]), statistics.median(cpus[name]), peaks[name])
            for name, _, _ in books]
    print(f"{args.docs} documents, {args.commits} commits, median of {args.runs} warm builds")
    print(f"  {'':<15} {'wall':>8} {'CPU':>8} {'peak':>8}")
    for name, t, cpu, m in rows:
        print(f"  {name:<15} {t:6.2f} s {cpu:6.2f} s {m:5.0f} MB"
              f"   ({t / rows[0][1]:.2f}x wall, {cpu / rows[0][2]:.2f}x CPU of outside git)")


if __name__ == "__main__":
    main()
