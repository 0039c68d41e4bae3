/**
 * The properties whose change makes CloudFormation replace a resource, per type, from the generated table
 * `policies/cfn-replacing-properties.json` (see scripts/generate-cfn-replacing.ts). Read once, when a plan holds a
 * CloudFormation template to judge.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { policiesDir } from "../engine/catalogue";
import type { CfnReplacingProperties } from "../generated/cfn-replacing-properties";

let table: CfnReplacingProperties | undefined;

function load(): CfnReplacingProperties {
  return (table ??= JSON.parse(readFileSync(join(policiesDir(), "cfn-replacing-properties.json"), "utf8")) as CfnReplacingProperties);
}

/** For a type the CloudFormation schemas know: the properties that always replace it, and those that may. */
export function specReplacing(type: string): { readonly always: readonly string[]; readonly sometimes: readonly string[] } | undefined {
  const t = load();
  if (!Object.prototype.hasOwnProperty.call(t.types, type)) return undefined;
  return { always: t.types[type] ?? [], sometimes: Object.prototype.hasOwnProperty.call(t.conditional, type) ? (t.conditional[type] ?? []) : [] };
}
