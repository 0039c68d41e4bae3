import type { BlastwallConfig } from "../engine/config-types";
import type { Acknowledgement, Finding } from "../engine/findings";
import type { Rule } from "../engine/rule";
import type { Report } from "../report/types";
import type { PrincipalNode } from "../engine/analysis-types";
import { basename, dirname, join, resolve } from "path";
import { InputError, type PeerState, type TfStack } from "../engine/terraform/types";
import type * as RepositoryFiles from "./repository-files";
import { stackCredentials } from "../engine/reach/credentials";
import { configSelectorHits, nearAgentTagMatches, withoutInstanceKeys } from "../engine/agents";
import { CLOUD_CONTROL_PRINCIPALS, cloudControlStandIn } from "../engine/cloud-control";
import type * as DatabasePasswords from "../engine/reach/database-passwords";
import { analyzeStack, inCodeAcknowledgements } from "../engine/analyze";
import { readTerraformJson } from "../engine/terraform/read-file";
import { buildStack } from "../engine/terraform/stack";
import { markSettableByVariables } from "../engine/terraform/settable-providers";
import { ACKNOWLEDGEMENT_EXPIRED, ACKNOWLEDGEMENT_UNPINNED, applyInCodeAcknowledgements, applySeverity, expiredFinding, expiredFindings, isAbout, isExpired, isPartlyAbout, markAcknowledged, refusedInCode, unpinnedFinding, unscopedFinding } from "../config/acknowledgements";
import { runDigest, withGrantsDigests } from "../config/grants-digest";
import { configAcknowledgements } from "../config/load-config";
import { countFindings } from "../report/summarize";
import { allRules } from "../rules";
import { INPUT_METAS } from "../rules/input-metas";
import { protectedEntryFindings, protectedEntryNotes } from "./protected-notes";
import { unusedAcknowledgementNotes, unusedSelectorFindings } from "./config-notes";
import type * as PeerStacks from "./peer-stacks";
import type * as PeerResources from "./peer-resources";
import { lazy } from "../engine/lazy";

// What links several stacks is not needed to check the one stack a synth validates.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const peerStacks = lazy(() => require("./peer-stacks") as typeof PeerStacks);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const peerResources = lazy(() => require("./peer-resources") as typeof PeerResources);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const databasePasswords = lazy(() => require("../engine/reach/database-passwords") as typeof DatabasePasswords);
import type { StackInput } from "./expand-paths";
import type { HclLoad } from "../hcl/load-hcl";

export interface CheckOptions {
  readonly config: BlastwallConfig;
  readonly strict?: boolean;
  readonly now?: Date;
  readonly rules?: readonly Rule[];
  /** Where the config came from, named in acknowledged findings. @default "blastwall.json" */
  readonly configSource?: string;
  /**
   * Whether the stacks are every stack the config is for, so an `agents.addresses` entry that none of them has is
   * reported (`config-address-unmatched`). The synth-time gate judges one stack of an app at a time. @default true
   */
  readonly wholeRun?: boolean;
  /** Edges a stack's reach graph may hold before every agent of it counts as reaching everything (reach/graph-limit.ts). */
  readonly maxReachEdges?: number;
}

/**
 * Reads one input into the engine's model. HCL support is loaded only when an HCL directory is given. `values` are
 * variable values from `--var-file`, which win over defaults and tfvars files.
 */
export async function loadStacks(input: StackInput, values?: ReadonlyMap<string, unknown>): Promise<TfStack[]> {
  if (input.kind === "hcl") return loadHclFolder(input.path, input.name, values);
  const name = input.name ?? stackNameOf(input.path);
  // Terraform runs in the file's folder: `templatefile("assets/...")` (a cdktf TerraformAsset) is read there.
  const filesDir = dirname(resolve(input.path));
  // A file Terraform loads with its folder is applied by the tool that ran `init` there: a lock file naming OpenTofu's
  // registry (lock-file.ts) makes a bare `removed` block forget its object, as in a folder of `.tf` files (red-team
  // round 133, F5). With both tools named, OpenTofu's default is the one that leaves the object in the account.
  const tool = isLoadedWithItsFolder(input.path) && (await lockFileModule().lockFileTool(filesDir)) !== undefined ? "opentofu" : "terraform";
  const stack: TfStack = { ...buildStack(readTerraformJson(input.path), input.path, name, values, tool), filesDir, repositoryFile: repositoryFiles().repositoryFileReader(filesDir) };
  if (stack.modules && stack.modules.length > 0 && isLoadedWithItsFolder(input.path)) {
    // A local module (cdktf copies them into the stack folder as `./assets/...`), or a folder named by its absolute
    // path, is on disk: read it with the stack, as Terraform does, rather than leave what it creates to a finding
    // that it cannot be seen.
    const { isAbsoluteSource, isLocalSource } = loadHclModule();
    const onDisk = (s: string) => isLocalSource(s) || isAbsoluteSource(s);
    if (stack.modules.some((m) => typeof m.source === "string" && onDisk(m.source))) return loadHclFolder(dirname(input.path), name, values);
  }
  // What `-var` can set otherwise is not relied on where it makes a Deny (settable-providers.ts), as in a folder.
  markSettableByVariables(stack.resources, values, stack.locals);
  // Any other file is judged as itself: its modules stay `unknown-module` errors (the folder reader would not read it).
  return [stack];
}

