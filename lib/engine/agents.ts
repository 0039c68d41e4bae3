import type { BlastwallConfig } from "./config-types";
import type { TfResource, TfStack } from "./terraform/types";
import { AGENT_TAG, readAgentTag, tagValue } from "./agent-tags";
import { globMatch } from "./iam/glob";

export { AGENT_TAG };

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
    if (addresses.has(r.address)) return `config agents.addresses lists ${r.address}`;
    const name = r.values.name;
    if (typeof name === "string") {
      const hit = names.find((g) => globMatch(g, name, { caseInsensitive: false }));
      if (hit !== undefined) return `config agents.names "${hit}" matches name "${name}"`;
    }
    for (const [k, v] of tags) if (tagValue(stack, r, k) === v) return `config agents.tags ${k} = "${v}"`;
    return undefined;
  };
}
