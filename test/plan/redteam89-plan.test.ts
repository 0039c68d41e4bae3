/**
 * Red-team round 89 on the plan reader: plans refused that Terraform writes (for_each keys Terraform quotes its own
 * way, targeted plans of Terraform 1.8+), a deferred_changes list in another shape, and a move out of a protected
 * type. Each plan is the red-team's shape reduced to what matters, beside a control.
 */
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

type Obj = Record<string, unknown>;

const write = (doc: Obj) => writeTemp(tempDir(), "plan.json", JSON.stringify(doc));
const read = (doc: Obj) => () => readPlan(write(doc));

/** A resource of planned_values or prior_state. */
const res = (address: string, values: Obj, extra: Obj = {}) => {
  const c = change(address, ["no-op"], null, null);
  return { address, mode: "managed", type: c.type, name: c.name, provider_name: c.provider_name, values, sensitive_values: {}, ...extra };
};

const keep = res("aws_instance.keep", { ami: "a" });
const keepChange = change("aws_instance.keep", ["no-op"], { ami: "a" }, { ami: "a" });

describe("a for_each key Terraform quotes otherwise than JSON (finding 1)", () => {
  // The address as Terraform writes it (toHCLQuotedString: `${` → `$${`, `%{` → `%%{`, a non-printing character as
  // \uXXXX), and the key as it is.
  const KEYS: [string, string][] = [
    ['"cost-$${env}"', "cost-${env}"],
    ['"100%%{x}"', "100%{x}"],
    ['"eu\\u00a0west"', "eu\u00a0west"],
    ['"\u{1f468}\\u200d\u{1f469}"', "\u{1f468}\u200d\u{1f469}"],
  ];
  const withInstance = (quoted: string, key: string, changes: unknown[]) => {
    const web = res(`aws_instance.web[${quoted}]`, { ami: "a" }, { index: key });
    return minimalPlan(changes, { planned_values: { root_module: { resources: [keep] } }, prior_state: { values: { root_module: { resources: [web, keep] } } } });
  };

  test.each(KEYS)("a delete or forget of the instance %s is read", (quoted, key) => {
    for (const action of ["delete", "forget"]) {
      const gone = change(`aws_instance.web[${quoted}]`, [action], { ami: "a" }, null, { index: key });
      expect(read(withInstance(quoted, key, [gone, keepChange]))).not.toThrow();
    }
  });

  test.each(KEYS)("control: the instance %s gone with no change that takes it away is refused", (quoted, key) => {
    expect(read(withInstance(quoted, key, [keepChange]))).toThrow(`malformed plan: aws_instance.web[${quoted}] of the prior state is missing from planned_values`);
  });
});

describe("Terraform 0.12's prior_state addresses without their key (finding 1)", () => {
  // Terraform 0.12 quoted a key in addresses with Go's %q (a non-printing character as \uXXXX) and left it out of
  // prior_state addresses; the reader restores it so, to find the instance in planned_values.
  const old = (plannedAddress: string) =>
    minimalPlan([], {
      format_version: "0.1",
      terraform_version: "0.12.31",
      complete: undefined,
      applyable: undefined,
      errored: undefined,
      prior_state: { values: { root_module: { resources: [res("null_resource.baz", { id: "b" }, { index: "a\u00a0b\n" })] } } },
      planned_values: { root_module: { resources: [res(plannedAddress, { id: "b" }, { index: "a\u00a0b\n" })] } },
    });

  test("a key with a non-printing character is restored as 0.12 wrote it", () => {
    expect(read(old('null_resource.baz["a\\u00a0b\\n"]'))).not.toThrow();
  });

  test("control: an instance of another key is missing", () => {
    expect(read(old('null_resource.baz["ab"]'))).toThrow('malformed plan: it lists no resource changes, but null_resource.baz["a\\u00a0b\\n"] of the prior state is missing');
  });
});

describe("deferred_changes that is not a list (finding 4)", () => {
  test("an object is refused, as deferred_action_invocations is", () => {
    const entry = { reason: "provider_config_unknown", resource_change: change("aws_db_instance.main", ["delete"], { identifier: "orders" }, null) };
    expect(read(minimalPlan([], { deferred_changes: { 0: entry } }))).toThrow("malformed plan: deferred_changes is not an array");
    expect(read(minimalPlan([], { deferred_changes: "x" }))).toThrow("malformed plan: deferred_changes is not an array");
    expect(read(minimalPlan([], { deferred_action_invocations: {} }))).toThrow("malformed plan: deferred_action_invocations is not an array");
  });

  test("control: an empty list (or none) is read", () => {
    expect(read(minimalPlan([], { deferred_changes: [] }))).not.toThrow();
    expect(read(minimalPlan([], { deferred_changes: null }))).not.toThrow();
  });
});
