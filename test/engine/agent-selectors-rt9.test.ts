/**
 * Config selectors name what the configuration writes; the plan and the HCL reader see instances and names known
 * only after apply (red-team, round 9): `agents.addresses` covers every instance of an address, and `agents.names`
 * covers a name that may match (`name_prefix`, a computed name, Terraform's generated name).
 */
import type { TfResource } from "../../lib/engine/terraform/types";
import { agentSelector, withoutInstanceKeys } from "../../lib/engine/agents";
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
