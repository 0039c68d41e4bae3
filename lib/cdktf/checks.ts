import type { IConstruct } from "constructs";
import { existsSync } from "fs";
import { join, resolve } from "path";
import type { BlastwallConfig } from "../engine/config-types";
import type { Finding } from "../engine/findings";
import type { Rule } from "../engine/rule";
import { buildStack } from "../engine/terraform/stack";
import { markSettableByVariables } from "../engine/terraform/settable-providers";
import type { TfStack } from "../engine/terraform/types";
import { checkStacks } from "../check/run-check";
import { writtenCredentials } from "../engine/reach/credentials";
import { writtenSecrets } from "../engine/reach/written-secrets";
import type * as PeerStacks from "../check/peer-stacks";
import type { RunMemo } from "../check/peer-stacks";
import type * as PeerResources from "../check/peer-resources";
import type * as Modules from "./modules";
import { lazy } from "../engine/lazy";
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from "../config/load-config";
import { canonicalJson } from "../plan/canonical-json";
import { nearestKey } from "../engine/text";
import { renderFinding as renderOne } from "../report/text";
import { findingLocation } from "../report/summarize";
import { allRules } from "../rules";
import { INHERIT_FROM_APP, installAppGuard, type Aspect } from "./app-guard";
import { framework } from "./framework";
import { holdsIam, mayHoldApprovalPolicy, mayHoldRemovals } from "./remover-stacks";

installAppGuard();

// Only a stack that reads other stacks (a remote state) needs them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const peerStacks = lazy(() => require("../check/peer-stacks") as typeof PeerStacks);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const peerResources = lazy(() => require("../check/peer-resources") as typeof PeerResources);

/** What the gate needs of a stack: the TerraformStack of cdktf and of CDK Terrain both are one. */
export interface GuardedStack extends IConstruct {
  toTerraform(): unknown;
}

export interface BlastwallChecksProps {
  /** The config (agent selectors, severities, acknowledgements). @default read from `configFile` */
  readonly config?: BlastwallConfig;
  /** Path of a blastwall.json to read when `config` is not given. @default `blastwall.json` in the working directory, if present */
  readonly configFile?: string;
  /** Treat warnings that may hide a path as errors. @default false (or the config's `strict`) */
  readonly strict?: boolean;
  /** The rules to run. @default every blastwall rule */
  readonly rules?: readonly Rule[];
}

/**
 * cdktf's synthesizer calls `toTerraform()` (or, for HCL output, `toHclTerraform()`) again right after the
 * validations to write the stack; resolving every token of a large stack twice would double the cost of synth. The
 * stack hands what the gate judged to the rest of the current synchronous `app.synth()`, so the file written is
 * exactly the one checked: a validation that runs after the gate's and changes the stack cannot get an unchecked
 * configuration written, and the object handed over is frozen, so it cannot be edited in place either. The hand-over
 * is dropped on the next tick, and by the gate itself when the next synth starts.
 */
const PINNED = ["toTerraform", "toHclTerraform"] as const;
type Pinned = (typeof PINNED)[number];
const pins = new WeakMap<GuardedStack, Partial<Record<Pinned, () => unknown>>>();

function writeWhatWasChecked(stack: GuardedStack, outputs: Partial<Record<Pinned, unknown>>): void {
  const own = stack as unknown as Record<Pinned, (() => unknown) | undefined>;
  const mine: Partial<Record<Pinned, () => unknown>> = {};
  for (const name of PINNED) {
    if (!(name in outputs)) continue;
    const value = deepFreeze(outputs[name]);
    const pinned = () => value;
    own[name] = pinned;
    mine[name] = pinned;
  }
  pins.set(stack, mine);
  process.nextTick(() => dropPins(stack));
}

/**
 * Another stack of the app, as its validation would read it. A stack this synth already validated is read as it was
 * judged, which is what was written. Any other stack is synthesized when first read in this synth: its aspects run in
 * its own synthesize step, so that read may not be what will be written; the readers are judged again when it differs
 * (judgeAgainReaders). A read of an earlier synth is never reused. A hand-over an earlier synth left on it is dropped
 * first. It is read with the local modules it calls, as its own validation and `blastwall check` read it: an agent
 * role another stack defines in a module was not there to be found (red-team round 143, F1), and a stack read without
 * its module in one validation and with it in its own gave one JSON text two readings (F2). Each reading is one model.
 */
