import type { Rule, RuleContext } from "../engine/rule";
import type { Evidence, FindingDraft } from "../engine/findings";
import type { FolderValueFile, RepositoryFile, TfResource, TfStack } from "../engine/terraform/types";
import { isObject } from "../engine/json";
import { hasInterpolation, resolveToPattern } from "../engine/terraform/tokens";
import { PASSWORD_ARGUMENTS, passwordValuesAt } from "../engine/reach/password-arguments";
import { constructPathOf } from "../engine/terraform/stack";
import { describe } from "./protection-support";

/** The AWS providers, by their type (the last part of their source): their keys act in AWS. */
const AWS_PROVIDERS = new Set(["aws", "awscc"]);
const AWS_KEYS = ["access_key", "secret_key", "token"];
/**
 * Arguments naming AWS shared credentials and config files (`shared_credentials_file` is the older, single one); either
 * kind may hold a profile's secret key. A relative path is read from the folder Terraform runs in (the checked folder,
 * the folder of the checked JSON file), as the AWS SDK reads it, a module's provider's too.
 */
const AWS_FILES = ["shared_credentials_files", "shared_credentials_file", "shared_config_files"];
/** An access key id alone is no credential, nor a session token alone (it signs nothing without its key's secret). */
const AWS_SECRETS = new Set(["secret_key"]);

/**
 * Provider arguments that take a credential, for every other provider (a GitHub, Vault, Kubernetes or database token or
 * password acts there with its owner's rights: deleting repositories, secrets, workloads or data). The Terraform Cloud
 * provider's `token` queues destroy runs like the `cloud` block's.
 */
const PROVIDER_SECRETS = ["token", "access_token", "api_token", "api_key", "app_key", "client_secret", "client_key", "client_certificate_password", "secret_key", "private_key", "password", "credentials"];

/**
 * Google's `credentials` takes a key file's path or its contents: only contents (JSON) are the credential itself; a path
 * names a file Terraform reads, which blastwall does not.
 */
const isContents = (argument: string, value: string | undefined) => argument !== "credentials" || (value !== undefined && value.trimStart().startsWith("{"));

/** Other admin passwords a resource is given, by the account they open: not a database's, but as written in the source. */
const OTHER_PASSWORDS: readonly (readonly [type: string, path: readonly string[], what: string, can: string])[] = [
  ["aws_directory_service_directory", ["password"], "the directory's admin password", "whoever reads it administers the domain and what is joined to it"],
  // Proposed upstream as write-only (terraform-provider-aws PR 48515): a literal there is as plain in the source.
  ["aws_directory_service_directory", ["password_wo"], "the directory's admin password", "whoever reads it administers the domain and what is joined to it"],
  // The account an FSx for Windows file system joins a self-managed Active Directory with (its write-only form too).
  ["aws_fsx_windows_file_system", ["self_managed_active_directory", "password"], "the password of the Active Directory account it joins the domain with", "whoever reads it acts in the domain as that account, which may add and remove computers"],
  ["aws_fsx_windows_file_system", ["self_managed_active_directory", "password_wo"], "the password of the Active Directory account it joins the domain with", "whoever reads it acts in the domain as that account, which may add and remove computers"],
  ["aws_glue_connection", ["connection_properties", "PASSWORD"], "the password of the database the connection opens", "whoever reads it can connect as that user and drop what it may"],
];

const BACKEND_KEYS: Readonly<Record<string, readonly string[]>> = {
  s3: AWS_KEYS,
  // A Terraform Cloud / Enterprise token queues runs (destroy runs too) in every workspace its user or team may run.
  remote: ["token"],
  cloud: ["token"],
};

/**
 * AWS access key ids are 20 upper-case letters and digits (`AKIA...` for a user's key, `ASIA...` for a session's). A
 * written id of another shape (`test`, `mock_access_key`) authenticates nowhere in AWS: an emulator's or a validate
 * run's placeholder.
 */
const AWS_KEY_ID = /^A[A-Z0-9]{3}[A-Z0-9]{12,}$/;

const PLACEHOLDER_NOTE =
  " Its access key id is not the shape of an AWS key (AKIA... or ASIA..., 20 characters), as for a local emulator or a validate run's placeholder: a warning; if the secret is a real one, it is an error (it is one with --strict).";

