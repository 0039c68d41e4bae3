import { loadCatalogue, type CatalogueEntry } from "../engine/catalogue";
import { expiryInstant } from "../config/acknowledgements";
import { iamActionProblem } from "../engine/iam-actions";
import { MIN_REASON, visibleLength } from "../engine/text";
import { placeholderReason } from "../engine/reason";
import { fail, isToken, propNames, refuseUnknownProps } from "./validate";
import { exemptionBlock } from "../engine/exemptable";

/**
 * Warning-graded catalogue actions a team lets its agent hold: the permission boundary leaves them to the identity
 * policies, `allow()` accepts them, and the gate still reports the right, acknowledged with the reason given here.
 */
export interface BoundaryExemption {
  /** One exact catalogue action graded `warning`, e.g. `logs:PutSubscriptionFilter` (any case, no wildcards). */
  readonly action: string;
  /** Why the agent needs it; reviewers read it in every report. At least 10 visible characters. */
  readonly reason: string;
  /** ISO date after which the gate fails on the right again (`2027-01-31`, or a date-time with an offset). @default never */
  readonly expires?: string;
}

const EXEMPTION_KEYS = propNames<BoundaryExemption>({ action: true, reason: true, expires: true });

/** A validated exemption: the catalogue's spelling and entry of its action. */
export interface ResolvedExemption {
  readonly action: string;
  readonly entry: CatalogueEntry;
  readonly reason: string;
  readonly expires?: string;
  /** Where it was given, `boundaryExemptions[0]`, for messages. */
  readonly at: string;
}

/** The rule that reports an agent holding an action of this category (category-findings.ts). */
export const RULE_OF_CATEGORY: Readonly<Record<string, string>> = {
  direct: "agent-destroy-right",
  protection: "agent-protection-removal",
};

/** What an agent task that needs an error-graded right should use instead. */
const NOT_AN_AGENT_TASK =
  "move that task to a principal that is not an agent (a deploy role behind `blastwall gate`, or a break-glass role)";

/**
 * Why a catalogue entry cannot be exempted, or undefined when it can: only warning-graded direct and protection
 * actions that give no way into another principal's rights. `allow()`'s refusal asks the same before it suggests an
 * exemption.
 */
export function exemptionProblem(entry: CatalogueEntry): string | undefined {
  const name = entry.action;
  switch (exemptionBlock(entry)) {
    case "escalation":
      return `${name} is an escalation right (${entry.why}): the boundary always denies escalation, since a right to obtain other rights is every right; grant the rights the task needs directly, or create a ScopedToken for the task`;
    case "iam-sts":
      return `${name} is an IAM or STS action: the agent's own role, boundary and guard policies stay out of its reach, and no exemption changes that`;
    case "error":
      return (
        `${name} is graded error in the catalogue (${entry.category === "direct" ? "it destroys data" : "it removes the protection around data"}: ${entry.why}): ` +
        `only warning-graded actions can be exempted (their damage is limited, recoverable, or depends on facts blastwall cannot see); the boundary keeps denying ${name}, so ${NOT_AN_AGENT_TASK}`
      );
    case "catalogue":
      return `${name} ${entry.notExemptable}: whatever its catalogue grade, no exemption may open it (the catalogue's notExemptable); ${NOT_AN_AGENT_TASK}`;
    case "reach":
      return `${name} also lets the agent act as another principal (blastwall follows it as a path to that principal's rights), so an exemption would open that path: grant the rights the task needs directly, or move the task to a principal that is not an agent`;
    default:
      return undefined;
  }
}




/**
 * Checks `boundaryExemptions` as given (plain JavaScript included) and returns them in the catalogue's spelling.
 * `who` is the construct the user called (`AgentRole`, `ScopedToken`), so the message names the prop where it was set.
 */
export function resolveBoundaryExemptions(who: string, value: unknown): ResolvedExemption[] {
  if (value === undefined) return [];
  const prop = "boundaryExemptions";
  if (!Array.isArray(value)) fail(who, prop, `must be an array of { action, reason, expires? } (got ${JSON.stringify(value)})`);
  const cat = loadCatalogue();
  const seen = new Map<string, string>();
  return value.map((raw: unknown, i): ResolvedExemption => {
    const at = `${prop}[${i}]`;
    if (!raw || typeof raw !== "object") fail(who, at, `must be an object { action, reason, expires? } (got ${JSON.stringify(raw)})`);
    // A misspelt `expiry` would leave the exemption open for good, with no word said.
    refuseUnknownProps(who, raw, EXEMPTION_KEYS, at);
    const x = raw as Partial<BoundaryExemption>;
    const action = x.action;
    if (typeof action !== "string" || action === "") fail(who, `${at}.action`, `must be one catalogue action name such as "logs:PutSubscriptionFilter" (got ${JSON.stringify(action)})`);
    if (isToken(action)) fail(who, `${at}.action`, "must be a literal action name, not a token: it is checked against the destroy-rights catalogue");
    // A pattern would open the boundary to every action it covers, including those a later catalogue adds.
    if (/[*?]/.test(action)) fail(who, `${at}.action`, `must name exactly one action, without * or ? (got "${action}"): list each exempted action on its own`);
    if (!/^[A-Za-z0-9-]+:[A-Za-z0-9]+$/.test(action)) fail(who, `${at}.action`, `is not an IAM action; write service:Action, e.g. "logs:PutSubscriptionFilter" (got "${action}")`);
    const entry = cat.entryOf(action);
    if (!entry) {
      // A misspelt catalogue action is far likelier than a deliberate exemption of a right nobody denies.
      const problem = iamActionProblem(action, "it exempts nothing");
      if (problem) fail(who, `${at}.action`, problem);
      fail(who, `${at}.action:`, `${action} is not in blastwall's destroy-rights catalogue, so the boundary does not deny it: there is nothing to exempt; grant it with allow()`);
    }
    const name = entry.action;
    const problem = exemptionProblem(entry);
    if (problem) fail(who, `${at}.action:`, problem);
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) fail(who, `${at}.action:`, `${name} is already exempted by ${earlier}: give each action once`);
    seen.set(name.toLowerCase(), at);
    // Measured as the engine measures an acknowledgement's reason: the exemption becomes one.
    if (typeof x.reason !== "string" || visibleLength(x.reason) < MIN_REASON) {
      fail(who, `${at}.reason`, `must say why the agent needs ${name} in at least ${MIN_REASON} visible characters (got ${JSON.stringify(x.reason)}): reviewers read it in every gate report`);
    }
    const placeholder = placeholderReason(x.reason);
    if (placeholder !== undefined) {
      fail(who, `${at}.reason`, `${JSON.stringify(x.reason)} is a placeholder, not a reason (${placeholder}): reviewers read it in every gate report; write who accepted ${name} for this agent and why, e.g. "ships the audit log groups to the SIEM; accepted by the security team, SEC-142"`);
    }
    if (x.expires !== undefined && (typeof x.expires !== "string" || expiryInstant(x.expires) === undefined)) {
      fail(who, `${at}.expires`, `must be YYYY-MM-DD or an ISO date-time with an offset, such as 2027-01-31 or 2027-01-31T12:00:00Z (got ${JSON.stringify(x.expires)})`);
    }
    return { action: name, entry, reason: x.reason.trim(), ...(x.expires !== undefined ? { expires: x.expires } : {}), at };
  });
}