function readStack(other: GuardedStack): { readonly models: readonly TfStack[]; readonly text: string } {
  const judged = current?.judged.get(other);
  if (judged) return { models: (judged.models ??= modelOf(other, judged.json).readings), text: (judged.text ??= JSON.stringify(judged.json)) };
  // Read once a synth until it is judged: between two validations only the next stack's aspects run. A read that
  // aspects change later (a stack's own, or one that reaches across stacks) is caught when that stack is judged: every
  // reader whose read differs from what is written is judged again (judgeAgainReaders). Reading afresh at every
  // validation made an app of 60 stacks synthesize stacks some 1,700 times (red-team round 136).
  const cached = current?.unjudged.get(other);
  if (cached) return cached;
  dropPins(other);
  const json = other.toTerraform();
  const read = { models: modelOf(other, json).readings, text: JSON.stringify(json) };
  current?.unjudged.set(other, read);
  return read;
}

/**
 * The stacks a judgement read, each with the JSON text it read: a reader is judged again only when a stack it read
 * is written otherwise than it read it (see `judgeAgainReaders`).
 */
type ReadLog = Map<GuardedStack, string>;

interface Synth {
  /** The stacks this synth validated (and passed) so far, in order: the JSON each was judged on, and what it read. */
  readonly judged: Map<GuardedStack, { readonly json: unknown; models?: readonly TfStack[]; text?: string; readonly reads: Map<object, ReadLog> }>;
  /** The stacks read before they were judged, as read (see `readStack`). */
  readonly unjudged: Map<GuardedStack, { readonly models: readonly TfStack[]; readonly text: string }>;
  /** Where the last stack validated stands in the app's stacks: cdktf validates them in that order, once a synth. */
  last: number;
  readonly app?: IConstruct;
  /** The app's stacks in synth order, as last listed (listed again when a stack is not in it). */
  stacks?: readonly IConstruct[];
  /** The stacks each gate validated in this synth: the same gate on the same stack again is the next synth. */
  readonly validated: Map<object, Set<GuardedStack>>;
  /** Per config, what each stack gives a run on its own, kept between this synth's validations (see `runMemo`). */
  readonly memos: Map<BlastwallConfig, { readonly ids: Map<string, number>; readonly judged: RunMemo["judged"]; readonly removals: RunMemo["removals"]; readonly parts: Map<string, unknown> }>;
}

let current: Synth | undefined;

/**
 * The synth a stack's validation belongs to. cdktf synthesizes the stacks of an app one after the other, in the order
 * of `app.node.findAll()`: a stack before the last one validated starts a new synth (`app.synth()` called again in
 * the same tick), which reads nothing the earlier one judged. The same stack again is a second gate on it, unless the
 * same gate validated it already: then it is the next synth too (a gate on the last stack alone saw both synths at one
 * position, and the second reused the first's reads: red-team round 143, F3).
 */
function thisSynth(validating: GuardedStack, gate: object): Synth {
  let at = -1;
  let app: IConstruct | undefined;
  let stacks: readonly IConstruct[] | undefined;
  try {
    const fw = framework();
    app = fw.App.of(validating);
    stacks = current?.app === app ? current.stacks : undefined;
    if (!stacks?.includes(validating)) stacks = app.node.findAll().filter((c) => fw.TerraformStack.isStack(c));
    at = stacks.indexOf(validating);
  } catch {
    // a stack outside an App (tests): each validation is a synth of its own
  }
  if (!current || at < 0 || at < current.last || app !== current.app || current.validated.get(gate)?.has(validating)) {
    const fresh: Synth = (current = { judged: new Map(), unjudged: new Map(), last: -1, app, stacks: undefined, validated: new Map(), memos: new Map() });
    process.nextTick(() => {
      if (current === fresh) current = undefined;
    });
  }
  current.last = at;
  current.stacks = stacks;
  let mine = current.validated.get(gate);
  if (!mine) current.validated.set(gate, (mine = new Set()));
  mine.add(validating);
  return current;
}