/** Whether Terraform, run in the file's folder, loads the file: only then is the folder reading the same configuration. */
function isLoadedWithItsFolder(path: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isIgnoredFile } = require("../hcl/config") as typeof import("../hcl/config");
  const file = basename(path);
  return file.endsWith(".tf.json") && !isIgnoredFile(file);
}

/** `NAME` for `.../stacks/NAME/cdk.tf.json`, the layout cdktf writes; undefined for any other file. */
function stackNameOf(path: string): string | undefined {
  const dir = dirname(path);
  return basename(path) === "cdk.tf.json" && basename(dirname(dir)) === "stacks" ? basename(dir) : undefined;
}

/** Read only by `blastwall check` (the synth-time gate runs checkStacks alone: every module it loads is synth time). */
function repositoryFiles(): typeof RepositoryFiles {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./repository-files") as typeof RepositoryFiles;
}

function loadHclModule(): typeof import("../hcl/load-hcl") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../hcl/load-hcl") as typeof import("../hcl/load-hcl");
}

function lockFileModule(): typeof import("../hcl/lock-file") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../hcl/lock-file") as typeof import("../hcl/lock-file");
}

/**
 * A folder read as Terraform reads it (HCL and JSON files, local modules, tfvars), named as the layout names it.
 * A folder whose configuration holds `.tofu` files is read twice, as Terraform and as OpenTofu read it: which of
 * the two applies it is not in the files, and each may grant what the other does not. So is one whose lock file says
 * both tools ran `init` there (lock-file.ts). A folder only OpenTofu applies (`.tofu` files alone, or `.tf` files alone
 * with a lock file naming OpenTofu's registry) is read once, as OpenTofu reads it.
 */
async function loadHclFolder(dir: string, name: string | undefined, values?: ReadonlyMap<string, unknown>): Promise<TfStack[]> {
  try {
    const hcl = loadHclModule();
    // Only Terraform skips `.tofu` files: a folder of them alone is OpenTofu's whatever its lock file says.
    const onlyTofu = hcl.holdsOnlyTofu(dir);
    const lock = onlyTofu ? undefined : await lockFileModule().lockFileTool(dir);
    const files = await repositoryFiles().folderValueFiles(dir);
    // Terraform runs in the folder: a relative path it names (a shared credentials file) is read from there.
    const repositoryFile = repositoryFiles().repositoryFileReader(dir);
    const named = (load: HclLoad, reading?: string): TfStack => ({
      ...load.stack,
      filesRead: load.files.map((f) => join(dir, f)),
      ...(reading ? { reading } : {}),
      ...(name === undefined ? {} : { name }),
      ...(files.length > 0 ? { folderValueFiles: files } : {}),
      repositoryFile,
    });
    // A lock file `tofu init` alone wrote makes a folder of `.tf` files OpenTofu's; whether the folder (or a local
    // module) holds `.tofu` files is known once OpenTofu's reading has read it.
    let terraform = onlyTofu || lock === "opentofu" ? undefined : await hcl.loadHcl(dir, values);
    if (terraform && !terraform.hasTofu && lock !== "both") return [named(terraform)];
    const tofu = await hcl.loadHcl(dir, values, "opentofu");
    // `.tofu` files beside `.tf` ones: Terraform may still apply the folder, skipping them, whatever the lock file says
    // (anyone who commits a `.tf` file can commit a lock file too; red-team round 133, F4).
    if (!terraform && !onlyTofu && tofu.hasTofu) terraform = await hcl.loadHcl(dir, values);
    if (!terraform) return [named(tofu)];
    const skips = terraform.hasTofu ? ": it skips the .tofu files" : "";
    return [named(terraform, `as Terraform reads this folder${skips}`), named(tofu, "as OpenTofu reads this folder")];
  } catch (e) {
    // Valid Terraform can nest expressions (or chain locals) deeper than the evaluator's stack: bad input, said so.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new InputError(dir, "an expression or a chain of locals is nested too deeply for blastwall to evaluate; split it up");
    }
    throw e;
  }
}

