/**
 * Acknowledgements (findings accepted on purpose, with a reason and an optional expiry) and per-rule severity
 * overrides, applied to the findings of a run after the rules have produced them.
 */
import type { Acknowledgement, Evidence, Finding } from "../engine/findings";
import { ACK_ACTION } from "../engine/findings";
import { globCovers, globsIntersect } from "../engine/iam/glob";
import { isAwsManagedArn } from "../engine/terraform/policy-documents";
import { MIN_REASON } from "../engine/text";

/** Rule id of the finding raised for every acknowledgement whose expiry date has passed (or cannot be read). */
export const ACKNOWLEDGEMENT_EXPIRED = "acknowledgement-expired";

/** Where acknowledgements come from when they do not say: the config file. */
export const DEFAULT_ACK_SOURCE = "blastwall.json";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * The instant (epoch ms) after which an acknowledgement no longer holds, or undefined when `expires` is not a
 * valid date. A date (`2025-06-30`) holds through the end of that day, UTC; a date-time (`2025-06-30T12:00:00Z`,
 * offset required) holds until that instant.
 */
export function expiryInstant(expires: string): number | undefined {
  const d = DATE.exec(expires);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    return validDay(y, m, day) ? Date.UTC(y, m - 1, day + 1) - 1 : undefined;
  }
  const t = DATE_TIME.exec(expires);
  if (!t) return undefined;
  const [y, m, day, hh, mm, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(t[i] ?? 0));
  const [oh, om] = [Number(t[7] ?? 0), Number(t[8] ?? 0)];
  if (!validDay(y, m, day) || hh > 23 || mm > 59 || ss > 59 || oh > 23 || om > 59) return undefined;
  const ms = Date.parse(expires);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True when the acknowledgement no longer holds at `now`; an unreadable `expires` counts as expired (fail closed). */
export function isExpired(ack: Pick<Acknowledgement, "expires">, now: Date): boolean {
  if (ack.expires === undefined) return false;
  const until = expiryInstant(ack.expires);
  return until === undefined || now.getTime() > until;
}

/**
 * Same rule, same principal and, when the acknowledgement names one, the same resource (exact addresses): the finding
 * is the one the acknowledgement is about, whether or not its actions still fit. A finding granted by an AWS managed
 * policy is located at the block that attaches it; one written for the policy's ARN (as such findings were located
 * before red-team round 121) is about it still, when that policy alone grants what the finding reports.
 */
export const isAbout = (ack: Acknowledgement, f: Finding): boolean =>
  ack.ruleId === f.ruleId && ack.principal === f.principal && (ack.resource === undefined || ack.resource === f.resource || managedShare(ack.resource, f) === "all");

/**
 * An acknowledgement written for an AWS managed policy's ARN, of a finding that policy grants only part of: another
 * policy grants the rest (a merged finding: the secrets an agent reads, the stores it overwrites). It covers nothing
 * there, and the finding says why (red-team round 132).
 */
export const isPartlyAbout = (ack: Acknowledgement, f: Finding): boolean =>
  ack.ruleId === f.ruleId && ack.principal === f.principal && ack.resource !== undefined && ack.resource !== f.resource && managedShare(ack.resource, f) === "part";

/**
 * Only the rules over the principal's own statements located their findings at the ARN, and only the principal's own
 * statement counts: a chain into another role holding the same policy is another finding (red-team round 124).
 */
const OWN_STATEMENT_RULES: ReadonlySet<string> = new Set([
  "agent-destroy-right",
  "agent-protection-removal",
  "agent-resource-policy-rewrite",
  "agent-self-escalation",
  "agent-reach-unknown",
  "agent-instance-shell",
  "agent-overwrite-unprotected",
  "agent-stored-secret",
]);

// Steps that say who the principal is and what caps it, never what grants a right: the principal, its boundary, a Deny
// not relied on (it names Denies), the plan change that brings it, an acknowledgement.
const NEVER_GRANTING: ReadonlySet<string> = new Set(["principal", "boundary", "deny-not-relied-on", "plan", "acknowledgement"]);