/**
 * Whether a stack's validation comes after the last one this synth validated. One that does not belongs to the next
 * synth (`app.synth()` again in the same tick), which has judged nothing yet: a watch there judged the earlier synth's
 * stacks, as then written, against this one as changed, and failed a safe app (red-team round 150, F2).
 */
function laterInSynth(synth: Synth, stack: GuardedStack): boolean {
  try {
    const fw = framework();
    if (fw.App.of(stack) !== synth.app) return false;
    const stacks = synth.stacks ?? fw.App.of(stack).node.findAll().filter((c) => fw.TerraformStack.isStack(c));
    const at = stacks.indexOf(stack);
    return at < 0 || at > synth.last;
  } catch {
    return true;
  }
}

/**
 * Every validation of a synth judges the run of stacks its stack reads, and in an app whose stacks all hold IAM that is
 * every stack each time: what a stack gives the run on its own is kept for the next validation when that one reads the
 * same stacks, each as the same JSON text (a stack an aspect changed in between, or a run with another stack, is
 * judged afresh). The stack being validated is not kept: it is judged as it is now. Outside a synth nothing is kept.
 */
/** A stack's JSON text as read, and which of its readings (Terraform's files, OpenTofu's) a model is. */
interface ReadingOf {
  readonly text: string;
  readonly reading: number;
}

function runMemo(config: BlastwallConfig, own: ReadingOf, peerTexts: ReadonlyMap<TfStack, ReadingOf>): RunMemo | undefined {
  if (!current) return undefined;
  let kept = current.memos.get(config);
  if (!kept) current.memos.set(config, (kept = { ids: new Map(), judged: new Map(), removals: new Map(), parts: new Map() }));
  const { ids } = kept;
  const idOf = (t: string) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  };
  // Texts are looked up as the very strings read (their hash is kept once computed); a text joined with anything
  // else would be a new string to hash at every validation, each as long as a stack.
  const member = (r: ReadingOf) => `${idOf(r.text)}.${r.reading}`;
  const run = [member(own), ...[...peerTexts.values()].map(member)].sort().join(",");
  return {
    keyOf: (s) => {
      const t = peerTexts.get(s);
      // The stack's name and file are not in its JSON: two stacks written alike are still two stacks.
      return t === undefined ? undefined : JSON.stringify([run, member(t), s.file, s.name ?? null]);
    },
    judged: kept.judged,
    removals: kept.removals,
    parts: kept.parts,
  };
}

/** Removes the gate's own hand-over from a stack (another library's override of the same method is left alone). */
function dropPins(stack: GuardedStack): void {
  const mine = pins.get(stack);
  if (!mine) return;
  const own = stack as unknown as Record<Pinned, (() => unknown) | undefined>;
  for (const name of PINNED) if (mine[name] !== undefined && own[name] === mine[name]) delete own[name];
  pins.delete(stack);
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return value;
}

/** cdktf writes HCL instead of JSON (`new App({ hclOutput: true })`, `SYNTH_HCL_OUTPUT`). */
function writesHcl(stack: GuardedStack): boolean {
  return (stack as unknown as { synthesizer?: { hclOutput?: unknown } }).synthesizer?.hclOutput === true;
}

/**
 * The JSON of what HCL output writes. cdktf's HCL renderer leaves stack-level overrides (`stack.addOverride(...)`)
 * out of the file, so the configuration judged is the stack without them: an override that adds a boundary or
 * removes a grant protects nothing there.
 */
function hclEquivalentJson(stack: GuardedStack): unknown {
  const s = stack as unknown as { rawOverrides?: Record<string, unknown> };
  const saved = s.rawOverrides;
  if (saved === undefined || Object.keys(saved).length === 0) return stack.toTerraform();
  s.rawOverrides = {};
  try {
    return stack.toTerraform();
  } finally {
    s.rawOverrides = saved;
  }
}

/**
 * The stack as the gate judges it: its JSON, and the modules it calls from this machine read with it (an absolute
 * folder, or a local folder cdktf copies in as an asset), as `blastwall check cdktf.out` reads them after synth.
 */
