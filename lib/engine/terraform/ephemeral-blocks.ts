/**
 * Ephemeral blocks (`ephemeral "TYPE" "NAME"`, Terraform 1.10+, OpenTofu 1.11): opened anew in every plan and apply,
 * kept out of state, and never listed among a plan's changes. They exist to carry a secret into a write-only argument
 * or a provider (`password_wo = ephemeral.aws_secretsmanager_secret_version.db.secret_string`), so what one reads is
 * what the credential paths must follow.
 *
 * Both readers (`buildStack` for Terraform JSON, the HCL reader for a folder) keep the blocks of the AWS types below,
 * each of which does what the data source of the same type does (reads a store back, decrypts a payload, invokes a
 * function, asks for a token). They are read as that data source is: mode `data`, addressed `ephemeral.TYPE.NAME`,
 * so nothing takes one for a managed resource (there is nothing to protect or delete: it has no state). A reference
 * to one is never resolved to a value (the reference readers know no `ephemeral.` root): only the credential modules
 * look one up, by its address, to tell which store it reads. Any other ephemeral block is not read, and what it gives
 * stays unknown (fail closed).
 */
import type { TfResource } from "./types";

/**
 * The ephemeral types the readers keep, as the AWS provider documents them (website/docs/ephemeral-resources): each
 * has a data source of the same name.
 */
export const EPHEMERAL_TYPES: ReadonlySet<string> = new Set([
  "aws_secretsmanager_secret_version",
  "aws_ssm_parameter",
  "aws_kms_secrets",
  "aws_lambda_invocation",
  "aws_cognito_identity_openid_token_for_developer_identity",
  "aws_eks_cluster_auth",
]);

/** The address of an ephemeral block of the root module: `ephemeral.TYPE.NAME` (the HCL reader adds a module's path). */
export function ephemeralAddress(type: string, name: string): string {
  return `ephemeral.${type}.${name}`;
}

/** `module.m["k"].ephemeral.aws_ssm_parameter.p[0]`: an ephemeral block's address, with or without module path and key. */
const EPHEMERAL_ADDRESS = /^(?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\])?\.)*ephemeral\./;

/** Whether a resource of the stack is an ephemeral block (read as a data source, `mode` "data"). */
export function isEphemeral(r: TfResource): boolean {
  return r.mode === "data" && EPHEMERAL_ADDRESS.test(r.address);
}

/**
 * Where the ephemeral form names by another argument what its data source names: the ephemeral `aws_ssm_parameter`
 * takes the parameter's `arn` (its `name` is an attribute AWS returns), the data source its `name` (a name or an ARN).
 */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  aws_ssm_parameter: { name: "arn" },
};

/** The argument of read `r` that stands for the data source's `argument` (the same one but where the ephemeral form renames it). */
export function readArgument(r: TfResource, argument: string): string {
  return isEphemeral(r) ? (RENAMED[r.type]?.[argument] ?? argument) : argument;
}
