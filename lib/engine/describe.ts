import type { Statement } from "./iam/types";

const MAX_LIST = 4;

function list(xs: readonly string[]): string {
  if (xs.length <= MAX_LIST) return xs.join(", ");
  return `${xs.slice(0, MAX_LIST).join(", ")}, … (${xs.length})`;
}

/** `Statement Sid "Ops" (#1)` or `statement #1`: the name a reviewer searches the policy for. */
export function statementName(s: Statement): string {
  return s.source.sid ? `statement Sid "${s.source.sid}" (#${s.source.index})` : `statement #${s.source.index}`;
}

/** One line saying what a statement allows, e.g. `Allow ec2:* on *` or `Allow NotAction iam:* on *`. */
export function statementSummary(s: Statement): string {
  if (s.unknown) return `cannot be read (${s.unknown}), so it counts as Allow * on *`;
  const what = s.actions ? list(s.actions) : `every action except ${list(s.notActions ?? [])}`;
  const where = s.resources ? list(s.resources) : s.notResources ? `every resource except ${list(s.notResources)}` : "*";
  const cond = s.conditions.length ? ` when ${s.conditions.map((c) => `${c.operator} ${c.key}`).join(" and ")}` : "";
  return `${s.effect} ${what} on ${where}${cond}`;
}