function modelOf(stack: GuardedStack, json: unknown): Modules.ModulesRead {
  const plain = buildStack(json, stackFile(stack), stack.node.id);
  // A TerraformVariable `cdktf deploy --var` may set: a Deny that depends on it is not relied on (settable-providers.ts).
  markSettableByVariables(plain.resources, undefined, plain.locals);
  if (!plain.modules || plain.modules.length === 0) return { readings: [plain], shownDirs: [] };
  const m = modules();
  if (!m.callsModuleOnDisk(plain)) return { readings: [plain], shownDirs: [] };
  return m.withModulesOnDisk(stack, json, stackFile(stack), stack.node.id);
}

/**
 * The `file` of a finding located in a module folder: its location alone names the file (see `findingLocation`), as
 * the user wrote the folder (relative to the working directory, or absolute), not a path under the stack's folder.
 */
const IN_MODULE = "";

function locatedInModule(f: Finding, shownDirs: readonly string[]): boolean {
  if (shownDirs.length === 0) return false;
  const at = findingLocation({ ...f, file: "" }).path;
  return shownDirs.some((d) => at.startsWith(`${join("", d)}/`));
}

// The module loader (and its HCL parser) is needed only by a stack that calls a module from disk.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const modules = lazy(() => require("./modules") as typeof Modules);

/** Whether the stack is the only one of its app (or outside any app, as in tests). */
function onlyStackOfItsApp(stack: GuardedStack): boolean {
  try {
    const fw = framework();
    return fw.App.of(stack).node.findAll().filter((c) => fw.TerraformStack.isStack(c)).length === 1;
  } catch {
    return true;
  }
}

function stackFile(stack: GuardedStack): string {
  let outdir = "cdktf.out";
  try {
    outdir = framework().App.of(stack).outdir;
  } catch {
    // a stack outside an App (tests): keep the conventional folder name
  }
  return join(outdir, "stacks", stack.node.id, "cdk.tf.json");
}

/**
 * The synth-time gate. Add it once to the App (or to each stack):
 *
 *     Aspects.of(app).add(new BlastwallChecks());
 *
 * For each stack it registers a validation that analyses the stack's synthesized JSON (`toTerraform()`, so
 * `addOverride` cannot hide a grant) when `app.synth()` runs, and fails synth with a report when an error
 * finding is not acknowledged. Warnings become cdktf warning annotations.
 */
export class BlastwallChecks implements Aspect {
  readonly [INHERIT_FROM_APP] = true;
  private readonly guarded = new WeakSet<GuardedStack>();
  /** Stacks this gate reads but does not guard, each given a validation that judges its readers again (`watch`). */
  private readonly watched = new WeakSet<GuardedStack>();
  private configCache?: BlastwallConfig;
  /** Set when `blastwall check` here would read another config (see `otherConfigHere`). */
  private otherConfig?: string;
  private whys?: ReadonlyMap<string, string>;

  constructor(private readonly props: BlastwallChecksProps = {}) {
    checkProps(props);
    // A config given in code is checked like blastwall.json: a misspelt severity must not drop findings unseen.
    if (props.config !== undefined) parseConfig(props.config, "BlastwallChecks config");
    // The app has loaded its framework by now, even when it imported blastwall first.
    installAppGuard();
  }

  visit(node: IConstruct): void {
    const fw = framework();
    // Added to a construct inside a stack, the aspect never meets the stack itself: guard the stack that holds it.
    let stack: GuardedStack;
    if (fw.TerraformStack.isStack(node)) stack = node;
    else {
      try {
        stack = fw.TerraformStack.of(node);
      } catch {
        return; // the App itself, or a construct outside any stack
      }
    }
    if (this.guarded.has(stack)) return;
    this.guarded.add(stack);
    stack.node.addValidation({ validate: () => this.validateStack(stack) });
  }

  /** Findings for one stack, acknowledgements applied. Exposed for tests and custom pipelines. */
  findingsFor(stack: GuardedStack): Finding[] {
    return this.findingsOf(stack, stack.toTerraform()).findings;
  }

