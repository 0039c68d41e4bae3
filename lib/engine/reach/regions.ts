/**
 * What every agent can reach, in time linear in the principals and edges the agents can reach, however many
 * agents there are. A breadth-first search per agent visits the whole organisation once per agent, which grows
 * with agents × principals; here the graph is searched once:
 * - its strongly connected components (everyone in a cycle of assumable roles reaches the same principals) are
 *   found once, and per component the interesting nodes it reaches are kept as a bit set, built sinks first;
 * - one backward breadth-first search per class of interesting node gives every node the first edge of a
 *   shortest path to the nearest node of that class, so a chain is read off in its own length.
 */
import type { ReachEdge } from "./types";

/** The graph as the regions need it: numbered nodes and their out-edges. */
export interface NumberedGraph {
  readonly size: number;
  outOf(v: number): { readonly edges: readonly ReachEdge[]; readonly targets: Int32Array };
}

/** Class 0 is "not interesting"; classes 1..n are what the caller looks for (destroy rights, unknown principals). */
export type Classify = (v: number) => number;

/** Components times words of bits beyond which the sets would cost more than searching per agent. */
const MAX_SET_WORDS = 4_000_000;

export interface Regions {
  /** Interesting nodes of class `cls` that `v` reaches, `v` itself included, in node-number order. */
  reachable(v: number, cls: number): number[];
  /** How many there are (same set as `reachable`). */
  count(v: number, cls: number): number;
  /**
   * A shortest chain of edges from `v` to the nearest node of class `cls` (empty when `v` is one), with that
   * node; undefined when none is reachable or the chain found passes through or ends at `avoid` (another chain
   * may exist; when `avoid` is not of the class, one of its own out-edges then leads to one without it).
   */
  nearest(v: number, cls: number, avoid: number): { readonly path: ReachEdge[]; readonly target: number } | undefined;
  classOf(v: number): number;
  /** The strongly connected component of `v` (nodes of one component reach the same nodes); -1 when not searched. */
  componentOf(v: number): number;
}

