import { isObject } from "../json";
import type { TfResource, TfStack } from "./types";

/**
 * The account a provider configuration is pinned to, when the configuration says so literally: a single
 * `allowed_account_ids` entry, or the account in the (last) `assume_role.role_arn`.
 */
export function providerAccount(stack: TfStack, key: string): string | undefined {
  const body = stack.providers?.get(key);
  if (!body) return undefined;
  const allowed = body["allowed_account_ids"];
  if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === "string" && /^\d{12}$/.test(allowed[0])) return allowed[0];
  // Several assume_role blocks are a chain: the credentials, and so the account, are the last role's.
  const assume = body["assume_role"];
  const chain = Array.isArray(assume) ? assume.filter(isObject) : isObject(assume) ? [assume] : [];
  const last = chain[chain.length - 1];
  const arn = last?.["role_arn"];
  const m = typeof arn === "string" ? /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(arn) : null;
  return m ? m[1] : undefined;
}

/** The account a resource's provider (its `provider` argument, else the default `aws`) is pinned to, when it is. */
export function resourceAccount(stack: TfStack, r: TfResource): string | undefined {
  const p = r.values["provider"];
  return providerAccount(stack, typeof p === "string" && /^aws(\.|$)/.test(p) ? p : "aws");
}
