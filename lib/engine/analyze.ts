import type { BlastwallConfig } from "./config-types";
import { declareOrganisationIssuers } from "./organisation-issuers";
import { linkRootCauses } from "./root-causes";
import { ACK_ACTION, GRANTS_DIGEST, IN_CODE_ACK_KEYS, type Acknowledgement, type Finding, type FindingDraft } from "./findings";
import type { Rule } from "./rule";
import type { EffectiveRights, PrincipalNode, StackAnalysis } from "./analysis-types";
import type { PolicyDocument, Statement } from "./iam/types";
import { AddressMap, type TfResource, type TfStack } from "./terraform/types";
import { rolesOfMarked } from "./agent-marks";
import { recordJudgedAgents } from "./judged-agents";
import { agentSelector, outsideAgentSelector } from "./agents";
import { collectPrincipals } from "./principals/collect";
import type { OutsideAgentTest } from "./principals/outsiders";
import { effectiveRights } from "./iam/evaluate";
import { parsePolicyJson } from "./iam/policy-json";
import { loadCatalogue } from "./catalogue";
import { resolveManagedPolicy } from "./managed-policies";
import { actionUniverse } from "./universe";
import { withAccessPointBuckets } from "./s3-access-points";
import { withRegionNotes } from "./region-notes";
import { unknownOwnRegion } from "./terraform/providers";
import { ALSO_NOT_RELIED_ON, notReliedReason, SETTABLE_SAYS, TEXT_INJECTION } from "./terraform/settable-providers";
import { LITERAL_ACTION_AGAINST_VARIABLE, LITERAL_AGAINST_REFERENCE, LITERAL_AGAINST_VARIABLE, settableForms } from "./terraform/settable-forms";
import { MIN_REASON, nearestKey, visibleLength } from "./text";
import { placeholderReason } from "./reason";
import { ReachGraphTooLarge } from "./reach/graph-limit";
import { REACH_LIMIT_META, reachLimitFindings } from "../rules/reach-limit";

const managedCache = new Map<string, PolicyDocument | undefined>();

/** AWS managed policies by ARN, parsed once per process. */
export function managedPolicyDocument(arn: string): PolicyDocument | undefined {
  if (managedCache.has(arn)) return managedCache.get(arn);
  const hit = resolveManagedPolicy(arn);
  const doc = hit
    ? parsePolicyJson({ Version: "2012-10-17", Statement: hit.statements }, { address: arn })
    : undefined;
  managedCache.set(arn, doc);
  return doc;
}

/** Told each principal outside the stack that the stack names, as `OutsideAgentTest` is asked about it, and its answer. */
export type OutsideAsked = (...args: [...Parameters<OutsideAgentTest>, ReturnType<OutsideAgentTest>]) => void;

/** Builds the principal graph of a stack; effective rights are computed lazily, once per principal. */
export function buildAnalysis(stack: TfStack, config: BlastwallConfig, observe?: { outsideAsked?: OutsideAsked }): StackAnalysis {
  // The issuers the config vouches for are read wherever an issuer is judged, all of which see only the stack.
  declareOrganisationIssuers(stack, config.organisationIssuers);
  const test = outsideAgentSelector(config, stack.peerAgents);
  const asked = observe?.outsideAsked;
  const selector = agentSelector(config, stack);
  const collect = (isAgent: (r: TfResource) => string | undefined, tell: OutsideAsked | undefined) =>
    collectPrincipals(stack, {
      isAgent,
      isOutsideAgent: tell
        ? (kind, literal, accounts, peersOnly) => {
            const verdict = test(kind, literal, accounts, peersOnly);
            tell(kind, literal, accounts, peersOnly, verdict);
            return verdict;
          }
        : test,
      managed: managedPolicyDocument,
    });
  // The observer hears the reading that stands: the first is read again when a marked resource makes its role an agent.
  const heard: Parameters<OutsideAsked>[] = [];
  let collected = collect(selector, asked ? (...args) => heard.push(args) : undefined);
  const first = analysisOf(stack, collected);
  // A function, task or instance marked as the agent runs as a role of the stack: that role is judged as the agent.
  const promoted = rolesOfMarked(stack, config, first);
  if (promoted.size === 0) {
    for (const args of heard) asked!(...args);
    return first;
  }
  collected = collect((r) => selector(r) ?? promoted.get(r.address), asked);
  return analysisOf(stack, collected);
}