const KEY_FIX =
  "Remove the credential from the configuration: let the provider (or backend) take it from its environment (for AWS: IAM " +
  "Identity Center, an assumed role, the CI's OIDC role; for Terraform Cloud: TF_TOKEN_* or the CLI's credentials file; for " +
  "others, their environment variables). Then revoke it and make a new one: the written one stays in the repository's " +
  "history, or, read from the environment at synth, in every copy of the synthesized output.";
const PASSWORD_FIX =
  "Do not write the password: let the service manage it where it can (manage_master_user_password, Redshift's " +
  "manage_master_password), or generate it (random_password) and pass it write-only (password_wo with password_wo_version) " +
  "where the argument allows. Then change the password: the written one stays in the repository's history (or, read from " +
  "the environment at synth, in every copy of the synthesized output).";

/** How a credential argument is written, when the configuration itself holds its value. */
interface Written {
  readonly argument: string;
  /** The expression and what it resolves through, when it is not the value itself. */
  readonly how?: string;
  /** The value, when known (an AWS key id is checked for its shape). */
  readonly value?: string;
}

/**
 * Whether `raw` is a value the configuration holds (a literal, or an expression that resolves, through variable defaults,
 * tfvars values and locals, to one), and how; undefined when it comes from outside (an unset variable, a generated
 * password, a data source) or from a `--var-file` outside the repository given at check time. A variable given no value
 * but set in a variable file of the folder (`prod.tfvars`) counts, naming the file.
 */
function written(stack: TfStack, argument: string, raw: unknown): Written | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  if (!hasInterpolation(raw)) return stack.givenValues?.has(raw) || readFrom(stack, raw)?.state === "elsewhere" ? undefined : { argument, value: raw };
  const r = resolveToPattern(stack, raw);
  if (r.exact && r.pattern !== "" && !stack.givenValues?.has(r.pattern)) {
    return { argument, value: r.pattern, how: `${expression(raw)}, which resolves to a value written in the configuration (a variable's default, a tfvars value, a local or another resource's argument)` };
  }
  const m = /^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\["[^"]*"\]|\[\d+\])*)\}$/.exec(raw);
  const file = m ? (stack.folderValueFiles ?? []).find((f) => f.kind === "tfvars" && nonEmptyString(pathInto(f.values[m[1]], m[2]))) : undefined;
  return file ? { argument, how: `${expression(raw)}, set in ${file.file}, a variable file of the configuration's folder` } : undefined;
}

/**
 * Where a value the HCL reader put in place for `file()` was read from (it leaves the text, not the call), as the
 * repository sees that file; undefined for a value no file read gave. A key read from `~/.ssh` or a CI runner's
 * folder is not in the configuration: only one read from the repository is.
 */
function readFrom(stack: TfStack, text: string): RepositoryFile | undefined {
  if (!stack.functionFileReads || !stack.repositoryFile) return undefined;
  for (const [path, read] of stack.functionFileReads) if (read === text) return stack.repositoryFile(path);
  return undefined;
}

/**
 * The expression as the report shows it: whole when it is one reference (`${var.db_password}`), otherwise only its
 * references, since literal text around them (`"Hunter${var.suffix}"`) is part of the credential.
 */
