import { regionsOf, type NumberedGraph } from "../../lib/engine/reach/regions";
import type { ReachEdge } from "../../lib/engine/reach/types";
import { prng } from "../../scripts/bench-fixtures";

/** A graph from an adjacency list of node numbers; each edge is labelled `from>to`. */
function graphOf(adj: number[][]): NumberedGraph {
  const out = adj.map((targets, from) => ({
    edges: targets.map((to): ReachEdge => ({ from: String(from), to: String(to), label: `${from}>${to}`, evidence: [] })),
    targets: Int32Array.from(targets),
  }));
  return { size: adj.length, outOf: (v) => out[v] };
}

const labels = (p: { path: ReachEdge[] } | undefined) => p?.path.map((e) => e.label);

describe("regionsOf: reach of many starts from one search", () => {
  // 0 -> 1 <-> 2 -> 3 (danger);  2 -> 4 (unknown);  5 -> 6 (danger) -> 7;  8 isolated danger, unreachable.
  const adj = [[1], [2], [1, 3, 4], [], [], [6], [7], [], []];
  const cls = (v: number) => (v === 3 || v === 6 || v === 8 ? 1 : v === 4 ? 2 : 0);
  const r = regionsOf(graphOf(adj), [0, 5], 2, cls)!;

  test("a cycle's members reach the same interesting nodes; what lies upstream is not counted", () => {
    expect(r.reachable(1, 1)).toEqual([3]);
    expect(r.reachable(2, 1)).toEqual([3]);
    expect(r.reachable(0, 2)).toEqual([4]);
    expect(r.reachable(5, 1)).toEqual([6]);
    expect(r.count(7, 1)).toBe(0);
    expect(r.count(8, 1)).toBe(0); // never reached from a start: not part of the regions
  });

  test("a node of the class reaches itself", () => {
    expect(r.reachable(3, 1)).toEqual([3]);
    expect(labels(r.nearest(3, 1, -1))).toEqual([]);
  });

  test("nearest gives a shortest chain, and none through the node to avoid", () => {
    expect(labels(r.nearest(0, 1, -1))).toEqual(["0>1", "1>2", "2>3"]);
    expect(r.nearest(0, 1, -1)!.target).toBe(3);
    expect(labels(r.nearest(1, 2, -1))).toEqual(["1>2", "2>4"]);
    expect(r.nearest(1, 1, 2)).toBeUndefined();
    expect(r.nearest(7, 1, -1)).toBeUndefined();
  });

  test("sets are unions, not sums: two routes into the same node count it once", () => {
    // 0 -> 1 -> 3, 0 -> 2 -> 3, 3 -> 4; 3 and 4 are interesting.
    const g = regionsOf(graphOf([[1, 2], [3], [3], [4], []]), [0], 1, (v) => (v >= 3 ? 1 : 0))!;
    expect(g.count(0, 1)).toBe(2);
    expect(g.reachable(0, 1)).toEqual([3, 4]);
  });

  test("a long chain and a large cycle are handled without recursion", () => {
    const n = 50_000;
    const chain = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [0]));
    const g = regionsOf(graphOf(chain), [0], 1, (v) => (v === n - 1 ? 1 : 0))!;
    expect(g.count(123, 1)).toBe(1);
    expect(g.nearest(n - 2, 1, -1)!.path).toHaveLength(1);
  });

  test("a graph whose sets would be too large is refused, so the caller searches per agent", () => {
    // A chain of 40 singleton components, each interesting: 40 components x 2 words > 64.
    const chain = Array.from({ length: 40 }, (_, i) => (i + 1 < 40 ? [i + 1] : []));
    expect(regionsOf(graphOf(chain), [0], 1, () => 1, 64)).toBeUndefined();
    expect(regionsOf(graphOf(chain), [0], 1, () => 1, 80)!.count(0, 1)).toBe(40);
  });

  test("on random graphs it agrees with a plain search from every node (seeded)", () => {
    const rand = prng(11);
    for (let round = 0; round < 40; round++) {
      const n = 1 + Math.floor(rand() * 60);
      const adj = Array.from({ length: n }, () => Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * n)));
      const cls = Array.from({ length: n }, () => (rand() < 0.15 ? 1 : rand() < 0.1 ? 2 : 0));
      const starts = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * n));
      const g = regionsOf(graphOf(adj), starts, 2, (v) => cls[v])!;
      // Plain breadth-first search from v, never entering `avoid`: distances to every node.
      const bfs = (v: number, avoid = -1): number[] => {
        const d = new Array<number>(n).fill(-1);
        if (v === avoid) return d;
        d[v] = 0;
        const q = [v];
        for (let i = 0; i < q.length; i++) for (const t of adj[q[i]]) if (d[t] < 0 && t !== avoid) (d[t] = d[q[i]] + 1), q.push(t);
        return d;
      };
      const reached = new Set(starts.flatMap((s) => bfs(s).flatMap((x, i) => (x >= 0 ? [i] : []))));
      for (const v of reached) {
        const d = bfs(v);
        for (const c of [1, 2]) {
          const expected = d.flatMap((x, i) => (x >= 0 && cls[i] === c ? [i] : []));
          expect(g.reachable(v, c)).toEqual(expected);
          expect(g.count(v, c)).toBe(expected.length);
          const avoid = starts[0];
          const near = g.nearest(v, c, avoid);
          const best = Math.min(...d.flatMap((x, i) => (x >= 0 && cls[i] === c ? [x] : [])));
          if (near) {
            // A shortest chain that really is one: consecutive edges, ending on a node of the class, never at `avoid`.
            expect(near.path.length).toBe(best);
            expect(cls[near.target]).toBe(c);
            let at = v;
            for (const e of near.path) {
              expect(Number(e.from)).toBe(at);
              at = Number(e.to);
              expect(at).not.toBe(avoid);
            }
            expect(at).toBe(near.target);
          }
          // With nothing to avoid, a chain exists exactly when something of the class is reachable, and is shortest.
          const free = g.nearest(v, c, -1);
          expect(free === undefined).toBe(expected.length === 0);
          if (free) expect(free.path.length).toBe(best);
        }
      }
      // What a start reaches beyond itself, one of its own links always leads to without coming back through it
      // (unless the start is of the class itself: then the nearest node behind a link may be the start).
      for (const s of starts) {
        for (const c of [1, 2]) {
          if (cls[s] === c) continue;
          const beyond = bfs(s).some((x, i) => x > 0 && cls[i] === c) || adj[s].some((t) => t !== s && bfs(t).some((x, i) => x >= 0 && i !== s && cls[i] === c));
          const viaLink = adj[s].some((h) => h !== s && g.nearest(h, c, s) !== undefined);
          expect(viaLink).toBe(beyond);
        }
      }
    }
  });
});
