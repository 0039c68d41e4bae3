import type { BlastwallConfig } from "./config-types";
import type { TfResource, TfStack } from "./terraform/types";
import { providerDefaultTags } from "./principals/collect";
import { globMatch } from "./iam/glob";

export const AGENT_TAG = "blastwall:agent";

/**
 * A tag's value from `tags` (which wins), `tags_all`, or the provider's `default_tags` (which AWS applies to the
 * role just the same), without building a merged map per principal.
 */
function tagOf(stack: TfStack | undefined, r: TfResource, key: string): unknown {
  for (const k of ["tags", "tags_all"]) {
    const t = r.values[k];
    if (t && typeof t === "object" && !Array.isArray(t) && key in t) return (t as Record<string, unknown>)[key];
  }
  const d = stack ? providerDefaultTags(stack, r) : undefined;
  return d && key in d ? d[key] : undefined;
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
    if (String(tagOf(stack, r, AGENT_TAG)).toLowerCase() === "true") return `tag ${AGENT_TAG} = "true"`;
    if (addresses.has(r.address)) return `config agents.addresses lists ${r.address}`;
    const name = r.values.name;
    if (typeof name === "string") {
      const hit = names.find((g) => globMatch(g, name, { caseInsensitive: false }));
      if (hit !== undefined) return `config agents.names "${hit}" matches name "${name}"`;
    }
    for (const [k, v] of tags) if (tagOf(stack, r, k) === v) return `config agents.tags ${k} = "${v}"`;
    return undefined;
  };
}
