/**
 * Whether a CloudTrail trail records the write management events (the calls that change or delete resources), read
 * from its `event_selector` or `advanced_event_selector` blocks as CloudTrail applies them:
 * - no selector at all: every read and write management event is recorded;
 * - otherwise an event is recorded when it matches any selector. A basic selector records write management events
 *   unless `include_management_events = false` or `read_write_type = "ReadOnly"`; an advanced one when its
 *   `eventCategory` equals `Management` and its `readOnly` field, if any, does not keep only `true`;
 * - `exclude_management_event_sources` (basic) and `eventSource` not_equals (advanced) drop the management events of
 *   one service (AWS accepts kms.amazonaws.com and rdsdata.amazonaws.com): recorded for the trail only if another
 *   recording selector keeps them.
 * A value blastwall cannot read, a field or operator it does not know, or a `dynamic` selector it cannot read may
 * select anything: it is not taken to record writes (fail closed).
 */
import type { TfResource, TfStack } from "../engine/terraform/types";
import { blocksWithDynamic } from "../engine/reach/dynamic-blocks";
import { blocks, readBool, readString, unknownText } from "./protection-support";

export type TrailEvents =
  /** `excluded`: services whose write management events no recording selector keeps; `mayExclude`: why others may not be. */
  | { readonly writes: true; readonly excluded: readonly string[]; readonly mayExclude?: string }
  /**
   * Why none of its selectors certainly records them, one clause per reason. `dataOnly`: every selector is read and
   * selects events of another category (data events) and no management events: a data-event trail, which records
   * what the account's management-event trail leaves out and takes nothing from it.
   */
  | { readonly writes: false; readonly why: readonly string[]; readonly dataOnly: boolean };

type Verdict = { readonly writes: true; readonly excluded: readonly string[] | "unknown" } | { readonly writes: false; readonly why: string; readonly data?: true };

const BASIC = "event_selector";
const ADVANCED = "advanced_event_selector";

export function trailEvents(stack: TfStack, trail: TfResource): TrailEvents {
  const basic = blocksWithDynamic(trail.values, BASIC);
  const advanced = blocksWithDynamic(trail.values, ADVANCED);
  const all = [...basic.blocks.map((b) => ({ b, kind: BASIC })), ...advanced.blocks.map((b) => ({ b, kind: ADVANCED }))];
  const unread = basic.unread || advanced.unread;
  if (all.length === 0 && !unread) return { writes: true, excluded: [] };
  const dynamic = new Set([...basic.dynamic, ...advanced.dynamic]);
  const verdicts = all.map(({ b, kind }, i) => ({ dynamic: dynamic.has(b), v: kind === BASIC ? basicVerdict(stack, b, i) : advancedVerdict(stack, b, i) }));
  // A dynamic block may make no selector at all (then everything is recorded) or several: only a static one that
  // records writes, or dynamic ones that all do with nothing static beside them, settle it.
  const staticRecording = verdicts.filter((x) => !x.dynamic && x.v.writes);
  const onlyDynamic = verdicts.every((x) => x.dynamic) && !unread && verdicts.every((x) => x.v.writes);
  if (staticRecording.length === 0 && !onlyDynamic) {
    const why = verdicts.filter((x) => !x.v.writes).map((x) => (x.v as Extract<Verdict, { writes: false }>).why);
    for (const x of verdicts) if (x.dynamic && x.v.writes) why.push(`a dynamic selector records them, but blastwall cannot tell whether its iterator makes any instance beside the others`);
    if (unread) why.push(`a selector is written as an expression or dynamic block blastwall cannot read`);
    const dataOnly = !unread && dynamic.size === 0 && verdicts.every((x) => !x.v.writes && x.v.data === true);
    return { writes: false, why, dataOnly };
  }
  const recording = (staticRecording.length > 0 ? staticRecording : verdicts).map((x) => x.v as Extract<Verdict, { writes: true }>);
  // A service stays unrecorded only when every recording selector leaves it out; one whose list is an expression may.
  const lists = recording.map((v) => v.excluded);
  const known = lists.filter((l): l is readonly string[] => l !== "unknown");
  if (known.length < lists.length) {
    const mayExclude = known.every((l) => l.length > 0) ? "the services one of its selectors leaves out are an expression blastwall cannot evaluate" : undefined;
    return { writes: true, excluded: [], mayExclude };
  }
  return { writes: true, excluded: [...new Set(known.reduce((a, b) => a.filter((s) => b.includes(s))))] };
}

