/**
 * Where a plan JSON shows data sources and ephemeral resources that run code whenever Terraform reads or opens them
 * (a Lambda invocation, a local program): read during apply, read during `terraform plan`, or an ephemeral resource
 * used. Shared by the rules that judge such types (plan-lambda-invoked, plan-local-program-runs).
 */
import { withoutInstanceKeys } from "../engine/agents";
import type { Evidence } from "../engine/findings";
import type { PlanLevelFinding } from "./rule";
import type { PlanJson, PlanModule, PlanModuleResource, PlanResourceChange } from "./types";
import { afterValue, getPath, isObject, isSensitive, markedAt, type Path } from "./values";

const SHOW_MAX = 160;

/** Why Terraform reads a data source during apply rather than during plan. */
const READ_REASONS: Readonly<Record<string, string>> = {
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "a resource it depends on changes in this apply",
  read_because_check_nested: "a check block reads it",
};

/** Data sources of these types that `resource_changes` says are read during apply. */
export function readsDuringApply(plan: PlanJson, types: ReadonlySet<string>): PlanResourceChange[] {
  return plan.resource_changes.filter((rc) => rc.mode === "data" && types.has(rc.type) && rc.change.actions.includes("read"));
}

/** ` (read_because_...: why)` for a read during apply, or nothing when the plan gives no reason. */
export function readReason(rc: PlanResourceChange): string {
  return rc.action_reason ? ` (${rc.action_reason}${READ_REASONS[rc.action_reason] ? `: ${READ_REASONS[rc.action_reason]}` : ""})` : "";
}

/** A data source block of the configuration, with its address from the root module. */
export interface ConfiguredData {
  readonly address: string;
  readonly block: Readonly<Record<string, unknown>>;
}

/**
 * Data sources of these types read during `terraform plan`: in `prior_state` (its values are what the read returned),
 * or, not there, in the configuration and nowhere in `resource_changes`. Either way the read happened before the
 * gate ran.
 */
export function readsDuringPlan(plan: PlanJson, types: ReadonlySet<string>): { inState: PlanModuleResource[]; configured: ConfiguredData[] } {
  const planned = new Set(plan.resource_changes.filter((rc) => rc.mode === "data").map((rc) => withoutInstanceKeys(rc.address)));
  const read = new Map<string, PlanModuleResource>();
  for (const r of moduleResources(plan.prior_state?.values?.root_module)) {
    if (r.mode === "data" && types.has(r.type) && !planned.has(withoutInstanceKeys(r.address))) read.set(r.address, r);
  }
  const inState = new Set([...read.keys()].map(withoutInstanceKeys));
  const configured: ConfiguredData[] = [];
  const walk = (m: unknown, prefix: string) => {
    if (!isObject(m)) return;
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (!isObject(r) || r.mode !== "data" || typeof r.type !== "string" || !types.has(r.type) || typeof r.address !== "string") continue;
      const address = `${prefix}${r.address}`;
      if (!planned.has(address) && !inState.has(address)) configured.push({ address, block: r });
    }
    if (isObject(m.module_calls)) for (const [name, call] of Object.entries(m.module_calls)) if (isObject(call)) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(getPath(plan, ["configuration", "root_module"]), "");
  return { inState: [...read.values()], configured };
}

/**
 * Ephemeral resources of these types the plan JSON shows a trace of, each with where: a reference in the
 * configuration (any module, provider configuration, output or module argument), an entry of `relevant_attributes`,
 * or the block itself should a future format write it. `terraform show -json` writes no ephemeral block (checked with
 * Terraform 1.11.4), so one that nothing references leaves no trace at all.
 */
