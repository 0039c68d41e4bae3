/**
 * Red-team round 156, AgentCore compute: invoking a runtime (F2) hands its agent the caller's prompt, which it acts on
 * as its execution role (a chain to the role, an error as a command in it is); grants written with the AgentCore
 * types' own ARN attributes (`agent_runtime_arn`, `code_interpreter_arn`: F6) name their resource, not `*`; a custom
 * code interpreter of the stack runs InvokeCodeInterpreter's code as its execution role, and AWS's built-in one
 * (`...:aws:code-interpreter/aws.codeinterpreter.v1`) as no role of the account (F7).
 */
import { check } from "../helpers/tf";
import { hijackStack } from "../helpers/hijack-stack";
import { resolveToPattern } from "../../lib/engine/terraform/tokens";
import { buildStack } from "../../lib/engine/terraform/stack";

type Obj = Record<string, unknown>;

const AC = "bedrock-agentcore.amazonaws.com";
const ACCOUNT = "arn:aws:bedrock-agentcore:us-east-1:111111111111";
const RUNTIME = {
  "aws_bedrockagentcore_agent_runtime.rt": {
    agent_runtime_name: "opsagent",
    role_arn: "${aws_iam_role.strong.arn}",
    agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/a:1" }] }],
    network_configuration: [{ network_mode: "PUBLIC" }],
  },
};
const INTERPRETER = (role = true) => ({
  "aws_bedrockagentcore_code_interpreter.ci": { name: "opsci", ...(role ? { execution_role_arn: "${aws_iam_role.strong.arn}" } : {}), network_configuration: [{ network_mode: "SANDBOX" }] },
});

const findings = (json: Obj, rule: string) => check(json).findings.filter((f) => f.ruleId === rule && !f.acknowledged);
const reaches = (json: Obj) => findings(json, "agent-transitive-destroy").map((f) => [f.severity, f.resource]);
const unknown = (json: Obj) => findings(json, "agent-reach-unknown").map((f) => f.message);
const pathText = (json: Obj) => findings(json, "agent-transitive-destroy").flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");

describe("F2: invoking an AgentCore runtime of the stack is a chain to its execution role", () => {
  test.each([
    ["bedrock-agentcore:InvokeAgentRuntime", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}"],
    ["bedrock-agentcore:InvokeAgentRuntime", "*"],
    ["bedrock-agentcore:InvokeAgentRuntimeForUser", "*"],
    ["bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream", "*"],
    ["bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStreamForUser", `${ACCOUNT}:runtime/opsagent-*`],
  ])("%s on %s reaches the runtime's role, an error", (action, resource) => {
    const json = hijackStack(AC, RUNTIME, [action], resource);
    expect(reaches(json)).toEqual([["error", "aws_iam_role.strong"]]);
    expect(pathText(json)).toContain("send its own prompt to the agent aws_bedrockagentcore_agent_runtime.rt runs, which acts on it with the tools its code gives it, which runs as aws_iam_role.strong");
  });

  test("control: a runtime whose role cannot delete, a grant on another runtime, or on a gateway: no finding", () => {
    const harmless = hijackStack(AC, RUNTIME, ["bedrock-agentcore:InvokeAgentRuntime"], "*");
    (harmless["resource"] as Record<string, Record<string, Obj>>)["aws_iam_role_policy"]["strong"]["policy"] = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*" }] });
    expect(reaches(harmless)).toEqual([]);
    expect(reaches(hijackStack(AC, RUNTIME, ["bedrock-agentcore:InvokeAgentRuntime"], `${ACCOUNT}:runtime/billing-AbCdEf1234`))).toEqual([]);
    expect(reaches(hijackStack(AC, RUNTIME, ["bedrock-agentcore:InvokeAgentRuntime"], `${ACCOUNT}:gateway/*`))).toEqual([]);
  });
});

describe("F6: the AgentCore types' ARN attributes name their resource", () => {
  test.each([
    ["bedrock-agentcore:InvokeAgentRuntimeCommand", ["${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}"]],
    ["bedrock-agentcore:InvokeAgentRuntimeCommand", ["${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}/*"]],
    ["bedrock-agentcore:InvokeAgentRuntime", [`${ACCOUNT}:runtime/\${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_id}`]],
  ])("%s on %j: a chain to the runtime's role, nothing unknown", (action, resources) => {
    const json = hijackStack(AC, RUNTIME, [action], resources);
    expect(reaches(json)).toEqual([["error", "aws_iam_role.strong"]]);
    expect(unknown(json)).toEqual([]);
  });

  test("a runtime whose role cannot delete, granted by its own ARN attribute: no finding at all (was agent-reach-unknown on *)", () => {
    const json = hijackStack(AC, RUNTIME, ["bedrock-agentcore:InvokeAgentRuntimeCommand"], ["${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}/*"]);
    (json["resource"] as Record<string, Record<string, Obj>>)["aws_iam_role_policy"]["strong"]["policy"] = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*" }] });
    expect(check(json).findings.filter((f) => f.severity === "error" || f.severity === "warning").map((f) => f.ruleId)).toEqual([]);
  });

  test("control: a hand-written wildcard after the name still reaches runtimes outside the stack", () => {
    expect(unknown(hijackStack(AC, RUNTIME, ["bedrock-agentcore:InvokeAgentRuntimeCommand"], `${ACCOUNT}:runtime/ops*`)).length).toBe(1);
  });

  test("the ARN patterns of the attributes", () => {
    const stack = buildStack(
      hijackStack(AC, { ...RUNTIME, ...INTERPRETER(), "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.strong.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" }, "aws_bedrockagentcore_browser.b": { name: "web" } }, ["s3:GetObject"]),
      "test.tf.json",
    );
    const p = (ref: string) => resolveToPattern(stack, `\${${ref}}`).pattern;
    expect(p("aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn")).toBe("arn:aws:bedrock-agentcore:*:*:runtime/opsagent-*");
    expect(p("aws_bedrockagentcore_code_interpreter.ci.code_interpreter_arn")).toBe("arn:aws:bedrock-agentcore:*:*:code-interpreter*/opsci-*");
    expect(p("aws_bedrockagentcore_gateway.gw.gateway_arn")).toBe("arn:aws:bedrock-agentcore:*:*:gateway/*");
    expect(p("aws_bedrockagentcore_browser.b.browser_arn")).toBe("arn:aws:bedrock-agentcore:*:*:browser*/web-*");
  });
});

