/**
 * Which grants of a list may be on a resource pattern (some resource pattern of theirs intersects it, without case),
 * answered from an index made once per list. The relays ask this of a caller's events:PutEvents grants for every rule
 * target and forwarder of the stack, and a caller whose events a rule forwards to each of K buses holds K such grants:
 * asked one by one, a stack of 4,000 buses made 16 million pattern intersections per principal and fixed-point round
 * (red-team round 157, F3).
 *
 * The index files a pattern by the name it ends in: the text after its last `/`, where no wildcard follows it. A
 * string both patterns match ends in `/` and each name; as neither name holds a `/`, the two names are then the same.
 * So a pattern ending in one name meets only those ending in the same name and those the index cannot file (a
 * wildcard in the name, no `/`, a character outside ASCII whose case blastwall does not fold here): those are asked
 * as before, and the answer is the list's own order, exactly what filtering the whole list gives.
 */
import type { Grant } from "../engine/analysis-types";
import { globsIntersect } from "../engine/iam/glob";

const CI = { caseInsensitive: true } as const;

interface Filed {
  readonly byName: ReadonlyMap<string, readonly number[]>;
  /** Grants with a pattern the index cannot file: asked of every pattern. */
  readonly wide: readonly number[];
  /** Answers already given, by pattern. */
  readonly asked: Map<string, readonly number[]>;
}

const filedCache = new WeakMap<readonly Grant[], Filed>();

/** Lists this short are filtered as they are: filing them costs more than it saves. */
const SHORT = 8;

/** The lower-case name a pattern ends in after its last `/`, when no wildcard follows it and it is ASCII. */
export function endName(pattern: string): string | undefined {
  const slash = pattern.lastIndexOf("/");
  if (slash < 0) return undefined;
  const name = pattern.slice(slash + 1);
  // eslint-disable-next-line no-control-regex
  if (/[*?]/.test(name) || /[^\x00-\x7f]/.test(name)) return undefined;
  return name.toLowerCase();
}

function filed(gs: readonly Grant[]): Filed {
  let f = filedCache.get(gs);
  if (f) return f;
  const byName = new Map<string, number[]>();
  const wide: number[] = [];
  gs.forEach((g, i) => {
    for (const r of g.resources) {
      const name = endName(r);
      if (name === undefined) {
        if (wide[wide.length - 1] !== i) wide.push(i);
        continue;
      }
      const l = byName.get(name);
      if (!l) byName.set(name, [i]);
      else if (l[l.length - 1] !== i) l.push(i);
    }
  });
  filedCache.set(gs, (f = { byName, wide, asked: new Map() }));
  return f;
}

const on = (g: Grant, pattern: string): boolean => g.resources.some((r) => globsIntersect(r, pattern, CI));

/** The places, in order, of the grants of `gs` with a resource pattern that may be `pattern`. */
export function grantIndicesOn(gs: readonly Grant[], pattern: string): readonly number[] {
  const all = (): number[] => gs.flatMap((g, i) => (on(g, pattern) ? [i] : []));
  if (gs.length < SHORT) return all();
  const f = filed(gs);
  let out = f.asked.get(pattern);
  if (out) return out;
  const name = endName(pattern);
  if (name === undefined) out = all();
  else {
    const candidates = [...new Set([...(f.byName.get(name) ?? []), ...f.wide])].sort((a, b) => a - b);
    out = candidates.filter((i) => on(gs[i], pattern));
  }
  f.asked.set(pattern, out);
  return out;
}

/** The grants of `gs` with a resource pattern that may be `pattern`, in their order. */
export function grantsOn(gs: readonly Grant[], pattern: string): readonly Grant[] {
  const is = grantIndicesOn(gs, pattern);
  return is.length === gs.length ? gs : is.map((i) => gs[i]);
}