function expression(raw: string): string {
  if (/^\$\{[^{}]*\}$/.test(raw)) return `\`${raw}\``;
  const refs = raw.match(/\$\{[^{}]*\}/g) ?? [];
  return refs.length > 0 ? `an expression of ${refs.map((x) => `\`${x}\``).join(", ")}` : "an expression";
}

/** The part of `v` a reference's path after the variable (`.secret`, `["secret"]`, `[0]`) names. */
function pathInto(v: unknown, path: string): unknown {
  for (const step of path.match(/\.[A-Za-z_][A-Za-z0-9_-]*|\["[^"]*"\]|\[\d+\]/g) ?? []) {
    const key = step.startsWith(".") ? step.slice(1) : step.startsWith('["') ? step.slice(2, -2) : Number(step.slice(1, -1));
    if (Array.isArray(v) && typeof key === "number") v = v[key];
    else if (isObject(v) && typeof key === "string") v = v[key];
    else return undefined;
  }
  return v;
}

const nonEmptyString = (v: unknown) => typeof v === "string" && v !== "";

const shown = (w: readonly Written[]) => w.map((x) => (x.how ? `${x.argument}: ${x.how}` : x.argument)).join(w.some((x) => x.how) ? "; " : ", ");

/** The provider type a block is (its `required_providers` source's last part, else its local name). */
function providerType(stack: TfStack, name: string): string {
  const local = name.split(".")[0];
  // A module's block is keyed by its full name: the module's own required_providers name its local names.
  const source = stack.providerSources?.get(name) ?? stack.providerSources?.get(local);
  return (source ? source.slice(source.lastIndexOf("/") + 1) : local).toLowerCase();
}

/** `provider "aws"`, `provider "aws" (alias "prod")`, `provider "aws" of module.net`. */
function providerLabel(name: string): string {
  const dot = name.indexOf(".");
  if (dot < 0) return `provider "${name}"`;
  const alias = name.slice(dot + 1);
  return alias.startsWith("module.") ? `provider "${name.slice(0, dot)}" of ${alias}` : `provider "${name.slice(0, dot)}" (alias "${alias}")`;
}

interface KeyBlock {
  readonly at: string;
  readonly label: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly keys: readonly string[];
  /** What the credential is, for the message. */
  readonly holder: string;
  /** Whether it acts in AWS (its key id's shape then tells a placeholder). */
  readonly aws: boolean;
  readonly location?: string;
  readonly constructPath?: string;
  /** The arguments that may name a file of the repository holding the credential (AWS: shared credentials files). */
  readonly files: readonly string[];
}

/** A provider, backend, backend file or remote-state block's findings: a credential written in it, or in a file it names. */
function blockFindings(ctx: RuleContext, b: KeyBlock): FindingDraft[] {
  const written = keyFinding(ctx, b);
  return [...(written ? [written] : []), ...namedFileFindings(ctx, b)];
}

/** A finding about a provider, backend, backend file or remote-state block written with a credential of its own. */
function keyFinding(ctx: RuleContext, b: KeyBlock): FindingDraft | undefined {
  const { stack } = ctx;
  // The block's own arguments, and those of the blocks nested in it (helm's `kubernetes { token }`).
  const nested = b.aws ? [] : Object.entries(b.body).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).filter(isObject).map((o) => [k, o] as const));
  const w = [
    ...b.keys.flatMap((k) => written(stack, k, b.body[k]) ?? []),
    ...nested.flatMap(([block, o]) => b.keys.flatMap((k) => written(stack, `${block}.${k}`, o[k]) ?? [])),
  ].filter((x) => isContents(x.argument.slice(x.argument.lastIndexOf(".") + 1), x.value));
  if (!w.some((x) => (b.aws ? AWS_SECRETS.has(x.argument) : true))) return undefined;
  const id = b.aws ? w.find((x) => x.argument === "access_key")?.value : undefined;
  const placeholder = id !== undefined && !AWS_KEY_ID.test(id);
  const where = b.constructPath ? `${b.label} (construct ${b.constructPath})` : b.label;
  const evidence: Evidence = { step: "resource", address: b.at, detail: `${w.map((x) => x.argument).join(", ")} written in the configuration`, ...(b.location ? { location: b.location } : {}) };
  return {
    principal: b.at,
    resource: b.at,
    actions: ["*"],
    severity: placeholder && !ctx.strict ? "warning" : "error",
    message:
      `${where} is given ${b.holder} in the configuration (${shown(w)})${id && !placeholder ? `; the key is ${id}` : ""}. It sits in plain text ` +
      `in the files everyone working on this configuration reads, a coding agent among them (the source or the synthesized ` +
      `JSON): whoever reads it acts as its owner, with rights blastwall cannot see and counts as every right, deleting data ` +
      `and its backups among them. The April 2026 agent found such a token and deleted a production volume with it.` +
      (placeholder
        ? PLACEHOLDER_NOTE
        : ""),
    evidence: [evidence],
    fix: KEY_FIX,
    ...(b.constructPath ? { constructPath: b.constructPath } : {}),
  };
}

function providerFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  for (const [name, body] of stack.providers ?? []) {
    const type = providerType(stack, name);
    const aws = AWS_PROVIDERS.has(type);
    const holder = aws ? "an AWS access key" : type === "tfe" ? "a Terraform Cloud token" : `a credential of the ${type} provider`;
    out.push(
      ...blockFindings(ctx, {
        at: `provider.${name}`,
        label: providerLabel(name),
        body,
        keys: aws ? AWS_KEYS : PROVIDER_SECRETS,
        holder,
        aws,
        location: stack.blockLocations?.get(`provider.${name}`),
        constructPath: constructPathOf(body as Record<string, unknown>),
        files: aws ? AWS_FILES : PROVIDER_SECRETS,
      }),
    );
  }
  return out;
}

const backendHolder = (type: string) => (type === "s3" ? "an AWS access key (it reads and writes the state, every secret of the stack in it)" : "a Terraform Cloud token");

function backendFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  const b = stack.backend;
  if (b && BACKEND_KEYS[b.type]) {
    const at = b.type === "cloud" ? "terraform.cloud" : `terraform.backend.${b.type}`;
    const label = b.type === "cloud" ? "the cloud block" : `the ${b.type} backend`;
    out.push(...blockFindings(ctx, { at, label, body: b.config, keys: BACKEND_KEYS[b.type], holder: backendHolder(b.type), aws: b.type === "s3", location: stack.blockLocations?.get(at), files: b.type === "s3" ? AWS_FILES : [] }));
  }
  // A partial backend configuration Terraform reads with -backend-config, under any name (a .tfbackend or .hcl file,
  // or a .tfvars file beside a backend block): the backend's type is the stack's (or s3).
  for (const file of stack.folderValueFiles ?? []) {
    if (file.kind !== "tfbackend" && !(b && BACKEND_KEYS[b.type])) continue;
    out.push(...backendFileFindings(ctx, file, b?.type ?? "s3"));
  }
  for (const r of stack.byType.get("terraform_remote_state") ?? []) {
    const type = typeof r.values["backend"] === "string" ? (r.values["backend"] as string) : undefined;
    const config = r.values["config"];
    if (type === undefined || !BACKEND_KEYS[type] || !isObject(config)) continue;
    const holder = type === "s3" ? "an AWS access key (with it, its holder reads that state, every secret in it, and whatever else the key's owner may)" : "a Terraform Cloud token";
    out.push(...blockFindings(ctx, { at: r.address, label: describe(r), body: config, keys: BACKEND_KEYS[type], holder, aws: type === "s3", location: r.location, constructPath: r.constructPath, files: type === "s3" ? AWS_FILES : [] }));
  }
  return out;
}

function backendFileFindings(ctx: RuleContext, file: FolderValueFile, type: string): FindingDraft[] {
  // In a variable file, a key the configuration declares as a variable is that variable's value, judged where it is used.
  const declared = file.kind === "tfvars" ? ctx.stack.declaredVariables : undefined;
  const keys = (BACKEND_KEYS[type] ?? AWS_KEYS).filter((k) => !declared?.has(k));
  const aws = (BACKEND_KEYS[type] ?? AWS_KEYS) === AWS_KEYS;
  const files = (aws ? AWS_FILES : []).filter((k) => !declared?.has(k));
  return blockFindings(ctx, { at: file.file, label: `the backend file ${file.file}`, body: file.values, keys, holder: backendHolder(type), aws, location: `${file.file}:1`, files });
}

const FILE_FIX =
  "Keep credential and key files out of the repository: let the provider take its credentials from its environment (for " +
  "AWS: IAM Identity Center, an assumed role, the CI's OIDC role, or the default ~/.aws files outside the repository; for " +
  "others, their environment variables or a secret store), delete the file and its copies in the repository's history and " +
  "name it in .gitignore. Then revoke the key and make a new one: the committed one stays in the history.";

/** `file("keys/ci.json")` as a whole value (cdktf and Terraform JSON keep it as an expression): the path, from the root module. */
function fileCall(raw: string): string | undefined {
  const m = /^\$\{\s*file\(\s*"(?:\$\{path\.(?:module|root|cwd)\}\/)?([^"$\\]+)"\s*\)\s*\}$/.exec(raw);
  return m ? m[1] : undefined;
}

/** A path a credential argument names: an AWS file argument's literal (or what it resolves to); another's `file()` argument, or Google's `credentials` path. */
function namedPath(stack: TfStack, argument: string, raw: unknown, aws: boolean): { path: string; how: string } | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  const called = fileCall(raw);
  if (called !== undefined) return { path: called, how: `\`${raw}\`` };
  // Another provider's argument is the credential itself but for Google's `credentials`, a key file's path or contents.
  if (!aws && argument !== "credentials") return undefined;
  // The root module's folder is the one Terraform runs in, which a relative path is read from already.
  const rooted = raw.replace(/^\$\{path\.(?:module|root|cwd)\}\//, "");
  const r = hasInterpolation(rooted) ? resolveToPattern(stack, rooted) : { exact: true, pattern: rooted };
  // Google's key contents (JSON) are judged as written; only a path names a file.
  if (!r.exact || r.pattern === "" || (!aws && isContents(argument, r.pattern))) return undefined;
  return { path: r.pattern, how: hasInterpolation(raw) ? expression(raw) : "" };
}