function analysisOf(stack: TfStack, collected: ReturnType<typeof collectPrincipals>): StackAnalysis {
  const { principals, unresolved, ambiguous } = collected;
  const byAddress = new AddressMap<PrincipalNode>(principals.map((p) => [p.address, p]));
  const universe = actionUniverse();
  const cache = new Map<string, EffectiveRights>();
  // A Deny naming literally what an Allow names by reference to a resource whose name `-var` may set closes nothing.
  const settableForm = settableForms(stack);
  return {
    principals,
    byAddress,
    agents: principals.filter((p) => p.isAgent),
    unresolved,
    ...(ambiguous.length > 0 ? { ambiguous } : {}),
    rightsOf(address) {
      let r = cache.get(address);
      if (!r) {
        const p = byAddress.get(address);
        if (!p) throw new Error(`blastwall: no principal ${address} in ${stack.file}`);
        r = effectiveRights({
          principal: address,
          identity: identityStatements(p),
          boundary: p.boundary?.document.statements,
          universe,
          settableForm,
        });
        // A grant through an S3 access point is one on the bucket behind it: every check matching grants to buckets sees it.
        r = withAccessPointBuckets(stack, r);
        cache.set(address, r);
      }
      return r;
    },
  };
}

/** A principal's identity statements in order; most principals have one policy, whose own list serves (read only). */
function identityStatements(p: PrincipalNode): readonly Statement[] {
  const policies = p.identityPolicies;
  if (policies.length === 1) return policies[0].document.statements;
  return policies.flatMap((a) => a.document.statements);
}

export interface AnalyzeOptions {
  readonly config: BlastwallConfig;
  readonly rules: readonly Rule[];
  readonly strict?: boolean;
  /** Edges a reach graph may hold (reach/graph-limit.ts). @default MAX_REACH_EDGES */
  readonly maxReachEdges?: number;
}

/** Runs every rule over one stack. Acknowledgements and severity overrides are applied by the caller. */
export function analyzeStack(stack: TfStack, opts: AnalyzeOptions): { findings: Finding[]; analysis: StackAnalysis } {
  loadCatalogue();
  const analysis = buildAnalysis(stack, opts.config);
  recordJudgedAgents(stack, analysis.agents.map((a) => a.address));
  const ctx = { stack, analysis, config: opts.config, strict: opts.strict ?? opts.config.strict ?? false, maxReachEdges: opts.maxReachEdges };
  const findings: Finding[] = [];
  const located = stack.resources.length > 0 && stack.resources[0].location !== undefined;
  // Most stacks hold no resource whose region the notes speak of: then no finding's evidence is read for one (asked
  // per finding, each of 23,000 findings made a set and a copy of its evidence).
  const regions = notesRegions(stack);
  const record = (rule: Rule, d: FindingDraft): void => {
    const constructPath = d.constructPath ?? (stack.byAddress.get(d.principal) ?? stack.byAddress.get(d.resource))?.constructPath;
    const at = d.resource !== d.principal ? stack.byAddress.get(d.resource)?.constructPath : undefined;
    const resourceConstructPath = at !== constructPath ? at : undefined;
    const evidence = located ? withLocations(stack, d.evidence) : d.evidence;
    // One object shape for every finding: large stacks produce thousands, and every later pass reads them.
    const f: Finding = {
      ruleId: rule.meta.id,
      severity: d.severity ?? rule.meta.severity,
      principal: d.principal,
      resource: d.resource,
      actions: d.actions,
      evidence: regions ? withRegionNotes(stack, evidence) : evidence,
      message: d.message,
      fix: withSettableDenyNote(withWarningNote(d.fix ?? rule.meta.fix, d.severity, rule.meta), d.evidence),
      file: stack.file,
      constructPath,
      resourceConstructPath,
      acknowledged: d.acknowledged,
    };
    findings.push(f);
  };
  // A reach graph larger than blastwall builds stops every rule that reads it, each keeping nothing of what it found so
  // far; the rules that finished read none of it that was cut short. Then every agent reaches everything (reach-limit.ts).
  let tooLarge: { error: ReachGraphTooLarge } | undefined;
  for (const rule of opts.rules) {
    let drafts: readonly FindingDraft[];
    try {
      drafts = rule.check(ctx);
    } catch (e) {
      if (!(e instanceof ReachGraphTooLarge)) throw e;
      tooLarge ??= { error: e };
      continue;
    }
    for (const d of drafts) record(rule, d);
  }
  if (tooLarge) {
    const rule: Rule = { meta: REACH_LIMIT_META, check: () => [] };
    for (const d of reachLimitFindings(analysis, tooLarge.error)) record(rule, d);
  }
  // A finding that only stands because a policy cannot be read says so, and names the policy to fix first.
  return { findings: linkRootCauses(findings), analysis };
}