// Steps that sum up the rights or name what they reach (`direct-rights`: the actions; `resource`: a store that keeps no
// earlier version): they grant nothing themselves unless they name statements. Any other step is a grant.
const DESCRIBING: ReadonlySet<string> = new Set(["direct-rights", "protection-rights", "resource-policy-rewrite", "self-escalation", "shell", "unknown", "volumes", "resource"]);

const CHAIN_STEPS: ReadonlySet<string> = new Set(["assume-role", "hijack", "pass-role"]);

/**
 * How much of a finding the AWS managed policy `arn` grants: "all" when every granting step is that policy's (its
 * statements, or the attachment of it), "part" when some step names it and another grants too, "none" otherwise. A
 * granting step that names no statement and is not the policy's (a credential found in a store) is another grant: the
 * ARN then covers part of the finding at most (fail closed).
 */
function managedShare(arn: string, f: Finding): "all" | "part" | "none" {
  if (!isAwsManagedArn(arn) || !OWN_STATEMENT_RULES.has(f.ruleId) || f.evidence.some((e) => CHAIN_STEPS.has(e.step))) return "none";
  const granting = f.evidence.slice(1).filter((e) => !NEVER_GRANTING.has(e.step) && (e.statements?.length || e.attaches !== undefined || !DESCRIBING.has(e.step)));
  const names = (e: Evidence) => e.address === arn || e.attaches === arn || (e.statements ?? []).some((s) => s.policy === arn);
  if (!granting.some(names)) return "none";
  const alone = (e: Evidence) =>
    e.attaches !== undefined ? e.attaches === arn : e.statements?.length ? e.statements.every((s) => s.policy === arn) : e.address === arn;
  return granting.every(alone) ? "all" : "part";
}

/**
 * The finding's actions an acknowledgement limited to `actions` does not accept (none when it is not limited).
 * An action is accepted only when a listed pattern certainly covers it: a finding's `*` (a right blastwall cannot
 * see) is covered by `*` alone. A finding that reports no actions is about a principal's configuration (a missing
 * permission boundary, an open trust) and stands for whatever that configuration lets happen: it counts as `*`,
 * so a list of reviewed actions does not cover it by listing nothing it reports.
 */
export function unacceptedActions(ack: Pick<Acknowledgement, "actions">, f: Pick<Finding, "actions">): string[] {
  const accepted = ack.actions;
  if (accepted === undefined) return [];
  const reported = f.actions.length > 0 ? f.actions : ["*"];
  return reported.filter((a) => !accepted.some((p) => globCovers(p, a, { caseInsensitive: true })));
}

/**
 * A pinned acknowledgement (`grants`) covers a finding only while the finding hashes to the digest it was reviewed
 * for; a finding without a digest is not covered by a pinned one (fail closed). An unpinned one holds as before.
 */
const pinHolds = (ack: Pick<Acknowledgement, "grants">, f: Pick<Finding, "grants">): boolean => ack.grants === undefined || ack.grants === f.grants;

const matches = (ack: Acknowledgement, f: Finding): boolean => isAbout(ack, f) && unacceptedActions(ack, f).length === 0 && pinHolds(ack, f);

/** `actions` that limit nothing: absent, or listing `*`, which every action matches. */
export const limitsNoAction = (actions: readonly string[] | undefined): boolean => actions === undefined || actions.includes("*");

/**
 * How a report says what an acknowledgement accepted: its action limit and whether it is pinned. `["*"]` is no limit,
 * said so, not "for * only" (red-team round 141, F10).
 */
export function acceptedScope(ack: NonNullable<Finding["acknowledged"]>): string {
  const actions = ack.actions === undefined ? "" : ack.actions.includes("*") ? `, for every action ("*" sets no limit)` : `, for ${ack.actions.join(", ")} only`;
  // An unpinned one has its own warning (acknowledgement-unpinned): the line stays as it was.
  const pin = ack.grants !== undefined ? `, pinned to grants ${ack.grants}` : "";
  return `${actions}${pin}`;
}

/**
 * The acknowledgement names the finding and, when limited to actions, accepted some of what it reports: it was
 * written for this finding, which may since have outgrown it. A finding of the same rule about rights the reviewer
 * never saw (another policy's `rds:DeleteDBInstance`) is not one it was written for.
 */
