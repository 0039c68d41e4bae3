import { stringsIn } from "../engine/json";
import type { Rule } from "../engine/rule";
import type { FindingDraft } from "../engine/findings";
import { UNKNOWN_MODULE_TYPE, type TfStack } from "../engine/terraform/types";
import { parseTemplate, parseReference } from "../engine/terraform/tokens";

interface ModuleCall {
  readonly address: string;
  readonly source: string;
  readonly inputs: unknown;
  readonly location?: string;
  readonly constructPath?: string;
}

function modulesOf(stack: TfStack): ModuleCall[] {
  const out: ModuleCall[] = (stack.modules ?? []).map((m) => ({ address: m.address, source: m.source ?? "(no source)", inputs: m.values, constructPath: m.constructPath }));
  for (const r of stack.byType.get(UNKNOWN_MODULE_TYPE) ?? []) {
    out.push({ address: r.address, source: String(r.values.source ?? "(no source)"), inputs: r.values.inputs ?? r.values, location: r.location, constructPath: r.constructPath });
  }
  return out;
}


const PRINCIPAL_TYPES = new Set(["aws_iam_role", "aws_iam_user", "aws_iam_group"]);
/** A principal named anywhere inside an expression, function arguments included: `replace(aws_iam_role.a.arn, ...)`. */
const PRINCIPAL_IN_EXPRESSION = /(?<![A-Za-z0-9_.-])((?:data\.)?aws_iam_(?:role|user|group)\.[A-Za-z0-9_-]+)/g;

/**
 * IAM principals of the stack that a module's inputs refer to: the module may attach policies to them. A reference
 * anywhere in an input's expression counts, and so does a data source that looks a principal up, or a literal that
 * is a principal's name or ARN: the module can name the principal however it is given.
 */
function principalsPassed(stack: TfStack, byName: ReadonlyMap<string, string>, inputs: unknown): string[] {
  const found = new Set<string>();
  const note = (address: string) => {
    const r = stack.byAddress.get(address);
    if (!r) return;
    if (r.mode === "managed" && PRINCIPAL_TYPES.has(r.type)) found.add(r.address);
    // A data source looking up a principal by name: the principal of that name in the stack.
    if (r.mode === "data" && PRINCIPAL_TYPES.has(r.type)) {
      const hit = byName.get(String(r.values.name ?? r.values.user_name ?? r.values.group_name ?? "").toLowerCase());
      if (hit) found.add(hit);
    }
  };
  for (const s of stringsIn(inputs)) {
    if (!s.includes("${")) {
      // A literal name or ARN of a principal of the stack.
      const name = s.includes(":") ? s.slice(s.lastIndexOf("/") + 1) : s;
      const hit = byName.get(name.toLowerCase());
      if (hit) found.add(hit);
      continue;
    }
    for (const part of parseTemplate(s)) {
      if (part.kind === "literal") continue;
      const ref = parseReference(part.expr);
      if (ref && (ref.kind === "resource" || ref.kind === "data")) note(ref.address);
      for (const m of part.expr.matchAll(PRINCIPAL_IN_EXPRESSION)) note(m[1]);
    }
  }
  return [...found];
}

/**
 * Fail closed on modules: their resources are not in the synthesized JSON (or, for registry modules, not on disk),
 * so blastwall cannot see what they grant or create. Every such module is an error, which a reviewer acknowledges.
 */
export const rule: Rule = {
  meta: {
    id: "unknown-module",
    title: "A module creates resources blastwall cannot see",
    why:
      "A module may create roles, attach policies to the principals it is given, or write bucket policies; none of that " +
      "appears in the configuration blastwall reads. A module that receives an agent's role can hand it any right.",
    fix:
      "Check the module's synthesized or planned output instead (`blastwall gate plan.json` sees every resource a module creates), " +
      "vendor it as a local module (`source = \"./modules/...\"`) so blastwall can read it, or acknowledge the finding once reviewed.",
    severity: "error",
    category: "input",
  },
  check({ stack, analysis }) {
    const out: FindingDraft[] = [];
    const agents = new Set(analysis.agents.map((a) => a.address));
    const modules = modulesOf(stack);
    // Principals by lower-case name, built once per stack (IAM names do not tell case apart).
    const byName = new Map<string, string>();
    if (modules.length > 0) for (const p of analysis.principals) if (typeof p.resource.values.name === "string") byName.set(p.resource.values.name.toLowerCase(), p.address);
    for (const m of modules) {
      const passed = principalsPassed(stack, byName, m.inputs);
      const agentsPassed = passed.filter((p) => agents.has(p));
      out.push({
        principal: agentsPassed[0] ?? m.address,
        resource: m.address,
        actions: agentsPassed.length ? ["*"] : [],
        // Fail closed either way: what a module creates may be an agent role with every right, and that is as
        // dangerous as an agent it is handed. A reviewed module is acknowledged with the reason.
        severity: "error",
        message: agentsPassed.length
          ? `${m.address} (source ${m.source}) is given the AI agent ${agentsPassed.join(", ")} and creates resources blastwall cannot see: it may attach any right to it.`
          : `${m.address} (source ${m.source}) creates resources blastwall cannot see: it may create an AI agent with any right, or write the policies of this stack's principals, and none of that is checked.`,
        evidence: [
          { step: "module", address: m.address, detail: `source ${m.source}`, ...(m.location ? { location: m.location } : {}) },
          ...passed.map((p) => ({ step: "input", address: p, detail: `${m.address} receives ${p}` })),
        ],
        ...(m.constructPath ? { constructPath: m.constructPath } : {}),
      });
    }
    return out;
  },
};