/**
 * Whether `withRegionNotes` may note anything in this stack: it notes only a resource it finds in `byAddress` whose own
 * region blastwall cannot read, and every resource it can find there is one of the map's values.
 */
function notesRegions(stack: TfStack): boolean {
  for (const r of stack.byAddress.values()) if (unknownOwnRegion(r) !== undefined) return true;
  return false;
}

/**
 * A finding that stands because a Deny of the stack is not relied on only as `-var` can change it (red-team round 163b,
 * F9) says so first: denying it again where it already is denied changes nothing, writing what the Deny depends on
 * without that variable (or giving the variable with --var-file) does.
 */
function withSettableDenyNote(fix: string, evidence: FindingDraft["evidence"]): string {
  const steps = evidence.filter((e) => e.step === "deny-not-relied-on" && e.detail.includes(SETTABLE_SAYS));
  if (steps.length === 0) return fix;
  const vars = [...new Set(steps.flatMap((e) => [...e.detail.matchAll(/\bvar\.[A-Za-z_][\w-]*/g)].map((m) => m[0])))].sort();
  const where = [...new Set(steps.map((e) => e.address))].join(", ");
  const named = vars.length === 0 ? "a root variable" : vars.length === 1 ? vars[0] : `${vars.slice(0, -1).join(", ")} and ${vars[vars.length - 1]}`;
  // Each variable named once (red-team round 166, F2): two of them are "those variables".
  const that = vars.length > 1 ? "those variables" : "that variable";
  const given = vars.length > 1 ? "the variables" : "the variable";
  // A Deny written literally against an Allow by reference (red-team round 163b, F3): the Deny holds no variable.
  if (steps.every((e) => e.detail.includes(LITERAL_AGAINST_REFERENCE))) {
    return (
      `The Deny in ${where} is not relied on because it names literally what the Allow names by reference to a resource whose name depends on ${named}, which -var can change (see the deny-not-relied-on step): ` +
      `write the Deny's Resource with the same reference, or with a pattern that covers any name, write the resource's name without that variable, ` +
      `or give the variable with --var-file so blastwall reads the deploy's value, and it counts. Otherwise: ${fix}`
    );
  }
  // A Deny's Action written literally against an Allow that writes its action with the variable (`s3:${var.op}`).
  if (steps.every((e) => e.detail.includes(LITERAL_ACTION_AGAINST_VARIABLE))) {
    return (
      `The Deny in ${where} is not relied on because it names literally an action the Allow writes with ${named}, which -var can change (see the deny-not-relied-on step): ` +
      `write the Deny's Action with a pattern that covers every value the variable may take (s3:* for s3:\${var.op}), write the Allow's Action without ${that}, ` +
      `or give ${given} with --var-file so blastwall reads the deploy's value, and it counts. Otherwise: ${fix}`
    );
  }
  // A Deny written literally against an Allow that writes its own resource with the variable (`arn:aws:s3:::${var.bucket}`).
  if (steps.every((e) => e.detail.includes(LITERAL_AGAINST_VARIABLE) || e.detail.includes(LITERAL_AGAINST_REFERENCE))) {
    return (
      `The Deny in ${where} is not relied on because it names literally what the Allow writes with ${named}, which -var can change (see the deny-not-relied-on step): ` +
      `write the Deny's Resource with a pattern that covers every value the variable may take, write the Allow's resource without ${that}, ` +
      `or give ${given} with --var-file so blastwall reads the deploy's value, and it counts. Otherwise: ${fix}`
    );
  }
  // A policy text `-var` can write JSON into (red-team round 174): the variable may stay, written through jsonencode().
  if (steps.every((e) => e.detail.includes(TEXT_INJECTION) && !e.detail.includes(ALSO_NOT_RELIED_ON))) {
    return (
      `The Deny in ${where} is not relied on because its policy is JSON text into which ${named} is written verbatim, so -var can write JSON into it (see the deny-not-relied-on step): ` +
      `build the policy with jsonencode() or the aws_iam_policy_document data source, which escape the value, ` +
      `or give ${given} with --var-file so blastwall reads the deploy's value, and it counts. Otherwise: ${fix}`
    );
  }
  // Where the variable is (red-team round 165, F7): the attachment's count, the exclusive list, the role's name, not
  // necessarily the resource holding the Deny.
  const holders = [...new Set(steps.flatMap((e) => settableHolders(e.detail)))];
  const through = holders.length > 0 ? `, through ${holders.join(" and ")}` : "";
  const write = holders.length > 0 ? holders.join(" and ") : "the Deny's statement, its count and what attaches it";
  // A Deny not relied on for another reason as well (a Condition): the deploy's value would not make it count.
  if (steps.some((e) => e.detail.includes(ALSO_NOT_RELIED_ON))) {
    return (
      `The Deny in ${where} is not relied on because it depends on ${named}, which -var can change${through}, and for another reason as well (see the deny-not-relied-on step): ` +
      `writing ${write} without ${that}, or giving ${given} with --var-file, does not make it count alone. Otherwise: ${fix}`
    );
  }
  return (
    `The Deny in ${where} is not relied on because it depends on ${named}, which -var can change${through} (see the deny-not-relied-on step): ` +
    `write ${write} without ${that} (literally or by reference; the variable may stay in other statements of the Deny's policy), ` +
    `or give ${given} with --var-file so blastwall reads the deploy's value, and it counts. Otherwise: ${fix}`
  );
}

