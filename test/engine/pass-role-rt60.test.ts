/**
 * Red-team round 60 (RT60-5): Lambda runs a new function's Init phase as the passed role with no invoke at all:
 * provisioned concurrency initialises its environments when it is allocated, SnapStart initialises a version when it
 * is published to snapshot it, and CreateFunction publishes version 1 itself (`Publish: true`, with `SnapStart`), so
 * CreateFunction alone is a start. Step Functions runs an EXPRESS state machine through StartSyncExecution as
 * StartExecution runs any (the not-finding f5-sfn-startsync, where the pass-role link was only a warning).
 */
import { agentRole, check, errors, policy, tf } from "../helpers/tf";

const FN = "arn:aws:lambda:us-east-1:111111111111:function:agent-scratch";
const SFN = "arn:aws:states:us-east-1:111111111111:stateMachine:agent-scratch";

/**
 * The red team's stack: a strong role trusting `service`, and an agent holding `actions` on `on` (its own scratch
 * function, or state machine, and their qualifiers) and, unless `pass` is false, PassRole on the role limited by
 * iam:PassedToService to `passedTo`.
 */
function stack(service: string, actions: string[], on: string[], pass = true, passedTo = service) {
  return tf({
    "aws_iam_role.agent": agentRole(),
    "aws_iam_role_policy.agent": {
      role: "${aws_iam_role.agent.name}",
      policy: policy(
        ...(pass ? [{ Effect: "Allow", Action: "iam:PassRole", Resource: "${aws_iam_role.strong.arn}", Condition: { StringEquals: { "iam:PassedToService": passedTo } } }] : []),
        { Effect: "Allow", Action: actions, Resource: on },
      ),
    },
    "aws_iam_role.strong": { name: "strong", assume_role_policy: policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) },
    "aws_iam_role_policy.strong": { role: "${aws_iam_role.strong.name}", policy: policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "rds:DeleteDBSnapshot"], Resource: "*" }) },
  });
}

const lambda = (actions: string[], pass = true, passedTo?: string) => stack("lambda.amazonaws.com", actions, [FN, `${FN}:*`], pass, passedTo);
const states = (actions: string[], pass = true) => stack("states.amazonaws.com", actions, [SFN], pass);

/** The transitive findings on the strong role, and the pass-role link each shows (errors only: no --strict). */
function found(json: Record<string, unknown>, strict = false) {
  return errors(check(json, {}, { strict }), "agent-transitive-destroy")
    .filter((f) => f.resource === "aws_iam_role.strong")
    .map((f) => /--(iam:PassRole \+ [^-]+)-->/.exec(f.message)?.[1] ?? f.message);
}

describe("Lambda runs a new function's code as the passed role without an invoke (RT60-5)", () => {
  test("provisioned concurrency on the new function's version is an error without --strict, and the finding names it", () => {
    expect(found(lambda(["lambda:CreateFunction", "lambda:PutProvisionedConcurrencyConfig"]))).toEqual(["iam:PassRole + lambda:CreateFunction, lambda:PutProvisionedConcurrencyConfig"]);
  });

  test("a published version (SnapStart initialises it to snapshot it) is an error", () => {
    expect(found(lambda(["lambda:CreateFunction", "lambda:PublishVersion"]))).toEqual(["iam:PassRole + lambda:CreateFunction, lambda:PublishVersion"]);
  });

  test("CreateFunction alone publishes version 1 with SnapStart on: an error (fail closed)", () => {
    expect(found(lambda(["lambda:CreateFunction"]))).toEqual(["iam:PassRole + lambda:CreateFunction"]);
  });

  test("control: the red team's invoke control keeps naming its invoke", () => {
    expect(found(lambda(["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:PutProvisionedConcurrencyConfig"]))).toEqual(["iam:PassRole + lambda:CreateFunction, lambda:InvokeFunction"]);
  });

  test("control: without iam:PassRole, or with it limited to another service, no path", () => {
    expect(found(lambda(["lambda:CreateFunction", "lambda:PutProvisionedConcurrencyConfig"], false), true)).toEqual([]);
    expect(found(lambda(["lambda:CreateFunction", "lambda:PutProvisionedConcurrencyConfig"], true, "ecs-tasks.amazonaws.com"), true)).toEqual([]);
  });

  test("control: provisioned concurrency and publishing run only code already there: without CreateFunction, no path (not even a warning)", () => {
    expect(found(lambda(["lambda:PutProvisionedConcurrencyConfig", "lambda:PublishVersion"]), true)).toEqual([]);
  });
});

describe("an existing function whose code the agent replaces (RT60-5, hijack)", () => {
  function existing(actions: string[]) {
    const json = lambda(actions, false);
    (json.resource as Record<string, Record<string, unknown>>).aws_lambda_function = {
      fn: { function_name: "agent-scratch", role: "${aws_iam_role.strong.arn}", handler: "x.handler", runtime: "python3.12", filename: "f.zip", publish: true },
    };
    return json;
  }

  test("UpdateFunctionCode with provisioned concurrency or a published version runs the new code as the function's role (UpdateFunctionCode alone already counts)", () => {
    for (const second of ["lambda:PutProvisionedConcurrencyConfig", "lambda:PublishVersion"]) {
      const [f] = errors(check(existing(["lambda:UpdateFunctionCode", second])), "agent-transitive-destroy");
      expect(f.resource).toBe("aws_iam_role.strong");
      expect(f.message).toContain("--lambda:UpdateFunctionCode--> aws_iam_role.strong");
    }
  });

  test("control: provisioned concurrency and publishing alone run the function's own code: no path", () => {
    expect(errors(check(existing(["lambda:PutProvisionedConcurrencyConfig", "lambda:PublishVersion"]), {}, { strict: true }), "agent-transitive-destroy")).toEqual([]);
  });
});

describe("Step Functions StartSyncExecution (RT60-5, not-finding f5-sfn-startsync)", () => {
  test.each([["states:CreateStateMachine"], ["states:UpdateStateMachine"]])("%s + StartSyncExecution passes the role: an error, which names the real role", (first) => {
    expect(found(states([first, "states:StartSyncExecution"]))).toEqual([`iam:PassRole + ${first}, states:StartSyncExecution`]);
  });

  test("control: StartSyncExecution without a state machine of the caller's, or without iam:PassRole, passes no role", () => {
    expect(found(states(["states:StartSyncExecution"]), true)).toEqual([]);
    expect(found(states(["states:CreateStateMachine", "states:StartSyncExecution"], false), true)).toEqual([]);
  });

  test("an existing EXPRESS state machine started with StartSyncExecution runs as its role (hijack)", () => {
    const json = states(["states:StartSyncExecution"], false);
    (json.resource as Record<string, Record<string, unknown>>).aws_sfn_state_machine = {
      m: { name: "agent-scratch", type: "EXPRESS", role_arn: "${aws_iam_role.strong.arn}", definition: "{}" },
    };
    const [f] = errors(check(json), "agent-transitive-destroy");
    expect(f.resource).toBe("aws_iam_role.strong");
    expect(f.message).toContain("--states:StartSyncExecution--> aws_iam_role.strong");
  });
});