const writtenFor = (ack: Acknowledgement, f: Finding): boolean =>
  isAbout(ack, f) &&
  (ack.actions === undefined ||
    (f.actions.length > 0 ? f.actions : ["*"]).some((a) => ack.actions!.some((p) => globsIntersect(p, a, { caseInsensitive: true }))));

/**
 * Marks findings covered by an acknowledgement (same rule id, exactly the same principal address, no wildcards;
 * and, when the acknowledgement says, the same resource and only actions it accepts), and adds one `acknowledgement-expired` error per expired acknowledgement, whether it still matches
 * findings or not, so an expiry never passes silently. Expired acknowledgements cover nothing.
 */
export function applyAcknowledgements(findings: readonly Finding[], acks: readonly Acknowledgement[], now: Date): Finding[] {
  return applyWith(findings, acks, now, false);
}

/**
 * `applyAcknowledgements` for honoured acknowledgements in stack code, each of a single stack: one that has no `grants`
 * and covered findings adds an `acknowledgement-unpinned` warning too (the config's get theirs over all stacks).
 */
export function applyInCodeAcknowledgements(findings: readonly Finding[], acks: readonly Acknowledgement[], now: Date): Finding[] {
  return applyWith(findings, acks, now, true);
}

function applyWith(findings: readonly Finding[], acks: readonly Acknowledgement[], now: Date, unpinned: boolean): Finding[] {
  if (acks.length === 0) return findings as Finding[];
  const covered = new Map<Acknowledgement, readonly Finding[]>();
  const out = markAcknowledged(findings, acks, now, (ack, hits) => {
    // AgentRole writes one for each boundary exemption, bound to the exempted actions and the role's own policy: the
    // exemption (its reason and expiry) is what was reviewed, the boundary stays open for those actions whatever the
    // statement says, and the user has no acknowledge() call of theirs to add a digest to.
    const fromExemption = EXEMPTION_REASON.test(ack.reason) && ack.actions !== undefined && ack.resource !== undefined;
    if (unpinned && ack.grants === undefined && !isExpired(ack, now) && !fromExemption) covered.set(ack, hits);
  });
  for (const e of expiredFindings(findings, acks, now)) out.push(e);
  for (const [ack, hits] of covered) out.push(unpinnedFinding(ack, hits));
  return out;
}

/**
 * One `acknowledgement-expired` error per expired acknowledgement, naming the findings it was written for. Also for
 * one in stack code the config does not honour: an expiry only tightens, so honouring it cannot help an agent, and it
 * is what forces a boundary exemption's right back to review (red-team round 125).
 */
export function expiredFindings(findings: readonly Finding[], acks: readonly Acknowledgement[], now: Date): Finding[] {
  return acks.filter((ack) => isExpired(ack, now)).map((ack) => expiredFinding(ack, findings.filter((f) => writtenFor(ack, f))));
}

/**
 * What `onMatch` hears of an acknowledgement. An expired one covers nothing, and its expiry is about every finding
 * it was written for: one that has outgrown its actions still fails, and "it matches no finding" would hide that.
 * A live one hears only of the findings it takes over: those another acknowledgement (one in code, applied first)
 * already covers are not its doing, so they must not make it look as if it held in their stack.
 */
function reportedTo(ack: Acknowledgement, findings: readonly Finding[], now: Date): Finding[] {
  if (isExpired(ack, now)) return findings.filter((f) => writtenFor(ack, f));
  return findings.filter((f) => !f.acknowledged && matches(ack, f));
}

/**
 * Only the marking half of `applyAcknowledgements`: findings covered by a live acknowledgement are marked, and
 * `onMatch` hears of every acknowledgement with the findings it is about (see `reportedTo`), so a caller applying
 * acknowledgements stack by stack can report expiries and unscoped acknowledgements once, over all stacks.
 */