describe("F7: InvokeCodeInterpreter reaches a custom interpreter's execution role; AWS's built-in one runs as no role", () => {
  const INVOKE = ["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter", "bedrock-agentcore:StopCodeInterpreterSession"];
  test("AWS's built-in interpreter, in a stack with no interpreter: no finding (was agent-reach-unknown)", () => {
    const json = hijackStack(AC, {}, INVOKE, "arn:aws:bedrock-agentcore:us-east-1:aws:code-interpreter/aws.codeinterpreter.v1");
    expect(unknown(json)).toEqual([]);
    expect(reaches(json)).toEqual([]);
    // Beside a custom interpreter of the stack whose role can delete: still none.
    expect(reaches(hijackStack(AC, INTERPRETER(), INVOKE, "arn:aws:bedrock-agentcore:*:aws:code-interpreter/*"))).toEqual([]);
  });

  test.each([
    ["${aws_bedrockagentcore_code_interpreter.ci.code_interpreter_arn}"],
    [`${ACCOUNT}:code-interpreter/opsci-AbCdEf1234`],
    [`${ACCOUNT}:code-interpreter-custom/opsci-AbCdEf1234`],
    ["*"],
  ])("a custom interpreter of the stack granted on %s: a chain to its execution role", (resource) => {
    const json = hijackStack(AC, INTERPRETER(), INVOKE, resource);
    expect(reaches(json)).toEqual([["error", "aws_iam_role.strong"]]);
    expect(pathText(json)).toContain("run its own code in aws_bedrockagentcore_code_interpreter.ci, which runs as aws_iam_role.strong");
    if (resource !== "*") expect(unknown(json)).toEqual([]);
  });

  test("controls: an interpreter with no execution role, or a grant on another interpreter, reaches nothing of the stack", () => {
    expect(reaches(hijackStack(AC, INTERPRETER(false), INVOKE, "${aws_bedrockagentcore_code_interpreter.ci.code_interpreter_arn}"))).toEqual([]);
    expect(reaches(hijackStack(AC, INTERPRETER(), INVOKE, `${ACCOUNT}:code-interpreter-custom/billing-AbCdEf1234`))).toEqual([]);
    // Any account's interpreter (a wildcard account) may be a customer's: still unknown, fail closed.
    expect(unknown(hijackStack(AC, {}, INVOKE, "arn:aws:bedrock-agentcore:us-east-1:*:code-interpreter/*")).length).toBe(1);
  });
});

describe("F2 follow-up: invoking agent runtimes outside the stack is compute that may run as any role, as starting a state machine is", () => {
  const INVOKES = ["bedrock-agentcore:InvokeAgentRuntime", "bedrock-agentcore:InvokeAgentRuntimeForUser", "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStream", "bedrock-agentcore:InvokeAgentRuntimeWithWebSocketStreamForUser"];
  test.each(INVOKES.flatMap((a) => [[a, "*"]]).concat([[INVOKES[0], `${ACCOUNT}:runtime/ops-*`], [INVOKES[0], `${ACCOUNT}:runtime/billing-AbCdEf1234`]]))("%s on %s, no runtime in the stack: agent-reach-unknown (was no finding)", (action, resource) => {
    const json = hijackStack(AC, {}, [action], resource);
    expect(unknown(json)).toEqual([expect.stringContaining(`compute reached by ${action} on ${resource}, which may run as any role`)]);
    const path = findings(json, "agent-reach-unknown").flatMap((f) => f.evidence.map((e) => e.detail)).join("\n");
    expect(path).toContain("lets it send its own prompt to AgentCore agent runtimes that may lie outside this stack");
  });

  test("the same as states:StartExecution on * (the pattern followed)", () => {
    expect(unknown(hijackStack(AC, {}, ["states:StartExecution"], "*")).length).toBe(1);
  });

  test("controls: the stack's own runtime by reference (and its endpoints), a gateway ARN, a read-only action: nothing unknown", () => {
    expect(unknown(hijackStack(AC, RUNTIME, [INVOKES[0]], "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}"))).toEqual([]);
    expect(unknown(hijackStack(AC, RUNTIME, [INVOKES[0]], ["${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}", "${aws_bedrockagentcore_agent_runtime.rt.agent_runtime_arn}/*"]))).toEqual([]);
    expect(unknown(hijackStack(AC, {}, [INVOKES[0]], `${ACCOUNT}:gateway/*`))).toEqual([]);
    expect(unknown(hijackStack(AC, {}, ["bedrock-agentcore:GetAgentRuntime"], "*"))).toEqual([]);
  });
});
