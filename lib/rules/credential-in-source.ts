import type { Rule, RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { TfResource, TfStack } from "../engine/terraform/types";
import { isObject } from "../engine/json";
import { hasInterpolation, resolveToPattern } from "../engine/terraform/tokens";
import { PASSWORD_ARGUMENTS, passwordValuesAt } from "../engine/reach/password-arguments";
import { constructPathOf } from "../engine/terraform/stack";
import { describe } from "./protection-support";

/**
 * The arguments that take a credential acting in AWS, or running Terraform, by the provider or backend that reads them.
 * An access key id alone is no credential: a finding needs the secret key or a session token.
 */
const PROVIDER_KEYS: Readonly<Record<string, readonly string[]>> = {
  aws: ["access_key", "secret_key", "token"],
  awscc: ["access_key", "secret_key", "token"],
};
const BACKEND_KEYS: Readonly<Record<string, readonly string[]>> = {
  s3: ["access_key", "secret_key", "token"],
  // A Terraform Cloud / Enterprise token queues runs (destroy runs too) in every workspace its user or team may run.
  remote: ["token"],
  cloud: ["token"],
};
const SECRET_KEYS = new Set(["secret_key", "token"]);

const KEY_FIX =
  "Remove access_key, secret_key and token from the configuration: let the provider (or backend) take credentials from its " +
  "environment (AWS IAM Identity Center, an assumed role, the CI's OIDC role; for Terraform Cloud, the TF_TOKEN_* variable or " +
  "the CLI's credentials file). Then deactivate and delete the key (or token): it stays in the repository's history.";
const PASSWORD_FIX =
  "Do not write the password: let the service manage it where it can (manage_master_user_password, Redshift's " +
  "manage_master_password), or generate it (random_password) and pass it write-only (password_wo with password_wo_version) " +
  "where the argument allows. Then change the password: the written one stays in the repository's history.";

/** How a credential argument is written, when the configuration itself holds its value. */
interface Written {
  readonly argument: string;
  /** The expression, when it is not the value itself. */
  readonly how?: string;
}

/**
 * Whether `raw` is a value the configuration holds (a literal, or an expression that resolves, through variable defaults,
 * tfvars values and locals, to one), and how; undefined when it comes from outside (an unset variable, a generated
 * password, a data source) or from a `--var-file` given at check time.
 */
function written(stack: TfStack, argument: string, raw: unknown): Written | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  if (!hasInterpolation(raw)) {
    if (stack.givenValues?.has(raw)) return undefined;
    return { argument };
  }
  const r = resolveToPattern(stack, raw);
  if (!r.exact || r.pattern === "" || stack.givenValues?.has(r.pattern)) return undefined;
  return { argument, how: `\`${raw}\`, which resolves to a value written in the configuration (a variable's default, a tfvars value, a local or another resource's argument)` };
}

const shown = (w: readonly Written[]) => w.map((x) => (x.how ? `${x.argument}: ${x.how}` : x.argument)).join(w.some((x) => x.how) ? "; " : ", ");

/** `AKIA...` ids are not secret, and naming one tells the reader which key to deactivate. */
function keyId(stack: TfStack, raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const v = hasInterpolation(raw) ? resolveToPattern(stack, raw) : { pattern: raw, exact: true };
  return v.exact && /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(v.pattern) ? v.pattern : undefined;
}

/**
 * Whether the block talks to a local emulator (LocalStack and the like): custom endpoints and no credential check, where
 * test keys (`test`/`test`) are the norm. A real key sent there is still a finding, a warning.
 */
function emulated(body: Readonly<Record<string, unknown>>): boolean {
  const skip = body["skip_credentials_validation"];
  const endpoints = body["endpoints"] ?? body["endpoint"];
  const set = Array.isArray(endpoints) ? endpoints.length > 0 : endpoints !== undefined && endpoints !== null && endpoints !== "";
  return (skip === true || skip === "true") && set;
}

/** A finding about a provider, backend or remote-state block written with a key of its own. */
function keyFinding(ctx: RuleContext, at: string, label: string, body: Readonly<Record<string, unknown>>, keys: readonly string[], holder: string): FindingDraft | undefined {
  const { stack } = ctx;
  const w = keys.flatMap((k) => written(stack, k, body[k]) ?? []);
  if (!w.some((x) => SECRET_KEYS.has(x.argument))) return undefined;
  const local = emulated(body);
  const id = keyId(stack, body["access_key"]);
  const path = constructPathOf(body as Record<string, unknown>);
  const where = path ? `${label} (construct ${path})` : label;
  return {
    principal: at,
    resource: at,
    actions: ["*"],
    severity: local && !ctx.strict ? "warning" : "error",
    message:
      `${where} is given ${holder} in the configuration (${shown(w)})${id ? `; the key is ${id}` : ""}. It sits in plain text in the files ` +
      `everyone working on this configuration reads, a coding agent among them (the source or the synthesized JSON): ` +
      `whoever reads it acts as the key's owner, with rights blastwall cannot see and counts as every ` +
      `right, deleting data and its backups among them. The April 2026 agent found such a token and deleted a production ` +
      `volume with it.` +
      (local ? " The block sets custom endpoints and skip_credentials_validation, as for a local emulator (LocalStack), whose test keys are no credential: a warning; if this key is a real one, it is an error (it is one with --strict)." : ""),
    evidence: [{ step: "resource", address: at, detail: `${w.map((x) => x.argument).join(", ")} written in the configuration` }],
    fix: KEY_FIX,
    ...(path ? { constructPath: path } : {}),
  };
}

function providerFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  for (const [name, body] of stack.providers ?? []) {
    const dot = name.indexOf(".");
    const type = dot < 0 ? name : name.slice(0, dot);
    const keys = PROVIDER_KEYS[type];
    if (!keys) continue;
    const label = dot < 0 ? `provider "${type}"` : `provider "${type}" (alias "${name.slice(dot + 1)}")`;
    const f = keyFinding(ctx, `provider.${name}`, label, body, keys, "an AWS access key");
    if (f) out.push(f);
  }
  return out;
}

function backendFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  const holder = (type: string) => (type === "s3" ? "an AWS access key (it reads and writes the state, every secret of the stack in it)" : "a Terraform Cloud token");
  const b = stack.backend;
  if (b && BACKEND_KEYS[b.type]) {
    const at = b.type === "cloud" ? "terraform.cloud" : `terraform.backend.${b.type}`;
    const f = keyFinding(ctx, at, b.type === "cloud" ? "the cloud block" : `the ${b.type} backend`, b.config, BACKEND_KEYS[b.type], holder(b.type));
    if (f) out.push(f);
  }
  for (const r of stack.byType.get("terraform_remote_state") ?? []) {
    const type = typeof r.values["backend"] === "string" ? (r.values["backend"] as string) : undefined;
    const config = r.values["config"];
    if (type === undefined || !BACKEND_KEYS[type] || !isObject(config)) continue;
    const f = keyFinding(ctx, r.address, describe(r), config, BACKEND_KEYS[type], holder(type));
    if (f) out.push({ ...f, ...(r.constructPath ? { constructPath: r.constructPath } : {}) });
  }
  return out;
}

/** Whether the resource ignores later changes of `argument`: the written value may be a placeholder changed since. */
function ignoresChanges(r: TfResource, argument: string): boolean {
  const v = r.lifecycle?.["ignore_changes"];
  if (v === "all" || v === "${all}") return true;
  return Array.isArray(v) && v.some((x) => typeof x === "string" && x.replace(/^\$\{|\}$/g, "").split(/[.[]/)[0] === argument);
}

function passwordFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  for (const [type, path] of PASSWORD_ARGUMENTS) {
    for (const db of stack.byType.get(type) ?? []) {
      if (db.mode !== "managed") continue;
      const w = passwordValuesAt(db, path).flatMap((v) => written(stack, path.join("."), v) ?? []);
      if (w.length === 0) continue;
      const placeholder = ignoresChanges(db, path[0]);
      const evidence: Evidence[] = [{ step: "resource", address: db.address, detail: `${type}.${path.join(".")} written in the configuration`, ...(db.location ? { location: db.location } : {}) }];
      out.push({
        principal: db.address,
        resource: db.address,
        actions: [],
        severity: placeholder && !ctx.strict ? "warning" : "error",
        message:
          `${describe(db)} has its master password written in the configuration (${shown(w)}). It sits in plain text in the ` +
          `files everyone working on this configuration reads, a coding agent among them (the source or the synthesized ` +
          `JSON, and the Terraform state): whoever reads it can connect as the master user and drop the data, and no IAM ` +
          `policy takes that back.` +
          (placeholder ? ` lifecycle.ignore_changes covers ${path[0]}, so it may be a placeholder changed since: if it is still the password, this is an error (it is one with --strict).` : ""),
        evidence,
        fix: PASSWORD_FIX,
        constructPath: db.constructPath,
      });
    }
  }
  return out;
}

/**
 * A credential written into the configuration itself is one a coding agent finds by reading the files it works on, with
 * no IAM read right at all: the April 2026 path. Values given at check time with `--var-file` are not counted.
 */
export const rule: Rule = {
  meta: {
    id: "credential-in-source",
    title: "An AWS key, a Terraform Cloud token or a database's master password is written in the configuration",
    why:
      "A credential written in the configuration (a literal, a variable's default, a tfvars value, a local) is in plain text in the " +
      "source or the synthesized JSON (a password in the Terraform state too): every person and coding agent working on the configuration " +
      "holds it, whatever their IAM rights. An AWS key or Terraform Cloud token acts with its owner's rights, which blastwall " +
      "cannot see and counts as every right; a master password lets its holder connect and drop the data. The April 2026 agent " +
      "searched for a credential, found a broad token and deleted a production volume with it. A password under " +
      "lifecycle.ignore_changes may be a placeholder, and a key sent to a local emulator (custom endpoints, " +
      "skip_credentials_validation) a test key: each is a warning (an error with --strict). Values given with --var-file " +
      "are not counted.",
    fix:
      "Take credentials from the environment (IAM Identity Center, an assumed role, the CI's OIDC role) and let services manage or " +
      "generate passwords (manage_master_user_password, random_password into a write-only argument). Then rotate what was written: " +
      "it stays in the repository's history.",
    severity: "error",
    category: "reach",
  },
  check: (ctx) => [...providerFindings(ctx), ...backendFindings(ctx), ...passwordFindings(ctx)],
};
