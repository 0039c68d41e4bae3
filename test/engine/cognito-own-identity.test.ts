/**
 * Rights confined to the caller's own Cognito identity (`private/${cognito-identity.amazonaws.com:sub}/*`, Amplify's
 * private storage) give an agent that signs up nothing of anyone else's: its identity is new and empty (round 59 #17,
 * an error before). Anything that reaches past its own identity still counts.
 */
import { allow, check, cognito, DESTROY, details, errors, onPool, poolRole, reached, stack } from "../helpers/cognito";
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