/** The values of an argument written once or as a list (`shared_credentials_files`). */
const valuesOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/**
 * Findings about a file of the repository a block names that holds its credential: an AWS profile's secret key in a
 * shared credentials or config file, a private key another provider reads with `file()`. Read only when blastwall check
 * reads the configuration from disk; a file elsewhere (the home folder, outside the repository) or not there passes.
 */
function namedFileFindings(ctx: RuleContext, b: KeyBlock): FindingDraft[] {
  const { stack } = ctx;
  const read = stack.repositoryFile;
  if (!read) return [];
  const nested = b.aws ? [] : Object.entries(b.body).flatMap(([k, v]) => valuesOf(v).filter(isObject).map((o) => [`${k}.`, o] as const));
  const uses = [["", b.body] as const, ...nested].flatMap(([prefix, body]) =>
    b.files.flatMap((arg) => valuesOf(body[arg]).flatMap((v) => namedPath(stack, arg, v, b.aws) ?? []).map((p) => ({ argument: `${prefix}${arg}`, ...p }))),
  );
  const where = b.constructPath ? `${b.label} (construct ${b.constructPath})` : b.label;
  return uses.flatMap(({ argument, path, how }) => {
    const file = read(path);
    const named = `${argument}${how ? `: ${how}` : ""}`;
    return fileFinding(b, where, named, file, ctx.strict) ?? [];
  });
}

