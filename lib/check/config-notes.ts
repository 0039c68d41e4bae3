/**
 * What `blastwall check` says about config entries that did nothing in the run (red-team round 98, r3 #8 and #9): an
 * `agents.names` glob or `agents.tags` selector that selected no principal (a `config-selector-unmatched` warning
 * since red-team round 119: an agent that renamed its role or dropped its tag leaves exactly that), an acknowledgement
 * that matched no finding, and plan gate rule ids that check never reports. The last two are notes, not findings: a
 * config shared by stacks checked in other runs may rightly acknowledge nothing in this one, but a misspelt entry
 * looked exactly like one doing its work.
 */
import type { BlastwallConfig } from "../engine/config-types";
import type { Acknowledgement, Finding } from "../engine/findings";
import { DEFAULT_ACK_SOURCE } from "../config/acknowledgements";
import { nearestKey } from "../engine/text";

const SHOWN = 5;

function someOf(items: readonly string[]): string {
  return items.length <= SHOWN ? items.join(", ") : `${items.slice(0, SHOWN).join(", ")} and ${items.length - SHOWN} more`;
}

/** Plan gate rules are named `plan-*`; `blastwall check` runs none of them. */
export const isPlanRuleId = (id: string): boolean => id.startsWith("plan-");

export interface SelectorUse {
  /** The `agents.names` globs that selected a principal in some stack checked. */
  readonly names: ReadonlySet<string>;
  /** Whether `agents.tags` selected a role, user or permission set in some stack checked. */
  readonly tags: boolean;
  /** Principals whose tags hold the selector's in another case (`aws_iam_role.a has Role = "Agent"`). */
  readonly nearTags: readonly string[];
  /** Literal names of the roles, users and permission sets checked, for a glob that selected none of them. */
  readonly principalNames: readonly string[];
}

/** Rule id of the warning for an `agents.names` glob or the `agents.tags` selector that selected no principal. */
export const SELECTOR_UNMATCHED = "config-selector-unmatched";

/**
 * One finding per `agents.names` glob, and one for `agents.tags`, that selected no principal in any stack checked: a
 * warning (an error under --strict; the config's `severity` map sets it either way, for a config shared by stacks
 * checked in other runs). A glob matched in any stack of the run counts as matched.
 */
export function unusedSelectorFindings(config: BlastwallConfig, use: SelectorUse, source: string, files: string, strict: boolean): Finding[] {
  const out: Finding[] = [];
  const consequence =
    "If it is misspelt, or the agent's role was renamed or lost its tag in the stack code (which an agent can edit), the agent it was meant for is not judged as one: " +
    "none of its destroy rights, chains or trust are checked, and the gate passes it.";
  const shared = `If the config is shared with stacks checked in other runs, set "severity": { "${SELECTOR_UNMATCHED}": "off" } in it for those runs.`;
  const finding = (entry: string, detail: string, message: string, fix: string): Finding => ({
    ruleId: SELECTOR_UNMATCHED,
    severity: strict ? "error" : "warning",
    principal: entry,
    resource: entry,
    actions: [],
    evidence: [{ step: "config", address: source, detail }],
    message,
    fix,
    file: source,
  });
  const names = [...new Set(use.principalNames)].sort();
  for (const glob of config.agents?.names ?? []) {
    if (use.names.has(glob)) continue;
    // A literal name one slip away from a principal's (`plain_bot` for `plain-bot`) is named first: in a long list of
    // names the user would not find it (red-team round 141, F8).
    const near = /[*?]/.test(glob) ? undefined : nearestKey(glob, names);
    const known =
      (near !== undefined && near.toLowerCase() !== glob.toLowerCase() ? ` Did you mean ${JSON.stringify(near)}?` : "") +
      (names.length > 0 ? ` The roles, users and permission sets checked are named ${someOf(names)}.` : " The files checked hold no role, user or permission set with a name.");
    out.push(
      finding(
        `agents.names ${JSON.stringify(glob)}`,
        `agents.names lists ${JSON.stringify(glob)}; no role, user or permission set of the files checked has a name it matches`,
        `${source} lists ${JSON.stringify(glob)} in agents.names, which matches the name of no role, user or permission set in any stack checked ` +
          `(files checked: ${files || "none"}), so it makes no principal an agent here. ${consequence}${known}`,
        `Correct the glob (it is matched against the IAM name, regardless of case) to the agent's role name, or remove it; if the agent's role was renamed, ` +
          `find out why before changing the config. ${shared}`,
      ),
    );
  }
  const tags = Object.entries(config.agents?.tags ?? {});
  if (tags.length > 0 && !use.tags) {
    const listed = tags.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ");
    const near = use.nearTags.length > 0 ? ` Near match${use.nearTags.length === 1 ? "" : "es"} in another case: ${someOf(use.nearTags)}.` : "";
    out.push(
      finding(
        "agents.tags",
        `agents.tags ${listed}; no role, user or permission set of the files checked has every listed tag with that value`,
        `${source} sets agents.tags ${listed}, which selects no role, user or permission set in any stack checked (files checked: ${files || "none"}): every listed tag ` +
          `must be present with exactly that value, and AWS tag keys and values are case-sensitive. ${consequence}${near}`,
        `Correct the key or value to what the agent's tags say, or remove the selector; if the agent's role lost its tag, find out why before changing the config. ` +
          `Prefer agents.names: the IAM name is what the agent's runtime assumes, so renaming it away breaks the agent. ${shared}`,
      ),
    );
  }
  return out;
}

