/**
 * Red-team round 157. F1: a user pool authorizer that lets no stranger in (an admin-only pool) still admits whoever
 * may make itself a user of the pool (AdminCreateUser, AdminSetUserPassword, UpdateUserPool...): a door that asks
 * those rights, as an AWS_IAM door asks execute-api:Invoke. F5: the any-client reading of a pool (REST, AppSync) reads
 * the pool's own app clients and the providers that may be the pool's. F6: issuers the config declares the
 * organisation's own (`organisationIssuers`) are one organisation's, for authorizers and identity pools alike.
 */
import { check, policy, tf } from "../helpers/tf";
import type { BlastwallConfig } from "../../lib/engine/config-types";
import { agentCan, DESTROY, role, type Obj } from "../helpers/sessions";
import { parseConfig } from "../../lib/config/load-config";

const PINNED = {
  provider: {
    aws: [{ region: "eu-central-1", allowed_account_ids: ["111111111111"] }],
  },
};
const trust = (service: string) =>
  policy({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sts:AssumeRole",
  });
const allow = (action: string | string[], resource: unknown) => ({
  Effect: "Allow",
  Action: action,
  Resource: resource,
});
const deny = (action: string | string[], resource: unknown) => ({
  Effect: "Deny",
  Action: action,
  Resource: resource,
});
const NOTHING = allow("s3:GetObject", "*");
const POOL_ARN = "${aws_cognito_user_pool.p.arn}";

const FUNCTION: Obj = {
  ...role("fn", trust("lambda.amazonaws.com"), DESTROY),
  "aws_lambda_function.cleanup": {
    function_name: "db-cleanup",
    role: "${aws_iam_role.fn.arn}",
    handler: "index.handler",
    runtime: "python3.12",
    filename: "x.zip",
  },
};
const API_ROLE = role("apirole", trust("apigateway.amazonaws.com"), DESTROY);
const POOL = (adminOnly = true): Obj => ({
  "aws_cognito_user_pool.p": {
    name: "staff",
    admin_create_user_config: [{ allow_admin_create_user_only: adminOnly }],
  },
  "aws_cognito_user_pool.other": {
    name: "other",
    admin_create_user_config: [{ allow_admin_create_user_only: true }],
  },
});
const GOOGLE = (pool = "${aws_cognito_user_pool.p.id}"): Obj => ({
  "aws_cognito_identity_provider.google": {
    user_pool_id: pool,
    provider_name: "Google",
    provider_type: "Google",
    provider_details: {
      client_id: "x",
      client_secret: "${var.s}",
      authorize_scopes: "email",
    },
  },
});
const CLIENT = (providers: string[]): Obj => ({
  "aws_cognito_user_pool_client.web": {
    name: "web",
    user_pool_id: "${aws_cognito_user_pool.p.id}",
    supported_identity_providers: providers,
  },
});

