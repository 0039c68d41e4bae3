/**
 * OpenID Connect issuers the config declares its organisation's own (`organisationIssuers` in blastwall.json): a
 * corporate Okta org, a custom domain of an IdP that serves only the company's staff. blastwall cannot see an issuer's
 * sign-up policy, so it reads every issuer it does not know by shape (identity-pools.ts ORGANISATION_ISSUERS) as one
 * that may give a token to anyone; a declared one it trusts as the organisation's, on the user's word. Held per stack,
 * as the analysis of the stack is built with its config (analyze.ts), and read where an issuer is judged.
 */
import type { TfStack } from "./terraform/types";

const declared = new WeakMap<TfStack, ReadonlySet<string>>();

/**
 * An issuer as blastwall compares them (as an IAM OpenID Connect provider holds its URL): no `https://`, no trailing
 * slash, lower case. Undefined for a text that is no issuer blastwall can read (a template, a wildcard).
 */
export function issuerKey(url: string): string | undefined {
  if (url.includes("${") || /[*?]/.test(url)) return undefined;
  const i = url
    .trim()
    .replace(/^https:\/\//i, "")
    .replace(/\/+$/, "")
    .toLowerCase();
  return i === "" ? undefined : i;
}

/** Records the config's organisation issuers for the stack; an absent or empty list declares none. */
export function declareOrganisationIssuers(
  stack: TfStack,
  issuers: readonly string[] | undefined,
): void {
  const keys = (issuers ?? [])
    .map(issuerKey)
    .filter((k): k is string => k !== undefined);
  if (keys.length > 0) declared.set(stack, new Set(keys));
  else declared.delete(stack);
}

/** Whether the config declares the issuer (as `issuerKey` writes it) its organisation's own: an exact match, no prefix or glob. */
export function declaredOrganisation(stack: TfStack, issuer: string): boolean {
  return declared.get(stack)?.has(issuer) ?? false;
}
