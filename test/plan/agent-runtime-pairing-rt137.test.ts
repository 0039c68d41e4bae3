/**
 * Red-team round 137 on plan-agent-runtime-moved's pairing by code: which roles excuse a runtime paired with a retired
 * agent runtime depends on what paired them (F2, F5), images and package paths compare in one spelling (F3, F4), a
 * runtime updated or replaced at its address is told so, not called new (F5/F6 messages).
 */
import { imageKey, fileKey } from "../../lib/plan/rules/runtime-code";
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, planWithStates, tempDir, writeTemp, type PlannedChange } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const role = (name: string, service: string, tags: Record<string, string> = {}) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: trust(service), tags, tags_all: tags });

type Change = PlannedChange;
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const add = (address: string, values: unknown) => change(address, ["create"], null, values) as Change;
const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
const upd = (address: string, before: unknown, after: unknown) => change(address, ["update"], before, after) as Change;
const rep = (address: string, before: unknown, after: unknown) => change(address, ["delete", "create"], before, after) as Change;

const plan = planWithStates;
const found = (changes: Change[]) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan(changes)))), { config: {} }).judged.filter((j) => j.finding.ruleId === "plan-agent-runtime-moved");
const flagged = (changes: Change[]) => found(changes).map((j) => j.finding.resource).sort();

const LAMBDA = "lambda.amazonaws.com";
const coder = role("coder", LAMBDA, AGENT);
const helper = role("helper", LAMBDA);
const lambdaRoles = [same("aws_iam_role.coder", coder), same("aws_iam_role.helper", helper)];
const H1 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
const H2 = "b3RoZXIgcGFja2FnZSBoYXNoIG9mIHRoZSByZXBvcnQ=";
const fn = (name: string, r: { arn: string }, code: Record<string, unknown> = { filename: "build/agent.zip", source_code_hash: H1 }, tags: Record<string, string> = {}) => ({
  function_name: name,
  role: r.arn,
  handler: "index.handler",
  runtime: "nodejs20.x",
  ...code,
  tags,
  tags_all: tags,
});

const ECS = "ecs-tasks.amazonaws.com";
const coderTask = role("coder-task", ECS, AGENT);
const webTask = role("web-task", ECS);
const ecsRoles = [same("aws_iam_role.coder_task", coderTask), same("aws_iam_role.web_task", webTask)];
const REG = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const td = (family: string, r: { arn: string }, images: string[]) => ({
  family,
  task_role_arn: r.arn,
  container_definitions: JSON.stringify(images.map((image, i) => ({ name: `c${i}`, image, essential: true }))),
  tags: {},
  tags_all: {},
});

describe("F2: a retired sibling paired by name does not excuse the agent's code on its role", () => {
  test("Lambda: the agent's package under a retired non-agent function's name, at a new address, on that function's role: blocked", () => {
    const out = found([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder)), del("aws_lambda_function.report", fn("report", helper, { filename: "build/report.zip", source_code_hash: H2 })), add("aws_lambda_function.report_v2", fn("report", helper))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.report_v2"]);
    expect(out[0].finding.message).toContain("the same source_code_hash as aws_lambda_function.agent");
  });

  test("ECS: the agent's image under a retired non-agent family, at a new address: blocked", () => {
    const out = flagged([...ecsRoles, del("aws_ecs_task_definition.coder", td("coder", coderTask, [`${REG}/coder:1.4`])), del("aws_ecs_task_definition.report", td("report", webTask, [`${REG}/report:3`])), add("aws_ecs_task_definition.report2", td("report", webTask, [`${REG}/coder:1.4`]))]);
    expect(out).toEqual(["aws_ecs_task_definition.report2"]);
  });

  test("controls: the sibling's own package under its name passes; a sibling that ran the agent's package too excuses it", () => {
    const sibling = (code: Record<string, unknown>) => del("aws_lambda_function.report", fn("report", helper, code));
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder)), sibling({ filename: "build/report.zip", source_code_hash: H2 }), add("aws_lambda_function.report_v2", fn("report", helper, { filename: "build/report.zip", source_code_hash: H2 }))])).toEqual([]);
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder)), sibling({ filename: "build/agent.zip", source_code_hash: H1 }), add("aws_lambda_function.report_v2", fn("report", helper))])).toEqual([]);
  });

  test("a match by name keeps its rule: the agent function's name re-created on another role is blocked, and the runtime's own old role does not excuse it", () => {
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder, { filename: "a.zip", source_code_hash: H2 })), del("aws_lambda_function.sib", fn("sib", helper, { filename: "s.zip" })), add("aws_lambda_function.agent2", fn("coder", helper, { filename: "n.zip" }))])).toEqual(["aws_lambda_function.agent2"]);
    // A helper function replaced at its address that takes the agent function's name: its own old role does not excuse it.
    const out = flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder, { filename: "a.zip" })), rep("aws_lambda_function.api", fn("api", helper, { filename: "n.zip" }), fn("coder", helper, { filename: "n.zip" }))]);
    expect(out).toEqual(["aws_lambda_function.api"]);
  });
});

