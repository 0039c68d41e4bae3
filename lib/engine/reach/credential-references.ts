/**
 * How a credential of the stack is named inside a value: the reference patterns the stored-credential path (E8) and
 * `credential-in-configuration` match, and the references a plan's configuration shows where its values cannot.
 */
import type { RemoteState, TfResource, TfStack } from "../terraform/types";
import { STACK_ARGUMENTS } from "./stack-views";
import { withoutInstanceKeys } from "../agents";
import { hasInterpolation } from "../terraform/tokens";

/**
 * The module path an address may start with (`module.a.`, `module.a["x"].module.b[0].`). The HCL reader and plans name
 * a module's resources by their full address, so a pattern that refuses a match right after a `.` without allowing
 * this prefix misses every credential inside a module (red-team round 86).
 */
export const MODULE_PATH = String.raw`(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*`;

/** Resources that are a credential of a user, whose references the credential paths match. */
export const CREDENTIAL_TYPES = ["aws_iam_access_key", "aws_iam_user_login_profile", "aws_iam_service_specific_credential"] as const;

/** Data sources that read a store of the stack back, and so carry what it holds. */
export const STORE_READ_TYPES = [
  "aws_secretsmanager_secret_version",
  "aws_secretsmanager_secret_versions",
  "aws_ssm_parameter",
  "aws_ssm_parameters_by_path",
  "aws_s3_object",
  "aws_s3_bucket_object",
  "aws_dynamodb_table_item",
] as const;

/**
 * Arguments of types outside AWS that reach no attribute but their own (and those listed): a `random_*`'s `keepers`,
 * a `time_*`'s `triggers`, a certificate's private key (its `cert_pem` holds only the public half). Every other
 * argument of a type outside AWS may reach any attribute of it (red-team round 106): `terraform_data.output` is its
 * `input`, `random_shuffle.result` its `input`, `data.template_file.rendered` its `vars`, and blastwall knows no list
 * of every provider's types, so an unknown type hands back all it is given (fail closed).
 */
const KEPT: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  terraform_data: { input: ["output"], triggers_replace: [] },
  null_resource: { triggers: [] },
  random_id: { keepers: [] },
  random_integer: { keepers: [] },
  // A plan shows the made-up value itself: `bcrypt_hash` is no copy of `result`.
  random_password: { keepers: [], result: [] },
  random_pet: { keepers: [] },
  random_shuffle: { keepers: [] },
  random_string: { keepers: [], result: [] },
  random_uuid: { keepers: [] },
  time_offset: { triggers: [] },
  time_rotating: { triggers: [] },
  time_sleep: { triggers: [] },
  time_static: { triggers: [] },
  tls_cert_request: { private_key_pem: [] },
  tls_locally_signed_cert: { ca_private_key_pem: [] },
  tls_self_signed_cert: { private_key_pem: [] },
};

/**
 * Blocks and meta-arguments Terraform keeps to itself (and cdktf's `"//"` metadata): no attribute reads them back, and
 * AWS never returns them to a reader.
 */
export const NOT_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

/** Whether a type is outside AWS: its resources and data sources hand back what they are given (`carriedArguments`). */
export function handsBack(type: string): boolean {
  return !/^aws(cc)?_/.test(type);
}

/**
 * The arguments of a resource or data source outside AWS that `attribute` (undefined: the whole object) may hold,
 * among `args` (what its values and a plan's configured references name). `exact`: the attribute is that argument as
 * given (`output` of `terraform_data`'s `input`), so a field picked out of it is that field of the argument.
 */
export function carriedArguments(type: string, attribute: string | undefined, args: Iterable<string>): { readonly argument: string; readonly exact: boolean }[] {
  const kept = KEPT[type] ?? {};
  const list = [...args];
  // An attribute that is itself an argument the resource was given reads back as that argument (`helm_release.x.namespace`
  // is its `namespace`, not the passwords its `set_sensitive` holds: red-team round 107, a false error on a common EKS
  // trust). Only an attribute the provider computes may hold what any argument was given.
  const own = attribute !== undefined && !NOT_ARGUMENTS.has(attribute) && list.includes(attribute);
  const out: { argument: string; exact: boolean }[] = [];
  for (const a of list) {
    if (NOT_ARGUMENTS.has(a)) continue;
    const exact = attribute !== undefined && (a === attribute || (kept[a]?.includes(attribute) ?? false));
    if (exact || attribute === undefined || (!own && !(a in kept))) out.push({ argument: a, exact });
  }
  return out;
}