export function ephemeralTraces(plan: PlanJson, types: ReadonlySet<string>): Map<string, Set<string>> {
  // Type names are provider-chosen identifiers ([a-z0-9_]), so they go into the pattern as written.
  const pattern = new RegExp(`^((?:module\\.[^.]+(?:\\[[^\\]]*\\])?\\.)*)ephemeral\\.(${[...types].join("|")})\\.([A-Za-z0-9_-]+)`);
  const found = new Map<string, Set<string>>();
  const note = (address: string, where: string) => {
    const key = withoutInstanceKeys(address);
    if (!found.has(key)) found.set(key, new Set());
    found.get(key)!.add(where);
  };
  const seen = (ref: unknown, prefix: string, where: string) => {
    const m = typeof ref === "string" ? pattern.exec(ref) : null;
    if (m) note(`${prefix}${m[1]}ephemeral.${m[2]}.${m[3]}`, where);
  };
  for (const r of Array.isArray(getPath(plan, ["relevant_attributes"])) ? (getPath(plan, ["relevant_attributes"]) as unknown[]) : []) {
    if (isObject(r)) seen(r.resource, "", "relevant_attributes");
  }
  const config = getPath(plan, ["configuration"]);
  if (isObject(config)) {
    if (isObject(config.provider_config)) {
      for (const [key, p] of Object.entries(config.provider_config)) {
        const prefix = isObject(p) && typeof p.module_address === "string" && p.module_address !== "" ? `${p.module_address}.` : "";
        walkReferences(p, (ref) => seen(ref, prefix, `the provider configuration ${key}`));
      }
    }
    walkModule(config.root_module, "", types, seen, (address) => note(address, "configuration (an ephemeral block)"));
  }
  return found;
}

/**
 * Where an ephemeral resource of these types may be used unseen: `terraform show -json` writes no `locals` block, so an
 * expression that reads a local shows only `local.NAME` (checked with Terraform 1.11.4: `token = local.v` with `v =
 * ephemeral.aws_lambda_invocation.x.result` leaves `references: ["local.v"]`). A write-only argument fed that way is
 * listed in `relevant_attributes` (its full address, through locals and module variables), which ephemeralTraces
 * reads; a provider configuration and a provisioner are not. So, in those two, a reference that reaches a local
 * (directly, through a module variable's argument or a child module's output) counts as possibly opening one,
 * whenever the configuration names the provider that offers the type (Terraform lists it in `provider_config` for an
 * ephemeral block alone; with no `provider_config`, always). Keyed by `MODULE.ephemeral.TYPE.*` (the module of the
 * local), each with where it was used and through which local.
 */
