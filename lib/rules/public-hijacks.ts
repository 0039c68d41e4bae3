/**
 * A Lambda permission that lets everyone (`*`) change a function's code or configuration, or add a permission that
 * does (compute.ts HIJACK_TARGETS for functions), lets anyone in the world run its own code as the function's role:
 * a function's resource policy grants cross-account access to any action on it, so agents of any account are
 * admitted, and no Deny of this stack's agents binds them. Judged here for everyone, as resource-policy-grant judges
 * destroy rights granted to everyone; the stack's own agents are judged through the reach graph (agent-transitive-destroy).
 *
 * source_arn, source_account and principal_org_id narrow the grant: the first two to requests a service makes for a
 * source (a direct caller's request carries neither key, so the condition fails), the last to one organisation.
 * A function whose role blastwall cannot see (outside the stack, read by a data source, or named by a value it cannot
 * read) is reported too: its role may hold any destroy right (fail closed).
 */
import type { RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { Statement } from "../engine/iam/types";
import type { TfResource } from "../engine/terraform/types";
import { grantsEveryone, lambdaPermissionStatement } from "../engine/resource-policies";
import { HIJACK_TARGETS } from "../engine/reach/compute";
import { globMatch } from "../engine/iam/glob";
import { referencedIn } from "../engine/terraform/referenced";
import { resolveToPattern } from "../engine/terraform/tokens";
import { statementRef, statementSummary } from "../engine/describe";
import { listActions } from "../report/summarize";
import { functionsOf } from "./invoke-routes";
import { capabilityActions, capabilityEvidence, capabilityOf, capabilityText, isDangerous, reachOf } from "./reach-support";

const FUNCTION_HIJACKS = HIJACK_TARGETS.find((t) => t.type === "aws_lambda_function")!.actions;

/** The arguments AWS turns into conditions that keep the world out (see the module comment). */
const NARROWING = ["source_arn", "source_account", "principal_org_id"];

const unset = (v: unknown) => v === undefined || v === null || v === "";

/** The hijack actions the permission grants everyone; none when it is narrowed or names someone. */
function hijacksGranted(p: TfResource, s: Statement): string[] {
  if (!grantsEveryone(s) || NARROWING.some((k) => !unset(p.values[k]))) return [];
  return FUNCTION_HIJACKS.filter((a) => s.unknown !== undefined || (s.actions ?? []).some((x) => globMatch(x, a, { caseInsensitive: true })));
}

/** What a function runs as, for the finding: the role and what it can do, or why blastwall cannot tell. */
type Target = { readonly fn: string; readonly unseen: string } | { readonly fn: string; readonly role: string; readonly text: string; readonly actions: string[]; readonly evidence: Evidence[] };

function targetsOf(ctx: RuleContext, p: TfResource): Target[] {
  const v = p.values["function_name"];
  const readable = typeof v === "string" && v !== "" && (referencedIn(ctx.stack, v).length > 0 || resolveToPattern(ctx.stack, v).exact);
  const text = typeof v === "string" && v !== "" ? v : "(unset)";
  if (!readable) return [{ fn: text, unseen: "a function blastwall cannot read (perhaps one outside this stack), whose role may hold any destroy right" }];
  const fns = functionsOf(ctx.stack, v);
  if (fns.length === 0) return [{ fn: text, unseen: "a function outside this stack, whose role blastwall cannot see and which may hold any destroy right" }];
  const graph = reachOf(ctx);
  const out: Target[] = [];
  for (const fn of fns) {
    if (fn.mode === "data") {
      out.push({ fn: fn.address, unseen: "a function this stack reads but does not make, whose role may hold any destroy right" });
      continue;
    }
    const role = graph.roleOfCompute(fn, "role");
    if (role === null) continue;
    const holder = role === undefined ? undefined : ctx.analysis.byAddress.get(role);
    if (!holder) {
      out.push({ fn: fn.address, unseen: "a function whose role blastwall cannot resolve, which may hold any destroy right" });
      continue;
    }
    const cap = capabilityOf(ctx, holder);
    if (!isDangerous(cap)) continue;
    const actions = capabilityActions(cap);
    out.push({ fn: fn.address, role: holder.address, text: capabilityText(cap, actions), actions, evidence: capabilityEvidence(holder, cap) });
  }
  return out;
}

/** One error per function a permission hands to everyone whose role can destroy data (or may: unseen). */
export function publicHijackFindings(ctx: RuleContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const p of ctx.stack.byType.get("aws_lambda_permission") ?? []) {
    const s = lambdaPermissionStatement(ctx.stack, p);
    if (!s) continue;
    const granted = hijacksGranted(p, s);
    if (granted.length === 0) continue;
    const whom = s.unknown !== undefined || s.approximatePrincipals ? "a principal blastwall cannot read (read as everyone, *)" : "everyone (*)";
    const permission: Evidence = { step: "resource-policy", address: p.address, detail: `${p.address}: ${statementSummary(s)}`, statements: [statementRef(s)] };
    const fix =
      `Name in ${p.address} the one principal that needs ${listActions(granted)} (a deploy role's ARN) in place of *, or add source_arn or ` +
      `source_account for the service that calls it; never grant code or configuration updates (or lambda:AddPermission) to *.`;
    for (const t of targetsOf(ctx, p)) {
      const opening = `${p.address} grants ${listActions(granted)} on ${t.fn} to ${whom}: anyone, AI agents of any account included, can put code or configuration of its choosing into the function and run it as the function's role`;
      if ("unseen" in t) {
        out.push({ principal: p.address, resource: t.fn, actions: [...granted, "*"], message: `${opening}, and ${t.fn} is ${t.unseen}.`, fix, evidence: [permission, { step: "unresolved", address: t.fn, detail: t.unseen }] });
        continue;
      }
      out.push({
        principal: p.address,
        resource: t.fn,
        actions: [...granted, ...t.actions],
        message: `${opening}, ${t.role}, which ${t.text}.`,
        fix: `${fix} Or take the destroy rights off ${t.role}.`,
        evidence: [permission, { step: "runs-as", address: t.role, detail: `${t.fn} runs as ${t.role}` }, ...t.evidence],
      });
    }
  }
  return out;
}