  private findingsOf(stack: GuardedStack, json: unknown, reads: ReadLog = new Map()): { findings: Finding[]; shownDirs: readonly string[] } {
    const config = this.config();
    const { readings, shownDirs } = modelOf(stack, json);
    let text: string | undefined;
    const textOfStack = () => (text ??= JSON.stringify(json));
    // Each reading is its own member of the run: the memo keys it by its place among the readings as well.
    const models = readings.map((r, i) => this.withReadStacks(stack, r, config, reads, () => ({ text: textOfStack(), reading: i })));
    // An agents.addresses entry no stack has is reported where every stack the config is for is judged: an app of one
    // stack here, `blastwall check cdktf.out` otherwise (each validation sees its own stack only).
    const wholeRun = onlyStackOfItsApp(stack);
    return { findings: [...checkStacks(models, { config, strict: this.props.strict ?? config.strict ?? false, rules: this.props.rules, wholeRun }).findings], shownDirs };
  }

  /**
   * The stacks this one reads through cdktf cross-stack references (a `cross-stack-reference-input-PATH` remote state):
   * their outputs resolve here, and their agents are agents here, as `blastwall check cdktf.out` judges them. A deploy
   * role that trusts another stack's agent by reference would pass otherwise. A stack that reads one reads every stack
   * of the app: their buckets, the versioning and lifecycle resources naming them, and their functions are judged as
   * `blastwall check` judges them (red-team round 130, F4: a lifecycle rule of the bucket's stack, or of a third one,
   * passed the synth gate). So does a stack whose configuration holds a credential or a database password or CA key:
   * any agent of the app in its account may read that, also one in a stack this one never references (red-team round
   * 106, A2: an "identity" stack's tagged key passed the synth gate). Each read costs a synthesis of its own, so a stack
   * that references no other pays nothing.
   */
  private withReadStacks(stack: GuardedStack, model: TfStack, config: BlastwallConfig, reads: ReadLog, textOfStack: () => ReadingOf): TfStack {
    const sourcesOf = (m: TfStack) => (m.byType.get("terraform_remote_state") ?? []).filter((r) => r.mode === "data").map((r) => r.name);
    const holdsSecrets = writtenCredentials(model).length > 0 || writtenSecrets(model).length > 0;
    // Another stack may detach, rewrite or take over this one's IAM with no reference to it (remover-stacks.ts).
    const strippable = holdsIam(model.byType);
    if (sourcesOf(model).length === 0 && !holdsSecrets && !strippable) return model;
    const fw = framework();
    let app: IConstruct;
    try {
      app = fw.App.of(stack);
    } catch {
      return model; // a stack outside an App (tests): nothing to read
    }
    // cdktf names the source after the other stack's construct path (`prod/agents` gives `...-prod--agents`).
    const plainName = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "");
    const byName = new Map<string, GuardedStack>();
    for (const c of app.node.findAll()) {
      if (c !== stack && fw.TerraformStack.isStack(c)) byName.set(plainName(`cross-stack-reference-input-${c.node.path}`), c as unknown as GuardedStack);
    }
    // The stacks it reads, and those they read in turn: an ARN one stack passes on from another resolves too. A
    // remote state written by hand (not cdktf's naming) may read any stack of the app: then every one is read, and
    // the state's settings say which it is.
    const peers: TfStack[] = [];
    const peerTexts = new Map<TfStack, ReadingOf>();
    const loaded = new Set<GuardedStack>();
    const load = (other: GuardedStack) => {
      if (loaded.has(other)) return undefined;
      loaded.add(other);
      const { models, text } = readStack(other);
      reads.set(other, text);
      this.watch(other);
      // Each reading keyed apart: two readings of one text (Terraform's files and OpenTofu's) may judge apart.
      models.forEach((m, i) => {
        peers.push(m);
        peerTexts.set(m, { text, reading: i });
      });
      return models;
    };
    const queue = [...sourcesOf(model)];
    // A stack that may strip this one's IAM, or hold the auto-approval policy its agents' node access requests meet,
    // is read, and the stacks it reads in turn (to resolve what it names).
    if (strippable) {
      for (const s of byName.values()) {
        if (mayHoldRemovals(fw, s) || mayHoldApprovalPolicy(fw, s)) for (const m of load(s) ?? []) queue.push(...sourcesOf(m));
      }
    }
    let everyStack = false;
    while (queue.length > 0) {
      const source = queue.shift()!;
      const other = byName.get(plainName(source));
      if (!other) {
        everyStack = true;
        continue;
      }
      for (const m of load(other) ?? []) queue.push(...sourcesOf(m));
    }
    // A stack that reads another reads them all (red-team round 130, F4 and F5): what protects a bucket it writes to
    // (a lifecycle rule, a versioning resource) or what feeds a function it invokes may sit in a third stack, which
    // `blastwall check cdktf.out` reads with the rest.
    if (everyStack || holdsSecrets || peers.length > 0) for (const s of byName.values()) load(s);
    if (peers.length === 0) return model;
    const { StateIndex, agentsOfRun, peerFields, removalsOfRun } = peerStacks();
    const index = new StateIndex([model, ...peers]);
    const remoteOutputs = index.remoteStatesOf(model);
    // This stack takes part in the run: a chain may leave it and come back (a role here trusts another stack's agent,
    // a role of a stack it reads trusts that one, and a deploy role here trusts the last).
    const memo = runMemo(config, textOfStack(), peerTexts);
    const peerAgents = agentsOfRun([model, ...peers], index, config, undefined, memo)
      .filter((x) => x.of !== model)
      .flatMap((x) => x.agents);
    const peerRemovals = removalsOfRun(peers, index, memo).flatMap((x) => x.removals);
    // The other stacks' stores, bucket settings and functions, as `blastwall check` gives them (run-check.ts).
    const resources = peerResources().peerResources([model, ...peers], index, config, memo)(model);
    return { ...model, ...(remoteOutputs.size > 0 ? { remoteOutputs } : {}), ...peerFields(peerAgents), ...resources, ...(peerRemovals.length > 0 ? { peerRemovals } : {}) };
  }

  private validateStack(stack: GuardedStack): string[] {
    // A hand-over left by an earlier synth in the same tick would make this one judge (and write) the old stack.
    dropPins(stack);
    const synth = thisSynth(stack, this);
    const hcl = writesHcl(stack);
    const json = hcl ? hclEquivalentJson(stack) : stack.toTerraform();
    const reads: ReadLog = new Map();
    const { findings, shownDirs } = this.findingsOf(stack, json, reads);
    const renderFinding = (f: Finding) => this.render(f);
    const errors = findings.filter((f) => f.severity === "error" && !f.acknowledged);
    // Synth stops before it writes this stack when an error stands: its cdk.tf.json does not exist then, so the
    // findings name the stack instead of a file that is not there.
    const notWritten = `stack "${stack.node.id}" (not written: synth stopped)`;
    // A location in a module folder is relative to the working directory (or absolute), not to the stack's folder.
    const where = (f: Finding): Finding => (locatedInModule(f, shownDirs) ? { ...f, file: IN_MODULE } : errors.length > 0 ? { ...f, file: notWritten } : f);
    for (const w of findings.filter((f) => f.severity === "warning" && !f.acknowledged)) {
      framework().Annotations.of(stack).addWarning(renderFinding(where(w)));
    }
    if (this.otherConfig) framework().Annotations.of(stack).addWarning(this.otherConfig);
    if (errors.length === 0) {
      const own = stack as unknown as { toHclTerraform?: () => unknown };
      writeWhatWasChecked(stack, hcl && typeof own.toHclTerraform === "function" ? { toHclTerraform: own.toHclTerraform() } : { toTerraform: json });
      const text = JSON.stringify(json);
      // What each gate on it read, apart: two gates with their own configs judge it again each by its own reads (red-team
      // round 150: the first to judge it again marked the read current, and the second, whose config may flag what the
      // first's does not, skipped it).
      const before = synth.judged.get(stack)?.reads;
      synth.judged.set(stack, { json: deepFreeze(json), text, reads: new Map([...(before ?? []), [this, reads]]) });
      return this.judgeAgainReaders(stack, text, synth);
    }
    return [
      `blastwall: ${errors.length} error finding(s) in stack "${stack.node.id}"; synth stops here.\n` +
        errors.map((f) => renderFinding(where(f))).join("\n\n") +
        // A failed synth shows no warnings: the other config is said here too.
        (this.otherConfig ? `\n\n${this.otherConfig}` : ""),
    ];
  }

  /**
   * The stacks this synth already wrote that read this one (directly or through others): each was judged on a read of
   * this stack taken before its aspects ran (cdktf runs a stack's aspects in its own synthesize step), so each is
   * judged again now, as written, with this stack as it will be written, unless what it read is what is written (the
   * same JSON text: its aspects changed nothing), when the judgement stands as it is. Whichever of two linked stacks is
   * synthesized last judges both in their final state. Nothing already written is changed: synth stops here. (Judging
   * every reader again whatever it read made an app of 30 stacks reading one another take seconds per stack.)
   */
  /**
   * A stack this gate reads but does not guard (the gate added to one stack, not the app) had no validation of this gate
   * to judge its readers again once its own aspects ran: the gate on prod read a later stack before the aspect that
   * tagged its role an agent ran, and passed (red-team round 143, F4). A validation on it does that now: it reads the
   * stack as it will be written and judges again every stack this synth judged on another read of it.
   */
  private watch(other: GuardedStack): void {
    if (this.guarded.has(other) || this.watched.has(other)) return;
    this.watched.add(other);
    other.node.addValidation({
      validate: () => {
        const synth = current;
        if (!synth || this.guarded.has(other) || !laterInSynth(synth, other)) return [];
        dropPins(other);
        const json = other.toTerraform();
        const text = JSON.stringify(json);
        // Later reads in this synth take it as it is now, as the readers judged again below do.
        synth.unjudged.set(other, { models: modelOf(other, json).readings, text });
        return this.judgeAgainReaders(other, text, synth);
      },
    });
  }

  private judgeAgainReaders(stack: GuardedStack, written: string, synth: Synth): string[] {
    const failures: string[] = [];
    for (const [reader, judged] of [...synth.judged]) {
      if (reader === stack) continue;
      const read = judged.reads.get(this)?.get(stack);
      if (read === undefined || read === written) continue;
      const reads: ReadLog = new Map();
      const errors = this.findingsOf(reader, judged.json, reads).findings.filter((f) => f.severity === "error" && !f.acknowledged);
      judged.reads.set(this, reads);
      if (errors.length === 0) continue;
      failures.push(
        `blastwall: ${errors.length} error finding(s) in stack "${reader.node.id}", written before stack "${stack.node.id}" it reads was synthesized; synth stops here.\n` +
          errors.map((f) => this.render(f)).join("\n\n"),
      );
    }
    return failures;
  }

  /** One finding as the synth error shows it, with its rule's reason. */
  private render(f: Finding): string {
    this.whys ??= new Map((this.props.rules ?? allRules).map((r) => [r.meta.id, r.meta.why]));
    return renderOne(f, this.whys.get(f.ruleId));
  }

  private config(): BlastwallConfig {
    if (!this.configCache) {
      this.configCache = this.props.config ?? loadConfig(this.props.configFile);
      this.otherConfig = otherConfigHere(this.props, this.configCache);
    }
    return this.configCache;
  }
}