/** Runs every rule over the stacks and turns the result into a report (acknowledgements and severities applied). */
export function checkStacks(stacks: readonly TfStack[], opts: CheckOptions): Report {
  const rules = opts.rules ?? allRules;
  const findings: Finding[] = [];
  let principals = 0;
  let agents = 0;
  let resources = 0;
  const now = opts.now ?? new Date();
  const acks: Acknowledgement[] = configAcknowledgements(opts.config, opts.configSource);
  // Per acknowledgement of the config: the findings it matched, and in which stacks.
  const matched = new Map<Acknowledgement, { stacks: string[]; findings: Finding[]; stackOf: Map<Finding, string | undefined> }>();
  // Severities the config lowers: each is reported, with the errors it hides, so the report shows it.
  const lowered = loweredSeverities(opts.config);
  const hidden = new Map<string, Hidden>();
  // Two readings of one folder (Terraform's and OpenTofu's) are one stack to the reader: counted once, and a finding
  // both report shown once (see `mergeReadings`).
  const readings = new Map<string, { reading: string; findings: Finding[] }[]>();
  const counted = new Map<string, { principals: number; agents: number; resources: number }>();
  // What the config's selectors and acknowledgements were about in some stack: the rest gets a note.
  const selecting = (opts.config.agents?.names?.length ?? 0) > 0 || Object.keys(opts.config.agents?.tags ?? {}).length > 0;
  const selected = { names: new Set<string>(), tags: false, nearTags: [] as string[], principalNames: [] as string[] };
  const acknowledging = new Set<Acknowledgement>();
  // Hand-written `"//"` entries that are no acknowledgement (an unknown key, an unreadable limit): each gets a note.
  const skippedInCode: string[] = [];
  const states = peerStates(stacks);
  const byState = stacks.length > 1 ? new (peerStacks().StateIndex)(stacks) : undefined;
  // The other stacks' stores (with the bucket settings of every stack) and functions: see peer-resources.ts.
  const resourcesOf = byState ? peerResources().peerResources(stacks, byState, opts.config) : () => ({});
  const agentsOfStacks = byState ? peerStacks().agentsOfRun(stacks, byState, opts.config) : [];
  const removals = byState ? peerStacks().removalsOfRun(stacks, byState) : [];
  const run = runDigest(stacks);
  for (const plain of stacks) {
    // Another reading of the same folder (Terraform's and OpenTofu's) is the same stack, not a peer.
    const other = (s: TfStack) => !peerStacks().sameStack(s, plain);
    const peers = states.filter((x) => x.of !== plain).map((x) => x.state);
    const resources = resourcesOf(plain);
    const peerAgents = agentsOfStacks.filter((x) => other(x.of)).flatMap((x) => x.agents);
    const remoteOutputs = byState ? byState.remoteStatesOf(plain) : new Map();
    const peerRemovals = removals.filter((x) => other(x.of)).flatMap((x) => x.removals);
    const linked = peers.length > 0 || Object.keys(resources).length > 0 || peerAgents.length > 0 || remoteOutputs.size > 0 || peerRemovals.length > 0;
    const stack: TfStack = linked
      ? {
          ...plain,
          ...(peers.length > 0 ? { peerStates: peers } : {}),
          ...resources,
          ...peerStacks().peerFields(peerAgents),
          ...(remoteOutputs.size > 0 ? { remoteOutputs } : {}),
          ...(peerRemovals.length > 0 ? { peerRemovals } : {}),
        }
      : plain;
    const analyzed = analyzeStack(stack, { config: opts.config, rules, strict: opts.strict, maxReachEdges: opts.maxReachEdges });
    // Each finding with the digest of what grants it, which a pinned acknowledgement must match (red-team round 141).
    const r = { ...analyzed, findings: withGrantsDigests(analyzed.findings, stack, analyzed.analysis, run) };
    if (selecting) {
      const hits = configSelectorHits(opts.config, stack, r.analysis.principals.filter((p) => p.external));
      for (const g of hits.names) selected.names.add(g);
      selected.tags ||= hits.tags;
      if (!hits.tags) for (const n of nearAgentTagMatches(opts.config, stack)) selected.nearTags.push(`${n}${stack.name ? ` (stack ${stack.name})` : ""}`);
      for (const p of r.analysis.principals) if (!p.external && !/[*?]/.test(p.name)) selected.principalNames.push(p.name);
      // awscc principals are no principals of the analysis, yet a name glob selects them (unmodelled-iam).
      for (const x of Object.keys(CLOUD_CONTROL_PRINCIPALS).flatMap((t) => stack.byType.get(t) ?? [])) {
        const name = cloudControlStandIn(undefined, x)?.values.name;
        if (x.mode === "managed" && typeof name === "string" && !name.includes("${")) selected.principalNames.push(name);
      }
    }
    // Decided per finding, by its severity before the override: a warning rule reports errors too (a tag map it cannot
    // read on a role with destroy rights, a weak path under --strict), and its "off" drops exactly those.
    for (const f of r.findings) {
      if (!lowered.has(f.ruleId) || f.severity !== "error") continue;
      let h = hidden.get(f.ruleId);
      if (!h) hidden.set(f.ruleId, (h = { findings: new Set(), principals: new Set() }));
      // Two readings of one folder report the same finding twice: it is one finding hidden.
      h.findings.add(JSON.stringify([stack.name ?? "", stack.file, f.principal, f.resource, f.actions, f.message]));
      h.principals.add(f.principal);
    }
    let own = applySeverity(r.findings, opts.config.severity ?? {});
    // An acknowledgement written in code belongs to its stack: the same address in another stack is another principal.
    // It counts only when the config in force opts in: stack code is what an agent edits (red-team round 119).
    const inCode = inCodeAcknowledgements(stack, (note) => skippedInCode.push(note));
    // An expired one is in the stack that carries it, whether or not it still matches a finding (with none, its file
    // was its source, `construct ...`, which is no file).
    // Not honoured, an expired one is still reported: an expiry only tightens (red-team round 125).
    if (inCode.length > 0) {
      const judged = opts.config.acknowledgementsInCode === true ? applyInCodeAcknowledgements(own, inCode, now) : [...refusedInCode(own, inCode, stack.name, now), ...expiredFindings(own, inCode, now)];
      // The unpinned warnings honoured ones raise follow the severity map, as the config's do.
      own = judged.flatMap((f) => (f.ruleId === ACKNOWLEDGEMENT_UNPINNED ? applySeverity([f], opts.config.severity ?? {}) : [f])).map((f) => (f.ruleId === ACKNOWLEDGEMENT_EXPIRED ? { ...atPrincipal(f, [], [stack]), file: stack.file } : f));
    }
    // One in the config holds in the stack it names, or in every stack when it names none.
    const label = stack.name ?? stack.file;
    const scoped = acks.filter((a) => a.stack === undefined || a.stack === stack.name);
    // Before severities: an acknowledgement of a rule set to "off" is still about its findings.
    for (const a of scoped) if (!acknowledging.has(a) && r.findings.some((f) => isAbout(a, f) || isPartlyAbout(a, f))) acknowledging.add(a);
    own = markAcknowledged(own, scoped, now, (ack, hits) => {
      let m = matched.get(ack);
      if (!m) matched.set(ack, (m = { stacks: [], findings: [], stackOf: new Map() }));
      if (!m.stacks.includes(label)) m.stacks.push(label);
      for (const f of hits) {
        m.findings.push(f);
        m.stackOf.set(f, stack.name);
      }
    });
    const key = `${stack.name ?? ""}\u0000${stack.file}`;
    if (stack.reading) {
      const list = readings.get(key) ?? [];
      list.push({ reading: stack.reading, findings: own });
      readings.set(key, list);
    } else for (const f of own) findings.push(f); // not push(...own): a spread of tens of thousands of findings overflows the stack
    const c = counted.get(key) ?? { principals: 0, agents: 0, resources: 0 };
    counted.set(key, {
      principals: Math.max(c.principals, ownCount(r.analysis.principals)),
      agents: Math.max(c.agents, ownCount(r.analysis.agents)),
      resources: Math.max(c.resources, stack.resources.length),
    });
  }
  for (const group of readings.values()) for (const f of mergeReadings(group)) findings.push(f);
  for (const c of counted.values()) {
    principals += c.principals;
    agents += c.agents;
    resources += c.resources;
  }
  for (const [ruleId, to] of lowered) {
    const meta = rules.find((r) => r.meta.id === ruleId)?.meta;
    const at = hidden.get(ruleId);
    // An error rule's override is reported every time (the gate is partly off whatever this run finds); another
    // rule's when it hid an error here.
    if (meta?.severity === "error" || at !== undefined) findings.push(loweredFinding(ruleId, to, at, meta, opts.configSource ?? "blastwall.json"));
  }
  for (const ack of acks) {
    const m = matched.get(ack);
    if (isExpired(ack, now)) {
      const expired = atPrincipal(expiredFinding(ack, m?.findings ?? []), m?.findings ?? [], stacks.filter((s) => ack.stack === undefined || s.name === ack.stack));
      // In the config file, where it is renewed or deleted: not in the stack it was about (red-team round 121).
      findings.push({ ...expired, file: ack.source ?? opts.configSource ?? "blastwall.json" });
    }
    else {
      if (ack.stack === undefined && m && m.stacks.length > 1) findings.push(unscopedFinding(ack, m.stacks, m.findings));
      // A warning the severity map raises to an error (to require pinned acknowledgements) or turns off.
      if (ack.grants === undefined && m && m.findings.length > 0) for (const f of applySeverity([unpinnedFinding(ack, m.findings, (f) => m.stackOf.get(f))], opts.config.severity ?? {})) findings.push(f);
    }
  }
  // A protected entry that names nothing is judged over every stack the config is for; one stack alone gets notes.
  const protectedEntries =
    opts.wholeRun !== false ? protectedEntryFindings(opts.config, stacks, opts.configSource ?? "blastwall.json") : { findings: [], notes: protectedEntryNotes(opts.config, stacks) };
  if (opts.wholeRun !== false) {
    // A selector of the config that selects nothing in any stack of the run is what an agent that renamed its role or
    // dropped its tag in the stack code leaves (red-team round 119 F4): findings, which the config's severity map can
    // lower for a config shared by stacks checked in other runs (and then says so, as for any rule).
    const from = opts.configSource ?? "blastwall.json";
    const strict = opts.strict ?? opts.config.strict ?? false;
    const unmatched = [
      ...unmatchedAddresses(opts.config, stacks, from),
      ...protectedEntries.findings,
      ...unusedSelectorFindings(opts.config, selected, from, filesChecked(stacks), strict),
    ];
    for (const f of applySeverity(unmatched, opts.config.severity ?? {})) findings.push(f);
    for (const id of new Set(unmatched.map((f) => f.ruleId))) {
      const to = lowered.get(id);
      const errors = unmatched.filter((f) => f.ruleId === id && f.severity === "error");
      if (to !== undefined && errors.length > 0) {
        const hid: Hidden = { findings: new Set(errors.map((f) => f.principal)), principals: new Set(errors.map((f) => f.principal)) };
        findings.push(loweredFinding(id, to, hid, INPUT_METAS.find((m) => m.id === id), from));
      }
    }
  }
  const source = opts.configSource ?? "blastwall.json";
  const notes = [...unknownStackNotes(acks, stacks), ...new Set(skippedInCode), ...protectedEntries.notes];
  // Read last: the rules may have evaluated more of a folder while they ran. Two readings of one folder say it once.
  notes.push(...new Set(stacks.flatMap((s) => s.evaluationNotes?.() ?? [])));
  // The synth-time gate judges one stack of an app at a time: what the config selects or acknowledges may be in another.
  if (opts.wholeRun !== false) {
    const names = new Set(stacks.map((s) => s.name).filter((n): n is string => n !== undefined));
    // Expired ones are findings already; one naming a stack not checked has its own note.
    const skip = (a: Acknowledgement) => isExpired(a, now) || (a.stack !== undefined && !names.has(a.stack));
    notes.push(
      ...unusedAcknowledgementNotes(opts.config, acks, acknowledging, skip, source, stacksChecked(stacks)),
    );
  }
  const { errors, warnings, acknowledged } = countFindings(findings);
  return {
    tool: "check",
    findings,
    summary: { errors, warnings, principals, agentPrincipals: agents, resources, files: filesCount(stacks), acknowledged },
    ...(notes.length > 0 ? { notes } : {}),
    // The runner's own findings (expired or unscoped acknowledgements, lowered severities) are described too.
    rules: [...rules.map((r) => r.meta), ...INPUT_METAS],
  };
}