export function markAcknowledged(
  findings: readonly Finding[],
  acks: readonly Acknowledgement[],
  now: Date,
  onMatch?: (ack: Acknowledgement, matched: readonly Finding[]) => void,
): Finding[] {
  if (acks.length === 0) return findings as Finding[];
  if (onMatch) {
    for (const ack of acks) {
      const matched = reportedTo(ack, findings, now);
      if (matched.length > 0) onMatch(ack, matched);
    }
  }
  const live = acks.filter((a) => !isExpired(a, now));
  if (live.length === 0) return findings as Finding[];
  return findings.map((f) => {
    if (f.acknowledged) return f;
    const ack = live.find((a) => matches(a, f));
    if (!ack) {
      const changed = live.find((a) => isAbout(a, f) && unacceptedActions(a, f).length === 0 && !pinHolds(a, f));
      if (changed) return withChanged(f, changed);
      const outgrown = live.find((a) => isAbout(a, f));
      if (outgrown) return withOutgrown(f, outgrown);
      const part = live.find((a) => isPartlyAbout(a, f));
      return part ? withPartCovered(f, part) : f;
    }
    return {
      ...f,
      acknowledged: {
        reason: ack.reason,
        source: ack.source ?? DEFAULT_ACK_SOURCE,
        ...(ack.expires !== undefined ? { expires: ack.expires } : {}),
        ...(ack.actions !== undefined ? { actions: ack.actions } : {}),
        ...(ack.grants !== undefined ? { grants: ack.grants } : {}),
      },
    };
  });
}

/**
 * A finding a pinned acknowledgement was written for, whose statements no longer hash to the digest reviewed: the
 * statements changed (a condition dropped, a Resource widened) or another one grants the right now. It stays
 * unacknowledged, and gives the entry to paste once the change is reviewed.
 */
function withChanged(f: Finding, ack: Acknowledgement): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const now = f.grants ?? "none (blastwall could not digest this finding)";
  // The old reason judged what was reviewed; the change may have made it false (a copy moved into the source's region,
  // a copy removed: red-team round 161, F2). The entry leaves it empty, which the config refuses until it is rewritten.
  const entry = JSON.stringify(pinnedEntry(ack, f, ack.stack, STALE_REASON));
  const pinned = `(reviewed: ${ack.grants}, now: ${now})`;
  // A right is granted by statements and capped by the principal's Denies and boundary; a finding about a thing (a
  // module call, a block) is about that thing (see grants-digest.ts).
  const rights = f.evidence.some((e) => e.statements?.length);
  const what = rights
    ? `the statements changed since the acknowledgement was given ${pinned}, or what caps or places them did (another statement of the ` +
      `principal's policies, a Deny among them, its permission boundary, its provider's account or region), or another statement grants it`
    : `what it is about (${f.resource}: ${aboutWhat(f)}) changed since the acknowledgement was given ${pinned}`;
  return {
    ...f,
    message:
      `${f.message} The acknowledgement of ${ack.ruleId} for ${ack.principal} in ${source} is pinned to what was reviewed, and ${what}: it is not covered. ` +
      `Its reason was written for what was reviewed then (was: ${JSON.stringify(ack.reason)}), and may be false now; blastwall keeps only the digest of ` +
      `what was reviewed, not its content, so it cannot say which part changed: compare with the version the acknowledgement was given for (version control).`,
    fix:
      `${f.fix} Review ${rights ? "what grants it now (the path names each statement) and what caps it (the principal's Denies and boundary, its provider)" : "it as it is now"}; if it is still acceptable, give it this entry ` +
      `(in place of the acknowledgement, or beside it while that one still covers another finding) and write in its empty "reason" why the finding is acceptable as it is now ` +
      `(the config is refused, exit 2, until it says so in at least ${MIN_REASON} characters): ${entry}`,
    evidence: [...f.evidence, { step: "acknowledgement", address: ack.principal, detail: `${source} is pinned to grants ${ack.grants}; this finding's grants are ${now}` }],
  };
}