const PROPS: readonly (keyof BlastwallChecksProps)[] = ["config", "configFile", "strict", "rules"];

/**
 * The props as plain JavaScript, a spread of options or an `as any` object may pass them: the compiler checks the keys
 * of an object literal only, and a prop the gate does not read (`configfile`, `configPath`, `Strict`) leaves it running
 * without the agents, severities or strictness the user asked for, while synth passes as if they applied.
 */
function checkProps(props: unknown): void {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`BlastwallChecks: ${prop} ${problem}`);
  };
  if (props === null || typeof props !== "object" || Array.isArray(props)) {
    throw new Error(`BlastwallChecks: props must be an object such as { configFile: "blastwall.json" } (got ${JSON.stringify(props) ?? String(props)})`);
  }
  const given = props as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if ((PROPS as readonly string[]).includes(key) || given[key] === undefined) continue;
    const near = nearestKey(key, PROPS);
    fail(
      key,
      `is not a BlastwallChecks prop${near ? ` (did you mean ${near}?)` : ""}: it reads only ${PROPS.join(", ")}, and a prop it does not read ` +
        "changes nothing, so synth would pass without what it asks for",
    );
  }
  if (given.config !== undefined && given.configFile !== undefined) {
    fail(
      "config",
      "and configFile are both given, and only one can be the gate's config. Keep configFile to read that file (the one `blastwall check --config` " +
        "reads in CI), or config alone for settings given in code",
    );
  }
  if (given.configFile !== undefined && (typeof given.configFile !== "string" || given.configFile === "")) {
    fail("configFile", `must be the path of a blastwall config file (got ${JSON.stringify(given.configFile)})`);
  }
  if (given.strict !== undefined && typeof given.strict !== "boolean") fail("strict", `must be true or false (got ${JSON.stringify(given.strict)})`);
  if (given.rules !== undefined) checkRulesProp(given.rules, fail);
}

