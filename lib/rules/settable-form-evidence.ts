/**
 * Why a Deny of the agent's own did not take away what an Allow names by reference (red-team round 163b, F3): the Deny
 * names the resource's ARN literally, as read with a root variable's default, and the reference follows the resource
 * wherever `-var` names it (terraform/settable-forms.ts). Shown beside the statement, so the reviewer sees which Deny
 * and what to write instead.
 */
import type { PrincipalNode } from "../engine/analysis-types";
import type { Evidence } from "../engine/findings";
import { statementName, statementRef } from "../engine/describe";
import { globCovers, globsIntersect } from "../engine/iam/glob";
import type { Statement } from "../engine/iam/types";
import { boundaryActionForms, boundaryReading, denyCoversForms, settableActionForms, settableExclusionsOf } from "../engine/iam/settable-actions";
import { LITERAL_ACTION_AGAINST_VARIABLE, LITERAL_AGAINST_REFERENCE, LITERAL_AGAINST_VARIABLE, settableFormWhy, settableForms } from "../engine/terraform/settable-forms";
import { SETTABLE_SAYS, settableArgumentsWhy, settableKeys } from "../engine/terraform/settable-providers";
import type { TfStack } from "../engine/terraform/types";
import { actionUniverse } from "../engine/universe";

export function settableFormDenyEvidence(stack: TfStack, p: PrincipalNode, allow: Statement, actions: readonly string[]): Evidence[] {
  return [...settableExclusionEvidence(stack, allow, actions), ...settableActionDenyEvidence(stack, p, allow, actions), ...settableResourceDenyEvidence(stack, p, allow, actions)];
}

/** The step that says an Allow's own exclusion is not relied on (JSON `evidence[].step`). */
const EXCLUSION_NOT_RELIED_ON = "exclusion-not-relied-on";

/**
 * An Allow whose NotAction or NotResource writes an entry with a variable `-var` can set (`s3:${var.blocked}`): the
 * entry is not relied on to leave anything out (iam/settable-actions.ts `certainNotActions`), so the Allow is read as
 * granting what it leaves out as read. Which entries, which variable, and what to write instead. NotAction: only where
 * such an entry leaves out one of `actions` as read; NotResource: whenever one is so written (the grant is on `*`).
 */
function settableExclusionEvidence(stack: TfStack, allow: Statement, actions: readonly string[]): Evidence[] {
  const out: Evidence[] = [];
  const opened = new Set<string>();
  const notActions = settableExclusionsOf(allow, "NotAction", (entry) => {
    const hit = actions.filter((a) => globCovers(entry, a, CI));
    hit.forEach((a) => opened.add(a));
    return hit.length > 0;
  });
  const notResources = settableExclusionsOf(allow, "NotResource", () => true);
  for (const [kind, hits] of [
    ["NotAction", notActions],
    ["NotResource", notResources],
  ] as const) {
    if (hits.length === 0) continue;
    // NotAction entries are kept in lower case; the policy's own spelling is what a reviewer searches for.
    const entries = hits.map((h) => (kind === "NotAction" ? (allow.writtenActions?.[h.index] ?? h.entry) : h.entry)).join(", ");
    const forms = [...new Set(hits.map((h) => h.form))].sort().join(", ");
    const shown = [...opened].slice(0, 3).join(", ") + (opened.size > 3 ? ", ..." : "");
    const what = kind === "NotAction" ? `it is read as granting ${shown} as well` : "it is read as leaving out nothing so written";
    out.push({
      step: EXCLUSION_NOT_RELIED_ON,
      address: allow.source.address,
      detail:
        `${statementName(allow)} leaves out ${entries} (its ${kind}), but blastwall does not rely on that: ${settableDocumentWhy(stack, allow)}, ` +
        `and with another value ${hits.length === 1 ? "the entry" : "those entries"} (any of ${forms}) may leave out something else or nothing: ${what}; ` +
        `write the ${kind} literally, or give the variable in a --var-file`,
      statements: [statementRef(allow)],
    });
  }
  return out;
}

const CI = { caseInsensitive: true } as const;

/**
 * A Deny that names literally an action the Allow writes with a settable variable (`s3:${var.op}`, red-team round 170a,
 * F2), not relied on for it (iam/settable-actions.ts): which Deny, which actions, and what the Allow's entry may become.
 */