function basicVerdict(stack: TfStack, b: Record<string, unknown>, i: number): Verdict {
  const at = `event_selector #${i + 1}`;
  const include = readBool(stack, b["include_management_events"]);
  if (include.state === "set" && !include.value) {
    // With data resources it is a data-event selector; without, it selects nothing at all.
    const data = blocks(b["data_resource"]).length > 0;
    return { writes: false, why: `${at} sets include_management_events = false`, ...(data && { data: true as const }) };
  }
  if (include.state === "unknown") return { writes: false, why: `${at} sets include_management_events to ${unknownText(include)}` };
  const rw = readString(stack, b["read_write_type"]);
  if (rw.state === "unknown") return { writes: false, why: `${at} sets read_write_type to ${unknownText(rw)}` };
  if (rw.state === "set" && rw.value !== "All" && rw.value !== "WriteOnly") {
    return { writes: false, why: rw.value === "ReadOnly" ? `${at} sets read_write_type = "ReadOnly", which records read calls only` : `${at} sets read_write_type = ${JSON.stringify(rw.value)}, which is not All or WriteOnly` };
  }
  return { writes: true, excluded: literalList(stack, b["exclude_management_event_sources"]) };
}

function advancedVerdict(stack: TfStack, b: Record<string, unknown>, i: number): Verdict {
  const name = readString(stack, b["name"]);
  const at = `advanced_event_selector ${name.state === "set" ? JSON.stringify(name.value) : `#${i + 1}`}`;
  const fields = blocks(b["field_selector"]);
  if (fields.length === 0) return { writes: false, why: `${at} has no field_selector blastwall can read` };
  let management = false;
  let excluded = [] as string[] | "unknown";
  // The category first: a data-event selector's other fields (resources.type, eventName) say nothing here.
  const byCategory = [...fields].sort((a, b) => Number(b["field"] === "eventCategory") - Number(a["field"] === "eventCategory"));
  for (const f of byCategory) {
    const field = readString(stack, f["field"]);
    if (field.state !== "set") return { writes: false, why: `${at} has a field_selector whose field blastwall cannot read` };
    const ops = Object.keys(f).filter((k) => k !== "field" && f[k] !== undefined && f[k] !== null);
    const list = (op: string) => literalList(stack, f[op]);
    if (field.value === "eventCategory") {
      const eq = list("equals");
      if (ops.some((o) => o !== "equals") || eq === "unknown") return { writes: false, why: `${at} selects its eventCategory by an operator or value blastwall cannot read (only equals is allowed)` };
      management = eq.includes("Management");
      if (!management) return { writes: false, why: `${at} selects only ${eq.join(", ") || "no"} events, not Management events`, ...(eq.length > 0 && { data: true as const }) };
    } else if (field.value === "readOnly") {
      const eq = list("equals");
      const ne = list("not_equals");
      if (ops.some((o) => o !== "equals" && o !== "not_equals") || eq === "unknown" || ne === "unknown") return { writes: false, why: `${at} filters readOnly by an operator or value blastwall cannot read` };
      if ((ops.includes("equals") && !eq.includes("false")) || ne.includes("false")) return { writes: false, why: `${at} keeps only readOnly = true events, which records read calls only` };
    } else if (field.value === "eventSource") {
      const ne = list("not_equals");
      if (ops.some((o) => o !== "not_equals")) return { writes: false, why: `${at} selects eventSource by an operator other than not_equals, so it may record the management events of some services only` };
      excluded = ne === "unknown" || excluded === "unknown" ? "unknown" : [...excluded, ...ne];
    } else {
      return { writes: false, why: `${at} filters on ${field.value}, which blastwall does not read for management events, so it may record few of them` };
    }
  }
  if (!management) return { writes: false, why: `${at} has no eventCategory = Management` };
  return { writes: true, excluded };
}

/** A list of literal strings, [] when unset, "unknown" when any part is an expression blastwall cannot evaluate. */
function literalList(stack: TfStack, v: unknown): string[] | "unknown" {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return "unknown";
  const out: string[] = [];
  for (const x of v) {
    const s = readString(stack, x);
    if (s.state !== "set") return "unknown";
    out.push(s.value);
  }
  return out;
}