/**
 * `rules` replaces the rules the gate runs: an empty list runs none, and synth passed every stack as if judged (red-team
 * round 141, F5); an entry that is a rule id, not a rule, failed deep in the analysis with a message naming no prop.
 */
function checkRulesProp(rules: unknown, fail: (prop: string, problem: string) => never): void {
  if (!Array.isArray(rules)) fail("rules", "must be a list of rules, such as allRules from blastwall");
  if (rules.length === 0) {
    fail("rules", "is empty: no rule would run and synth would pass every stack unjudged. Leave rules out to run every blastwall rule, or lower one rule's severity in the config");
  }
  rules.forEach((r: unknown, i) => {
    const rule = r as { meta?: { id?: unknown }; check?: unknown } | null;
    if (rule !== null && typeof rule === "object" && typeof rule.meta?.id === "string" && typeof rule.check === "function") return;
    const hint = typeof r === "string" ? ` A rule id is not a rule: pick the rule from allRules (allRules.filter((r) => r.meta.id === ${JSON.stringify(r)})).` : "";
    fail(`rules[${i}]`, `is not a blastwall rule (an object with meta.id and check(), as in allRules; got ${JSON.stringify(r) ?? String(r)}).${hint}`);
  });
}

/**
 * Why `blastwall check` run in this folder would judge the stacks by another config than this gate: a blastwall.json
 * here, which it reads when given no --config, differs from the config given in code or the configFile named.
 * Undefined when the gate reads that very file, there is none, or it says the same. A warning, not a refusal: the
 * file may be there for the plan gate (`protected`, `trustedKeys`), and each of the two checks still fails on what
 * its own config finds, so the difference surprises, but lets nothing through that both would stop.
 */