function settableActionDenyEvidence(stack: TfStack, p: PrincipalNode, allow: Statement, actions: readonly string[]): Evidence[] {
  if (!allow.settableActions) return [];
  const universe = actionUniverse();
  const out: Evidence[] = [];
  for (const st of [...p.identityPolicies.flatMap((a) => a.document.statements), ...(p.boundary?.document.statements ?? [])]) {
    if (st.effect !== "Deny" || st.unknown !== undefined || st.conditions.length > 0) continue;
    const covered = universe.statementActions(st);
    const forms = new Set<string>();
    const denied = actions.filter((a) => {
      const i = universe.indexOf(a);
      const f = i !== undefined && covered.has(i) ? settableActionForms(allow, a) : undefined;
      if (!f || denyCoversForms(st, f)) return false;
      f.forEach((x) => forms.add(x));
      return true;
    });
    if (denied.length === 0) continue;
    const shown = `${denied.slice(0, 3).join(", ")}${denied.length > 3 ? ", ..." : ""}`;
    out.push({
      step: "deny-not-relied-on",
      address: st.source.address,
      detail:
        `${statementName(st)} denies ${shown}, but blastwall does not rely on it for ${statementName(allow)} of ${allow.source.address}: it names ${shown} literally ` +
        `${LITERAL_ACTION_AGAINST_VARIABLE} (any of ${[...forms].sort().join(", ")}), and ${settableDocumentWhy(stack, allow)}, so with another value the Allow grants an action the Deny does not cover`,
      statements: [statementRef(st)],
    });
    if (out.length === 2) break;
  }
  return out;
}

function settableResourceDenyEvidence(stack: TfStack, p: PrincipalNode, allow: Statement, actions: readonly string[]): Evidence[] {
  const written = allow.writtenResources;
  const resources = allow.resources;
  const settable = allow.settableResources?.length === resources?.length ? allow.settableResources : undefined;
  if ((!written && !settable) || !resources) return [];
  const universe = actionUniverse();
  const forms = settableForms(stack);
  const out: Evidence[] = [];
  for (const st of [...p.identityPolicies.flatMap((a) => a.document.statements), ...(p.boundary?.document.statements ?? [])]) {
    if (st.effect !== "Deny" || st.unknown !== undefined || st.conditions.length > 0) continue;
    const covered = universe.statementActions(st);
    const denied = actions.filter((a) => {
      const i = universe.indexOf(a);
      return i !== undefined && covered.has(i);
    });
    if (denied.length === 0) continue;
    for (let i = 0; i < resources.length && out.length < 2; i++) {
      const r = resources[i];
      const w = written?.[i];
      const own = settable !== undefined && settable[i] !== r;
      if (!own && (w === undefined || w.indexOf("${") < 0)) continue;
      const said = saying(st, r, () => forms(allow, r));
      if (said === undefined) continue;
      const what = said.startsWith("its NotResource") ? "what it leaves out" : "what it does not cover";
      out.push({
        step: "deny-not-relied-on",
        address: st.source.address,
        detail: own
          ? `${statementName(st)} denies ${denied.slice(0, 3).join(", ")}${denied.length > 3 ? ", ..." : ""}, but blastwall does not rely on it for ${r} (${statementName(allow)} of ${allow.source.address}): ` +
            `${said} ${LITERAL_AGAINST_VARIABLE}, and ${settableDocumentWhy(stack, allow)}, so with another value the Allow names ${what}`
          : `${statementName(st)} denies ${denied.slice(0, 3).join(", ")}${denied.length > 3 ? ", ..." : ""}, but blastwall does not rely on it for ${w}: ` +
            `${said} ${LITERAL_AGAINST_REFERENCE}, and ${settableFormWhy(stack, w!)}, so the reference may name ${what}`,
        statements: [statementRef(st)],
      });
      break;
    }
    if (out.length === 2) break;
  }
  return out;
}

/**
 * What the boundary step adds where the boundary caps `actions` only as read (red-team round 171b, F5): an Allow of it
 * that writes an action or a resource with a variable `-var` can set is read as every form it may take
 * (iam/settable-actions.ts `boundaryReading`), so the step says which statement, which variable, and what it is read as.
 * Empty where no statement of the boundary is so written, or none of them grants `actions`.
 */
