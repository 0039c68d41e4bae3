/**
 * The `grants` digest of a finding: a short hash of what the finding is about, which an acknowledgement may pin so it
 * covers the finding only while that stays what the reviewer saw (red-team round 141: an acknowledgement matched by
 * rule, principal and action names kept covering a right after its condition was dropped and its Resource set to `*`,
 * and a second policy granting the same action).
 *
 * For a right, what it hashes is the content of every statement the finding's granting evidence names (effect,
 * actions, resources, principals, conditions, each as written and as read), never their position or Sid: moving a
 * statement or renaming its Sid changes nothing a reviewer accepted. For a finding that names no statement (a missing
 * boundary, an unreadable module), it is the thing the finding is about: the block at its `resource`, and for a module
 * its source and version. Whatever cannot be resolved to content is hashed by how the evidence names it, so it still
 * changes when the evidence does (fail closed).
 */
import { createHash } from "crypto";
import type { Evidence, Finding, StatementRef } from "../engine/findings";
import type { StackAnalysis } from "../engine/analysis-types";
import type { PolicyDocument, Statement } from "../engine/iam/types";
import { UNKNOWN_MODULE_TYPE, type TfStack } from "../engine/terraform/types";
import { managedPolicyDocument } from "../engine/analyze";
import { compareText } from "../engine/text";

// 16 hex digits (GRANTS_DIGEST): 64 bits, so no agent finds other statements that hash to a digest a reviewer pinned.
export { GRANTS_DIGEST } from "../engine/findings";

// Steps that say who the principal is or what caps it, never what grants the finding (as acknowledgements.ts reads them).
const NOT_GRANTING: ReadonlySet<string> = new Set(["principal", "boundary", "deny-not-relied-on", "plan", "acknowledgement"]);

const key = (policy: string, inlinePolicy: string | undefined, index: number) => JSON.stringify([policy, inlinePolicy ?? "", index]);

/** Looks statements up by where the evidence says they are written. */
export interface StatementLookup {
  statement(ref: StatementRef): Statement | undefined;
  /** The block at `address` as written (a resource, data source or module call), for what no statement resolves. */
  block(address: string): unknown;
}

/** The statements the analysis read for the stack's principals (identity policies, boundaries, trust policies). */
export function stackLookup(stack: TfStack, analysis: Pick<StackAnalysis, "principals">): StatementLookup {
  let index: Map<string, Statement> | undefined;
  const build = () => {
    const m = new Map<string, Statement>();
    const add = (d: PolicyDocument | undefined) => {
      for (const s of d?.statements ?? []) {
        const k = key(s.source.address, s.source.inlinePolicy, s.source.index);
        if (!m.has(k)) m.set(k, s);
      }
    };
    for (const p of analysis.principals) {
      for (const a of p.identityPolicies) add(a.document);
      add(p.boundary?.document);
      add(p.trustPolicy);
    }
    return m;
  };
  return {
    statement(ref) {
      const hit = (index ??= build()).get(key(ref.policy, ref.inlinePolicy, ref.index));
      if (hit || !ref.policy.startsWith("arn:")) return hit;
      const s = managedPolicyDocument(ref.policy)?.statements[ref.index];
      return s && (s.source.inlinePolicy ?? "") === (ref.inlinePolicy ?? "") ? s : undefined;
    },
    block(address) {
      const module = (stack.modules ?? []).find((m) => m.address === address);
      if (module) return moduleContent(module.source, module.values.version);
      const r = stack.byAddress.get(address);
      if (!r) return undefined;
      if (r.type === UNKNOWN_MODULE_TYPE) return moduleContent(r.values.source, r.values.version);
      return { values: withoutMetadata(r.values), lifecycle: r.lifecycle ?? null };
    },
  };
}

/** A module is what its source and version fetch: its inputs are judged through the principals the finding names. */
const moduleContent = (source: unknown, version: unknown) => ({ module: { source: source ?? null, version: version ?? null } });

/** The block without cdktf's `"//"` metadata: acknowledging in code writes there, and must not change what it pins. */
function withoutMetadata(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { ["//"]: _meta, ...rest } = values;
  void _meta;
  return rest;
}

const sorted = (xs: readonly string[] | undefined) => (xs === undefined ? null : [...xs].sort(compareText));

/** A statement as the IAM content it grants: every element, as read and as written; not its Sid or position. */
function statementContent(s: Statement): unknown {
  const principals = (ps: Statement["principals"]) =>
    ps === undefined ? null : ps.map((p) => JSON.stringify([p.type, sorted(p.identifiers), sorted(p.written)])).sort(compareText);
  return {
    effect: s.effect,
    actions: sorted(s.actions),
    notActions: sorted(s.notActions),
    writtenActions: sorted(s.writtenActions),
    resources: sorted(s.resources),
    notResources: sorted(s.notResources),
    writtenResources: sorted(s.writtenResources),
    principals: principals(s.principals),
    notPrincipals: principals(s.notPrincipals),
    conditions: s.conditions.map((c) => JSON.stringify([c.operator, c.key, sorted(c.values), sorted(c.written)])).sort(compareText),
    unknown: s.unknown ?? null,
  };
}

/** What one evidence step contributes: the content of the statements it names, or the step itself. */
function stepParts(e: Evidence, lookup: StatementLookup): unknown[] {
  if (!e.statements?.length) return [["step", e.step, e.address, e.attaches ?? null]];
  return e.statements.map((ref) => {
    const s = lookup.statement(ref);
    if (s) return ["statement", statementContent(s)];
    // A statement blastwall names but cannot show (a resource policy, another stack's): the block that holds it,
    // and failing that how the step names it.
    const block = lookup.block(ref.policy);
    return block !== undefined ? ["statement-in", ref.policy, ref.inlinePolicy ?? null, ref.index, block] : ["statement-named", ref, e.detail];
  });
}

/**
 * Objects with their keys sorted: a block's keys come in the order its writer gave them, and cdktf's synth-time JSON
 * (`toTerraform()`) and the cdk.tf.json it writes order them differently, so the synth gate and `blastwall check` gave
 * one block two digests, and a pinned acknowledgement held in one and not the other.
 */
function keysInOrder(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(v).sort(compareText).map((k) => [k, v[k]]));
}

/**
 * The finding's digest (see the module comment). Order does not count: the parts are sorted, and a statement two
 * steps name counts once.
 */
export function grantsDigest(f: Finding, lookup: StatementLookup): string {
  const parts = new Set<string>();
  const granting = f.evidence.filter((e) => !NOT_GRANTING.has(e.step));
  for (const e of granting) for (const p of stepParts(e, lookup)) parts.add(JSON.stringify(p, keysInOrder));
  if (!f.evidence.some((e) => e.statements?.length)) {
    // About a thing, not statements: its block, as written.
    parts.add(JSON.stringify(["resource", f.resource, lookup.block(f.resource) ?? null], keysInOrder));
  }
  const text = JSON.stringify([...parts].sort(compareText));
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** The findings of one stack, each with its digest. */
export function withGrantsDigests(findings: readonly Finding[], stack: TfStack, analysis: Pick<StackAnalysis, "principals">): Finding[] {
  const lookup = stackLookup(stack, analysis);
  return findings.map((f) => (f.grants !== undefined ? f : { ...f, grants: grantsDigest(f, lookup) }));
}