function otherConfigHere(props: BlastwallChecksProps, used: BlastwallConfig): string | undefined {
  const here = resolve(DEFAULT_CONFIG_FILE);
  if (!existsSync(here)) return undefined;
  if (props.config === undefined && (props.configFile === undefined || resolve(props.configFile) === here)) return undefined;
  let same: boolean;
  try {
    same = canonicalJson(loadConfig(DEFAULT_CONFIG_FILE)) === canonicalJson(used);
  } catch {
    same = false; // unreadable: blastwall check would refuse it, which differs too
  }
  if (same) return undefined;
  const ours = props.config !== undefined ? "the config given in code (BlastwallChecks config)" : `configFile ${JSON.stringify(props.configFile)}`;
  const fix =
    props.config !== undefined
      ? `move the settings into ${DEFAULT_CONFIG_FILE} and drop config (the gate then reads the file), or remove ${DEFAULT_CONFIG_FILE} if nothing uses it`
      : `run blastwall check with --config ${props.configFile}, or make ${DEFAULT_CONFIG_FILE} the one config`;
  return (
    `blastwall: this synth gate judges the stacks by ${ours}, but ${here} says something else, and \`blastwall check\` run in this folder ` +
    `(as CI runs it) reads that file when given no --config: the two may pass or fail different findings. Keep one config: ${fix}.`
  );
}