/** The finding about one named file, if it holds (or may hold) the block's credential. */
function fileFinding(b: Pick<KeyBlock, "at" | "holder" | "aws" | "location" | "constructPath">, where: string, named: string, file: RepositoryFile, strict = false): FindingDraft | undefined {
  const common = { principal: b.at, resource: b.at, actions: ["*"], fix: FILE_FIX, ...(b.constructPath ? { constructPath: b.constructPath } : {}) };
  const at = b.location ? { location: b.location } : {};
  const what = b.aws ? "an AWS secret access key" : "a private key";
  if (file.state === "unreadable") {
    return {
      ...common,
      severity: "warning",
      message:
        `${where} names ${file.file}, a file in the repository (${named}), which blastwall could not read: ${file.why}. It ` +
        `may hold ${what} that whoever reads the repository, a coding agent among them, finds and uses; blastwall cannot ` +
        `tell, so it counts the file as holding one. Let blastwall read it (or move it out of the repository) and check again.`,
      evidence: [{ step: "resource", address: b.at, detail: `${named} names ${file.file}, which blastwall could not read`, ...at }],
    };
  }
  if (file.state !== "read") return undefined;
  const profiles = file.awsSecretProfiles;
  if (b.aws ? profiles.length === 0 : !file.privateKey) return undefined;
  const holds = b.aws ? `an AWS secret access key (${profiles.length === 1 ? "profile" : "profiles"} ${profiles.join(", ")})` : "a private key";
  // As for a key written in the configuration: only when every profile's key id is not an AWS key's shape (LocalStack's
  // `test`); a profile with a secret and no key id counts as real.
  const placeholder = b.aws && profiles.every((p) => { const ids = file.awsKeyIds.get(p) ?? []; return ids.length > 0 && ids.every((id) => !AWS_KEY_ID.test(id)); });
  return {
    ...common,
    severity: placeholder && !strict ? "warning" : "error",
    message:
      `${where} is given ${b.holder} from ${file.file}, a file in the repository (${named}), which holds ${holds}. ` +
      `Whoever reads the repository, a coding agent among them, finds it there: its holder acts as the key's owner, with ` +
      `rights blastwall cannot see and counts as every right, deleting data and its backups among them. The April 2026 ` +
      `agent searched its repository, found such a token and deleted a production volume with it.` +
      (placeholder ? PLACEHOLDER_NOTE : ""),
    evidence: [{ step: "resource", address: b.at, detail: `${named} names ${file.file}, which holds ${what}`, ...at }],
  };
}

