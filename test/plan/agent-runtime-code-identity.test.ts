/**
 * plan-agent-runtime-moved pairs a runtime the plan creates with an agent's runtime it deletes or forgets by the code it
 * runs, not only by name: an agent's function renamed (a new function_name, family, project name) with the same
 * package, image or source onto a role that is no agent is the agent's code running with that role's rights.
 */
import { evaluatePlan } from "../../lib/plan/evaluate";
import { readPlan } from "../../lib/plan/read-plan";
import { change, minimalPlan, tempDir, writeTemp } from "./helpers";

const ACCOUNT = "111111111111";
const AGENT = { "blastwall:agent": "true" };
const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
const role = (name: string, service: string, tags: Record<string, string> = {}) => ({ name, path: "/", arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, assume_role_policy: trust(service), max_session_duration: 3600, tags, tags_all: tags });

type Change = Record<string, unknown> & { address: string; type: string; name: string; change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown } };
const same = (address: string, values: unknown) => change(address, ["no-op"], values, values) as Change;
const add = (address: string, values: unknown, unknown?: Record<string, unknown>) => {
  const c = change(address, ["create"], null, values) as Change;
  if (unknown) c.change.after_unknown = unknown;
  return c;
};
const del = (address: string, values: unknown) => change(address, ["delete"], values, null) as Change;
const forget = (address: string, values: unknown) => change(address, ["forget"], values, null) as Change;

function plan(changes: Change[], configuration?: Record<string, unknown>) {
  const side = (pick: (c: Change) => unknown) => ({
    resources: changes.flatMap((c) => {
      const values = pick(c);
      return values === null ? [] : [{ address: c.address, mode: "managed", type: c.type, name: c.name, provider_name: "registry.terraform.io/hashicorp/aws", values }];
    }),
  });
  return minimalPlan(changes, {
    planned_values: { root_module: side((c) => c.change.after) },
    prior_state: { format_version: "1.0", values: { root_module: side((c) => c.change.before) } },
    ...(configuration ? { configuration } : {}),
  });
}

const found = (changes: Change[], configuration?: Record<string, unknown>) =>
  evaluatePlan(readPlan(writeTemp(tempDir(), "plan.json", JSON.stringify(plan(changes, configuration)))), { config: {} }).judged.filter((j) => j.finding.ruleId === "plan-agent-runtime-moved");
const flagged = (changes: Change[], configuration?: Record<string, unknown>) => found(changes, configuration).map((j) => j.finding.resource);

const LAMBDA = "lambda.amazonaws.com";
const coder = role("coder", LAMBDA, AGENT);
const reviewer = role("reviewer", LAMBDA, AGENT);
const helper = role("helper", LAMBDA);
const lambdaRoles = [same("aws_iam_role.coder", coder), same("aws_iam_role.reviewer", reviewer), same("aws_iam_role.helper", helper)];
const HASH = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
const fn = (name: string, r: { arn: string }, code: Record<string, unknown> = { filename: "build/agent.zip", source_code_hash: HASH }) => ({
  function_name: name,
  role: r.arn,
  handler: "index.handler",
  runtime: "nodejs20.x",
  ...code,
  tags: {},
  tags_all: {},
});

