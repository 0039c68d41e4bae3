/**
 * `npm run gen` (after `npm run build`): regenerates everything derived from `policies/` and the rules:
 * the TypeScript types and the precompiled config validator in lib/generated/, the managed-policy table
 * policies/managed-policies.json, the CloudFormation replacing-property table policies/cfn-replacing-properties.json,
 * Unicode's confusables policies/confusables.json (for approver names),
 * the IAM action names the constructs check action names against (policies/iam-actions.json),
 * the AWS provider's resource types `protected.types` entries are checked against (policies/aws-resource-types.json),
 * and (scripts/generate-docs) docs/rules.md with the README rule table.
 */
import { execFileSync } from "child_process";
import { existsSync } from "fs";
import { join } from "path";
import { writeGeneratedTypes } from "./generate-types";
import { writeGeneratedValidator } from "./generate-validator";
import { generateManagedPolicies } from "./generate-managed-policies";
import { writeCfnReplacingTable } from "./generate-cfn-replacing";
import { writeConfusablesTable } from "./generate-confusables";
import { generateIamActions } from "./generate-iam-actions";
import { generateAwsResourceTypes } from "./generate-aws-resource-types";

async function main(): Promise<void> {
  const files = await writeGeneratedTypes();
  console.log(`generated ${files.join(", ")}`);
  console.log(`generated ${writeGeneratedValidator()}`);
  const m = generateManagedPolicies();
  console.log(`wrote ${m.file}: ${m.policies} policies, ${(m.bytes / 1024).toFixed(0)} KiB`);
  const c = writeCfnReplacingTable();
  console.log(`wrote ${c.file}: ${c.types} CloudFormation resource types`);
  const u = writeConfusablesTable();
  console.log(`wrote ${u.file}: ${u.characters} confusable characters`);
  const a = generateIamActions();
  console.log(`wrote ${a.file}: ${a.actions} actions of ${a.services} services, ${(a.bytes / 1024).toFixed(0)} KiB`);
  const t = generateAwsResourceTypes();
  console.log(`wrote ${t.file}: ${t.types} AWS resource types, ${(t.bytes / 1024).toFixed(0)} KiB`);
  // The docs generator is its own script (it runs when it is the main module); run it as one.
  const docs = join(__dirname, "generate-docs.js");
  if (existsSync(docs)) execFileSync(process.execPath, [docs], { stdio: "inherit" });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