/**
 * How many files the run read: each Terraform JSON file checked, and every `.tf` / `.tf.json` of a folder and its local
 * modules (red-team round 121: one per folder said "1 file(s)" beside findings in two). A file two stacks or two
 * readings share counts once.
 */
function filesCount(stacks: readonly TfStack[]): number {
  const files = new Set<string>();
  for (const s of stacks) for (const f of s.filesRead ?? [s.file]) files.add(resolve(f));
  return files.size;
}

/** The stacks of a run as a note names them: by name, else by file. */
function stacksChecked(stacks: readonly TfStack[]): string {
  const named = [...new Set(stacks.map((s) => (s.name !== undefined ? `stack ${JSON.stringify(s.name)}` : s.file)))];
  return named.length <= 5 ? named.join(", ") : `${named.slice(0, 5).join(", ")} and ${named.length - 5} more`;
}

/** The files named in a finding about the whole run: a few, and how many more. */
function filesChecked(stacks: readonly TfStack[]): string {
  const files = [...new Set(stacks.map((s) => s.file))];
  return files.length <= 5 ? files.join(", ") : `${files.slice(0, 5).join(", ")} and ${files.length - 5} more`;
}

/**
 * An `agents.addresses` entry that names no resource of any stack checked selects nothing: a misspelt address
 * (`aws_iam_role.agnet`), or an agent renamed in the stack code, leaves the agent it meant unjudged, and the gate
 * passes it. An error (red-team round 119 F4: an agent renamed its address and passed with a warning); a config shared
 * by stacks checked in other runs lowers it in its severity map.
 */
