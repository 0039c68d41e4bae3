import type { BlastwallConfig } from "./config-types";
import type { TfResource, TfStack } from "./terraform/types";
import { AGENT_TAG, followReferences, readAgentTag, tagValue } from "./agent-tags";

/** The IAM path of agent roles (AgentRole, ScopedToken), which the guardrail SCPs match. */
export const AGENT_PATH = "/agents/";
import { globMatch, globsIntersect } from "./iam/glob";
import { hasInterpolation, resolveToPattern } from "./terraform/tokens";

export { AGENT_TAG };

function isExpression(v: unknown): boolean {
  return typeof v === "string" && hasInterpolation(v);
}

/**
 * Decides whether an IAM role or user is an AI agent: the `blastwall:agent = "true"` tag the constructs set,
 * or a selector in the config (address, name glob, tag). Returns the reason, for the report.
 */
export function agentSelector(config: BlastwallConfig, stack?: TfStack): (r: TfResource) => string | undefined {
  const sel = config.agents ?? {};
  const addresses = new Set(sel.addresses ?? []);
  const names = sel.names ?? [];
  const tags = Object.entries(sel.tags ?? {});
  return (r) => {
    if (r.type !== "aws_iam_role" && r.type !== "aws_iam_user") return undefined;
    const tagged = readAgentTag(r, stack);
    if (tagged.state === "yes") return tagged.reason;
    // AgentRole puts agents under /agents/, and the guardrail SCPs deny by that path: the gate follows the same
    // convention, so dropping the tag alone does not take a role out of the checks.
    const path = stack ? followReferences(stack, r.values.path) : r.values.path;
    if (typeof path === "string" && path.toLowerCase().startsWith(AGENT_PATH)) return `path ${path} (the path the guardrail SCPs treat as agents)`;
    // A path blastwall cannot evaluate may come out as /agents/ when Terraform applies it: fail closed.
    if (typeof path === "string" && stack && hasInterpolation(path)) {
      const pattern = resolveToPattern(stack, path).pattern;
      if (globsIntersect(pattern.toLowerCase(), `${AGENT_PATH}*`)) return `path ${path}, which may be under ${AGENT_PATH} when applied (blastwall cannot evaluate it)`;
    }
    if (addresses.has(r.address)) return `config agents.addresses lists ${r.address}`;
    const name = r.values.name;
    if (typeof name === "string") {
      const hit = names.find((g) => globMatch(g, name, { caseInsensitive: false }));
      if (hit !== undefined) return `config agents.names "${hit}" matches name "${name}"`;
    }
    // Every listed tag, as the config schema documents (and the plan gate reads it). A tag whose value is an
    // expression, or a tag map blastwall cannot read, may hold the listed value when applied: fail closed.
    if (tags.length > 0) {
      const unreadableMap = stack !== undefined && isExpression(followReferences(stack, r.values["tags"]));
      const maybe: string[] = [];
      const all = tags.every(([k, v]) => {
        const t = tagValue(stack, r, k);
        if (t === v) return true;
        if (isExpression(t) || (t === undefined && unreadableMap)) {
          maybe.push(k);
          return true;
        }
        return false;
      });
      if (all) {
        const listed = tags.map(([k, v]) => `${k} = "${v}"`).join(", ");
        return maybe.length === 0 ? `config agents.tags ${listed}` : `config agents.tags ${listed} (${maybe.join(", ")} may have that value: blastwall cannot evaluate it)`;
      }
    }
    // The plan gate keeps a principal that was an agent before the plan an agent after it, whatever the plan changes.
    return stack?.keptAgents?.get(r.address);
  };
}