const REST = (integration: Obj): Obj => ({
  "aws_api_gateway_rest_api.api": { name: "files" },
  "aws_api_gateway_resource.res": {
    rest_api_id: "${aws_api_gateway_rest_api.api.id}",
    parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}",
    path_part: "{key}",
  },
  "aws_api_gateway_authorizer.a": {
    name: "users",
    rest_api_id: "${aws_api_gateway_rest_api.api.id}",
    type: "COGNITO_USER_POOLS",
    provider_arns: [POOL_ARN],
  },
  "aws_api_gateway_method.m": {
    rest_api_id: "${aws_api_gateway_rest_api.api.id}",
    resource_id: "${aws_api_gateway_resource.res.id}",
    http_method: "DELETE",
    authorization: "COGNITO_USER_POOLS",
    authorizer_id: "${aws_api_gateway_authorizer.a.id}",
  },
  "aws_api_gateway_integration.i": {
    rest_api_id: "${aws_api_gateway_rest_api.api.id}",
    resource_id: "${aws_api_gateway_resource.res.id}",
    http_method: "DELETE",
    ...integration,
  },
});
const S3_DELETE = {
  type: "AWS",
  integration_http_method: "DELETE",
  uri: "arn:aws:apigateway:eu-central-1:s3:path/prod-data/{key}",
  credentials: "${aws_iam_role.apirole.arn}",
};
const LAMBDA_PROXY = {
  type: "AWS_PROXY",
  integration_http_method: "POST",
  uri: "${aws_lambda_function.cleanup.invoke_arn}",
};
const HTTP_JWT = (
  issuer: string,
  audience: string[] = ["${aws_cognito_user_pool_client.web.id}"],
): Obj => ({
  "aws_apigatewayv2_api.h": { name: "h", protocol_type: "HTTP" },
  "aws_apigatewayv2_integration.i": {
    api_id: "${aws_apigatewayv2_api.h.id}",
    integration_type: "AWS_PROXY",
    integration_uri: "${aws_lambda_function.cleanup.arn}",
    payload_format_version: "2.0",
  },
  "aws_apigatewayv2_authorizer.jwt": {
    api_id: "${aws_apigatewayv2_api.h.id}",
    authorizer_type: "JWT",
    name: "jwt",
    identity_sources: ["$request.header.Authorization"],
    jwt_configuration: [{ issuer, audience }],
  },
  "aws_apigatewayv2_route.r": {
    api_id: "${aws_apigatewayv2_api.h.id}",
    route_key: "POST /run",
    target: "integrations/${aws_apigatewayv2_integration.i.id}",
    authorization_type: "JWT",
    authorizer_id: "${aws_apigatewayv2_authorizer.jwt.id}",
  },
});
const POOL_ISSUER = "https://${aws_cognito_user_pool.p.endpoint}";

const stack = (statements: Obj[], extra: Obj): Obj =>
  tf(
    { ...agentCan(...statements), ...extra },
    {
      ...PINNED,
      variable: { s: { type: "string" }, pool_id: { type: "string" } },
    },
  );
const found = (json: Obj, config: BlastwallConfig = {}) =>
  check(json, config)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy")
    .map((f) => ({
      severity: f.severity,
      resource: f.resource,
      message: f.message,
      fix: f.fix ?? "",
      evidence: JSON.stringify(f.evidence),
    }));
const graded = (json: Obj, config: BlastwallConfig = {}) =>
  found(json, config).map((x) => [x.severity, x.resource]);
const ROLE_CHAIN = [["error", "aws_iam_role.apirole"]];
const ROUTE = [["warning", "aws_lambda_function.cleanup"]];