function unmatchedAddresses(config: BlastwallConfig, stacks: readonly TfStack[], source: string): Finding[] {
  const entries = config.agents?.addresses ?? [];
  if (entries.length === 0) return [];
  const known = new Set<string>();
  for (const s of stacks) {
    for (const r of s.resources) {
      known.add(r.address);
      known.add(withoutInstanceKeys(r.address));
    }
  }
  const files = filesChecked(stacks);
  return entries
    // An instance's address selects the block a configuration writes once (agents.ts).
    .filter((entry) => !known.has(entry) && !known.has(withoutInstanceKeys(entry)))
    .map((entry) => ({
      ruleId: "config-address-unmatched",
      severity: "error",
      principal: entry,
      resource: entry,
      actions: [],
      evidence: [{ step: "config", address: source, detail: `agents.addresses lists ${JSON.stringify(entry)}; no resource of the files checked has that address` }],
      message:
        `${source} lists ${entry} in agents.addresses, but no resource of the files checked has that address (files checked: ${files || "none"}). ` +
        `If it is a misspelt address, or the agent's role was renamed in the stack code (which an agent can edit), the agent it meant is not judged: ` +
        `none of its rights, chains or trust were checked, and the gate would pass it.`,
      fix:
        `Correct the entry to the Terraform address it meant (as \`terraform state list\` or the synthesized JSON names it, ` +
        `\`module.NAME.aws_iam_role.NAME\` inside a module), or remove it; if the resource was renamed, find out why before changing the config. ` +
        `Name each agent both ways: its role or user by agents.names (a harmless role placed at the old address satisfies an address, never a name) ` +
        `and its runtime (the function, association or task definition its code runs in) by address. ` +
        `If the config is shared with stacks checked in other runs, check the stack that has the address in the same run, or set ` +
        `"severity": { "config-address-unmatched": "warning" } in the config for those runs.`,
      file: source,
    }));
}