export function ephemeralMaybeOpened(plan: PlanJson, types: ReadonlySet<string>): Map<string, MaybeOpened> {
  const found = new Map<string, MaybeOpened>();
  // Ephemeral resources exist from Terraform 1.10: an older plan has none to hide (round 118). A version blastwall
  // cannot read counts as a newer one.
  if (olderThan(plan.terraform_version, 1, 10)) return found;
  const config = getPath(plan, ["configuration"]);
  if (!isObject(config)) return found;
  const offered = [...types].filter((t) => providerNamed(config.provider_config, t.split("_")[0]));
  if (offered.length === 0) return found;
  const modules = new Map<string, Readonly<Record<string, unknown>>>();
  const calls = new Map<string, { parent: string; call: Readonly<Record<string, unknown>> }>();
  const index = (m: unknown, prefix: string) => {
    if (!isObject(m)) return;
    modules.set(prefix, m);
    if (isObject(m.module_calls)) {
      for (const [name, call] of Object.entries(m.module_calls)) {
        if (!isObject(call)) continue;
        calls.set(`${prefix}module.${name}.`, { parent: prefix, call });
        index(call.module, `${prefix}module.${name}.`);
      }
    }
  };
  index(config.root_module, "");
  const note = (local: string, prefix: string, where: string, secret: boolean) => {
    for (const t of offered) {
      const key = `${prefix}ephemeral.${t}.*`;
      if (!found.has(key)) found.set(key, { where: new Set(), secret: false });
      const f = found.get(key)!;
      f.where.add(`${where}, through ${prefix}${local}`);
      f.secret ||= secret;
    }
  };
  /** The locals `ref` (in the module at `prefix`) may carry a value from, following module variables and outputs. */
  const locals = (ref: string, prefix: string, out: Map<string, string>, visited: Set<string>) => {
    if (visited.has(`${prefix}${ref}`)) return;
    visited.add(`${prefix}${ref}`);
    const refsOf = (e: unknown, at: string) => walkReferences(e, (r) => locals(r, at, out, visited));
    const local = /^local\.([^.[]+)/.exec(ref);
    const variable = /^var\.([^.[]+)/.exec(ref);
    const output = /^module\.([^.[]+)(?:\[[^\]]*\])?(?:\.([^.[]+))?/.exec(ref);
    if (local) out.set(`local.${local[1]}`, prefix);
    else if (variable && prefix !== "") {
      const c = calls.get(prefix);
      // A module call the plan does not show may pass anything, so its variable counts as a local.
      if (!c) out.set(`var.${variable[1]}`, prefix);
      else refsOf(getPath(c.call, ["expressions", variable[1]]), c.parent);
    } else if (output) {
      const child = modules.get(`${prefix}module.${output[1]}.`);
      const outs = isObject(child?.outputs) ? child!.outputs : undefined;
      if (!outs) out.set(ref, prefix);
      else for (const [name, o] of Object.entries(outs)) if (!output[2] || name === output[2]) refsOf(o, `${prefix}module.${output[1]}.`);
    }
  };
  const used = (e: unknown, prefix: string, where: string, secret: boolean) => {
    const out = new Map<string, string>();
    walkReferences(e, (r) => locals(r, prefix, out, new Set()));
    for (const [local, at] of out) note(local, at, where, secret);
  };
  // Argument by argument, so a local in a credential (where ephemeral values are meant to go) can be told from one in
  // `region` or `default_tags`.
  const byArgument = (e: unknown, prefix: string, where: string) => {
    if (!isObject(e)) return used(e, prefix, where, true);
    for (const [arg, x] of Object.entries(e)) {
      // A nested block (a connection inside the expressions): its own arguments decide.
      if (isObject(x) && !("references" in x) && !("constant_value" in x)) byArgument(x, prefix, `${where} (${arg})`);
      else used(x, prefix, `${where} (${arg})`, SECRET_ARGUMENT.test(arg));
    }
  };
  if (isObject(config.provider_config)) {
    for (const [key, p] of Object.entries(config.provider_config)) {
      const prefix = isObject(p) && typeof p.module_address === "string" && p.module_address !== "" ? `${p.module_address}.` : "";
      byArgument(isObject(p) ? p.expressions : undefined, prefix, `the provider configuration ${key}`);
    }
  }
  for (const [prefix, m] of modules) {
    for (const r of Array.isArray(m.resources) ? m.resources : []) {
      if (!isObject(r) || !Array.isArray(r.provisioners)) continue;
      const at = `a provisioner of ${prefix}${typeof r.address === "string" ? r.address : "(a resource)"}`;
      for (const pr of r.provisioners) {
        if (!isObject(pr)) continue;
        byArgument(pr.expressions, prefix, at);
        byArgument(pr.connection, prefix, `${at}, its connection`);
      }
    }
  }
  return found;
}

/**
 * Where an ephemeral value is meant to go: a credential (`token`, `secret_key`, `password`, a web identity token, a
 * connection's `private_key`). A local there blocks; one in `region`, `default_tags`, a role ARN to assume (often built
 * from `local.account_id`, round 117) or a command warns: an ephemeral resource may hide behind any local, but blocking every plan whose provider reads a local would
 * block most plans.
 */
const SECRET_ARGUMENT = /token|secret|password|private_key|access_key|credential|client_key|api_key/i;

/** Whether a `terraform_version` such as `1.9.8` is certainly older than MAJOR.MINOR. */
function olderThan(version: string | undefined, major: number, minor: number): boolean {
  const m = typeof version === "string" ? /^(\d+)\.(\d+)\./.exec(version) : null;
  if (!m) return false;
  const [ma, mi] = [Number(m[1]), Number(m[2])];
  return ma < major || (ma === major && mi < minor);
}

/** What ephemeralMaybeOpened finds for one type: where a local was used, and whether one of those is a credential. */
export interface MaybeOpened {
  readonly where: Set<string>;
  secret: boolean;
}

/**
 * Blocking findings for ephemeralMaybeOpened: `does` says what opening such a resource does ("invokes a Lambda
 * function ..."). An approval lists each as `MODULE.ephemeral.TYPE.*` with the action `open`.
 */
export function maybeOpenedFindings(plan: PlanJson, types: ReadonlySet<string>, does: string): PlanLevelFinding[] {
  return [...ephemeralMaybeOpened(plan, types).entries()].map(([address, { where, secret }]) => {
    const list = [...where];
    const type = /ephemeral\.([^.]+)\.\*$/.exec(address)?.[1] ?? address;
    return {
      draft: {
        principal: address,
        resource: address,
        actions: ["open"],
        evidence: [
          { step: "unresolved", address, detail: `used in ${list.join("; ")}: the plan JSON has no locals block, so it does not show what the local holds` },
          { step: "ephemeral", address, detail: `an ephemeral "${type}" used there leaves no other trace in the plan JSON, and ${does} whenever Terraform opens it, during this apply too` },
        ],
        ...(secret ? {} : { severity: "warning" as const }),
        message:
          `The plan's configuration may use an ephemeral "${type}" (${address}), which ${does} whenever Terraform opens it: ${list.join("; ")}, and the plan JSON does not show what that local holds ` +
          `(terraform show -json writes no locals), so blastwall cannot rule it out.` +
          (secret ? "" : " No credential argument reads a local, where ephemeral values are meant to go: a warning, which does not block."),
        fix: secret
          ? `Read the locals named in the finding. If none of them comes from an ephemeral "${type}", approve this plan (\`blastwall approve\`); to pass without approval, ` +
            "write the value in the provider configuration or provisioner itself (or through a variable) instead of a local."
          : `Read the locals named in the finding: if one of them comes from an ephemeral "${type}", treat this plan as running it during apply. ` +
            "The warning goes away when the value is written in the provider configuration or provisioner itself (or through a variable) instead of a local.",
      },
      ...(secret ? { change: { address, actions: ["open"] } } : {}),
    };
  });
}

/** True when `provider_config` has a provider of this name (its local name, or the type in its source), or is absent. */
function providerNamed(providers: unknown, name: string): boolean {
  if (!isObject(providers)) return true;
  return Object.values(providers).some((p) => isObject(p) && (p.name === name || (typeof p.full_name === "string" && p.full_name.split("/").pop() === name)));
}

/** Every configuration module: resources' expressions, module call arguments, outputs, child modules (with their path). */
function walkModule(m: unknown, prefix: string, types: ReadonlySet<string>, seen: (ref: unknown, prefix: string, where: string) => void, block: (address: string) => void): void {
  if (!isObject(m)) return;
  for (const r of Array.isArray(m.resources) ? m.resources : []) {
    if (!isObject(r)) continue;
    const address = `${prefix}${typeof r.address === "string" ? r.address : "(a resource)"}`;
    // A future format may write the block itself.
    if (r.mode === "ephemeral" && typeof r.type === "string" && types.has(r.type) && typeof r.name === "string") block(`${prefix}ephemeral.${r.type}.${r.name}`);
    for (const [field, x] of Object.entries(r)) {
      const parts = field === "expressions" && isObject(x) ? Object.entries(x) : [[field, x] as const];
      for (const [name, e] of parts) walkReferences(e, (ref) => seen(ref, prefix, `${address} (${name})`));
    }
  }
  if (isObject(m.outputs)) for (const [name, o] of Object.entries(m.outputs)) walkReferences(o, (ref) => seen(ref, prefix, `${prefix}output.${name}`));
  if (isObject(m.module_calls)) {
    for (const [name, call] of Object.entries(m.module_calls)) {
      if (!isObject(call)) continue;
      const { module: child, ...args } = call;
      walkReferences(args, (ref) => seen(ref, prefix, `the arguments of ${prefix}module.${name}`));
      walkModule(child, `${prefix}module.${name}.`, types, seen, block);
    }
  }
}

/** Calls `at` for each string of a `references` or `depends_on` list anywhere in `v`. */
function walkReferences(v: unknown, at: (ref: string) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walkReferences(x, at));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if ((k === "references" || k === "depends_on") && Array.isArray(x)) x.forEach((r) => typeof r === "string" && at(r));
      else walkReferences(x, at);
    }
  }
}