describe("F5/F6: a runtime that ran the same code on its own role before the plan moves nothing", () => {
  const rename = [del("aws_lambda_function.agent_old", fn("agent-old", coder)), add("aws_lambda_function.agent_new", fn("agent-new", coder))];

  test("a non-agent function of the shared package updated in place (tags only) while the agent's function is renamed: passes", () => {
    expect(flagged([...lambdaRoles, ...rename, upd("aws_lambda_function.api", fn("api", helper), fn("api", helper, undefined, { team: "x" }))])).toEqual([]);
    // Replaced at its address, the same.
    expect(flagged([...lambdaRoles, ...rename, rep("aws_lambda_function.api", fn("api", helper), fn("api", helper, { filename: "build/agent.zip", source_code_hash: H1, package_type: "Zip" }))])).toEqual([]);
  });

  test("control: a non-agent function updated in place to the retired agent function's package is blocked, told it is changed in place, not new", () => {
    const out = found([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder)), upd("aws_lambda_function.api", fn("api", helper, { filename: "build/api.zip", source_code_hash: H2 }), fn("api", helper))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.api"]);
    const m = out[0].finding.message;
    expect(m).toContain("aws_lambda_function.api is changed in place so that it runs that code on a role that did not run it before this plan");
    expect(m).not.toContain("If the new resource");
  });

  test("control: replaced at its address to the agent's image: blocked, told it is replaced", () => {
    const out = found([...ecsRoles, del("aws_ecs_task_definition.coder", td("coder", coderTask, [`${REG}/coder:1.4`])), rep("aws_ecs_task_definition.web", td("web", webTask, [`${REG}/web:1`]), td("web", webTask, [`${REG}/coder:1.4`]))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_ecs_task_definition.web"]);
    expect(out[0].finding.message).toContain("aws_ecs_task_definition.web is replaced so that it runs that code");
  });

  test("ECS blue/green of the agent with a rollout of a service that shares an essential sidecar or a base image: passes", () => {
    const OTEL = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0";
    const blueGreen = [del('aws_ecs_task_definition.coder["blue"]', td("coder-blue", coderTask, [`${REG}/coder:1.4`, OTEL])), add('aws_ecs_task_definition.coder["green"]', td("coder-green", coderTask, [`${REG}/coder:1.5`, OTEL]))];
    expect(flagged([...ecsRoles, ...blueGreen, rep("aws_ecs_task_definition.web", td("web", webTask, [`${REG}/web:1`, OTEL]), td("web", webTask, [`${REG}/web:2`, OTEL]))])).toEqual([]);
    const RUNNER = `${REG}/runner:2024.11`;
    const agentOnRunner = [del('aws_ecs_task_definition.coder["blue"]', td("coder-blue", coderTask, [RUNNER])), add('aws_ecs_task_definition.coder["green"]', td("coder-green", coderTask, [RUNNER]))];
    expect(flagged([...ecsRoles, ...agentOnRunner, rep("aws_ecs_task_definition.jobs", td("jobs", webTask, [RUNNER]), td("jobs", webTask, [RUNNER]))])).toEqual([]);
  });
});

describe("F3/F4: images and package paths compare in one spelling", () => {
  test("image references: no tag is :latest, the registry host's case and Docker Hub's library/ prefix do not count; tags, digests and paths do", () => {
    expect(imageKey(`${REG}/coder`)).toBe(imageKey(`${REG}/coder:latest`));
    expect(imageKey(`${ACCOUNT}.DKR.ECR.us-east-1.amazonaws.com/coder:1`)).toBe(imageKey(`${REG}/coder:1`));
    expect(imageKey("docker.io/library/busybox")).toBe(imageKey("busybox:latest"));
    expect(imageKey("localhost:5000/coder")).toBe("localhost:5000/coder:latest");
    expect(imageKey(`${REG}/coder:1`)).not.toBe(imageKey(`${REG}/coder:2`));
    expect(imageKey(`${REG}/coder@sha256:ab`)).not.toBe(imageKey(`${REG}/coder:latest`));
    expect(imageKey(`${REG}/Coder:1`)).not.toBe(imageKey(`${REG}/coder:1`));
  });

  test("an ECR registry by its FIPS or dual-stack endpoint is the same registry; another account or Region is not (red-team round 138 F2)", () => {
    const plain = imageKey(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/coder:1`);
    expect(imageKey(`${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com/coder:1`)).toBe(plain);
    expect(imageKey(`${ACCOUNT}.dkr-ecr.us-east-1.on.aws/coder:1`)).toBe(plain);
    expect(imageKey(`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/coder:1`)).toBe(imageKey(`${ACCOUNT}.dkr-ecr.cn-north-1.on.aws/coder:1`));
    expect(imageKey(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/coder:1`)).not.toBe(plain);
    expect(imageKey(`222222222222.dkr.ecr.us-east-1.amazonaws.com/coder:1`)).not.toBe(plain);
  });

  test("file paths: ./ and inner . and .. steps do not count", () => {
    expect(fileKey("./build/agent.zip")).toBe("build/agent.zip");
    expect(fileKey("build/./x/../agent.zip")).toBe("build/agent.zip");
    expect(fileKey("other/agent.zip")).not.toBe("build/agent.zip");
  });

  test("ECS: the agent's image without a tag moved as :latest under a new family: blocked; the Lambda image_uri the other way round too", () => {
    expect(flagged([...ecsRoles, del("aws_ecs_task_definition.coder", td("coder", coderTask, [`${REG}/coder`])), add("aws_ecs_task_definition.report", td("report", webTask, [`${REG}/coder:latest`]))])).toEqual(["aws_ecs_task_definition.report"]);
    const image = (uri: string) => ({ image_uri: uri, package_type: "Image" });
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder, image(`${REG}/coder:latest`))), add("aws_lambda_function.rep", fn("rep", helper, image(`${REG}/coder`)))])).toEqual(["aws_lambda_function.rep"]);
    // Control: another tag is other code.
    expect(flagged([...ecsRoles, del("aws_ecs_task_definition.coder", td("coder", coderTask, [`${REG}/coder`])), add("aws_ecs_task_definition.report", td("report", webTask, [`${REG}/coder:2`]))])).toEqual([]);
  });

  test("Lambda: the agent's filename spelled ./build/agent.zip, with no hash: blocked, and the message shows the retired function's spelling", () => {
    const out = found([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder, { filename: "build/agent.zip", source_code_hash: H1 })), add("aws_lambda_function.rep", fn("rep", helper, { filename: "./build/agent.zip" }))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.rep"]);
    expect(out[0].finding.message).toContain("the same filename as aws_lambda_function.agent");
    // Control: another file.
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("coder", coder, { filename: "build/agent.zip" })), add("aws_lambda_function.rep", fn("rep", helper, { filename: "./build/report.zip" }))])).toEqual([]);
  });
});