/**
 * A warning for each config acknowledgement whose `stack` names no stack checked: it covers nothing, and a misspelt
 * name (or a stack renamed since) looked exactly like an acknowledgement doing its work (review round 94).
 */
function unknownStackNotes(acks: readonly Acknowledgement[], stacks: readonly TfStack[]): string[] {
  const names = [...new Set(stacks.map((s) => s.name).filter((n): n is string => n !== undefined))].sort();
  const unnamed = [...new Set(stacks.filter((s) => s.name === undefined).map((s) => s.file))];
  const checked = [
    ...(names.length > 0 ? [names.map((n) => JSON.stringify(n)).join(", ")] : []),
    ...(unnamed.length > 0 ? [`${unnamed.length} without a name (${unnamed.join(", ")}: a stack is named by its folder, cdktf.out/stacks/NAME)`] : []),
  ].join("; and ");
  const out: string[] = [];
  for (const a of acks) {
    if (a.stack === undefined || names.includes(a.stack)) continue;
    out.push(
      `warning: the acknowledgement of ${a.ruleId} for ${a.principal} in ${a.source ?? "blastwall.json"} is for stack ${JSON.stringify(a.stack)}, ` +
        `which no stack checked is (stacks checked: ${checked || "none"}), so it covers nothing here; correct the name or remove the entry.`,
    );
  }
  return out;
}

