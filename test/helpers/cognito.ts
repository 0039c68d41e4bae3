/** Stacks of an agent beside Cognito identity pools and Roles Anywhere anchors, for the federated-login tests. */
import { check, errors, policy, safeAgentStack, tf } from "./tf";
import type { Report } from "../../lib/report/types";

export { check, errors };

export type Obj = Record<string, unknown>;

export const DESTROY = policy({ Effect: "Allow", Action: ["ec2:DeleteVolume", "ec2:DeleteSnapshot"], Resource: "*" });

/** A safe agent holding `statements` (and denied ec2 deletes in its boundary), beside `resources`. */
export function stack(statements: Obj[], resources: Record<string, Obj>): Obj {
  const doc = safeAgentStack(statements, ["ec2:Delete*", "ec2:Terminate*"]) as { resource: Record<string, Record<string, Obj>> } & Obj;
  const more = tf(resources) as Obj & { resource?: Record<string, Record<string, Obj>>; data?: Obj };
  for (const [type, byName] of Object.entries(more.resource ?? {})) doc.resource[type] = { ...doc.resource[type], ...byName };
  if (more.data) (doc as Obj).data = { ...((doc as Obj).data as Obj), ...more.data };
  return doc;
}

export const reached = (r: Report) => errors(r, "agent-transitive-destroy").map((f) => f.resource);
export const details = (r: Report) => errors(r).flatMap((f) => f.evidence).map((e) => `${e.step}:${e.detail}`).join("\n");
export const allow = (action: string | string[], resource: string | string[] = "*") => [{ Effect: "Allow", Action: action, Resource: resource }];

/** A role trusting identity pool tokens under `condition`, holding `rights` (ec2 deletes unless given). */
export function poolRole(name: string, condition: Obj, rights: string = DESTROY): Record<string, Obj> {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }] });
  return { [`aws_iam_role.${name}`]: { name, assume_role_policy: trust }, [`aws_iam_role_policy.${name}`]: { role: `\${aws_iam_role.${name}.name}`, policy: rights } };
}

export const onPool = (amr: string, pool = "${aws_cognito_identity_pool.ip.id}") => ({
  StringEquals: { "cognito-identity.amazonaws.com:aud": pool },
  "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
});

/** Identity pool ip accepting user pool `up` (admin-only unless said), handing `member` to authenticated identities. */
export function cognito(opts: { adminOnly?: boolean; userPool?: Obj; provider?: string; pool?: Obj; extra?: Record<string, Obj>; rights?: string } = {}): Record<string, Obj> {
  return {
    ...poolRole("member", onPool("authenticated"), opts.rights),
    "aws_cognito_user_pool.up": { name: "staff", admin_create_user_config: { allow_admin_create_user_only: opts.adminOnly ?? true }, ...opts.userPool },
    "aws_cognito_user_pool.qa": { name: "qa", admin_create_user_config: { allow_admin_create_user_only: true } },
    "aws_cognito_user_pool_client.c": { name: "web", user_pool_id: "${aws_cognito_user_pool.up.id}" },
    "aws_cognito_identity_pool.ip": {
      identity_pool_name: "app",
      cognito_identity_providers: [{ client_id: "${aws_cognito_user_pool_client.c.id}", provider_name: opts.provider ?? "${aws_cognito_user_pool.up.endpoint}" }],
      ...opts.pool,
    },
    "aws_cognito_identity_pool_roles_attachment.ra": { identity_pool_id: "${aws_cognito_identity_pool.ip.id}", roles: { authenticated: "${aws_iam_role.member.arn}" } },
    ...opts.extra,
  };
}

/** A role that Roles Anywhere sessions through anchor `a` may take (a profile lists it), holding ec2 deletes. */
export const anywhereRole: Record<string, Obj> = {
  "aws_iam_role.onprem": {
    name: "onprem",
    assume_role_policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: { ArnEquals: { "aws:SourceArn": "${aws_rolesanywhere_trust_anchor.a.arn}" } } }],
    }),
  },
  "aws_iam_role_policy.onprem": { role: "${aws_iam_role.onprem.name}", policy: DESTROY },
  "aws_rolesanywhere_profile.p": { name: "onprem", role_arns: ["${aws_iam_role.onprem.arn}"] },
};

/** A private CA's configuration, named by its common name. */
export const caConfig = (cn: string) => ({ key_algorithm: "RSA_2048", signing_algorithm: "SHA256WITHRSA", subject: { common_name: cn } });

/** A role `ops` the agent (at `role/agents/agent`) may assume, holding `right` on `*`: a chain's second link. */
export const assumableOps = (right: string): Record<string, Obj> => ({
  "aws_iam_role.ops": { name: "ops", assume_role_policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/agents/agent" }, Action: "sts:AssumeRole" }) },
  "aws_iam_role_policy.ops_rights": { role: "${aws_iam_role.ops.name}", policy: policy({ Effect: "Allow", Action: right, Resource: "*" }) },
});
