/**
 * `npm run gen` (after `npm run build`): regenerates everything derived from `policies/`:
 * the TypeScript types in lib/generated/ and the managed-policy table policies/managed-policies.json.
 */
import { writeGeneratedTypes } from "./generate-types";
import { generateManagedPolicies } from "./generate-managed-policies";

async function main(): Promise<void> {
  const files = await writeGeneratedTypes();
  console.log(`generated ${files.join(", ")}`);
  const m = generateManagedPolicies();
  console.log(`wrote ${m.file}: ${m.policies} policies, ${(m.bytes / 1024).toFixed(0)} KiB`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
