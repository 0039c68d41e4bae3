/**
 * Rights confined to the caller's own Cognito identity (`private/${cognito-identity.amazonaws.com:sub}/*`, Amplify's
 * private storage) give an agent that signs up nothing of anyone else's: its identity is new and empty (round 59 #17,
 * an error before). Anything that reaches past its own identity still counts.
 */
import { allow, check, cognito, DESTROY, details, errors, onPool, poolRole, reached, stack, type Obj } from "../helpers/cognito";
import { policy } from "../helpers/tf";

const OWN = "arn:aws:s3:::app-files/private/$${cognito-identity.amazonaws.com:sub}/*";
const ownFiles = policy({ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [OWN, "arn:aws:s3:::app-files/protected/$${cognito-identity.amazonaws.com:sub}/*"] });
const selfSignUp = (rights: string, extra = {}) => stack([], cognito({ adminOnly: false, rights, extra }));

describe("a self sign-up app whose authenticated role is confined to each identity's own files", () => {
  test("is no path for the agent", () => {
    expect(errors(check(selfSignUp(ownFiles)), "agent-transitive-destroy")).toEqual([]);
  });

  test("the controls: a shared prefix (Amplify's public/*), a statement without the identity, or an unreadable one still reach", () => {
    const shared = policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: [OWN, "arn:aws:s3:::app-files/public/*"] });
    const split = policy({ Effect: "Allow", Action: "s3:DeleteObject", Resource: OWN }, { Effect: "Allow", Action: "ec2:DeleteSnapshot", Resource: "*" });
    const notResource = policy({ Effect: "Allow", Action: "s3:DeleteObject", NotResource: OWN });
    for (const rights of [shared, split, notResource]) {
      expect([rights, reached(check(selfSignUp(rights)))]).toEqual([rights, ["aws_iam_role.member"]]);
    }
    // An unreadable policy on the role: the agent reaches a principal whose rights blastwall cannot see.
    expect(errors(check(selfSignUp('${file("policy.json")}')), "agent-reach-unknown").map((f) => f.resource)).toEqual(["aws_iam_role.member"]);
  });

  test("a resource policy or a trust that names the role gives it more than its own files: still a path", () => {
    const bucketPolicy = { "aws_s3_bucket_policy.files": { bucket: "app-files", policy: policy({ Effect: "Allow", Principal: { AWS: "${aws_iam_role.member.arn}" }, Action: "s3:DeleteObject", Resource: "arn:aws:s3:::app-files/*" }) } };
    // A role whose trust names the Cognito role by its ARN: within one account its sessions assume it with no identity right.
    const trusted = {
      "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/member" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: DESTROY },
    };
    for (const extra of [bucketPolicy, trusted]) expect(reached(check(selfSignUp(ownFiles, extra)))).toEqual(["aws_iam_role.member"]);
  });

  test("unauthenticated identities are not the caller's own: their id alone gets their credentials, so the same rights still reach", () => {
    const guest = stack([], { ...cognito({ pool: { allow_unauthenticated_identities: true } }), ...poolRole("guest", onPool("unauthenticated"), ownFiles), "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.member.arn}", unauthenticated: "${aws_iam_role.guest.arn}" } } });
    expect(reached(check(guest))).toContain("aws_iam_role.guest");
    expect(details(check(guest))).toMatch(/allows unauthenticated identities/);
  });

  test("an agent that can take over existing users (AdminSetUserPassword) reaches their files: still a path", () => {
    const r = check(stack(allow("cognito-idp:AdminSetUserPassword", "${aws_cognito_user_pool.up.arn}"), cognito({ rights: ownFiles })));
    expect(reached(r)).toEqual(["aws_iam_role.member"]);
  });
});