describe("157 F1: a closed user pool authorizer is a door for whoever may make itself a user of the pool", () => {
  test("REST + credentials role: AdminCreateUser on the pool is an error chain that names the right and the pool; no right, none", () => {
    const json = stack(
      [NOTHING, allow("cognito-idp:AdminCreateUser", POOL_ARN)],
      { ...API_ROLE, ...POOL(), ...REST(S3_DELETE) },
    );
    expect(graded(json)).toEqual(ROLE_CHAIN);
    const f = found(json)[0];
    expect(f.message).toContain(
      "aws_iam_role.agent --cognito-idp:AdminCreateUser (a user of aws_cognito_user_pool.p) on aws_api_gateway_integration.i--> aws_iam_role.apirole (s3 only",
    );
    expect(f.evidence).toContain(
      "lets it make itself a user of aws_cognito_user_pool.p (cognito-idp:AdminCreateUser",
    );
    expect(f.evidence).toContain(
      'the authorizer of aws_api_gateway_method.m (authorization \\"COGNITO_USER_POOLS\\"), whose integration is aws_api_gateway_integration.i takes that user\'s token',
    );
    // Controls: no Cognito right; the right on another pool of the stack.
    expect(
      graded(stack([NOTHING], { ...API_ROLE, ...POOL(), ...REST(S3_DELETE) })),
    ).toEqual([]);
    expect(
      graded(
        stack(
          [
            NOTHING,
            allow(
              "cognito-idp:AdminCreateUser",
              "${aws_cognito_user_pool.other.arn}",
            ),
          ],
          { ...API_ROLE, ...POOL(), ...REST(S3_DELETE) },
        ),
      ),
    ).toEqual([]);
  });

  test("each login right, on the pool by reference, by glob or on *, opens the door", () => {
    for (const action of [
      "cognito-idp:AdminSetUserPassword",
      "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:UpdateUserPool",
      "cognito-idp:AdminLinkProviderForUser",
      "cognito-idp:Admin*",
    ]) {
      expect([
        action,
        graded(
          stack([NOTHING, allow(action, POOL_ARN)], {
            ...API_ROLE,
            ...POOL(),
            ...REST(S3_DELETE),
          }),
        ),
      ]).toEqual([action, ROLE_CHAIN]);
    }
    for (const on of [
      "*",
      "arn:aws:cognito-idp:eu-central-1:111111111111:userpool/*",
    ]) {
      expect([
        on,
        graded(
          stack([NOTHING, allow("cognito-idp:AdminCreateUser", on)], {
            ...API_ROLE,
            ...POOL(),
            ...REST(S3_DELETE),
          }),
        ),
      ]).toEqual([on, ROLE_CHAIN]);
    }
    // Rights that make no user: reading users, adding one to a group.
    expect(
      graded(
        stack(
          [
            NOTHING,
            allow(
              [
                "cognito-idp:AdminGetUser",
                "cognito-idp:ListUsers",
                "cognito-idp:AdminAddUserToGroup",
              ],
              POOL_ARN,
            ),
          ],
          { ...API_ROLE, ...POOL(), ...REST(S3_DELETE) },
        ),
      ),
    ).toEqual([]);
  });

  test("a Deny of the agent's own on the right closes the door, for the chain and the route", () => {
    const denied = [
      NOTHING,
      allow("cognito-idp:AdminCreateUser", "*"),
      deny("cognito-idp:*", "*"),
    ];
    expect(
      graded(stack(denied, { ...API_ROLE, ...POOL(), ...REST(S3_DELETE) })),
    ).toEqual([]);
    expect(
      graded(stack(denied, { ...FUNCTION, ...POOL(), ...REST(LAMBDA_PROXY) })),
    ).toEqual([]);
  });

  test("REST + Lambda: the open-route warning for the holder, naming the right, the pool and the authorizer", () => {
    const json = stack(
      [NOTHING, allow("cognito-idp:AdminSetUserPassword", POOL_ARN)],
      { ...FUNCTION, ...POOL(), ...REST(LAMBDA_PROXY) },
    );
    expect(graded(json)).toEqual(ROUTE);
    const f = found(json)[0];
    expect(f.message).toContain(
      "can make itself a user of aws_cognito_user_pool.p (cognito-idp:AdminSetUserPassword, through aws_iam_role_policy.agent statement #1), and so pass the authorizer of aws_api_gateway_method.m",
    );
    expect(f.message).toContain(
      "aws_iam_role.agent --cognito-idp:AdminSetUserPassword--> aws_cognito_user_pool.p --aws_api_gateway_integration.i--> aws_lambda_function.cleanup",
    );
    expect(f.fix).toContain(
      "take cognito-idp:AdminSetUserPassword on aws_cognito_user_pool.p away from the agent",
    );
    expect(f.fix).toContain(
      'require IAM auth on aws_api_gateway_method.m (authorization = "AWS_IAM")',
    );
    expect(
      graded(
        stack([NOTHING], { ...FUNCTION, ...POOL(), ...REST(LAMBDA_PROXY) }),
      ),
    ).toEqual([]);
  });

  test("HTTP API JWT on the pool's issuer: a route for AdminCreateUser; UpdateUserPoolClient only where the pool has a provider anyone signs in with", () => {
    const jwt = {
      ...FUNCTION,
      ...POOL(),
      ...CLIENT(["COGNITO"]),
      ...HTTP_JWT(POOL_ISSUER),
    };
    expect(
      graded(
        stack([NOTHING, allow("cognito-idp:AdminCreateUser", POOL_ARN)], jwt),
      ),
    ).toEqual(ROUTE);
    expect(
      found(
        stack([NOTHING, allow("cognito-idp:AdminCreateUser", POOL_ARN)], jwt),
      )[0].message,
    ).toContain(
      'pass the authorizer of aws_apigatewayv2_route.r (authorization_type "JWT")',
    );
    // The audience's client enables only COGNITO: strangers stay out, but UpdateUserPoolClient enables the pool's Google.
    expect(graded(stack([NOTHING], { ...jwt, ...GOOGLE() }))).toEqual([]);
    expect(
      graded(
        stack([NOTHING, allow("cognito-idp:UpdateUserPoolClient", POOL_ARN)], {
          ...jwt,
          ...GOOGLE(),
        }),
      ),
    ).toEqual(ROUTE);
    expect(
      graded(
        stack(
          [NOTHING, allow("cognito-idp:UpdateUserPoolClient", POOL_ARN)],
          jwt,
        ),
      ),
    ).toEqual([]);
    // A provider of its own, enabled on a client: both rights, on the pool.
    expect(
      graded(
        stack(
          [
            NOTHING,
            allow(
              [
                "cognito-idp:CreateIdentityProvider",
                "cognito-idp:UpdateUserPoolClient",
              ],
              POOL_ARN,
            ),
          ],
          jwt,
        ),
      ),
    ).toEqual(ROUTE);
    expect(
      graded(
        stack(
          [NOTHING, allow("cognito-idp:CreateIdentityProvider", POOL_ARN)],
          jwt,
        ),
      ),
    ).toEqual([]);
    // Control: an issuer of one organisation (an Entra tenant) asks no user pool right.
    const entra = {
      ...FUNCTION,
      ...POOL(),
      ...HTTP_JWT(
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        ["api://orders"],
      ),
    };
    expect(
      graded(stack([NOTHING, allow("cognito-idp:*", "*")], entra)),
    ).toEqual([]);
  });

  test("AppSync AMAZON_COGNITO_USER_POOLS: a route into a Lambda data source, and a chain to a DynamoDB data source's role", () => {
    const api = {
      name: "ops",
      schema: "type Query { run: String }",
      authentication_type: "AMAZON_COGNITO_USER_POOLS",
      user_pool_config: [
        {
          default_action: "ALLOW",
          user_pool_id: "${aws_cognito_user_pool.p.id}",
        },
      ],
    };
    const lambda = {
      ...FUNCTION,
      ...POOL(),
      "aws_appsync_graphql_api.api": api,
      "aws_appsync_datasource.ds": {
        api_id: "${aws_appsync_graphql_api.api.id}",
        name: "fn",
        type: "AWS_LAMBDA",
        service_role_arn: "${aws_iam_role.fn.arn}",
        lambda_config: [{ function_arn: "${aws_lambda_function.cleanup.arn}" }],
      },
    };
    expect(
      graded(
        stack([NOTHING, allow("cognito-idp:UpdateUserPool", POOL_ARN)], lambda),
      ),
    ).toEqual(ROUTE);
    expect(graded(stack([NOTHING], lambda))).toEqual([]);
    const dynamo = {
      ...role(
        "dsrole",
        trust("appsync.amazonaws.com"),
        policy(allow(["dynamodb:DeleteItem", "dynamodb:DeleteTable"], "*")),
      ),
      ...POOL(),
      "aws_appsync_graphql_api.api": api,
      "aws_appsync_datasource.ds": {
        api_id: "${aws_appsync_graphql_api.api.id}",
        name: "orders",
        type: "AMAZON_DYNAMODB",
        service_role_arn: "${aws_iam_role.dsrole.arn}",
        dynamodb_config: [{ table_name: "orders" }],
      },
    };
    const f = found(
      stack([NOTHING, allow("cognito-idp:AdminCreateUser", POOL_ARN)], dynamo),
    );
    expect(f.map((x) => [x.severity, x.resource])).toEqual([
      ["error", "aws_iam_role.dsrole"],
    ]);
    expect(f[0].message).toContain(
      "--cognito-idp:AdminCreateUser (a user of aws_cognito_user_pool.p) on aws_appsync_datasource.ds-->",
    );
    expect(graded(stack([NOTHING], dynamo))).toEqual([]);
  });

  test("ALB authenticate-cognito on an admin-only pool: a route for the holder of a login right; an internal load balancer, none", () => {
    const alb = (internal: boolean): Obj => ({
      "aws_lb.alb": {
        name: "ops",
        load_balancer_type: "application",
        subnets: ["subnet-1"],
        internal,
      },
      "aws_lb_target_group.tg": { name: "cleanup", target_type: "lambda" },
      "aws_lb_target_group_attachment.a": {
        target_group_arn: "${aws_lb_target_group.tg.arn}",
        target_id: "${aws_lambda_function.cleanup.arn}",
      },
      "aws_lb_listener.l": {
        load_balancer_arn: "${aws_lb.alb.arn}",
        port: 443,
        protocol: "HTTPS",
        default_action: [
          {
            type: "authenticate-cognito",
            order: 1,
            authenticate_cognito: [
              {
                user_pool_arn: POOL_ARN,
                user_pool_client_id: "${aws_cognito_user_pool_client.web.id}",
                user_pool_domain: "auth",
              },
            ],
          },
          {
            type: "forward",
            order: 2,
            target_group_arn: "${aws_lb_target_group.tg.arn}",
          },
        ],
      },
    });
    const rights = [
      NOTHING,
      allow("cognito-idp:AdminSetUserPassword", POOL_ARN),
    ];
    const json = stack(rights, {
      ...FUNCTION,
      ...POOL(),
      ...CLIENT(["COGNITO"]),
      ...alb(false),
    });
    expect(graded(json)).toEqual(ROUTE);
    expect(found(json)[0].message).toContain(
      "pass the authorizer of the authenticate-cognito (or authenticate-oidc) action of aws_lb_listener.l, which forwards to aws_lb_target_group.tg",
    );
    expect(found(json)[0].fix).toContain(
      "make aws_lb.alb internal (internal = true)",
    );
    expect(
      graded(
        stack(rights, {
          ...FUNCTION,
          ...POOL(),
          ...CLIENT(["COGNITO"]),
          ...alb(true),
        }),
      ),
    ).toEqual([]);
    expect(
      graded(
        stack([NOTHING], {
          ...FUNCTION,
          ...POOL(),
          ...CLIENT(["COGNITO"]),
          ...alb(false),
        }),
      ),
    ).toEqual([]);
  });
});