/** What a finding that names no statement is about, as its digest reads it (grants-digest.ts). */
function aboutWhat(f: Finding): string {
  const resource = f.resource;
  if (/(^|\.)module\.[^.]+$/.test(resource)) return "its source, version and inputs";
  if (resource.endsWith(".permissions_boundary")) return "the permission boundary's document, the principal's policies and its provider";
  // A role or user the finding is about is hashed with its policies, boundary and provider too (red-team round 148, F3).
  if (/(^|\.)aws_iam_(role|user)\.[^.]+$/.test(resource) || /(^|\.)aws_iam_(role|user)\./.test(f.principal)) {
    return "its configuration block, or the principal's policies, boundary or provider";
  }
  return "its configuration block";
}

/**
 * An acknowledgement as blastwall.json writes it, bound to the finding as it is now: its actions, its resource (when it
 * is one exact address) and its digest, so a pasted entry never accepts more than the finding it was written from.
 * Fields the acknowledgement had are kept when they are narrower; the reason and expiry are its own, unless `reason`
 * says otherwise (STALE_REASON for one whose finding changed).
 */
function pinnedEntry(a: Acknowledgement, f: Finding, stack: string | undefined, reason: string = a.reason): Record<string, unknown> {
  const own = limitsNoAction(a.actions) ? undefined : a.actions;
  const found = f.actions.length > 0 && f.actions.every((x) => ACK_ACTION.test(x)) ? f.actions : undefined;
  const resource = a.resource ?? (/[*?]/.test(f.resource) || f.resource === "" ? undefined : f.resource);
  return {
    ruleId: a.ruleId,
    principal: a.principal,
    ...(stack !== undefined ? { stack } : {}),
    ...((own ?? found) !== undefined ? { actions: [...(own ?? found)!] } : {}),
    ...(resource !== undefined ? { resource } : {}),
    ...(f.grants !== undefined ? { grants: f.grants } : {}),
    ...(a.expires !== undefined ? { expires: a.expires } : {}),
    reason,
  };
}

/**
 * The reason of an entry suggested for a finding that changed since its review: empty, which the config's validation
 * refuses (and says why), so a pasted entry covers nothing until a reviewer has written why it is acceptable now.
 */
const STALE_REASON = "";

const SHOWN = 4;

function someOf(actions: readonly string[]): string {
  return actions.length <= SHOWN ? actions.join(", ") : `${actions.slice(0, SHOWN).join(", ")} and ${actions.length - SHOWN} more`;
}

/**
 * A finding an acknowledgement was written for, which now reports actions it does not accept: the rights grew after
 * the review. It stays unacknowledged, and says which acknowledgement no longer covers it and why.
 */
function withOutgrown(f: Finding, ack: Acknowledgement): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const accepted = someOf(ack.actions ?? []);
  const extra = someOf(unacceptedActions(ack, f));
  // A configuration finding has no action to name: say why a list of actions does not reach it.
  const configuration = f.actions.length === 0;
  const why = configuration
    ? `this finding is about the principal's configuration and reports no actions, which only an acknowledgement without "actions" (or with "*") covers.`
    : `this finding also reports ${extra}, so it is not covered.`;
  const not = configuration ? "a finding that reports no actions" : extra;
  return {
    ...f,
    message: `${f.message} The acknowledgement of ${ack.ruleId} for ${ack.principal} in ${source} accepts ${accepted} only; ${why}`,
    evidence: [...f.evidence, { step: "acknowledgement", address: ack.principal, detail: `${source} accepts ${accepted}; not ${not}` }],
  };
}