/**
 * Data sources that read back a file a resource of the stack writes (`data.local_file` after `local_file`), with
 * the types that write one: the file holds what the writer was given.
 */
export const FILE_READS: Readonly<Record<string, readonly string[]>> = {
  local_file: ["local_file", "local_sensitive_file"],
  local_sensitive_file: ["local_file", "local_sensitive_file"],
};

/** Nothing of an address may come right before a reference: `xaws_iam_access_key.k` and `a.aws_iam_access_key.k` are no reference to one. */
const START = String.raw`(?<![A-Za-z0-9_.-])`;

/**
 * A reference to a resource of `types`: groups are the module path, the type, the name, the instance keys and splats
 * (`[0]`, `["a"]`, `.*`, `[*]`), and the attribute when one is written.
 */
export function referencePattern(types: readonly string[]): RegExp {
  return new RegExp(`${START}(${MODULE_PATH})(${types.join("|")})\\.([A-Za-z0-9_-]+)((?:\\[[^\\]]*\\]|\\.\\*)*)(?:\\.([A-Za-z0-9_]+))?`, "g");
}

/**
 * A read of a store back by a data source or an ephemeral block of `types` (`data.aws_ssm_parameter.p.value`,
 * `ephemeral.aws_secretsmanager_secret_version.s.secret_string`): groups are the module path, `data` or `ephemeral`,
 * then as `referencePattern`'s (type, name, instance keys and splats, attribute).
 */
export function readBackPattern(types: readonly string[]): RegExp {
  return new RegExp(`${START}(${MODULE_PATH})(data|ephemeral)\\.(${types.join("|")})\\.([A-Za-z0-9_-]+)((?:\\[[^\\]]*\\]|\\.\\*)*)(?:\\.([A-Za-z0-9_]+))?`, "g");
}

/**
 * A reference to a resource or data source outside AWS (`random_id.r.keepers`, `data.template_file.t.rendered`):
 * groups are the module path, `data.` when a data source, the type, the name, the instance keys and splats, and the
 * attribute. A type is `provider_name`; `var.`, `local.` and the like have no `_` before their first dot.
 */
export const HANDS_BACK_REF = new RegExp(
  `${START}(${MODULE_PATH})(data\\.)?((?!aws_|awscc_)[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*)\\.([A-Za-z0-9_-]+)((?:\\[[^\\]]*\\]|\\.\\*)*)(?:\\.([A-Za-z0-9_]+))?`,
  "g",
);

/**
 * A reference to an AWS resource or data source (`aws_lambda_function.f.environment[0].variables["S"]`, `awscc_x.y`,
 * `data.aws_kms_ciphertext.c.plaintext`): groups are the module path, `data.` when a data source (`ephemeral.` when an
 * ephemeral block, read as one: `readMode`), the type, the name, the instance keys and splats, and the attribute when
 * one is written. A data source's argument reads back as configured as a resource's does (red-team round 109, F3).
 */
export const AWS_REF = new RegExp(`${START}(${MODULE_PATH})((?:data|ephemeral)\\.)?((?:aws|awscc)_[A-Za-z0-9_]+)\\.([A-Za-z0-9_-]+)((?:\\[[^\\]]*\\]|\\.\\*)*)(?:\\.([A-Za-z0-9_]+))?`, "g");

/**
 * Attributes of AWS resources that read back more than the argument of their name: a parameter's `value` is what
 * `insecure_value` was given, an object's `content` what `content_base64` was, and `tags_all` holds the `tags`.
 */
const READ_TOGETHER: Readonly<Record<string, readonly (readonly string[])[]>> = {
  aws_ssm_parameter: [["value", "insecure_value"]],
  aws_secretsmanager_secret_version: [["secret_string", "secret_binary"]],
  aws_s3_object: [["content", "content_base64"]],
};