describe("plan-agent-runtime-moved: a Lambda function renamed with the agent's package", () => {
  test("the same source_code_hash under a new function_name on a role that is no agent: blocked, naming the attribute, the retired function and its agent role", () => {
    const out = found([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), add("aws_lambda_function.renamed", fn("report-runner", helper, { filename: "dist/other.zip", source_code_hash: HASH }))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.renamed"]);
    const m = out[0].finding.message;
    expect(m).toContain("the same source_code_hash as aws_lambda_function.agent, which ran as the agent role aws_iam_role.coder");
    expect(m).toContain(`("${HASH}" on both)`);
    expect(m).toContain("aws_iam_role.helper");
    expect(m).toContain("blastwall approve");
  });

  test("the same image_uri, the same S3 object, the same filename: each blocked; a forget instead of a delete too", () => {
    const image = { image_uri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/agent:1.4.2`, package_type: "Image" };
    const s3 = { s3_bucket: "artifacts", s3_key: "agent/agent.zip", s3_object_version: "v7" };
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder, image)), add("aws_lambda_function.b", fn("b", helper, image))])).toEqual(["aws_lambda_function.b"]);
    // No version on the new one is the latest object, which may be that version.
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder, s3)), add("aws_lambda_function.b", fn("b", helper, { s3_bucket: "artifacts", s3_key: "agent/agent.zip" }))])).toEqual([
      "aws_lambda_function.b",
    ]);
    const file = { filename: "build/agent.zip" };
    const out = found([...lambdaRoles, forget("aws_lambda_function.agent", fn("agent-runner", coder, file)), add("aws_lambda_function.b", fn("b", helper, file))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.b"]);
    expect(out[0].finding.message).toContain("the same filename as aws_lambda_function.agent");
  });

  test("the agent function's code_sha256 in the state (source_code_hash left out) matches the new function's source_code_hash: blocked", () => {
    const prior = fn("agent-runner", coder, { s3_bucket: "artifacts", s3_key: "a.zip", code_sha256: HASH });
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", prior), add("aws_lambda_function.b", fn("b", helper, { filename: "b.zip", source_code_hash: HASH }))])).toEqual(["aws_lambda_function.b"]);
  });

  test("a source_code_hash the configuration sets and the plan knows only after apply: paired with the retired agent function (fail closed), the message says so", () => {
    const unknownHash = add("aws_lambda_function.b", fn("b", helper, { filename: "dist/b.zip", source_code_hash: null }), { source_code_hash: true });
    const out = found([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), unknownHash]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_lambda_function.b"]);
    expect(out[0].finding.message).toContain("with a source_code_hash known only after apply, which may be the one of aws_lambda_function.agent");
    expect(out[0].finding.message).toContain("make it known at plan time");
  });

  test("control: a source_code_hash the configuration leaves out is the provider's to compute, unknown on every create: not paired", () => {
    const computed = add("aws_lambda_function.b", fn("b", helper, { filename: "dist/b.zip", source_code_hash: null, code_sha256: null }), { source_code_hash: true, code_sha256: true });
    const configuration = { root_module: { resources: [{ address: "aws_lambda_function.b", mode: "managed", type: "aws_lambda_function", name: "b", expressions: { filename: { constant_value: "dist/b.zip" } } }] } };
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), computed], configuration)).toEqual([]);
    // The same function with the hash configured (and unknown): paired.
    const configured = { root_module: { resources: [{ address: "aws_lambda_function.b", mode: "managed", type: "aws_lambda_function", name: "b", expressions: { source_code_hash: { references: ["data.archive_file.b.output_base64sha256"] } } }] } };
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), computed], configured)).toEqual(["aws_lambda_function.b"]);
  });

  test("controls: the same code on the same agent role, on another agent role, other code, another S3 version: pass", () => {
    const retired = del("aws_lambda_function.agent", fn("agent-runner", coder));
    expect(flagged([...lambdaRoles, retired, add("aws_lambda_function.b", fn("b", coder))])).toEqual([]);
    expect(flagged([...lambdaRoles, retired, add("aws_lambda_function.b", fn("b", reviewer))])).toEqual([]);
    expect(flagged([...lambdaRoles, retired, add("aws_lambda_function.b", fn("b", helper, { filename: "build/report.zip", source_code_hash: "b3RoZXI=" }))])).toEqual([]);
    const v = (version: string) => ({ s3_bucket: "artifacts", s3_key: "agent.zip", s3_object_version: version });
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder, v("1"))), add("aws_lambda_function.b", fn("b", helper, v("2")))])).toEqual([]);
  });

  test("controls: a shared package matters only while an agent function with it is retired", () => {
    const created = add("aws_lambda_function.b", fn("b", helper));
    // The agent function stays: a new function with its package is another workload.
    expect(flagged([...lambdaRoles, same("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old", helper, { filename: "old.zip" })), created])).toEqual([]);
    // Only a function that was no agent's is retired.
    expect(flagged([...lambdaRoles, same("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old", helper)), created])).toEqual([]);
    // The agent's function and another of the package on the helper role retired, one re-created on that role: it may be the other one.
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old", helper)), created])).toEqual([]);
  });

  test("a new function that keeps another retired function's name but runs the agent's package: blocked (red-team round 137, F2); with that function's own package it passes", () => {
    // Named "old", it pairs with aws_lambda_function.old by name and with the agent function by code: old ran other
    // code, so its role does not excuse the agent's package there.
    const out = flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old", helper, { filename: "old.zip" })), add("aws_lambda_function.old2", fn("old", helper))]);
    expect(out).toEqual(["aws_lambda_function.old2"]);
    // Control: old ran that package on helper before the plan (a shared package): nothing moves.
    expect(flagged([...lambdaRoles, del("aws_lambda_function.agent", fn("agent-runner", coder)), del("aws_lambda_function.old", fn("old", helper)), add("aws_lambda_function.old2", fn("old", helper))])).toEqual([]);
  });
});

describe("plan-agent-runtime-moved: other runtimes renamed with the agent's code", () => {
  test("an ECS task definition under a new family with the agent's image, on a task role that is no agent: blocked; other images pass", () => {
    const ECS = "ecs-tasks.amazonaws.com";
    const agentTask = role("coder-task", ECS, AGENT);
    const plainTask = role("plain-task", ECS);
    const roles = [same("aws_iam_role.task", agentTask), same("aws_iam_role.plain", plainTask)];
    const image = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/coder@sha256:3f1c`;
    const td = (family: string, r: { arn: string }, images: string[]) => ({
      family,
      task_role_arn: r.arn,
      container_definitions: JSON.stringify(images.map((img, i) => ({ name: `c${i}`, image: img, essential: i === 0 }))),
      tags: {},
      tags_all: {},
    });
    const retired = del("aws_ecs_task_definition.coder", td("coder", agentTask, [image, "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"]));
    const out = found([...roles, retired, add("aws_ecs_task_definition.worker", td("worker", plainTask, [image]))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_ecs_task_definition.worker"]);
    expect(out[0].finding.message).toContain("the same container image as aws_ecs_task_definition.coder, which ran as the agent role aws_iam_role.task");
    expect(flagged([...roles, retired, add("aws_ecs_task_definition.worker", td("worker", plainTask, ["nginx:1.27"]))])).toEqual([]);
    expect(flagged([...roles, retired, add("aws_ecs_task_definition.worker", td("worker", agentTask, [image]))])).toEqual([]);
    // Definitions known only after apply: may hold the image.
    const unknownDefs = add("aws_ecs_task_definition.worker", { ...td("worker", plainTask, []), container_definitions: null }, { container_definitions: true });
    expect(flagged([...roles, retired, unknownDefs])).toEqual(["aws_ecs_task_definition.worker"]);
  });

  describe("pairs on the retired definition's images less those a definition that existed before the plan ran as no agent (red-team rounds 134 F2, 137 F1/F6)", () => {
    const ECS = "ecs-tasks.amazonaws.com";
    const agentTask = role("triage-agent-task", ECS, AGENT);
    const webTask = role("reports-web-task", ECS);
    const otherAgentTask = role("coder-task", ECS, AGENT);
    const roles = [same("aws_iam_role.agent", agentTask), same("aws_iam_role.web", webTask), same("aws_iam_role.coder", otherAgentTask)];
    const AGENT_IMAGE = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/triage-agent:1.4.2`;
    const WEB_IMAGE = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/reports-web:2.0.0`;
    const FLUENT = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4";
    const XRAY = "public.ecr.aws/xray/aws-xray-daemon:3.3.14";
    type Container = { image: string; essential?: boolean; firelensConfiguration?: unknown; command?: string[] };
    const td = (family: string, r: { arn: string }, containers: Container[]) => ({
      family,
      task_role_arn: r.arn,
      container_definitions: JSON.stringify(containers.map((c, i) => ({ name: `c${i}`, ...c }))),
      tags: {},
      tags_all: {},
    });
    const FIRELENS = { type: "fluentbit" };
    const retiredWith = (...sidecars: Container[]) => del("aws_ecs_task_definition.triage_agent", td("triage-agent", agentTask, [{ image: AGENT_IMAGE, essential: true }, ...sidecars]));
    const web = (...containers: Container[]) => add("aws_ecs_task_definition.reports_web", td("reports-web", webTask, containers));
    /** A task definition of another service that existed before the plan, on `r`, replaced by it with `next`. */
    const billing = (r: { arn: string }, before: Container[], next?: Container[]) =>
      next === undefined ? same("aws_ecs_task_definition.billing", td("billing", r, before)) : (change("aws_ecs_task_definition.billing", ["delete", "create"], td("billing", r, before), td("billing", r, next)) as Change);

    test("a sidecar no definition ran as no agent before the plan pairs, however it is marked: the agent writes essential = false and firelensConfiguration too", () => {
      expect(flagged([...roles, retiredWith({ image: FLUENT, essential: false }), web({ image: WEB_IMAGE, essential: true }, { image: FLUENT, essential: false })])).toEqual(["aws_ecs_task_definition.reports_web"]);
      const router = { image: FLUENT, essential: true, firelensConfiguration: FIRELENS };
      expect(flagged([...roles, retiredWith(router), web({ image: WEB_IMAGE }, router)])).toEqual(["aws_ecs_task_definition.reports_web"]);
    });

    test("control: the same sidecar that a definition of another service ran as no agent before the plan passes, whether the plan leaves it, replaces it or drops the sidecar", () => {
      const router = { image: FLUENT, essential: true, firelensConfiguration: FIRELENS };
      const plan = (other: Change) => [...roles, other, retiredWith(router), web({ image: WEB_IMAGE }, router)];
      expect(flagged(plan(billing(webTask, [{ image: "billing:7" }, router])))).toEqual([]);
      expect(flagged(plan(billing(webTask, [{ image: "billing:7" }, router], [{ image: "billing:8" }, router])))).toEqual([]);
      expect(flagged(plan(billing(webTask, [{ image: "billing:7" }, { image: XRAY }, router], [{ image: "billing:8" }])))).toEqual([]);
    });

    test("an image shared only with an agent's definition, or only with one this plan creates, stays the agent's (fail closed)", () => {
      const plan = (...others: Change[]) => [...roles, ...others, retiredWith({ image: XRAY }), web({ image: WEB_IMAGE }, { image: XRAY })];
      expect(flagged(plan())).toEqual(["aws_ecs_task_definition.reports_web"]);
      expect(flagged(plan(billing(otherAgentTask, [{ image: "billing:7" }, { image: XRAY }])))).toEqual(["aws_ecs_task_definition.reports_web"]);
      // A new definition, or a new revision of one that did not run the image, makes no image shared.
      const created = add("aws_ecs_task_definition.decoy", td("decoy", webTask, [{ image: XRAY }]));
      // (Each of them now runs the image as no agent too, and is flagged with it.)
      expect(flagged(plan(created)).sort()).toEqual(["aws_ecs_task_definition.decoy", "aws_ecs_task_definition.reports_web"]);
      expect(flagged(plan(billing(webTask, [{ image: "billing:7" }], [{ image: "billing:8" }, { image: XRAY }]))).sort()).toEqual(["aws_ecs_task_definition.billing", "aws_ecs_task_definition.reports_web"]);
    });

    test("red-team round 137 F1: the agent's image marked essential = false or as a FireLens router beside a keepalive container, then moved: blocked", () => {
      const keepalive = { image: "busybox:1.36", essential: true, command: ["sleep", "infinity"] };
      for (const marked of [{ image: AGENT_IMAGE, essential: false }, { image: AGENT_IMAGE, essential: true, firelensConfiguration: FIRELENS }]) {
        const retired = del("aws_ecs_task_definition.triage_agent", td("triage-agent", agentTask, [marked, keepalive]));
        const out = found([...roles, retired, web({ image: AGENT_IMAGE })]);
        expect(out.map((j) => j.finding.resource)).toEqual(["aws_ecs_task_definition.reports_web"]);
        expect(out[0].finding.message).toContain(`("${AGENT_IMAGE}" on both)`);
      }
    });

    test("the agent's own image under a new family still pairs, beside a shared sidecar too, and the message states the rule", () => {
      const out = found([...roles, billing(webTask, [{ image: FLUENT }]), retiredWith({ image: FLUENT, essential: false }), web({ image: AGENT_IMAGE })]);
      expect(out.map((j) => j.finding.resource)).toEqual(["aws_ecs_task_definition.reports_web"]);
      expect(out[0].finding.message).toContain(`("${AGENT_IMAGE}" on both)`);
      expect(out[0].finding.message).toContain("paired on the retired one's images, less those a task definition that existed before this plan ran as no agent");
      expect(out[0].finding.message).not.toContain("sidecar's (essential = false");
    });

    test("a retired definition whose every image is shared pairs on all of them (the rule cannot tell the agent's)", () => {
      const allShared = del("aws_ecs_task_definition.triage_agent", td("triage-agent", agentTask, [{ image: FLUENT }, { image: XRAY }]));
      expect(flagged([...roles, billing(webTask, [{ image: FLUENT }, { image: XRAY }]), allShared, web({ image: WEB_IMAGE }, { image: XRAY })])).toEqual(["aws_ecs_task_definition.reports_web"]);
    });
  });

  test("a CodeBuild project under a new name with the agent's source and buildspec, on a service role that is no agent: blocked; another source passes", () => {
    const CB = "codebuild.amazonaws.com";
    const agentBuild = role("agent-build", CB, AGENT);
    const plainBuild = role("plain-build", CB);
    const roles = [same("aws_iam_role.a", agentBuild), same("aws_iam_role.p", plainBuild)];
    const project = (name: string, r: { arn: string }, location: string, buildspec = "ci/agent.yml") => ({
      name,
      service_role: r.arn,
      source: [{ type: "GITHUB", location, buildspec }],
      artifacts: [{ type: "NO_ARTIFACTS" }],
      environment: [{ compute_type: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0", type: "LINUX_CONTAINER" }],
      tags: {},
      tags_all: {},
    });
    const repo = "https://github.com/example/agent.git";
    const retired = del("aws_codebuild_project.agent", project("agent", agentBuild, repo));
    const out = found([...roles, retired, add("aws_codebuild_project.nightly", project("nightly", plainBuild, repo))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_codebuild_project.nightly"]);
    expect(out[0].finding.message).toContain("the same source location and buildspec as aws_codebuild_project.agent");
    expect(flagged([...roles, retired, add("aws_codebuild_project.nightly", project("nightly", plainBuild, "https://github.com/example/site.git"))])).toEqual([]);
    // The conventional buildspec name alone says nothing: another repository with it is other code.
    const conventional = del("aws_codebuild_project.agent", project("agent", agentBuild, repo, "buildspec.yml"));
    expect(flagged([...roles, conventional, add("aws_codebuild_project.site", project("site", plainBuild, "https://github.com/example/site.git", "buildspec.yml"))])).toEqual([]);
  });

  test("an AgentCore runtime under a new name with the agent's container or code object, on a role that is no agent: blocked; another container passes", () => {
    const AC = "bedrock-agentcore.amazonaws.com";
    const agentRole = role("agentcore-agent", AC, AGENT);
    const plain = role("agentcore-plain", AC);
    const roles = [same("aws_iam_role.a", agentRole), same("aws_iam_role.p", plain)];
    const container = (uri: string) => [{ container_configuration: [{ container_uri: uri }], code_configuration: [] }];
    const code = (key: string) => [{ container_configuration: [], code_configuration: [{ entry_point: ["main.py"], runtime: "PYTHON_3_13", code: [{ s3: [{ bucket: "agent-code", prefix: key }] }] }] }];
    const rt = (name: string, r: { arn: string }, artifact: unknown) => ({ agent_runtime_name: name, role_arn: r.arn, agent_runtime_artifact: artifact, network_configuration: [{ network_mode: "PUBLIC" }], tags: {}, tags_all: {} });
    const uri = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/triage:7`;
    const out = found([...roles, del("aws_bedrockagentcore_agent_runtime.triage", rt("triage", agentRole, container(uri))), add("aws_bedrockagentcore_agent_runtime.helper", rt("helper", plain, container(uri)))]);
    expect(out.map((j) => j.finding.resource)).toEqual(["aws_bedrockagentcore_agent_runtime.helper"]);
    expect(out[0].finding.message).toContain("the same container_uri as aws_bedrockagentcore_agent_runtime.triage");
    expect(flagged([...roles, del("aws_bedrockagentcore_agent_runtime.triage", rt("triage", agentRole, code("triage.zip"))), add("aws_bedrockagentcore_agent_runtime.helper", rt("helper", plain, code("triage.zip")))])).toEqual([
      "aws_bedrockagentcore_agent_runtime.helper",
    ]);
    expect(
      flagged([...roles, del("aws_bedrockagentcore_agent_runtime.triage", rt("triage", agentRole, container(uri))), add("aws_bedrockagentcore_agent_runtime.helper", rt("helper", plain, container(`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/helper:1`)))]),
    ).toEqual([]);
  });

  test("a Glue job with the agent's script and an App Runner service with the agent's image, under new names on roles that are no agents: blocked", () => {
    const GLUE = "glue.amazonaws.com";
    const ga = role("glue-agent", GLUE, AGENT);
    const gp = role("glue-plain", GLUE);
    const job = (name: string, r: { arn: string }, script: string) => ({ name, role_arn: r.arn, command: [{ name: "glueetl", script_location: script }], tags: {}, tags_all: {} });
    const glueRoles = [same("aws_iam_role.ga", ga), same("aws_iam_role.gp", gp)];
    expect(flagged([...glueRoles, del("aws_glue_job.agent", job("agent", ga, "s3://scripts/agent.py")), add("aws_glue_job.etl", job("etl", gp, "s3://scripts/agent.py"))])).toEqual(["aws_glue_job.etl"]);
    expect(flagged([...glueRoles, del("aws_glue_job.agent", job("agent", ga, "s3://scripts/agent.py")), add("aws_glue_job.etl", job("etl", gp, "s3://scripts/etl.py"))])).toEqual([]);

    const TASKS = "tasks.apprunner.amazonaws.com";
    const aa = role("runner-agent", TASKS, AGENT);
    const ap = role("runner-plain", TASKS);
    const svc = (name: string, r: { arn: string }, image: string) => ({
      service_name: name,
      instance_configuration: [{ instance_role_arn: r.arn }],
      source_configuration: [{ image_repository: [{ image_identifier: image, image_repository_type: "ECR" }], code_repository: [] }],
      tags: {},
      tags_all: {},
    });
    const image = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/coder:2`;
    expect(flagged([same("aws_iam_role.aa", aa), same("aws_iam_role.ap", ap), del("aws_apprunner_service.coder", svc("coder", aa, image)), add("aws_apprunner_service.shop", svc("shop", ap, image))])).toEqual([
      "aws_apprunner_service.shop",
    ]);
  });
});