/** The policies other than `arn` that the finding's granting steps name, each once, in the order of the steps. */
function otherGrants(arn: string, f: Finding): string[] {
  const out: string[] = [];
  for (const e of f.evidence.slice(1)) {
    if (NEVER_GRANTING.has(e.step) || CHAIN_STEPS.has(e.step)) continue;
    const named = e.attaches !== undefined ? [e.attaches] : e.statements?.length ? e.statements.map((s) => s.policy) : DESCRIBING.has(e.step) ? [] : [e.address];
    for (const p of named) if (p !== arn && !out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * A finding an acknowledgement of an AWS managed policy's ARN was written for, which another policy now grants too:
 * it stays unacknowledged, and says which acknowledgement covers only part of it, and the two ways to settle it.
 */
function withPartCovered(f: Finding, ack: Acknowledgement): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const arn = ack.resource!;
  const list = otherGrants(arn, f);
  // A grant blastwall names by no policy (fail closed) is still another grant.
  const others = list.length > 0 ? someOf(list) : "a grant no policy is named for";
  return {
    ...f,
    message:
      `${f.message} The acknowledgement of ${ack.ruleId} for ${ack.principal} in ${source} is written for ${arn}, which grants only part of this finding: ` +
      `${others} grant${list.length > 1 ? "" : "s"} the rest, so it is not covered. Either review the whole finding and acknowledge it as it is now ` +
      `("resource": ${JSON.stringify(f.resource)}, with "actions" listing the rights reviewed), or remove the other grant: the finding is then that policy's ` +
      `alone, located at the block that attaches it, and the acknowledgement of ${arn} covers it again (write that block's address as "resource" instead of the ARN).`,
    evidence: [...f.evidence, { step: "acknowledgement", address: ack.principal, detail: `${source} acknowledges ${arn}, which grants only part of this finding; not what ${others} grant${list.length > 1 ? "" : "s"}` }],
  };
}

/**
 * The findings acknowledgements written in the checked configuration (`acknowledge()`, a `"//"` block in any
 * `*.tf.json`) are about, when the config does not set `acknowledgementsInCode: true`: none is covered, since stack
 * code is what an agent edits and an agent could acknowledge its own destroy right there (red-team round 119). Each
 * says which block carried the acknowledgement, its reason, and how to keep it, so a reviewer is not left wondering
 * why an acknowledged finding still fails. The way to keep it is the whole entry to paste into blastwall.json: one
 * naming only the rule and principal accepted every action of the rule, for ever, in every stack (red-team round 125).
 */
export function refusedInCode(findings: readonly Finding[], inCode: readonly Acknowledgement[], stack: string | undefined, now: Date): Finding[] {
  if (inCode.length === 0) return findings as Finding[];
  return findings.map((f) => {
    const about = inCode.filter((a) => isAbout(a, f));
    if (about.length === 0) return f;
    const named = about.map((a) => `${a.source ?? "in code"}, reason ${JSON.stringify(a.reason)}`).join("; ");
    const one = about.length === 1;
    const entries = about.map((a) => pinnedEntry(a, f, stack));
    const paste = one ? JSON.stringify(entries[0]) : JSON.stringify(entries);
    const it = one ? "this entry" : "these entries";
    // Pasted as it is, an expired entry covers nothing and fails as acknowledgement-expired: its expiry is the one
    // field a reviewer must write anew rather than copy.
    const lapsed = [...new Set(about.filter((a) => isExpired(a, now)).map((a) => a.expires))];
    const renew = lapsed.length === 0 ? "" : ` (expired on ${lapsed.join(", ")}: write a later "expires" the reviewers agree, or the entry covers nothing and fails as acknowledgement-expired)`;
    // An exemption's acknowledgement goes with the exemption, which opens the boundary: without it allow() refuses the
    // right and synth fails, so "remove it from the stack code" was advice that could not be followed.
    const exemption = about.every((a) => EXEMPTION_REASON.test(a.reason));
    const keep = exemption
      ? `The acknowledgement comes from boundaryExemptions: keep the exemption in the stack code (without it, allow() refuses the right and synth fails) ` +
        `and add ${it} to "acknowledgements" in blastwall.json (reviewed through CODEOWNERS): ${paste}${renew}`
      : `To keep the acknowledgement, add ${it} to "acknowledgements" in blastwall.json (reviewed through CODEOWNERS), ` +
        `bound to this finding's actions, resource and grants digest as they are now (review them first), and with the expiry and stack it had: ${paste}${renew}, and remove it from the stack code`;
    return {
      ...f,
      message:
        `${f.message} ${one ? "An acknowledgement" : `${about.length} acknowledgements`} of ${f.ruleId} in the stack code (${named}) ${one ? "is" : "are"} not honoured: ` +
        `blastwall honours acknowledgements in stack code only when the config sets "acknowledgementsInCode": true, ` +
        `because stack code is what an AI agent edits, and an agent could acknowledge its own rights there.`,
      fix: `${f.fix} ${keep}; or, if the stack code gets the same protected review, set "acknowledgementsInCode": true in the config.`,
      evidence: [
        ...f.evidence,
        ...about.map((a) => ({
          step: "acknowledgement",
          address: f.principal,
          detail: `not honoured (the config does not set acknowledgementsInCode: true): ${a.source ?? "in code"}; as a blastwall.json entry: ${JSON.stringify(pinnedEntry(a, f, stack))}`,
        })),
      ],
    };
  });
}

/** Rule id of the warning raised when an acknowledgement without `stack` covers findings in more than one stack. */
export const ACKNOWLEDGEMENT_UNSCOPED = "acknowledgement-unscoped";

/** A finding about an acknowledgement itself: at its address, with the first covered finding's actions and file. */
function aboutAcknowledgement(
  ack: Acknowledgement,
  covered: readonly Finding[],
  f: { ruleId: string; severity: Finding["severity"]; detail: string; message: string; fix: string },
): Finding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    principal: ack.principal,
    resource: ack.principal,
    actions: covered[0]?.actions ?? [],
    evidence: [{ step: "acknowledgement", address: ack.principal, detail: f.detail }],
    message: f.message,
    fix: f.fix,
    file: covered[0]?.file ?? ack.source ?? DEFAULT_ACK_SOURCE,
  };
}