describe("157 F5: an authorizer that takes any app client of a pool reads the pool's clients and the providers that may be its", () => {
  test("a client of the pool enabling a provider whose user_pool_id blastwall cannot resolve is open, as for a resolved client", () => {
    const json = stack([NOTHING], {
      ...FUNCTION,
      ...POOL(),
      ...GOOGLE("${var.pool_id}"),
      ...CLIENT(["COGNITO", "Google"]),
      ...REST(LAMBDA_PROXY),
    });
    expect(graded(json)).toEqual(ROUTE);
    expect(found(json)[0].message).toContain(
      "the authorizer takes tokens of every app client of the pool, so it may enable aws_cognito_identity_provider.google (Google)",
    );
    // A client of the pool enabling a provider name the stack does not make is read as a resolved client is.
    const named = stack([NOTHING], {
      ...FUNCTION,
      ...POOL(),
      ...CLIENT(["COGNITO", "CorpIdP"]),
      ...REST(LAMBDA_PROXY),
    });
    expect(graded(named)).toEqual(ROUTE);
    expect(found(named)[0].message).toContain(
      "aws_cognito_user_pool_client.web enables CorpIdP, which blastwall cannot resolve to an identity provider of the stack in the pool",
    );
    // With no client: the provider may be the pool's, and a client outside the plan may enable it.
    const noClient = stack([NOTHING], {
      ...FUNCTION,
      ...POOL(),
      ...GOOGLE("${var.pool_id}"),
      ...REST(LAMBDA_PROXY),
    });
    expect(graded(noClient)).toEqual(ROUTE);
    expect(found(noClient)[0].message).toContain(
      "so it may enable aws_cognito_identity_provider.google (Google)",
    );
    // Controls: the provider is another pool's and the client enables only COGNITO; AppSync reads the same.
    expect(
      graded(
        stack([NOTHING], {
          ...FUNCTION,
          ...POOL(),
          ...GOOGLE("${aws_cognito_user_pool.other.id}"),
          ...CLIENT(["COGNITO"]),
          ...REST(LAMBDA_PROXY),
        }),
      ),
    ).toEqual([]);
    const appsync = (client: string[]): Obj => ({
      ...FUNCTION,
      ...POOL(),
      ...GOOGLE("${var.pool_id}"),
      ...CLIENT(client),
      "aws_appsync_graphql_api.api": {
        name: "ops",
        authentication_type: "AMAZON_COGNITO_USER_POOLS",
        user_pool_config: [
          {
            default_action: "ALLOW",
            user_pool_id: "${aws_cognito_user_pool.p.id}",
          },
        ],
      },
      "aws_appsync_datasource.ds": {
        api_id: "${aws_appsync_graphql_api.api.id}",
        name: "fn",
        type: "AWS_LAMBDA",
        lambda_config: [{ function_arn: "${aws_lambda_function.cleanup.arn}" }],
      },
    });
    expect(graded(stack([NOTHING], appsync(["COGNITO", "Google"])))[0]).toEqual(
      ["warning", "aws_lambda_function.cleanup"],
    );
  });
});

