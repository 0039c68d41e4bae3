/**
 * How a credential of the stack is named inside a value: the reference patterns the stored-credential path (E8) and
 * `credential-in-configuration` match, and the references a plan's configuration shows where its values cannot.
 */
import type { RemoteState, TfResource, TfStack } from "../terraform/types";
import { withoutInstanceKeys } from "../agents";

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
 * Resources that hand back what they are given (red-team round 105), by attribute: the arguments whose value it is.
 * `terraform_data`'s `output` is its `input` once applied, and its `input` and `triggers_replace` read back as
 * written; `null_resource.triggers` is the map it is configured with. A key passed through one is still the key.
 */
export const PASS_THROUGH: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  terraform_data: { input: ["input"], output: ["input"], triggers_replace: ["triggers_replace"] },
  null_resource: { triggers: ["triggers"] },
};

/** Nothing of an address may come right before a reference: `xaws_iam_access_key.k` and `a.aws_iam_access_key.k` are no reference to one. */
const START = String.raw`(?<![A-Za-z0-9_.-])`;

/**
 * A reference to a resource of `types`: groups are the module path, the type, the name, the instance keys and splats
 * (`[0]`, `["a"]`, `.*`, `[*]`), and the attribute when one is written.
 */
export function referencePattern(types: readonly string[], data = false): RegExp {
  return new RegExp(`${START}(${MODULE_PATH})${data ? String.raw`data\.` : ""}(${types.join("|")})\\.([A-Za-z0-9_-]+)((?:\\[[^\\]]*\\]|\\.\\*)*)(?:\\.([A-Za-z0-9_]+))?`, "g");
}

const CARRIES = new RegExp(`^${MODULE_PATH}(?:(?:${[...CREDENTIAL_TYPES, ...Object.keys(PASS_THROUGH)].join("|")})|data\\.(?:${STORE_READ_TYPES.join("|")}))\\.`);

/** Whether an absolute reference (`module.m.aws_iam_access_key.k.secret`) is one the credential paths follow. */
export function carriesCredential(ref: string): boolean {
  return CARRIES.test(ref);
}

/**
 * The addresses a reference may stand for: the instance it names when the stack has it, else the resource as written,
 * else every instance of it, module keys included (`aws_iam_access_key.k[each.key]` may be any of them). Empty when
 * the stack has none.
 */
export function addressesOf(stack: TfStack, prefix: string, type: string, name: string, keys: string, data = false): string[] {
  const base = `${prefix}${data ? "data." : ""}${type}.${name}`;
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