const findingsText = (n: number) => `${n} finding${n === 1 ? "" : "s"}`;

/**
 * Stacks built from the same code share Terraform addresses: an acknowledgement written for staging's role also
 * covers prod's. When one without `stack` covered findings in several stacks, say so, and in which.
 */
export function unscopedFinding(ack: Acknowledgement, stacks: readonly string[], covered: readonly Finding[]): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const list = stacks.map((s) => `"${s}"`).join(", ");
  return aboutAcknowledgement(ack, covered, {
    ruleId: ACKNOWLEDGEMENT_UNSCOPED,
    severity: "warning",
    detail: `${ack.ruleId} acknowledged in ${source} without "stack"; it covered findings in ${stacks.length} stacks: ${list}`,
    message:
      `The acknowledgement of ${ack.ruleId} for ${ack.principal} (${source}) names no stack, so it holds in every stack checked: ` +
      `it covered ${findingsText(covered.length)} in ${list}. The same address in another stack is another principal.`,
    fix: `Add "stack": "<name>" to the acknowledgement for each stack it is meant for (one entry per stack).`,
  });
}

/** Rule id of the warning raised when an acknowledgement without `grants` covers findings. */
export const ACKNOWLEDGEMENT_UNPINNED = "acknowledgement-unpinned";

/**
 * An acknowledgement without `grants` covers its findings whatever grants them now: a condition dropped or a second
 * policy granting the same action stays covered (red-team round 141). It still holds, as it did, and a warning names
 * the digests to pin it to, with the entries to paste. `stackOf` says which stack each covered finding is of: an entry
 * names it, one per stack, so the entry is never wider than what it covered (the same address in another stack is
 * another principal, red-team round 144, L1).
 */