/** The resources of a module and of its child modules, depth first. */
export function moduleResources(m: PlanModule | undefined): PlanModuleResource[] {
  if (!m) return [];
  return [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(moduleResources)];
}

/** A state value for a message, flattened and shortened; sensitive values never printed. */
export function shownStateValue(r: PlanModuleResource, key: string, quote = true): string {
  if (r.sensitive_values === true || markedAt(r.sensitive_values, [key])) return "(sensitive)";
  const v = isObject(r.values) ? r.values[key] : undefined;
  if (v === null || v === undefined) return "(not set)";
  return shorten(v, quote);
}

/** A value flattened to one line and cut at SHOW_MAX characters; strings quoted when `quote`. */
export function shorten(v: unknown, quote = true): string {
  const s = (typeof v === "string" ? v : JSON.stringify(v) ?? String(v)).replace(/\s+/g, " ");
  const short = s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX - 1)}…` : s;
  return quote ? JSON.stringify(short) : short;
}

/** A change's value for a message: planned (or, on destroy, prior); sensitive and unknown values never printed. */
export function shownChangeValue(rc: PlanResourceChange, path: Path, quote = true): string {
  if (isSensitive(rc.change, path)) return "(sensitive)";
  const planned = rc.change.after !== null && rc.change.after !== undefined;
  const v = planned ? afterValue(rc.change, path) : { state: "known" as const, value: getPath(rc.change.before, path) };
  if (v.state === "unknown") return "(known after apply)";
  if (v.value === null || v.value === undefined) return "(not set)";
  return shorten(v.value, quote);
}

/** A configuration expression for a message: its constant, or what it is computed from. */
export function shownExpression(block: Readonly<Record<string, unknown>>, key: string, quote = true): string {
  const e = getPath(block, ["expressions", key]);
  if (!isObject(e)) return "(not set)";
  if ("constant_value" in e) return shorten(e.constant_value, quote);
  const refs = Array.isArray(e.references) ? e.references.filter((r): r is string => typeof r === "string") : [];
  return refs.length > 0 ? `(computed from ${refs.slice(0, 5).join(", ")})` : "(computed; the plan does not show it)";
}

/** Why a data source counts as read during `terraform plan`: its result is in `prior_state`. */
export const READ_IN_STATE = "prior_state holds its result: terraform plan read it";
/** Why a data source counts as read during `terraform plan`: configured, and not read during apply. */
export const READ_CONFIGURED = "the configuration holds it and resource_changes does not: terraform plan read it (unless its count or for_each made none)";

/**
 * A data source read while `terraform plan` ran, with what it ran (`shown`): a warning no approval covers, since
 * blocking the apply would not undo it. `ran` says what happened ("the call was made", "the program ran").
 */
export function readDuringPlanWarning(address: string, source: string, shown: Evidence, ran: string, message: string, fix: string): PlanLevelFinding {
  return {
    draft: {
      principal: address,
      resource: address,
      actions: ["read"],
      severity: "warning",
      evidence: [
        { step: "read-during-plan", address, detail: source },
        shown,
        { step: "limit", address, detail: `${ran} while terraform plan ran, before the gate: no approval can stop it, and this plan does not list it as a change` },
      ],
      message,
      fix,
    },
  };
}