/**
 * A finding about an acknowledgement, with the construct path of the principal it names, as every finding about a
 * principal has: from the findings it was written for, else from the stacks it may be in, when they agree on one.
 */
function atPrincipal(f: Finding, covered: readonly Finding[], stacks: readonly TfStack[]): Finding {
  if (f.constructPath !== undefined) return f;
  const paths = new Set<string>();
  for (const c of covered) if (c.principal === f.principal && c.constructPath !== undefined) paths.add(c.constructPath);
  if (paths.size === 0) for (const s of stacks) {
    const at = s.byAddress.get(f.principal)?.constructPath;
    if (at !== undefined) paths.add(at);
  }
  return paths.size === 1 ? { ...f, constructPath: [...paths][0] } : f;
}

/** How many of `ps` are the stack's own: a principal of another stack checked in the same run is counted there, once. */
function ownCount(ps: readonly PrincipalNode[]): number {
  return ps.reduce((n, p) => (p.peer === undefined ? n + 1 : n), 0);
}

/** The S3 state of each stack checked, with the credentials it holds: a path for the agents of every other stack. */
function peerStates(stacks: readonly TfStack[]): { of: TfStack; state: PeerState }[] {
  if (stacks.length < 2) return [];
  return stacks
    .filter((s) => s.backend?.type === "s3")
    .map((s) => ({
      of: s,
      state: {
        stack: s.name ?? s.file,
        backend: s.backend!,
        credentials: [...stackCredentials(s).map((c) => `${c.what} of ${c.user ?? c.address}`), ...databasePasswords().databasesWithPasswords(s).map((d) => `the master password of ${d}`)],
      },
    }));
}

/**
 * The findings of the readings of one folder: one both readings report is shown once, as it is; one only a reading
 * reports says which (`... (as OpenTofu reads this folder)`), since only that tool would apply what it is about.
 */
function mergeReadings(group: readonly { reading: string; findings: readonly Finding[] }[]): Finding[] {
  const keyOf = (f: Finding) => JSON.stringify([f.ruleId, f.severity, f.principal, f.resource, f.actions, f.message, f.acknowledged ?? null]);
  const seen = new Map<string, number>();
  for (const g of group) for (const k of new Set(g.findings.map(keyOf))) seen.set(k, (seen.get(k) ?? 0) + 1);
  const out: Finding[] = [];
  const shown = new Set<string>();
  for (const g of group) {
    for (const f of g.findings) {
      const k = keyOf(f);
      if (seen.get(k) === group.length) {
        if (!shown.has(k)) out.push(f);
        shown.add(k);
      } else out.push({ ...f, message: `${f.message} (${g.reading})` });
    }
  }
  return out;
}

export async function checkPaths(paths: readonly string[], opts: CheckOptions & { readonly varFiles?: readonly string[]; readonly cwd?: string }): Promise<Report> {
  // Loaded here, not with the module: the synth-time gate runs checkStacks alone, and every module it loads is synth time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { expandPaths } = require("./expand-paths") as typeof import("./expand-paths");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readVarFiles } = require("./var-files") as typeof import("./var-files");
  const inputs = expandPaths(paths);
  const folders = [resolve(opts.cwd ?? "."), ...inputs.map((i) => resolve(i.kind === "hcl" ? i.path : dirname(i.path)))];
  const { values, givenValues } = await repositoryFiles().readVarFilesFrom(opts.varFiles ?? [], folders, readVarFiles);
  const stacks: TfStack[] = [];
  const unread: string[] = [];
  for (const input of inputs) {
    const read = await loadStacks(input, values);
    for (const s of read) stacks.push(givenValues ? { ...s, givenValues } : s);
    // Read alone (not as its folder, which a local module makes it): say what Terraform would load with it.
    if (input.unread !== undefined && read.some((s) => s.file === input.path)) unread.push(unreadNote(input.path, input.unread));
  }
  const report = checkStacks(stacks, opts);
  return unread.length > 0 ? { ...report, notes: [...(report.notes ?? []), ...unread] } : report;
}