export function unpinnedFinding(ack: Acknowledgement, covered: readonly Finding[], stackOf?: (f: Finding) => string | undefined): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const digests = [...new Set(covered.map((f) => f.grants).filter((g): g is string => g !== undefined))];
  const inCode = source.startsWith("construct ");
  const entries = [...new Set(covered.filter((f) => f.grants !== undefined).map((f) => JSON.stringify(pinnedEntry(ack, f, ack.stack ?? stackOf?.(f)))))];
  const how = digests.length === 0
    ? `limit it with "actions" and "resource" (blastwall has no digest for ${covered.length === 1 ? "this finding" : "these findings"})`
    : inCode
    ? digests.length === 1
      ? `add grants: ${JSON.stringify(digests[0])} to the acknowledge() call (or the "//" entry) of ${source}`
      : `write one acknowledge() call per finding, each with its grants (${digests.map((g) => JSON.stringify(g)).join(", ")}), in place of the one of ${source}`
    : `replace the entry in ${source} with ${entries.length === 1 ? "this one" : `these ${entries.length} (one per finding${ack.stack === undefined && new Set(covered.map((f) => stackOf?.(f))).size > 1 ? " and stack" : ""})`}: ${entries.length === 1 ? entries[0] : `[${entries.join(", ")}]`}`;
  // Located where the principal is written (HCL: its .tf file and line), as the findings it covered are.
  const location = covered.flatMap((f) => f.evidence).find((e) => e.address === ack.principal && e.location !== undefined)?.location;
  const f = aboutAcknowledgement(ack, covered, {
    ruleId: ACKNOWLEDGEMENT_UNPINNED,
    severity: "warning",
    detail: `${ack.ruleId} acknowledged in ${source} without "grants"; it covered ${findingsText(covered.length)} (grants ${digests.join(", ") || "none"})`,
    message:
      `The acknowledgement of ${ack.ruleId} for ${ack.principal} (${source}) has no "grants", so it is not pinned to what was reviewed: ` +
      `it covered ${findingsText(covered.length)}, and keeps covering ${covered.length === 1 ? "it" : "them"} whatever changes in what ${covered.length === 1 ? "it is" : "they are"} about: ` +
      `a statement widened (a condition dropped, a Resource set to "*", a Deny or the permission boundary loosened), another policy granting the same right, a module's source, version or inputs replaced.`,
    fix: `Review what each finding's path names, then ${how}. The acknowledgement then covers a finding only while what grants it hashes to that digest.`,
  });
  return location === undefined ? f : { ...f, evidence: f.evidence.map((e) => ({ ...e, location })) };
}

/**
 * The error for an expired acknowledgement. `named` are the findings it was written for (see `writtenFor`), whether
 * or not it would still cover them: one that outgrew its actions is still a finding it is about.
 */
/**
 * How an acknowledgement written by a construct's `boundaryExemptions` ends its reason: `(boundaryExemptions of PATH)`.
 * Its expiry is renewed on the construct, and until then the boundary still leaves the action open.
 */
export const EXEMPTION_REASON = /\(boundaryExemptions of ([^()]+)\)$/;

export function expiredFinding(ack: Acknowledgement, named: readonly Finding[]): Finding {
  const source = ack.source ?? DEFAULT_ACK_SOURCE;
  const readable = expiryInstant(ack.expires ?? "") !== undefined;
  const when = readable ? `expired on ${ack.expires}` : `has an unreadable expiry date ${JSON.stringify(ack.expires)}`;
  const scope = named.length > 0 ? `it no longer covers ${findingsText(named.length)}` : "it matches no finding any more";
  return aboutAcknowledgement(ack, named, {
    ruleId: ACKNOWLEDGEMENT_EXPIRED,
    severity: "error",
    detail: `${ack.ruleId} acknowledged in ${source} because "${ack.reason}"; ${when}`,
    message: `The acknowledgement of ${ack.ruleId} for ${ack.principal} (${source}) ${when}; ${scope}.`,
    fix: readable
      ? EXEMPTION_REASON.test(ack.reason)
        ? `The exemption lapsed, but the boundary still leaves the action to the role's policies: renew boundaryExemptions[].expires of ${EXEMPTION_REASON.exec(ack.reason)![1]} with a current reason, or remove the exemption and the allow() that grants it.`
        : "Fix what the finding reports, or renew the acknowledgement with a later expires date and a current reason; delete it if it matches nothing."
      : "Write expires as YYYY-MM-DD or an ISO date-time with an offset (2025-06-30T12:00:00Z).",
  });
}

export type SeverityOverride = "error" | "warning" | "off";

/** Per-rule severities from the config: `error`/`warning` replace the rule's severity, `off` drops its findings. */
export function applySeverity(
  findings: readonly Finding[],
  overrides: Readonly<Record<string, SeverityOverride | undefined>>,
): Finding[] {
  if (Object.keys(overrides).length === 0) return findings as Finding[];
  const out: Finding[] = [];
  for (const f of findings) {
    const o = Object.prototype.hasOwnProperty.call(overrides, f.ruleId) ? overrides[f.ruleId] : undefined;
    if (o === "off") continue;
    out.push(o && o !== f.severity ? { ...f, severity: o } : f);
  }
  return out;
}