/**
 * Data sources whose computed attributes the provider renders from the arguments, by attribute: a policy document's
 * `json` is its statements (condition values too) and the documents it merges (red-team round 110, F3), each of
 * `aws_arn`'s parts a piece of the ARN it parses, and its `id` the whole ARN (red-team round 111, F6). The attribute holds whatever those arguments were given. No managed
 * resource type shares these names.
 */
const RENDERED: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  aws_iam_policy_document: Object.fromEntries(
    ["json", "minified_json"].map((a) => [a, ["statement", "source_policy_documents", "override_policy_documents", "source_json", "override_json", "policy_id", "version"]]),
  ),
  aws_arn: Object.fromEntries(["partition", "service", "region", "account", "resource", "id"].map((a) => [a, ["arn"]])),
};

/**
 * Whether `attribute` (undefined: the whole object) of a data source of `type` is a stack's export read back by the
 * export's `name`: `data.aws_cloudformation_export.x.value` is the exported output, what `Fn::ImportValue` of that name
 * gives (red-team round 111, F2). It holds nothing it was given, so only the stacks exporting the name say what it holds.
 */
export function readsExport(type: string, attribute: string | undefined): boolean {
  return type === "aws_cloudformation_export" && (attribute === undefined || attribute === "value");
}

/**
 * Whether `attribute` (undefined: the whole object) of a data source of `type` is what it reads of a stack by the
 * stack's `name`: `data.aws_cloudformation_stack.x.outputs` are that stack's outputs, `parameters` its parameters as
 * DescribeStacks shows them, `template_body` its template (red-team round 111, F2's sibling). Like an export read, it
 * holds nothing it was given: the stacks of that name say what it holds. A managed stack shares the type's name.
 */
export function readsStack(type: string, attribute: string | undefined): boolean {
  return type === "aws_cloudformation_stack" && (attribute === undefined || ["outputs", "parameters", "template_body"].includes(attribute));
}

/** The name a data source reading a stack or an export back asks for; undefined when computed, and so any. */
export function readName(r: TfResource): string | undefined {
  const name = r.values.name;
  return typeof name === "string" && !hasInterpolation(name) ? name : undefined;
}

/**
 * The arguments an attribute of an AWS resource reads back (red-team round 107, F1): in Terraform a reference to an
 * argument of a managed resource is the value it was configured with, whatever the type (a Lambda's `environment`, a
 * stack's `parameters`, a ciphertext's `plaintext`), and an attribute a data source renders from its arguments holds
 * them (`RENDERED`). Any other attribute AWS makes (`arn`, `id`, `version`) is no argument, and the caller finds it
 * configured nowhere: it carries nothing.
 */
export function argumentsReadBack(type: string, attribute: string): readonly string[] {
  if (attribute === "tags_all") return ["tags_all", "tags"];
  const rendered = RENDERED[type]?.[attribute];
  if (rendered) return [attribute, ...rendered];
  if (decryptedSecret(type, attribute, undefined) !== undefined) return [attribute, "secret"];
  const stack = STACK_ARGUMENTS[type];
  if (stack && attribute === "outputs") return ["outputs", stack.parameters, ...(stack.template ? [stack.template] : [])];
  return READ_TOGETHER[type]?.find((g) => g.includes(attribute)) ?? [attribute];
}

/**
 * What the credential paths follow by name (`carriesCredential`). An ephemeral resource (`ephemeral.random_password.db`,
 * `ephemeral.aws_secretsmanager_secret_version.s`, Terraform 1.10+) is opened for each run and kept out of plan and
 * state: a plan shows no block of it and no value made from it, only the name in the configuration's references, and
 * it exists to carry secrets into write-only arguments, so the name is all there is to match (red-team round 169, F2).
 */
const CARRIES = new RegExp(
  `^${MODULE_PATH}(?:(?:${CREDENTIAL_TYPES.join("|")})|data\\.(?:${STORE_READ_TYPES.join("|")})|ephemeral\\.[A-Za-z][A-Za-z0-9_]*|(?:data\\.)?(?!aws_|awscc_)[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*)\\.`,
);
const AWS_ABSOLUTE = new RegExp(`^(${MODULE_PATH})(data\\.)?((?:aws|awscc)_[A-Za-z0-9_]+)\\.([A-Za-z0-9_-]+)(?:\\[[^\\]]*\\])*(?:\\.([A-Za-z0-9_]+))?`);

