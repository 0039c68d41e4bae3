import type { Statement } from "./iam/types";
import type { StatementRef } from "./findings";
import { actionUniverse } from "./universe";
import { compareText } from "./text";
import { statementDigest } from "./statement-digest";

const MAX_LIST = 4;

function list(xs: readonly string[]): string {
  if (xs.length <= MAX_LIST) return xs.join(", ");
  return `${xs.slice(0, MAX_LIST).join(", ")}, … (${xs.length})`;
}

/**
 * Statements by where they are written: the holding policy's address, its inline block, the index (as a number), the
 * Sid. An order the input's order of policies does not set, for findings that name several statements.
 */
export function compareStatements(a: Statement, b: Statement): number {
  const [x, y] = [a.source, b.source];
  return compareText(x.address, y.address) || compareText(x.inlinePolicy ?? "", y.inlinePolicy ?? "") || x.index - y.index || compareText(x.sid ?? "", y.sid ?? "");
}

/** The statement as an evidence step's `statements` names it (see `StatementRef`). */
export function statementRef(s: Statement): StatementRef {
  let ref = refs.get(s);
  if (ref === undefined) {
    const { address, inlinePolicy, index } = s.source;
    const sid = madeUpSid(s) ? undefined : s.source.sid;
    ref = Object.freeze({ policy: address, ...(inlinePolicy ? { inlinePolicy } : {}), ...(sid ? { sid } : {}), index, digest: statementDigest(s) });
    refs.set(s, ref);
  }
  return ref;
}

// Statements are read-only (as for their digests), and a reference is named again by every text and step about its
// statement: a secret read of a 20,000-resource stack's agents made its statement's anew each time it was asked. One
// reference serves every step, frozen so that none can change another's.
const refs = new WeakMap<Statement, StatementRef>();

/**
 * The statement lib/engine/s3-acl-grants.ts makes of a bucket ACL that lets everyone write, whose Sid (`ACL: acl
 * public-read-write`, `ACL: grant WRITE to AllUsers`) is blastwall's wording, not a Sid anyone wrote: one a reader
 * cannot find, and one that names the statement by text a later release may word otherwise. Known by what only that
 * statement has together: the Sid's form, an ACL resource or bucket as its holder, no `via`, everyone as principal.
 */
function madeUpSid(s: Statement): boolean {
  const { address, sid, via } = s.source;
  return (
    sid !== undefined &&
    /^ACL: (acl|grant) /.test(sid) &&
    via === undefined &&
    /(^|\.)aws_s3_bucket(_acl)?\.[^.[]+(\[.*\])?$/.test(address) &&
    s.principals?.length === 1 &&
    s.principals[0].type === "*"
  );
}

// The statements named while `naming` writes a text, in the order their names were written; undefined outside it.
let heard: StatementRef[] | undefined;

/** A text and the statements it names, in order: an evidence step's `detail` and `statements`. */
export interface Named {
  readonly text: string;
  readonly statements: readonly StatementRef[];
}

/**
 * Writes a text that names statements, hearing each `statementName` (and `mention`) it calls: the texts that name
 * statements are built in dozens of places, deep inside helpers, and this way each step knows what it names without
 * anyone reading the text back. A name must be written into the text in the order it is called, so a name is never
 * written ahead into a variable and used after another one.
 */
export function naming(write: () => string): Named {
  const outer = heard;
  const mine: StatementRef[] = [];
  heard = mine;
  try {
    const text = write();
    return { text, statements: mine };
  } finally {
    // A text written inside another one is not part of it until it is put in with `mention`.
    heard = outer;
  }
}

/** A text written earlier by `naming`, put into the one being written now, with the statements it names. */
export function mention(named: Named): string {
  heard?.push(...named.statements);
  return named.text;
}

/** An evidence step's `statements` key, only when it names some, for spreading into the step. */
export function statementsKey(statements: readonly StatementRef[]): { statements?: readonly StatementRef[] } {
  return statements.length > 0 ? { statements } : {};
}

/** An evidence step's `detail` and `statements` from a text `naming` wrote. */
export function namedDetail(named: Named): { detail: string; statements?: readonly StatementRef[] } {
  return { detail: named.text, ...statementsKey(named.statements) };
}

/** `Statement Sid "Ops" (#1)` or `statement #1`: the name a reviewer searches the policy for. */
export function statementName(s: Statement): string {
  heard?.push(statementRef(s));
  const name = s.source.sid ? `statement Sid "${s.source.sid}" (#${s.source.index})` : `statement #${s.source.index}`;
  return s.source.inlinePolicy ? `${s.source.inlinePolicy} ${name}` : name;
}

/**
 * An action as AWS spells it (`s3:DeleteObject`) when the analysis tracks it; statements hold them lower case, so a
 * pattern (`s3:Get*`) or an action outside the universe is shown as the policy writes it, when that is known.
 */
function spelled(action: string, written?: string): string {
  const u = actionUniverse();
  const i = u.indexOf(action);
  return i === undefined ? (written ?? action) : u.name(i);
}

/** `StringEquals aws:ResourceAccount = 111111111111`: a condition with (the first of) its values. */
function conditionText(c: Statement["conditions"][number]): string {
  const values = c.values.length <= 2 ? c.values.join(", ") : `${c.values.slice(0, 2).join(", ")}, … (${c.values.length})`;
  return values ? `${c.operator} ${c.key} = ${values}` : `${c.operator} ${c.key}`;
}

/**
 * The resources as the text shows them: a reference blastwall could not resolve reads as `*` (fail closed), but the
 * policy did not write `*`, so the text says what it wrote and how it was read (red-team round 132, F6).
 */
function shownResources(s: Statement, resources: readonly string[]): string[] {
  const written = s.writtenResources;
  if (!written || written.length !== resources.length) return [...resources];
  return resources.map((r, i) => (r === "*" && written[i] !== undefined && written[i] !== "*" ? `${written[i]} (unresolved, read as *)` : r));
}

/** One line saying what a statement allows, e.g. `Allow ec2:* on *` or `Allow NotAction iam:* on *`. */
export function statementSummary(s: Statement): string {
  if (s.unknown) return `cannot be read (${s.unknown}), so it counts as Allow * on *`;
  // As AWS spells the actions tracked; a pattern or another action as the policy writes it, which is what a reviewer
  // searches the policy for.
  const written = s.writtenActions;
  const actions = (s.actions ?? s.notActions ?? []).map((a, i) => spelled(a, written?.[i]));
  const what = s.actions ? list(actions) : `every action except ${list(actions)}`;
  const where = s.resources ? list(shownResources(s, s.resources)) : s.notResources ? `every resource except ${list(shownResources(s, s.notResources))}` : "*";
  const cond = s.conditions.length ? ` when ${s.conditions.map(conditionText).join(" and ")}` : "";
  return `${s.effect} ${what} on ${where}${cond}`;
}