describe("157 F6: organisationIssuers declares issuers one organisation's own", () => {
  const OKTA = "https://acme.okta.com/oauth2/default";
  const jwt = { ...FUNCTION, ...HTTP_JWT(OKTA, ["api://default"]) };

  test("a JWT authorizer on a corporate Okta issuer is open, and its fix names the setting; declared, it is closed", () => {
    const open = found(stack([NOTHING], jwt));
    expect(open.map((x) => [x.severity, x.resource])).toEqual(ROUTE);
    expect(open[0].fix).toContain(
      "acme.okta.com/oauth2/default listed in organisationIssuers of blastwall.json if it gives tokens to your organisation's own people alone",
    );
    // The same issuer after the normalisation the issuer reading does: scheme, trailing slash, case.
    for (const spelt of [
      OKTA,
      "https://ACME.okta.com/oauth2/default/",
      "acme.okta.com/oauth2/default",
    ]) {
      expect([
        spelt,
        graded(stack([NOTHING], jwt), { organisationIssuers: [spelt] }),
      ]).toEqual([spelt, []]);
    }
    // An exact match: another issuer of the org, or its base URL, declares nothing for this one.
    expect(
      graded(stack([NOTHING], jwt), {
        organisationIssuers: ["https://acme.okta.com"],
      }),
    ).toEqual(ROUTE);
    expect(
      graded(stack([NOTHING], jwt), {
        organisationIssuers: ["https://acme.okta.com/oauth2/other"],
      }),
    ).toEqual(ROUTE);
  });

  test("a user pool's OIDC provider on a declared issuer lets no stranger into an admin-only pool", () => {
    const oidc = {
      "aws_cognito_identity_provider.corp": {
        user_pool_id: "${aws_cognito_user_pool.p.id}",
        provider_name: "corp",
        provider_type: "OIDC",
        provider_details: {
          client_id: "x",
          client_secret: "${var.s}",
          oidc_issuer: OKTA,
          authorize_scopes: "openid",
        },
      },
    };
    const json = stack([NOTHING], {
      ...FUNCTION,
      ...POOL(),
      ...oidc,
      ...REST(LAMBDA_PROXY),
    });
    expect(graded(json)).toEqual(ROUTE);
    expect(found(json)[0].message).toContain(
      "aws_cognito_identity_provider.corp (OIDC), the issuer acme.okta.com/oauth2/default, from which an Okta org gives one to anyone it lets register itself",
    );
    expect(graded(json, { organisationIssuers: [OKTA] })).toEqual([]);
  });

  test("an identity pool's OpenID Connect provider on a declared issuer hands its role to no stranger", () => {
    const poolTrust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "cognito-identity.amazonaws.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "cognito-identity.amazonaws.com:aud":
                "${aws_cognito_identity_pool.ip.id}",
            },
            "ForAnyValue:StringLike": {
              "cognito-identity.amazonaws.com:amr": "authenticated",
            },
          },
        },
      ],
    });
    const identity = {
      ...role("member", poolTrust, DESTROY),
      "aws_iam_openid_connect_provider.idp": {
        url: OKTA,
        client_id_list: ["api://default"],
        thumbprint_list: ["6938fd4d98bab03faadb97b34396831e3780aea1"],
      },
      "aws_cognito_identity_pool.ip": {
        identity_pool_name: "corp",
        allow_unauthenticated_identities: false,
        openid_connect_provider_arns: [
          "${aws_iam_openid_connect_provider.idp.arn}",
        ],
      },
      "aws_cognito_identity_pool_roles_attachment.ra": {
        identity_pool_id: "${aws_cognito_identity_pool.ip.id}",
        roles: { authenticated: "${aws_iam_role.member.arn}" },
      },
    };
    const json = stack([NOTHING], identity);
    expect(graded(json)).toEqual([["error", "aws_iam_role.member"]]);
    expect(graded(json, { organisationIssuers: [OKTA] })).toEqual([]);
  });
});