/** Undefined when the sets would be too large for this graph (the caller then searches per agent). */
export function regionsOf(graph: NumberedGraph, starts: readonly number[], classes: number, classify: Classify, maxSetWords = MAX_SET_WORDS): Regions | undefined {
  // 1. Every node the starts reach, with its out-edges computed (numbers may grow while edges are computed).
  const nodes: number[] = [];
  let member = new Uint8Array(Math.max(graph.size, 16));
  const grow = () => {
    if (graph.size <= member.length) return;
    const m = new Uint8Array(Math.max(graph.size, member.length * 2));
    m.set(member);
    member = m;
  };
  for (const s of starts) {
    grow();
    if (member[s]) continue;
    member[s] = 1;
    nodes.push(s);
  }
  for (let i = 0; i < nodes.length; i++) {
    const { targets } = graph.outOf(nodes[i]);
    grow();
    for (let k = 0; k < targets.length; k++) {
      const t = targets[k];
      if (member[t]) continue;
      member[t] = 1;
      nodes.push(t);
    }
  }
  const n = graph.size;

  // 2. Strongly connected components (Tarjan, iterative). Components come out sinks first.
  const comp = new Int32Array(n).fill(-1);
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const callNode: number[] = [];
  const callEdge: number[] = [];
  for (const root of nodes) {
    if (order[root] >= 0) continue;
    callNode.push(root);
    callEdge.push(0);
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1];
      const targets = graph.outOf(v).targets;
      const k = callEdge[callEdge.length - 1];
      if (k < targets.length) {
        callEdge[callEdge.length - 1] = k + 1;
        const t = targets[k];
        if (order[t] < 0) {
          order[t] = low[t] = counter++;
          stack.push(t);
          onStack[t] = 1;
          callNode.push(t);
          callEdge.push(0);
        } else if (onStack[t]) {
          if (order[t] < low[v]) low[v] = order[t];
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === order[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = components.length;
          members.push(w);
        } while (w !== v);
        components.push(members);
      }
    }
  }

  // 3. Classes, and a bit position per interesting node of each class.
  const cls = new Uint8Array(n);
  const bit: Int32Array[] = [];
  const nodeOfBit: number[][] = [];
  for (let c = 0; c <= classes; c++) {
    bit.push(new Int32Array(c === 0 ? 0 : n).fill(-1));
    nodeOfBit.push([]);
  }
  for (const v of nodes) {
    const c = classify(v);
    cls[v] = c;
    if (c > 0) {
      bit[c][v] = nodeOfBit[c].length;
      nodeOfBit[c].push(v);
    }
  }
  const words = nodeOfBit.map((l) => Math.ceil(l.length / 32));
  if (words.reduce((a, b) => a + b, 0) * components.length > maxSetWords) return undefined;

  // 4. Per component and class, the bits of every interesting node it reaches (successors are done first).
  const sets: Uint32Array[] = words.map((w) => new Uint32Array(w * components.length));
  for (let ci = 0; ci < components.length; ci++) {
    for (const v of components[ci]) {
      const c = cls[v];
      if (c > 0) {
        const b = bit[c][v];
        sets[c][ci * words[c] + (b >>> 5)] |= 1 << (b & 31);
      }
      const targets = graph.outOf(v).targets;
      for (let k = 0; k < targets.length; k++) {
        const cj = comp[targets[k]];
        if (cj === ci) continue;
        for (let c2 = 1; c2 <= classes; c2++) {
          const w = words[c2];
          const set = sets[c2];
          for (let x = 0; x < w; x++) set[ci * w + x] |= set[cj * w + x];
        }
      }
    }
  }

  // 5. Per class, backwards from its nodes: distance to the nearest one and the out-edge that leads there.
  const inStart = new Int32Array(n + 1);
  for (const v of nodes) {
    const targets = graph.outOf(v).targets;
    for (let k = 0; k < targets.length; k++) inStart[targets[k] + 1]++;
  }
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i];
  const fill = inStart.slice(0, n);
  const inFrom = new Int32Array(inStart[n]);
  const inEdge = new Int32Array(inStart[n]);
  for (const v of nodes) {
    const targets = graph.outOf(v).targets;
    for (let k = 0; k < targets.length; k++) {
      const at = fill[targets[k]]++;
      inFrom[at] = v;
      inEdge[at] = k;
    }
  }
  const dist: Int32Array[] = [new Int32Array(0)];
  const next: Int32Array[] = [new Int32Array(0)];
  for (let c = 1; c <= classes; c++) {
    const d = new Int32Array(n).fill(-1);
    const nx = new Int32Array(n).fill(-1);
    const queue = new Int32Array(nodes.length);
    let head = 0;
    let tail = 0;
    for (const v of nodeOfBit[c]) {
      d[v] = 0;
      queue[tail++] = v;
    }
    while (head < tail) {
      const u = queue[head++];
      for (let at = inStart[u]; at < inStart[u + 1]; at++) {
        const w = inFrom[at];
        if (d[w] >= 0) continue;
        d[w] = d[u] + 1;
        nx[w] = inEdge[at];
        queue[tail++] = w;
      }
    }
    dist.push(d);
    next.push(nx);
  }

  const setOf = (v: number, c: number): { set: Uint32Array; base: number; w: number } | undefined => {
    if (v >= n || comp[v] < 0) return undefined;
    return { set: sets[c], base: comp[v] * words[c], w: words[c] };
  };
  return {
    classOf: (v) => (v < n ? cls[v] : 0),
    componentOf: (v) => (v < n ? comp[v] : -1),
    reachable(v, c) {
      const s = setOf(v, c);
      if (!s) return [];
      const out: number[] = [];
      for (let x = 0; x < s.w; x++) {
        let word = s.set[s.base + x];
        while (word !== 0) {
          const low = word & -word;
          out.push(nodeOfBit[c][x * 32 + (31 - Math.clz32(low))]);
          word ^= low;
        }
      }
      return out.sort((a, b) => a - b);
    },
    count(v, c) {
      const s = setOf(v, c);
      if (!s) return 0;
      let total = 0;
      for (let x = 0; x < s.w; x++) {
        let word = s.set[s.base + x];
        while (word !== 0) {
          word &= word - 1;
          total++;
        }
      }
      return total;
    },
    nearest(v, c, avoid) {
      if (v >= n || dist[c][v] < 0 || v === avoid) return undefined;
      const path: ReachEdge[] = [];
      let u = v;
      while (dist[c][u] > 0) {
        const k = next[c][u];
        const { edges, targets } = graph.outOf(u);
        path.push(edges[k]);
        u = targets[k];
        if (u === avoid) return undefined;
      }
      return { path, target: u };
    },
  };
}