/** The acknowledgement as the notes name it: rule, principal and, when it has one, resource and stack. */
function named(a: Acknowledgement): string {
  const limits = [...(a.resource !== undefined ? [`resource ${a.resource}`] : []), ...(a.stack !== undefined ? [`stack ${JSON.stringify(a.stack)}`] : [])];
  return `the acknowledgement of ${a.ruleId} for ${a.principal}${limits.length > 0 ? ` (${limits.join(", ")})` : ""} in ${a.source ?? DEFAULT_ACK_SOURCE}`;
}

/**
 * A note for each live config acknowledgement that is about no finding of any stack checked (`about` holds those that
 * are), and for each acknowledgement or severity of a plan gate rule, which check does not report. Expired ones are
 * already `acknowledgement-expired` findings, those naming a stack not checked already have a note, and one whose
 * finding outgrew its actions, or one of an AWS managed policy's ARN that grants only part of a finding, is about that
 * finding (its message says so): none is noted again.
 */
export function unusedAcknowledgementNotes(
  config: BlastwallConfig,
  acks: readonly Acknowledgement[],
  about: ReadonlySet<Acknowledgement>,
  skip: (a: Acknowledgement) => boolean,
  source: string,
  stacks: string,
): string[] {
  const out: string[] = [];
  for (const a of acks) {
    if (skip(a) || about.has(a)) continue;
    if (isPlanRuleId(a.ruleId)) {
      out.push(
        `${named(a)} is for ${a.ruleId}, a rule of the plan gate (blastwall gate), which blastwall check never reports, so it covers nothing here; ` +
          `and the gate does not read config acknowledgements either: only a signed approval (blastwall approve) lets a blocked change through. ` +
          `Remove the entry, and approve the change with blastwall approve when it is intended.`,
      );
      continue;
    }
    const resource = a.resource !== undefined ? ` and resource ${a.resource}` : "";
    out.push(
      `${named(a)} matches no finding in any stack checked (${stacks}): no ${a.ruleId} finding is about principal ${a.principal}${resource}, so it covers nothing. ` +
        `Left in place, it covers whatever finding of that rule a principal later created at that address has, with a reason written for something else. ` +
        `Correct the principal${a.resource !== undefined ? " or resource" : ""} to the address the finding names, or remove the entry if what it acknowledged is gone.`,
    );
  }
  for (const [id, to] of Object.entries(config.severity ?? {})) {
    if (!isPlanRuleId(id) || to === undefined) continue;
    out.push(
      `${source} sets severity.${id} to ${JSON.stringify(to)}, but ${id} is a rule of the plan gate (blastwall gate), which blastwall check never reports, ` +
        `and the gate does not read config severities: only a signed approval (blastwall approve) lets a blocked change through. The entry changes nothing; remove it.`,
    );
  }
  return out;
}

/**
 * The plan gate's notes for acknowledgements and severities of its own rules in the config it reads: it uses neither
 * (an agent can edit the repository's config), which is exactly what such an entry was written to rely on.
 */
export function gateIgnoredConfigNotes(config: { readonly acknowledgements?: readonly Acknowledgement[]; readonly severity?: Readonly<Record<string, string | undefined>> }, source: string): string[] {
  const out: string[] = [];
  for (const a of config.acknowledgements ?? []) {
    if (!isPlanRuleId(a.ruleId)) continue;
    out.push(
      `${named({ ...a, source: a.source ?? source })} is ignored by the plan gate: it does not read config acknowledgements, since an agent can edit the repository's config; ` +
        `only a signed approval (blastwall approve) lets a blocked change through. Remove the entry, and approve the change when it is intended.`,
    );
  }
  for (const [id, to] of Object.entries(config.severity ?? {})) {
    if (!isPlanRuleId(id) || to === undefined) continue;
    out.push(
      `${source} sets severity.${id} to ${JSON.stringify(to)}, which the plan gate ignores: it does not read config severities, since an agent can edit the repository's config; ` +
        `only a signed approval (blastwall approve) lets a blocked change through. The entry changes nothing; remove it.`,
    );
  }
  return out;
}
