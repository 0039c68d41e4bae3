import type { BlastwallConfig } from "./config-types";
import type { TfResource } from "./terraform/types";
import { globMatch } from "./iam/glob";

export const AGENT_TAG = "blastwall:agent";

function tagsOf(r: TfResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["tags_all", "tags"]) {
    const t = r.values[key];
    if (t && typeof t === "object" && !Array.isArray(t)) Object.assign(out, t);
  }
  return out;
}

/**
 * Decides whether an IAM role or user is an AI agent: the `blastwall:agent = "true"` tag the constructs set,
 * or a selector in the config (address, name glob, tag). Returns the reason, for the report.
 */
export function agentSelector(config: BlastwallConfig): (r: TfResource) => string | undefined {
  const sel = config.agents ?? {};
  const addresses = new Set(sel.addresses ?? []);
  const names = sel.names ?? [];
  const tags = Object.entries(sel.tags ?? {});
  return (r) => {
    if (r.type !== "aws_iam_role" && r.type !== "aws_iam_user") return undefined;
    const t = tagsOf(r);
    if (String(t[AGENT_TAG]).toLowerCase() === "true") return `tag ${AGENT_TAG} = "true"`;
    if (addresses.has(r.address)) return `config agents.addresses lists ${r.address}`;
    const name = r.values.name;
    if (typeof name === "string") {
      const hit = names.find((g) => globMatch(g, name, { caseInsensitive: false }));
      if (hit !== undefined) return `config agents.names "${hit}" matches name "${name}"`;
    }
    for (const [k, v] of tags) if (t[k] === v) return `config agents.tags ${k} = "${v}"`;
    return undefined;
  };
}
