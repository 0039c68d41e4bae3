/**
 * Config selectors name what the configuration writes; the plan and the HCL reader see instances and names known
 * only after apply (red-team, round 9): `agents.addresses` covers every instance of an address, and `agents.names`
 * covers a name that may match (`name_prefix`, a computed name, Terraform's generated name).
 */
import type { TfResource } from "../../lib/engine/terraform/types";
import { agentSelector, configSelectorHits, withoutInstanceKeys } from "../../lib/engine/agents";
import { buildStack } from "../../lib/engine/terraform/stack";
import { cloudControlStandIn } from "../../lib/engine/cloud-control";
import { TRUST, check, errors, tf } from "../helpers/tf";
import { isAgentChange } from "../../lib/plan/protected";
import { change } from "../plan/helpers";

const role = (address: string, values: Record<string, unknown>): TfResource => ({ mode: "managed", type: "aws_iam_role", name: "bot", address, values });

describe("agents.addresses", () => {
  test.each(['module.agents["a"].aws_iam_role.bot', "aws_iam_role.bot[0]", 'module.agents[0].aws_iam_role.bot["x"]'])("%s is an instance of the listed address", (address) => {
    const listed = withoutInstanceKeys(address);
    expect(agentSelector({ agents: { addresses: [listed] } })(role(address, { name: "bot" }))).toMatch(/agents.addresses/);
    expect(isAgentChange(change(address, ["create"], null, { name: "bot" }) as never, { agents: { addresses: [listed] } })).toBe(true);
  });

  test("another address is not", () => {
    expect(agentSelector({ agents: { addresses: ["aws_iam_role.bot"] } })(role("aws_iam_role.other[0]", { name: "bot" }))).toBeUndefined();
  });
});

describe("agents.names", () => {
  const config = { agents: { names: ["ai-*"] } };
  test("a name_prefix whatever name it gets may match", () => {
    expect(agentSelector(config)(role("aws_iam_role.bot", { name_prefix: "ai-" }))).toMatch(/may match/);
    expect(isAgentChange(change("aws_iam_role.bot", ["create"], null, { name_prefix: "ai-" }) as never, config)).toBe(true);
  });

  test("a prefix that cannot match, or a literal other name, is not selected", () => {
    expect(agentSelector(config)(role("aws_iam_role.bot", { name_prefix: "svc-" }))).toBeUndefined();
    expect(agentSelector(config)(role("aws_iam_role.bot", { name: "svc-1" }))).toBeUndefined();
    expect(isAgentChange(change("aws_iam_role.bot", ["create"], null, { name_prefix: "svc-" }) as never, config)).toBe(false);
  });

  test("no name at all: Terraform names it terraform-..., which a broad selector may match", () => {
    expect(agentSelector({ agents: { names: ["*"] } })(role("aws_iam_role.bot", {}))).toMatch(/may match/);
    expect(agentSelector(config)(role("aws_iam_role.bot", {}))).toBeUndefined();
  });
});

/**
 * An `import` or `moved` block brings an existing role to a resource that writes no name: the role keeps the name it
 * has, whatever it is, not `terraform-...` (as tokens.ts reads its ARN), so a name glob may select it.
 */
describe("agents.names and an unnamed role an import or moved block brings an existing role to", () => {
  const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
  const stack = (top: Record<string, unknown> = {}) =>
    tf({ "aws_iam_role.bot": { assume_role_policy: TRUST }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.bot.name}", policy_arn: ADMIN } }, top);
  const config = { agents: { names: ["deploy-*"] } };
  const destroyers = (json: Record<string, unknown>) => errors(check(json, config), "agent-destroy-right").map((f) => f.principal);
  const IMPORTED = { import: [{ to: "aws_iam_role.bot", id: "deploy-bot" }] };
  const MOVED = { moved: [{ from: "aws_iam_role.old", to: "aws_iam_role.bot" }] };

  test("imported or moved to, it may be the deploy-* agent: check judges it, and its AdministratorAccess fails", () => {
    for (const top of [IMPORTED, MOVED]) {
      expect(destroyers(stack(top))).toEqual(["aws_iam_role.bot"]);
      const built = buildStack(stack(top), "test.tf.json");
      expect(agentSelector(config, built)(built.byAddress.get("aws_iam_role.bot")!)).toMatch(/config agents.names "deploy-\*" may match its name/);
      // The selector selects something: no note that it selects nothing.
      expect(configSelectorHits(config, built, []).names).toEqual(new Set(["deploy-*"]));
    }
  });

  test("a moved block that moves a whole module moves the unnamed roles in it too", () => {
    const json = tf({}, { module: { m: { source: "./m" } }, moved: [{ from: "module.old", to: "module.m" }] });
    const built = buildStack(json, "test.tf.json");
    const inModule: TfResource = { ...role("module.m.aws_iam_role.bot", {}) };
    expect(agentSelector(config, built)(inModule)).toMatch(/may match/);
  });

  test("the controls: no import or moved block, or one that targets another resource, leaves it terraform-...: not selected", () => {
    expect(destroyers(stack())).toEqual([]);
    const other = { import: [{ to: "aws_iam_role.other", id: "deploy-bot" }], moved: [{ from: "aws_iam_role.old", to: "aws_iam_role.other2" }] };
    expect(destroyers(stack(other))).toEqual([]);
    const built = buildStack(stack(other), "test.tf.json");
    expect(agentSelector(config, built)(built.byAddress.get("aws_iam_role.bot")!)).toBeUndefined();
    expect(configSelectorHits(config, built, []).names.size).toBe(0);
    // A name written is that name, imported or not.
    expect(destroyers(tf({ "aws_iam_role.bot": { name: "svc-bot", assume_role_policy: TRUST }, "aws_iam_role_policy_attachment.admin": { role: "${aws_iam_role.bot.name}", policy_arn: ADMIN } }, IMPORTED))).toEqual([]);
  });

  test("an empty name is no name to the provider: generated, or the existing role's when imported", () => {
    const empty = (top: Record<string, unknown> = {}) => buildStack(tf({ "aws_iam_role.bot": { name: "", assume_role_policy: TRUST } }, top), "test.tf.json");
    const pick = (s: ReturnType<typeof empty>, names: string[]) => agentSelector({ agents: { names } }, s)(s.byAddress.get("aws_iam_role.bot")!);
    expect(pick(empty(), ["terraform-*"])).toMatch(/may match/);
    expect(pick(empty(), ["deploy-*"])).toBeUndefined();
    expect(pick(empty(IMPORTED), ["deploy-*"])).toMatch(/may match/);
  });

  test("an awscc role with no role_name is not named terraform-... (Cloud Control names it): a name glob may select it", () => {
    const built = buildStack(tf({ "awscc_iam_role.bot": { assume_role_policy_document: TRUST } }), "test.tf.json");
    const standIn = cloudControlStandIn(built, built.byAddress.get("awscc_iam_role.bot")!)!;
    expect(agentSelector(config, built)(standIn)).toMatch(/may match/);
    expect(configSelectorHits(config, built, []).names).toEqual(new Set(["deploy-*"]));
  });
});