/**
 * Whether an absolute reference (`module.m.aws_iam_access_key.k.secret`) is one the credential paths follow: a
 * credential, a store read back, anything outside AWS, which hands back what it is given, or an argument of an AWS
 * resource that `configured` (by the resource's address without instance keys) says it was given (a whole resource
 * holds them all).
 */
export function carriesCredential(ref: string, configured?: (resource: string) => ReadonlySet<string> | undefined): boolean {
  if (CARRIES.test(ref)) return true;
  const m = configured && AWS_ABSOLUTE.exec(ref);
  if (!m) return false;
  const [, prefix, data, type, name, attribute] = m;
  // Which stack an export or stack read reads, and whether what it reads shows a credential, the stacks' templates say.
  if (data !== undefined && (readsExport(type, attribute) || readsStack(type, attribute))) return true;
  const args = configured(withoutInstanceKeys(`${prefix}${data ?? ""}${type}.${name}`));
  if (!args) return false;
  return attribute === undefined ? args.size > 0 : argumentsReadBack(type, attribute).some((a) => args.has(a));
}

const ABSOLUTE = new RegExp(`^(${MODULE_PATH})(data\\.)?([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*)\\.([A-Za-z0-9_-]+)(?:\\[[^\\]]*\\])*(?:\\.([A-Za-z0-9_]+))?`);

/**
 * An absolute reference taken apart: the resource or data source (its address without instance keys), its type, the
 * attribute read (undefined: the whole object), and whether the credential paths follow it through the arguments it
 * was given (an AWS type) rather than as a credential, a store read back or a type outside AWS. Undefined for
 * anything else (a local the configuration does not show).
 */
export function referenceParts(ref: string): { readonly resource: string; readonly type: string; readonly attribute?: string; readonly byArguments: boolean } | undefined {
  const m = ABSOLUTE.exec(ref);
  if (!m) return undefined;
  const [, prefix, data, type, name, attribute] = m;
  return { resource: withoutInstanceKeys(`${prefix}${data ?? ""}${type}.${name}`), type, attribute, byArguments: !CARRIES.test(ref) && AWS_ABSOLUTE.test(ref) };
}

/** What `addressesOf` takes for AWS_REF's second group: a resource, a data source, or an ephemeral block. */
export function readMode(group: string | undefined): boolean | "ephemeral" {
  return group === undefined ? false : group === "ephemeral." ? "ephemeral" : true;
}

/**
 * The addresses a reference may stand for: the instance it names when the stack has it, else the resource as written,
 * else every instance of it, module keys included (`aws_iam_access_key.k[each.key]` may be any of them). Empty when
 * the stack has none. `data`: a data source, or "ephemeral" for an ephemeral block.
 */
export function addressesOf(stack: TfStack, prefix: string, type: string, name: string, keys: string, data: boolean | "ephemeral" = false): string[] {
  // An ephemeral block is read as a data source (mode "data") at `ephemeral.TYPE.NAME` (ephemeral-blocks.ts).
  const base = `${prefix}${data === "ephemeral" ? "ephemeral." : data ? "data." : ""}${type}.${name}`;
  const key = /^\[[^\]]*\]/.exec(keys)?.[0];
  if (key !== undefined && stack.byAddress.has(`${base}${key}`)) return [`${base}${key}`];
  if (stack.byAddress.has(base)) return [base];
  // A plan's configuration names a resource of a keyed module without its key (`module.m.`), as the HCL reader may.
  const bare = withoutInstanceKeys(base);
  return (stack.byType.get(type) ?? []).filter((r) => r.mode === (data ? "data" : "managed") && withoutInstanceKeys(r.address) === bare).map((r) => r.address);
}

/**
 * References a plan's configuration makes from each argument of a resource (`tags` → `aws_iam_access_key.k.secret`),
 * module paths and module outputs resolved: where the plan cannot show a value (unknown until apply) or shows it
 * transformed (`base64encode`), the configuration still says what it was made from. Keyed by the resource object,
 * which the plan reader builds once per plan.
 */
const configured = new WeakMap<TfResource, ReadonlyMap<string, readonly string[]>>();

export function setConfiguredReferences(r: TfResource, byArgument: ReadonlyMap<string, readonly string[]>): void {
  if (byArgument.size > 0) configured.set(r, byArgument);
}