/**
 * What a deny-not-relied-on step says depends on a variable: "X's count", "X's policy_names", "the module instance
 * holding X" (settable-providers.ts `settableDenyMark`, collect.ts's exclusive lists and literal names).
 */
function settableHolders(detail: string): string[] {
  const why = notReliedReason(detail);
  const out: string[] = [];
  for (const m of why.matchAll(/(\S+)'s ((?:[\w]+(?:, )?)+) depends? on /g)) out.push(`${m[1]}'s ${m[2]}`);
  for (const m of why.matchAll(/(\S+) may not exist,(?: or may differ,)? as the module instance holding it depends on /g)) out.push(`the module call of ${m[1]}`);
  return out;
}

/** Where an acknowledgement, with its reason, is written. */
const ACKNOWLEDGED_IN = "blastwall.json acknowledgements, or acknowledge() next to the construct when the config sets acknowledgementsInCode: true";

/**
 * A fix that already says when to acknowledge the finding (a chain's "if the route is intended", an authorizer whose
 * code was reviewed): the verb, not the `acknowledgements` key or the `acknowledge()` call the note itself names.
 */
const SAYS_ACKNOWLEDGE = /\backnowledge[ds]?\b(?!\()/i;

/**
 * A finding an error rule reports as a warning (the catalogue grades its actions so, or a chain holds only through a
 * weak link) does not fail the gate: its fix says so, and how to keep the right on the record rather than leave it
 * unexplained. Said once: where the fix already tells the reader to acknowledge (with its own condition, which fits the
 * finding better than "if the agent needs the right"), the note adds only where the reason goes.
 */
function withWarningNote(fix: string, severity: Finding["severity"] | undefined, meta: Rule["meta"]): string {
  if (severity !== "warning" || meta.severity !== "error") return fix;
  const warning = `${fix} This finding is a warning: it does not fail the gate.`;
  // A rule about the input (what blastwall could not read or judge) holds no right to keep on the record.
  if (meta.category === "input") return warning;
  if (SAYS_ACKNOWLEDGE.test(fix)) return `${warning} The acknowledgement's reason goes in ${ACKNOWLEDGED_IN}, so reviewers see why.`;
  return `${warning} If the agent needs the right, acknowledge the finding with a reason (${ACKNOWLEDGED_IN}) so reviewers see why.`;
}

/** HCL input knows where each block is written: evidence then points at `file:line`. */
function withLocations(stack: TfStack, evidence: FindingDraft["evidence"]): FindingDraft["evidence"] {
  if (!evidence.some((e) => e.location === undefined && stack.byAddress.get(e.address)?.location)) return evidence;
  return evidence.map((e) => {
    const at = e.location ?? stack.byAddress.get(e.address)?.location;
    return at ? { ...e, location: at } : e;
  });
}

/**
 * Acknowledgements given in code next to a construct travel in the synthesized JSON, under
 * `"//": { "blastwall": { "acknowledgements": [...] } }` of the resource, so `blastwall check` sees the same ones.
 * Any `*.tf.json` can write that block, so each one's `source` names the file (and line) that carried it, after the
 * construct path or address: `construct app/coder in infra/zz_override.tf.json:1`. Whether they count is the
 * caller's decision (the config's `acknowledgementsInCode`).
 */
export function inCodeAcknowledgements(stack: TfStack, skipped?: (note: string) => void): Acknowledgement[] {
  const out: Acknowledgement[] = [];
  // Module blocks carry them too (a module blastwall cannot read is a finding on the block).
  // (Both lists walked in place: a stack of 20,000 resources is not copied to read the few that carry any.)
  // Provider blocks too, for a credential written into one (credential-in-source): `provider.aws`, `provider.aws.prod`.
  const providers = [...(stack.providers ?? [])].filter(([, body]) => body["//"] !== undefined).map(([key, values]) => ({ address: `provider.${key}`, values }));
  type Carrier = { readonly address: string; readonly values: Readonly<Record<string, unknown>>; readonly constructPath?: string; readonly location?: string; readonly metadataLocation?: string };
  const carriers: readonly (readonly Carrier[])[] = [stack.resources, stack.modules ?? [], providers];
  for (const list of carriers) for (const r of list) {
    const meta = r.values["//"] as { blastwall?: Record<string, unknown> } | undefined;
    const block = meta?.blastwall;
    const where = () => `construct ${r.constructPath ?? r.address} in ${carrierFile(stack, r)}`;
    // blastwall writes only `acknowledgements` there: any other key (`acknowledgment`) is a hand-written one it would
    // not read, said so rather than dropped.
    if (block !== null && typeof block === "object" && !Array.isArray(block)) {
      for (const k of Object.keys(block).filter((k) => k !== "acknowledgements")) {
        const near = nearestKey(k, ["acknowledgements"]);
        skipped?.(
          `warning: the "//" block of ${r.address} (${where()}) has "blastwall" key ${JSON.stringify(k)}, which blastwall does not read` +
            `${near ? ` (did you mean ${near}?)` : ""}: what it holds acknowledges nothing; in-code acknowledgements go in "//": { "blastwall": { "acknowledgements": [...] } }.`,
        );
      }
    }
    const acks = block?.acknowledgements;
    if (acks === undefined) continue;
    if (!Array.isArray(acks)) {
      skipped?.(`warning: the "//" block of ${r.address} (${where()}) has "blastwall.acknowledgements" that is not a list, so it acknowledges nothing; write a list of entries.`);
      continue;
    }
    (acks as Record<string, unknown>[]).forEach((a, i) => {
      // Hand-written JSON can carry what acknowledge() refuses: the entry is then no acknowledgement, and a note says
      // why, as blastwall.json refuses the same mistake by name (red-team round 141, F9). The finding it meant stays.
      const drop = (why: string) =>
        skipped?.(
          `warning: the acknowledgement ${JSON.stringify(typeof a?.ruleId === "string" ? a.ruleId : `#${i}`)} in the "//" block of ${r.address} (${where()}) ${why}, ` +
            `so it is no acknowledgement and covers nothing; acknowledge() reads only ${IN_CODE_ACK_KEYS.join(", ")}.`,
        );
      if (a === null || typeof a !== "object" || Array.isArray(a)) return drop("is not an object");
      // An acknowledgement travels on the resource it was given for and covers that resource only, with a reason
      // a reader can see: anything else in the JSON (another principal, an empty reason) is not one.
      if (typeof a.reason !== "string" || visibleLength(a.reason) < MIN_REASON) return drop(`has no reason of at least ${MIN_REASON} visible characters`);
      // acknowledge() refuses a placeholder reason; JSON edited by hand is held to the same.
      const placeholder = placeholderReason(a.reason);
      if (placeholder !== undefined) return drop(`has the reason ${JSON.stringify(a.reason)}, a placeholder (${placeholder}) rather than who accepted what and why`);
      // JSON edited by hand may carry keys acknowledge() refuses (`action`, `expiry`, `principal`): what its author
      // meant by them is not read, so the entry is not taken as a wider or lasting acknowledgement either.
      const unknown = Object.keys(a).find((k) => !IN_CODE_ACK_KEYS.includes(k));
      if (unknown !== undefined) {
        const near = nearestKey(unknown, IN_CODE_ACK_KEYS);
        return drop(`has the key ${JSON.stringify(unknown)}, which blastwall does not read${near ? ` (did you mean ${near}?)` : ""}`);
      }
      // A limit that cannot be read is not widened to no limit: the acknowledgement is not one. An item the config
      // schema would refuse (`DeleteVolume`, `ec2 :Delete*`) is such a limit too.
      const actions = a.actions as unknown;
      if (actions !== undefined && !(Array.isArray(actions) && actions.length > 0 && actions.every((x) => typeof x === "string" && ACK_ACTION.test(x)))) {
        return drop(`has "actions" ${JSON.stringify(actions)}, which is not a list of IAM action names or globs such as ec2:DeleteSnapshot`);
      }
      if (a.resource !== undefined && typeof a.resource !== "string") return drop(`has "resource" ${JSON.stringify(a.resource)}, which is not one Terraform address`);
      // A pin that cannot be read pins to nothing: not an acknowledgement either.
      if (a.grants !== undefined && !(typeof a.grants === "string" && GRANTS_DIGEST.test(a.grants))) {
        return drop(`has "grants" ${JSON.stringify(a.grants)}, which is not a digest a finding reports (16 hex digits)`);
      }
      out.push({
        ruleId: String(a.ruleId),
        principal: r.address,
        reason: String(a.reason ?? ""),
        // An expiry that is not a string is unreadable, not absent: it must expire (fail closed), not hold for ever.
        // As JSON text it can never read as a date (`20270101`, `null`, `["2027-01-01"]`), and the error shows it.
        expires: a.expires === undefined ? undefined : typeof a.expires === "string" ? a.expires : JSON.stringify(a.expires),
        source: where(),
        ...(actions !== undefined ? { actions: actions as string[] } : {}),
        ...(typeof a.resource === "string" ? { resource: a.resource } : {}),
        ...(typeof a.grants === "string" ? { grants: a.grants } : {}),
      });
    });
  }
  return out;
}

/**
 * The file a reviewer opens to find an in-code acknowledgement: in an HCL folder the block that wrote the `"//"` (an
 * override file's, else the resource's own), relative to the folder; else the JSON file read.
 */
function carrierFile(stack: TfStack, r: { readonly location?: string; readonly metadataLocation?: string }): string {
  const at = r.metadataLocation ?? r.location;
  return at === undefined ? stack.file : `${stack.file.replace(/[\\/]+$/, "")}/${at}`;
}