// Red-team round 159, F1: an issuer that gives a token to anyone whatever its owner sets is no organisation's own. The
// config refuses it (exit 2), and the engine, handed such a config another way, keeps the door open; the fix of its
// finding does not suggest listing it.
describe("159 F1: organisationIssuers cannot make a public issuer an organisation's own", () => {
  const publicOnes = [
    "https://accounts.google.com",
    "https://token.actions.githubusercontent.com",
    "https://login.microsoftonline.com/common/v2.0",
    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
    "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123",
  ];

  test("the config refuses each, naming the entry and why", () => {
    publicOnes.forEach((issuer, i) => {
      expect(() => parseConfig({ organisationIssuers: ["https://acme.okta.com", issuer] }, "blastwall.json")).toThrow(
        new RegExp(`^blastwall\\.json: organisationIssuers\\[1\\]: ${JSON.stringify(issuer).replace(/[.*?/\\[\]()]/g, "\\$&")} cannot be declared your organisation's own: .+; remove it$`),
      );
      void i;
    });
  });

  test("declared anyway, a public issuer's door stays open, and its fix does not name the setting; a corporate issuer closes", () => {
    const google = { ...FUNCTION, ...HTTP_JWT("https://accounts.google.com", ["client-id"]) };
    const open = found(stack([NOTHING], google), { organisationIssuers: ["https://accounts.google.com"] });
    expect(open.map((x) => [x.severity, x.resource])).toEqual(ROUTE);
    expect(open[0].fix).not.toContain("organisationIssuers");
    expect(open[0].fix).toContain("gives tokens to anyone, and no setting makes it your organisation's");
    const okta = { ...FUNCTION, ...HTTP_JWT("https://acme.okta.com", ["api://default"]) };
    expect(graded(stack([NOTHING], okta), { organisationIssuers: ["https://acme.okta.com"] })).toEqual([]);
  });
});
