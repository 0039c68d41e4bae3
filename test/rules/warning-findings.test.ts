/**
 * A user's review (round 74): a warning finding printed the rule's generic why (volumes, databases) and a fix that
 * never said the finding does not fail the gate. A warning's rights step now gives the catalogue's reason for its
 * actions, and its fix says it is a warning and how to keep an intended right on the record.
 */
import { loadCatalogue } from "../../lib/engine/catalogue";
import { check, policy, safeAgentStack, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";
import { allRules } from "../../lib/rules";

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

/**
 * A chain that holds only through a weak link (here a Lambda authorizer whose code blastwall cannot read) is a warning
 * whose fix already says when to acknowledge it ("if the route is intended"): the engine's note said "acknowledge the
 * finding with a reason" a second time, under another condition ("if the agent needs the right") that a chain does not
 * fit. The note now says only that the finding does not fail the gate and where the reason goes.
 */
describe("a weak chain's warning says to acknowledge once", () => {
  const PINNED = { provider: { aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }] } };
  const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
  const lambda = (name: string, rights: string): Obj => ({
    ...role(name, trust("lambda.amazonaws.com"), rights),
    [`aws_lambda_function.${name}`]: { function_name: name, role: `\${aws_iam_role.${name}.arn}`, handler: "index.handler", runtime: "python3.12", filename: `${name}.zip` },
  });
  /** A DELETE method behind a TOKEN authorizer that runs aws_lambda_function.authz, in front of `integration`. */
  const rest = (integration: Obj): Obj => ({
    "aws_api_gateway_rest_api.api": { name: "files" },
    "aws_api_gateway_resource.res": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "{key}" },
    "aws_api_gateway_authorizer.a": { name: "tok", rest_api_id: "${aws_api_gateway_rest_api.api.id}", type: "TOKEN", authorizer_uri: "${aws_lambda_function.authz.invoke_arn}" },
    "aws_api_gateway_method.m": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", authorization: "CUSTOM", authorizer_id: "${aws_api_gateway_authorizer.a.id}" },
    "aws_api_gateway_integration.i": { rest_api_id: "${aws_api_gateway_rest_api.api.id}", resource_id: "${aws_api_gateway_resource.res.id}", http_method: "DELETE", ...integration },
  });
  const S3_DELETE = { type: "AWS", integration_http_method: "DELETE", uri: "arn:aws:apigateway:eu-central-1:s3:path/prod-data/{key}", credentials: "${aws_iam_role.apirole.arn}" };
  const chains = (extra: Obj) =>
    check(tf({ ...agentCan({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), ...lambda("authz", HARMLESS), ...extra }, PINNED)).findings.filter(
      (f) => f.ruleId === "agent-transitive-destroy",
    );
  /** The verb, as advice: not the `acknowledgements` key or the `acknowledge()` call. */
  const advice = (text: string) => text.match(/\backnowledge[ds]?\b(?!\()/gi) ?? [];
  const NOTE = "This finding is a warning: it does not fail the gate.";

  test("a credentials role behind the authorizer: the rule's fix says it, the note says where the reason goes", () => {
    const [f, ...more] = chains({ ...role("apirole", trust("apigateway.amazonaws.com"), DESTROY), ...rest(S3_DELETE) });
    expect(more).toEqual([]);
    expect([f.severity, f.resource]).toEqual(["warning", "aws_iam_role.apirole"]);
    const ruleFix = allRules.find((r) => r.meta.id === "agent-transitive-destroy")!.meta.fix;
    expect(f.fix).toBe(
      `${ruleFix} ${NOTE} The acknowledgement's reason goes in blastwall.json acknowledgements, or acknowledge() next to the construct when the config sets acknowledgementsInCode: true, so reviewers see why.`,
    );
    expect(advice(f.fix!)).toEqual(["acknowledge"]);
    expect(f.fix).toContain("If the route is intended, acknowledge the finding with a reason.");
    expect(f.fix).not.toContain("If the agent needs the right");
  });

  test("a function behind the authorizer: its own fix says when to acknowledge, and the note adds no second time", () => {
    const [f] = chains({ ...lambda("cleanup", DESTROY), ...rest({ type: "AWS_PROXY", integration_http_method: "POST", uri: "${aws_lambda_function.cleanup.invoke_arn}" }) });
    expect([f.severity, f.resource]).toEqual(["warning", "aws_lambda_function.cleanup"]);
    const note = f.fix!.slice(f.fix!.indexOf(NOTE));
    expect(note).toMatch(/^This finding is a warning: it does not fail the gate\. The acknowledgement's reason goes in blastwall\.json acknowledgements/);
    expect(advice(note)).toEqual([]);
    expect(f.fix).toContain("if it lets through only callers you trust (no agent), acknowledge this finding with a reason saying so");
  });

  test("control: under --strict the chain is an error, and its fix carries no note", () => {
    const json = tf({ ...agentCan({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), ...lambda("authz", HARMLESS), ...role("apirole", trust("apigateway.amazonaws.com"), DESTROY), ...rest(S3_DELETE) }, PINNED);
    const [f] = check(json, {}, { strict: true }).findings.filter((x) => x.ruleId === "agent-transitive-destroy");
    expect(f.severity).toBe("error");
    expect(f.fix).not.toContain(NOTE);
    expect(f.fix).not.toContain("reviewers see why");
  });
});