describe("round 61: another policy that may admit the role or a session of it, read as the engine reads principals", () => {
  /** Role `ops` (ec2 deletes) trusting `principal` under `condition`. */
  const ops = (principal: unknown, condition?: Obj) => ({
    "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }) },
    "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: DESTROY },
  });
  const SESSION = "arn:aws:sts::111111111111:assumed-role/member/CognitoIdentityCredentials";
  const table = (principal: unknown, actions: string[] = ["dynamodb:DeleteItem", "dynamodb:DeleteTable"]) => ({
    "aws_dynamodb_resource_policy.t": { resource_arn: "arn:aws:dynamodb:us-east-1:111111111111:table/app-data", policy: policy({ Effect: "Allow", Principal: principal, Action: actions, Resource: "arn:aws:dynamodb:us-east-1:111111111111:table/app-data" }) },
  });

  test("a trust or a resource policy naming the Cognito session, any session of the role, or * under conditions that may admit it: still a path", () => {
    const viaDoc = {
      "data.aws_iam_policy_document.ops_trust": { statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [SESSION] }] }] },
      "aws_iam_role.ops": { name: "ops", assume_role_policy: "${data.aws_iam_policy_document.ops_trust.json}" },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: DESTROY },
    };
    for (const extra of [
      ops({ AWS: SESSION }),
      ops({ AWS: "arn:aws:sts::111111111111:assumed-role/member/*" }),
      ops({ AWS: "arn:aws:sts::111111111111:assumed-role/*" }),
      ops({ AWS: "arn:aws:iam::111111111111:role/mem*" }),
      ops({ AWS: "*" }, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/mem*" } }),
      // An identity pool's attribute mapping fills principal tags from the user's own claims.
      ops({ AWS: "*" }, { StringEquals: { "aws:PrincipalTag/team": "mobile" } }),
      viaDoc,
      table({ AWS: SESSION }),
      { "aws_lambda_permission.p": { function_name: "admin-fn", action: "lambda:GetFunction", principal: SESSION } },
    ]) {
      expect([Object.keys(extra), reached(check(selfSignUp(ownFiles, extra)))]).toEqual([Object.keys(extra), expect.arrayContaining(["aws_iam_role.member"])]);
    }
  });

  test("control: a policy that cannot admit the role, or grants it nothing the analysis tracks, leaves it confined", () => {
    for (const extra of [
      ops({ AWS: "arn:aws:sts::111111111111:assumed-role/other/CognitoIdentityCredentials" }),
      ops({ AWS: "arn:aws:iam::111111111111:root" }),
      ops({ Service: "lambda.amazonaws.com" }),
      ops({ AWS: "*" }, { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:role/ops-*" } }),
      ops({ AWS: "*" }, { StringEquals: { "aws:SourceAccount": "111111111111" } }),
      table({ AWS: SESSION }, ["dynamodb:DescribeTable"]),
      { "aws_s3_bucket_policy.files": { bucket: "app-files", policy: policy({ Effect: "Allow", Principal: { AWS: SESSION }, Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-files" }) } },
    ]) {
      expect([Object.keys(extra), errors(check(selfSignUp(ownFiles, extra)), "agent-transitive-destroy").map((f) => f.resource)]).toEqual([Object.keys(extra), []]);
    }
  });
});

describe("round 61: the standard shapes of per-identity apps (Amplify's ListBucket, DynamoDB's per-user rows)", () => {
  const SUB = "$${cognito-identity.amazonaws.com:sub}";
  const OBJECTS = { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::app-files/private/${SUB}/*` };
  const LIST = { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::app-files", Condition: { StringLike: { "s3:prefix": [`private/${SUB}/`, `private/${SUB}/*`] } } };
  const ITEM_CALLS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"];
  const TABLE = "arn:aws:dynamodb:us-east-1:111111111111:table/UserData";
  const rows = (opts: { actions?: string[]; resource?: string | string[]; operator?: string; values?: string[] } = {}) => ({
    Effect: "Allow",
    Action: opts.actions ?? ITEM_CALLS,
    Resource: opts.resource ?? TABLE,
    Condition: { [opts.operator ?? "ForAllValues:StringEquals"]: { "dynamodb:LeadingKeys": opts.values ?? [SUB] } },
  });

  test("Amplify's s3:ListBucket on the bucket (own prefix in its condition) beside the own-files Allow is no path: listing destroys nothing", () => {
    expect(errors(check(selfSignUp(policy(OBJECTS, LIST))), "agent-transitive-destroy")).toEqual([]);
  });

  test("item calls held to the caller's own partition key (ForAllValues:StringEquals dynamodb:LeadingKeys = sub) are no path; single-item calls under StringEquals too", () => {
    expect(errors(check(selfSignUp(policy(rows()))), "agent-transitive-destroy")).toEqual([]);
    expect(errors(check(selfSignUp(policy(rows({ actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], operator: "StringEquals" })))), "agent-transitive-destroy")).toEqual([]);
  });

  test("controls: a call that does not carry the key, another key allowed, a weaker operator, a batch under plain StringEquals, a Query on an index, or a tracked right beside a list, still reach", () => {
    for (const st of [
      rows({ actions: [...ITEM_CALLS, "dynamodb:Scan"] }),
      rows({ actions: ["dynamodb:DeleteItem", "dynamodb:DeleteTable"] }),
      rows({ actions: ["dynamodb:PartiQLDelete", "dynamodb:PartiQLSelect"] }),
      rows({ actions: ["dynamodb:*Item"] }),
      rows({ values: [SUB, "admin"] }),
      rows({ operator: "ForAnyValue:StringEquals" }),
      rows({ operator: "ForAllValues:StringLike" }),
      rows({ operator: "StringEquals", actions: ["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"] }),
      rows({ actions: ["dynamodb:Query", "dynamodb:DeleteItem"], resource: [TABLE, `${TABLE}/index/*`] }),
      rows({ actions: ["dynamodb:Query", "dynamodb:DeleteItem"], resource: "arn:aws:dynamodb:us-east-1:111111111111:table/*" }),
    ]) {
      expect([st, reached(check(selfSignUp(policy(st))))]).toEqual([st, ["aws_iam_role.member"]]);
    }
    // A reach right is confined like a deletion: a secret the role reads, or an ops role it assumes, is anyone's.
    const ops = {
      "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "sts:AssumeRole" }) },
      "aws_iam_role_policy.ops": { role: "${aws_iam_role.ops.name}", policy: DESTROY },
    };
    expect(reached(check(selfSignUp(policy(OBJECTS, LIST, { Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111111111111:role/ops" }), ops)))).toContain("aws_iam_role.member");
  });
});
