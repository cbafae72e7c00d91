#!/usr/bin/env python3
"""Import circles between the modules of each crate: every `crate::a::…` and `super::…` path in a
module's file is an edge to the module it names; a circle is a strongly connected set of two or
more modules. Prints each circle and exits with 1 if there is one.

Hand-written (about 60 lines) because the maintained tool, cargo-modules (`dependencies
--acyclic`), builds rust-analyzer's crates: minutes of a cold 2-core CI for one check."""
import os, re, sys

def modules(src):
    """File → module path (`a::b`), for every .rs file under src (lib.rs/main.rs are the root)."""
    out = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel in (["lib"], ["main"]):
                rel = []
            out[os.path.join(root, f)] = "::".join(rel)
    return out

def strip(text):
    # unit tests may use anything of their parent: they are not the module's imports
    text = re.split(r"#\[cfg\(test\)\]\s*mod \w+", text)[0]
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)

def edges(path, mod, known):
    text = strip(open(path, encoding="utf-8").read())
    parent = mod.rsplit("::", 1)[0] if "::" in mod else ""
    found = set()
    for m in re.finditer(r"\b(crate|super)((?:::\w+)*)(?=::\{|\W)", text):
        head, parts = m.group(1), [p for p in m.group(2).strip(":").split("::") if p]
        base = [] if head == "crate" else ([p for p in parent.split("::") if p])
        # `use super::{a, b}` and `crate::x::{…}`: the brace lists name modules too
        cands = []
        for i in range(len(parts), 0, -1):
            cands.append("::".join(base + parts[:i]))
        if not parts and head == "super":
            cands.append(parent)
        tail = text[m.end():m.end() + 300]
        if tail.startswith("::{"):
            inner = tail[3:tail.find("}")]
            for name in re.findall(r"\b(\w+)\b", inner):
                cand = "::".join(base + parts + [name])
                if cand in known and cand != mod:
                    found.add(cand)
        for c in cands:
            # the nearest module at the top of the crate's tree that the path names
            target = next((k for k in [c] + [c.rsplit("::", j)[0] for j in range(1, c.count("::") + 1)] if k in known), None)
            if target is not None and target != mod and not target.startswith(mod + "::") and not mod.startswith(target + "::"):
                found.add(target)
                break
    return found

def circles(src):
    mods = modules(src)
    known = set(mods.values())
    graph = {mod: edges(path, mod, known) for path, mod in mods.items()}
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out

found = 0
for crate in sys.argv[1:]:
    for c in circles(os.path.join(crate, "src")):
        found += 1
        print(f"{crate}: circle of {len(c)}: {', '.join(c)}")
print(f"{found} import circle(s)" if found else "no import circle")
sys.exit(1 if found else 0)