/**
 * A plan's configuration names what a null or unknown argument was made from, and some of it no plan shows (a local, an
 * output of a module the configuration leaves out): written among the argument's configured references as this marker,
 * with the name, it says the value may be anything (red-team round 168, F3). The database passwords a store may hold
 * are matched by it (fail closed); a credential of the plan is counted by `configuredCredentialReferences` itself.
 */
const UNSEEN_MARK = "${blastwall-unseen:";

export function unseenMarker(name: string): string {
  return `${UNSEEN_MARK}${name}}`;
}

/** The names the unseen markers among `strings` carry (`local.secrets`), once each. */
export function unseenNamesIn(strings: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of strings) if (s.startsWith(UNSEEN_MARK) && s.endsWith("}")) out.add(s.slice(UNSEEN_MARK.length, -1));
  return [...out];
}

/** The configured references of a resource's arguments, each written as an interpolation (`${aws_iam_access_key.k.secret}`). */
export function configuredReferences(r: TfResource): ReadonlyMap<string, readonly string[]> | undefined {
  return configured.get(r);
}

/** An output of another stack of the run as that stack writes it: the stack (its remote states linked) and the value. */
export interface RemoteSource {
  readonly stack: TfStack;
  readonly value: unknown;
}

/**
 * What each remote state's outputs are made of, by output name (undefined: every output), as lib/check/peer-stacks.ts
 * finds them: `RemoteState` gives an output resolved to a pattern, which says nothing of a key passed through it
 * (red-team round 105, F4). Kept beside the remote state rather than in it: only the credential readers ask.
 */
const remoteSources = new WeakMap<RemoteState, (name: string | undefined) => readonly RemoteSource[]>();

export function setRemoteSources(state: RemoteState, sources: (name: string | undefined) => readonly RemoteSource[]): void {
  remoteSources.set(state, sources);
}

/** The expressions another stack gives a remote state's output; empty when blastwall does not know them. */
export function remoteSourcesOf(state: RemoteState, name: string | undefined): readonly RemoteSource[] {
  return remoteSources.get(state)?.(name) ?? [];
}

/**
 * Data sources that decrypt the ciphertexts their `secret` blocks give (`payload`), with the attribute that holds what
 * they decrypt, keyed by the secret's name (undefined: an attribute per secret, named after it, as the old
 * `aws_kms_secret` gives them).
 */
const DECRYPTING: Readonly<Record<string, string | undefined>> = { aws_kms_secrets: "plaintext", aws_kms_secret: undefined };

/**
 * Which decrypted secret a reference to a decrypting data source reads: its name, null for every one (the whole data
 * source, or a key blastwall cannot read), undefined when it reads no decryption (`secret`, the ciphertexts it was given).
 * `key` is the first literal step after the attribute (`plaintext["s"]`).
 */
export function decryptedSecret(type: string, attribute: string | undefined, key: string | number | undefined): string | null | undefined {
  if (!(type in DECRYPTING)) return undefined;
  const holder = DECRYPTING[type];
  if (attribute === undefined) return null;
  if (holder !== undefined) return attribute === holder ? (typeof key === "string" ? key : null) : undefined;
  return ["secret", "id", "region"].includes(attribute) ? undefined : attribute;
}

/** A ciphertext's `ciphertext_blob` read by reference: groups are all before the attribute (`module.m.data.`, name, keys). */
const CIPHERTEXT_BLOB = new RegExp(`${START}(${MODULE_PATH}(?:data\\.)?aws_kms_ciphertext\\.[A-Za-z0-9_-]+(?:\\[[^\\]]*\\]|\\.\\*)*)\\.ciphertext_blob\\b`, "g");

/**
 * What a payload decrypts to, written as references: a ciphertext of the stack decrypts to its own `plaintext`
 * (`aws_kms_ciphertext.c.ciphertext_blob` → `aws_kms_ciphertext.c.plaintext`). Undefined when the payload names no
 * ciphertext by reference, and so may be any of them (the caller fails closed) or, written out, one made outside it.
 */
export function decryptedReferences(payload: string): string | undefined {
  const out = payload.replace(CIPHERTEXT_BLOB, (_, before: string) => `${before}.plaintext`);
  return out === payload ? undefined : out;
}
