/**
 * A user's review (round 74): a warning finding printed the rule's generic why (volumes, databases) and a fix that
 * never said the finding does not fail the gate. A warning's rights step now gives the catalogue's reason for its
 * actions, and its fix says it is a warning and how to keep an intended right on the record.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import { check, safeAgentStack } from "../helpers/tf";

/** The findings naming `action` for an agent allowed only it on `*`, under a boundary that denies nothing it holds. */
const only = (action: string) => check(safeAgentStack([{ Effect: "Allow", Action: action, Resource: "*" }], ["rds:Delete*"])).findings.filter((f) => f.actions.includes(action));

describe("warning findings explain themselves", () => {
  test("a protection warning names the catalogue's reason in its rights step, and its fix says it does not fail the gate", () => {
    const [f] = only("logs:PutSubscriptionFilter");
    expect([f.ruleId, f.severity]).toEqual(["agent-protection-removal", "warning"]);
    const why = loadCatalogue().byAction.get("logs:putsubscriptionfilter")!.why.replace(/\.$/, "");
    expect(f.evidence[f.evidence.length - 1].detail).toContain(`Why: logs:PutSubscriptionFilter: ${why}`);
    expect(f.fix).toMatch(/This finding is a warning: it does not fail the gate\. If the agent needs the right, acknowledge the finding with a reason/);
  });

  test("a direct warning too", () => {
    const [f] = only("ec2:AttachVolume");
    expect([f.ruleId, f.severity]).toEqual(["agent-destroy-right", "warning"]);
    expect(f.evidence[f.evidence.length - 1].detail).toMatch(/^ec2:AttachVolume\. Why: ec2:AttachVolume: Attaches a volume/);
    expect(f.fix).toContain("This finding is a warning");
  });

  test("control: an error finding keeps its list and its fix as they were", () => {
    const [f] = only("ec2:DeleteVolume");
    expect([f.ruleId, f.severity]).toEqual(["agent-destroy-right", "error"]);
    expect(f.evidence[f.evidence.length - 1].detail).toBe("ec2:DeleteVolume");
    expect(f.fix).not.toContain("This finding is a warning");
  });
});