/** A resource's `connection` blocks, its own and its provisioners' (`provisioner "remote-exec" { connection { ... } }`). */
function connections(values: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>[] {
  const own = valuesOf(values["connection"]).filter(isObject);
  // Terraform JSON writes provisioners as a list of one-key objects; the HCL reader as an object of lists.
  const provisioners = valuesOf(values["provisioner"]).filter(isObject).flatMap((p) => Object.values(p).flatMap(valuesOf).filter(isObject));
  return [...own, ...provisioners.flatMap((p) => valuesOf(p["connection"]).filter(isObject))];
}

/**
 * A connection's `private_key` that is a committed key file (`file("id_rsa")`) or a private key's text (which is what the
 * HCL reader makes of `file()`): whoever reads it logs in to the host, and acts with what the host may (its instance role).
 */
function connectionFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  for (const r of stack.resources) {
    if (r.mode !== "managed") continue;
    const keys = connections(r.values).map((c) => c["private_key"]).filter((v): v is string => typeof v === "string");
    const b = { at: r.address, holder: "a private key to log in to a host (with it, its holder acts as the host may)", aws: false, location: r.location, constructPath: r.constructPath };
    for (const raw of keys) {
      const path = fileCall(raw);
      if (path !== undefined && stack.repositoryFile) {
        const f = fileFinding(b, describe(r), `connection.private_key: \`${raw}\``, stack.repositoryFile(path));
        if (f) out.push(f);
      } else if (!hasInterpolation(raw) && PRIVATE_KEY.test(raw)) {
        // The HCL reader's file(): a key read from the repository names its file; one from elsewhere is not in it.
        const from = readFrom(stack, raw);
        if (from?.state === "elsewhere") continue;
        const f = from && fileFinding(b, describe(r), "connection.private_key: file()", from);
        if (f) {
          out.push(f);
          continue;
        }
        out.push({
          principal: r.address,
          resource: r.address,
          actions: ["*"],
          severity: "error",
          message:
            `${describe(r)} is given a private key to log in to its host in the configuration (connection.private_key: the ` +
            `key's text, or a file() of a key file of the repository). Whoever reads the repository, a coding agent among ` +
            `them, finds it there and logs in to the host, acting with what the host may (its instance role, its data).`,
          evidence: [{ step: "resource", address: r.address, detail: "connection.private_key holds a private key", ...(r.location ? { location: r.location } : {}) }],
          fix: FILE_FIX,
          constructPath: r.constructPath,
        });
      }
    }
  }
  return out;
}

