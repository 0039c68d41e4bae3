import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";

export const FIXTURES = resolve(__dirname, "../fixtures/plans");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A fresh temp directory for files a test writes. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "blastwall-plan-"));
}

/** Writes `content` to `name` in `dir` and returns the path. */
export function writeTemp(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** A minimal valid plan in the `terraform show -json` shape. */
export function minimalPlan(changes: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: { root_module: {} },
    resource_changes: changes,
    configuration: { root_module: {} },
    timestamp: "2026-09-30T10:15:00Z",
    applyable: true,
    complete: true,
    errored: false,
    ...extra,
  };
}

/** A resource change entry. */
export function change(address: string, actions: string[], before: unknown, after: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const bare = address.replace(/^(module\.[^.]+\.)+/, "").replace(/\[.*\]$/, "");
  const [type, name] = bare.split(".");
  return {
    address,
    mode: "managed",
    type,
    name,
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions, before, after, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
    ...extra,
  };
}

/** A resource change of a plan, as `change` writes it. */
export type PlannedChange = Record<string, unknown> & { address: string; type: string; name: string; change: { actions: string[]; before: unknown; after: unknown } };

/** A plan of these changes whose planned values and prior state hold each resource's after and before values. */
export function planWithStates(changes: PlannedChange[]): Record<string, unknown> {
  const side = (pick: (c: PlannedChange) => unknown) => ({
    resources: changes.flatMap((c) => {
      const values = pick(c);
      return values === null ? [] : [{ address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values }];
    }),
  });
  return minimalPlan(changes, { planned_values: { root_module: side((c) => c.change.after) }, prior_state: { format_version: "1.0", values: { root_module: side((c) => c.change.before) } } });
}