function settableBoundaryNote(stack: TfStack, statements: readonly Statement[], actions: readonly string[]): { readonly text: string; readonly exclusions: boolean } {
  const notes: string[] = [];
  let exclusions = false;
  for (const st of statements) {
    if (st.effect !== "Allow" || st.unknown !== undefined) continue;
    const forms = new Set<string>();
    const opened = actions.filter((a) => {
      const f = boundaryActionForms(st, a);
      f?.forEach((x) => forms.add(x));
      return f !== undefined;
    });
    const widened = st.settableResources?.filter((r, i) => r !== st.resources?.[i]) ?? [];
    const covers = boundaryReading(st).actions?.some((p) => actions.some((a) => globCovers(p, a, CI)));
    // An exclusion of the boundary's own that -var can shrink (iam/settable-actions.ts `certainNotActions`).
    const unexcluded = settableExclusionsOf(st, "NotAction", (entry) => actions.some((a) => globCovers(entry, a, CI)));
    const allowedAny = st.notActions !== undefined && actions.some((a) => !st.notActions!.some((x) => globCovers(x, a, CI)));
    const notResources = unexcluded.length > 0 || allowedAny || covers ? settableExclusionsOf(st, "NotResource", () => true) : [];
    if (opened.length === 0 && !(widened.length > 0 && covers) && unexcluded.length === 0 && notResources.length === 0) continue;
    const shown = `${opened.slice(0, 3).join(", ")}${opened.length > 3 ? ", ..." : ""}`;
    const exclusion = (kind: string, hits: readonly { entry: string; form: string; index: number }[]) =>
      `leaves out ${hits.map((h) => (kind === "NotAction" ? (st.writtenActions?.[h.index] ?? h.entry) : h.entry)).join(", ")} with a root variable in its ${kind} ` +
      `(any of ${[...new Set(hits.map((h) => h.form))].sort().join(", ")}), so it is not relied on to leave ${hits.length === 1 ? "that" : "those"} out`;
    exclusions ||= opened.length === 0 && !(widened.length > 0 && covers);
    const what =
      opened.length > 0
        ? `writes ${opened.length === 1 ? "that action" : `those actions (${shown})`} with a root variable, so it is read as any of ${[...forms].sort().join(", ")}`
        : widened.length > 0 && covers
          ? `writes its Resource with a root variable, so it is read as any of ${[...new Set(widened)].sort().join(", ")}`
          : unexcluded.length > 0
            ? exclusion("NotAction", unexcluded)
            : exclusion("NotResource", notResources);
    notes.push(`the boundary's Allow (${statementName(st)}) ${what}: ${settableDocumentWhy(stack, st)}`);
    if (notes.length === 2) break;
  }
  return { text: notes.join("; and "), exclusions };
}

/** `settableBoundaryNote` as the end of a boundary step that says the boundary does not deny the actions. */
export function settableBoundaryClause(stack: TfStack, statements: readonly Statement[], actions: readonly string[]): string {
  const note = settableBoundaryNote(stack, statements, actions);
  if (note.text === "") return "";
  const parts = note.exclusions ? "Action, Resource, NotAction and NotResource" : "Action and Resource";
  return `; ${note.text}, and a boundary that -var can widen is no limit: write its ${parts} literally, or give the variable in a --var-file`;
}

/** Why the Allow's own document may name another resource: the arguments of its holder `-var` can set that hold it. */
function settableDocumentWhy(stack: TfStack, allow: Statement): string {
  const holder = stack.byAddress.get(allow.source.address);
  const keys = holder ? [...settableKeys(holder.values)].filter((k) => DOCUMENT_KEYS.has(k)).sort() : [];
  return holder && keys.length > 0 ? settableArgumentsWhy(holder, keys) : `${allow.source.address}'s document depends on a root variable, ${SETTABLE_SAYS}`;
}

/** The arguments a policy document is written in (a policy's, an inline policy's, a policy document data source's). */
const DOCUMENT_KEYS: ReadonlySet<string> = new Set(["policy", "inline_policy", "statement", "dynamic", "override_policy_documents", "source_policy_documents"]);

/** What `deny` writes that covers `r` as read and may not under `-var` (`form`), or undefined. */
function saying(deny: Statement, r: string, form: () => ReturnType<ReturnType<typeof settableForms>>): string | undefined {
  if (deny.resources) {
    for (let j = 0; j < deny.resources.length; j++) {
      const c = deny.resources[j];
      // A widened entry is not relied on in any case (iam/evaluate.ts `exactPatterns`).
      if (deny.approximateResources?.includes(j) || !globCovers(c, r)) continue;
      const f = form();
      if (f !== undefined && !f.deniedBy(deny, c)) return `it names ${c} literally`;
    }
    return undefined;
  }
  const except = deny.notResources;
  if (!except || except.some((x) => globsIntersect(r, x))) return undefined;
  const f = form();
  const hit = f && except.find((x) => globsIntersect(f.pattern, x));
  return hit === undefined ? undefined : `its NotResource leaves out ${hit}, which it names literally`;
}