/** What a `*.tf.json` file named alone was read without, why it matters, and how to read it as Terraform does. */
function unreadNote(path: string, files: readonly string[]): string {
  const dir = dirname(path);
  const why: string[] = [];
  if (files.some((f) => /\.tfvars(\.json)?$/.test(f))) why.push("a tfvars file sets its variables' values (a guard's count or actions may come from one)");
  if (files.some((f) => /(^|_)override\.(tf|tofu)(\.json)?$/.test(f))) why.push("an override file replaces arguments of its blocks (a guard's count = 0)");
  if (files.some((f) => f.endsWith(".tofu.json") && !/(^|_)override\.tofu\.json$/.test(f))) why.push(`OpenTofu reads ${basename(path).replace(/\.tf\.json$/, ".tofu.json")} instead of it`);
  return (
    `${path} was read alone, as named: Terraform (or OpenTofu) run in ${dir} also loads ${files.map((f) => join(dir, f)).join(", ")}, which blastwall did not read, ` +
    `and ${why.join("; ")}. Check the folder instead (blastwall check ${dir}) to judge what is applied.`
  );
}

/** Rules the config sets to `warning` or `off`: whether that hides an error is decided per finding. */
function loweredSeverities(config: BlastwallConfig): Map<string, "warning" | "off"> {
  const out = new Map<string, "warning" | "off">();
  for (const [id, to] of Object.entries(config.severity ?? {})) if (to === "warning" || to === "off") out.set(id, to);
  return out;
}

/** The error findings of a rule a severity override hid: how many, and the principals they were about. */
interface Hidden {
  readonly findings: Set<string>;
  readonly principals: Set<string>;
}

const SHOWN_PRINCIPALS = 3;

function loweredFinding(ruleId: string, to: "warning" | "off", hidden: Hidden | undefined, meta: Rule["meta"] | undefined, source: string): Finding {
  const principals = [...(hidden?.principals ?? [])];
  const count = hidden?.findings.size ?? 0;
  const where =
    principals.length === 0
      ? ""
      : ` (on ${principals.slice(0, SHOWN_PRINCIPALS).join(", ")}${principals.length > SHOWN_PRINCIPALS ? ` and ${principals.length - SHOWN_PRINCIPALS} more` : ""})`;
  // A rule listed as a warning rule is the one a team silences as noise: say that what it hid here were errors.
  const listed =
    meta !== undefined && meta.severity !== "error"
      ? ` ${ruleId} is listed as a warning rule, but these findings were errors (it reports an error where what it finds may let an agent destroy data, or under --strict), and "${to}" ${to === "off" ? "drops" : "downgrades"} them too.`
      : "";
  return {
    ruleId: "config-severity-lowered",
    severity: "warning",
    principal: source,
    resource: source,
    actions: [],
    evidence: [{ step: "config", address: source, detail: `severity.${ruleId} = "${to}"` }],
    message:
      `${source} sets ${ruleId} to "${to}": ${count} error finding${count === 1 ? "" : "s"} of it${where} ` +
      `${to === "off" ? `${count === 1 ? "is" : "are"} dropped from this report` : `${count === 1 ? "is reported as a warning" : "are reported as warnings"} and no longer fail${count === 1 ? "s" : ""} the run`}.${listed}`,
    fix: SHARED_CONFIG_RULES[ruleId] !== undefined ? sharedConfigFix(ruleId, SHARED_CONFIG_RULES[ruleId]) : `Remove the override and acknowledge the findings one by one, with a reason and an expiry, if they are intended.`,
    file: source,
  };
}

/**
 * The rules about the config's own selectors, which a config shared by stacks checked in separate runs lowers by
 * design (README), with what their findings name. Their findings are about the config, reported after every
 * acknowledgement is applied, so "acknowledge them one by one" could not be followed (red-team round 125 F7).
 */
const SHARED_CONFIG_RULES: Readonly<Record<string, string>> = {
  "config-address-unmatched": "agents.addresses entries",
  "config-protected-unmatched": "protected.addresses and protected.types entries",
  "config-selector-unmatched": "agents.names globs and agents.tags selectors",
};

/**
 * The lowering stays reported, each run in which it hides something (failing closed: an entry an agent renamed away
 * looks exactly like one of another run's stacks, and only a reviewer can tell them apart), so the fix says how to
 * read it rather than asking for what cannot be done.
 */
function sharedConfigFix(ruleId: string, what: string): string {
  return (
    `Lowering ${ruleId} is the remedy for a config shared by stacks checked in separate runs; this warning stays, in every run where the ` +
    `override hides a finding, so reviewers see which ${what} no stack of the run has and that the gate did not fail on them. ` +
    `Check that each one named here is in a stack checked in another run (it is judged there); correct or remove one that no stack has, ` +
    `and find out why if an agent's role was renamed or lost its tag. To be rid of the warning, check every stack the config is for in one run ` +
    `and remove the override. An acknowledgement cannot take its place: these findings are about the config itself, and no acknowledgement matches them.`
  );
}