/** A PEM private key's first line (RSA, EC, OpenSSH, PKCS #8). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** Whether the resource ignores later changes of `argument`: the written value may be a placeholder changed since. */
function ignoresChanges(r: TfResource, argument: string): boolean {
  const v = r.lifecycle?.["ignore_changes"];
  if (v === "all" || v === "${all}") return true;
  return Array.isArray(v) && v.some((x) => typeof x === "string" && x.replace(/^\$\{|\}$/g, "").split(/[.[]/)[0] === argument);
}

/** Where a password is written, what it is, and what its holder can do, for the message. */
interface PasswordArgument {
  readonly type: string;
  readonly path: readonly string[];
  readonly what: string;
  readonly can: string;
}

const MASTER = "whoever reads it can connect as the master user and drop the data";
const PASSWORDS: readonly PasswordArgument[] = [
  ...PASSWORD_ARGUMENTS.map(([type, path]) => ({ type, path, what: "its master password", can: MASTER })),
  ...OTHER_PASSWORDS.map(([type, path, what, can]) => ({ type, path, what, can })),
];

function passwordFindings(ctx: RuleContext): FindingDraft[] {
  const { stack } = ctx;
  const out: FindingDraft[] = [];
  for (const { type, path, what, can } of PASSWORDS) {
    for (const r of stack.byType.get(type) ?? []) {
      if (r.mode !== "managed") continue;
      const w = passwordValuesAt(r, path).flatMap((v) => written(stack, path.join("."), v) ?? []);
      if (w.length === 0) continue;
      const placeholder = ignoresChanges(r, path[0]);
      out.push({
        principal: r.address,
        resource: r.address,
        actions: [],
        severity: placeholder && !ctx.strict ? "warning" : "error",
        message:
          `${describe(r)} has ${what} written in the configuration (${shown(w)}). It sits in plain text in the files ` +
          `everyone working on this configuration reads, a coding agent among them (the source or the synthesized JSON, ` +
          `and the Terraform state): ${can}, and no IAM policy takes that back.` +
          (placeholder ? ` lifecycle.ignore_changes covers ${path[0]}, so it may be a placeholder changed since: if it is still the password, this is an error (it is one with --strict).` : ""),
        evidence: [{ step: "resource", address: r.address, detail: `${type}.${path.join(".")} written in the configuration`, ...(r.location ? { location: r.location } : {}) }],
        fix: PASSWORD_FIX,
        constructPath: r.constructPath,
      });
    }
  }
  return out;
}

/**
 * A credential written into the configuration itself is one a coding agent finds by reading the files it works on, with
 * no IAM read right at all: the April 2026 path.
 */
export const rule: Rule = {
  meta: {
    id: "credential-in-source",
    title: "A provider's or backend's credential, or a database's master password, is written in the configuration",
    why:
      "A credential written in the configuration is in plain text in the source, its history and the synthesized JSON (a " +
        "password in the Terraform state too): every person and coding agent working on the code holds it and can do what its " +
        "owner can, whatever their own IAM rights, such as delete with an AWS key, or connect with a master password and drop " +
        "the data. The April 2026 agent searched for a credential, found a broad token and deleted a production volume with it.",
    details:
      "A credential written in the configuration is in plain text in the source or the synthesized JSON (a password in the " +
        "Terraform state too): every person and coding agent working on the configuration holds it, whatever their IAM rights. " +
        "An AWS key or another provider's token or password acts with its owner's rights, which blastwall cannot see and counts " +
        "as every right; a master password lets its holder connect and drop the data. The April 2026 agent searched for a " +
        "credential, found a broad token and deleted a production volume with it. " +
        "Read: provider blocks (by their required_providers source, modules' too; blocks nested in them), the s3, remote and cloud " +
        "backends and backend files in the folder (.tfbackend, .hcl and .conf, down to three folders; .tfvars beside a backend block, " +
        "for keys that are no declared variable), terraform_remote_state config, the master password arguments blastwall knows (their " +
        "write-only forms too), a directory's admin password, an FSx for Windows file system's Active Directory password and a Glue " +
        "connection's PASSWORD, each written as a literal or resolving to one (a variable's default, terraform.tfvars or " +
        "*.auto.tfvars, a --var-file inside the working directory, the checked folder or their repository, a local), or a variable (or " +
        "its field) set in another .tfvars file of the folder or its subfolders. With blastwall check, files of the repository (the " +
        "folder holding .git, else the checked folder) the configuration names, a relative path read from the folder Terraform runs " +
        "in: an AWS provider's, s3 backend's or remote state's shared_credentials_files (shared_credentials_file) and " +
        "shared_config_files holding a profile's aws_secret_access_key, and a private key another provider's credential argument or a " +
        "connection's private_key reads with file() (Google's credentials as a path too); a named file blastwall cannot read is a " +
        "warning. A connection's private_key written as the key's text counts too. Not read: other resource arguments (a Lambda's " +
        "environment), values passed through functions blastwall does not evaluate (base64decode of a resource's argument), values " +
        "given with a --var-file outside the repository, named files outside the repository (~/.aws/credentials) or through a path " +
        "from the environment, and named files at synth time. A password under lifecycle.ignore_changes may be a placeholder, and an " +
        "AWS key whose id is not an AWS key id's shape (test, mock_access_key) a placeholder too: each is a warning (an error with " +
        "--strict).",
    fix:
      "Take credentials from the environment (IAM Identity Center, an assumed role, the CI's OIDC role, the provider's " +
      "environment variables) and let services manage or generate passwords (manage_master_user_password, random_password " +
      "into a write-only argument). Then rotate what was written: it stays in the repository's history. A provider or backend " +
      "finding is acknowledged with acknowledge() on the provider construct or in blastwall.json (principal provider.aws); a " +
      "backend's in blastwall.json (principal terraform.backend.s3).",
    severity: "error",
    category: "reach",
  },
  check: (ctx) => [...providerFindings(ctx), ...backendFindings(ctx), ...passwordFindings(ctx), ...connectionFindings(ctx)],
};
