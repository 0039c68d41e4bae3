/**
 * CloudFront in front of the stack's doors (red-team round 169a): a continuous deployment policy's staging
 * distribution serves a share of the primary's requests with its own origins (F1); a cache behaviour whose
 * allowed_methods leave POST out forwards no MCP call (F6); an origin access control signs every request CloudFront
 * sends to an AWS_IAM function URL (F2); a VPC origin puts an internal load balancer on the internet (F3).
 */
import { check, policy, tf } from "../helpers/tf";
import { agentCan, DESTROY, HARMLESS, role, type Obj } from "../helpers/sessions";

const PINNED = { provider: { aws: [{ region: "us-east-1", allowed_account_ids: ["111111111111"] }] } };
const trust = (service: string) => policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
const INVOKE = { Effect: "Allow", Action: "bedrock-agentcore:InvokeGateway", Resource: "${aws_bedrockagentcore_gateway.gw.gateway_arn}" };
const OAUTH = [{ oauth: [{ provider_arn: "arn:aws:bedrock-agentcore:us-east-1:111111111111:token-vault/default/oauth2credentialprovider/mcp", scopes: ["invoke"] }] }];
const OWN_ARN = "arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A111111111111%3Aruntime%2Fmcpsrv-AbCdEf1234";
const AGENTCORE = "bedrock-agentcore.us-east-1.amazonaws.com";
const CF = "https://${aws_cloudfront_distribution.d.domain_name}";

/** A stack whose agent may call the tools of gateway `gw`, whose MCP server target `t` calls `endpoint` (with no endpoint: no gateway). */
const stack = (endpoint: string | undefined, extra: Obj): Obj =>
  tf(
    {
      ...agentCan(INVOKE),
      ...(endpoint === undefined
        ? {}
        : {
            ...role("gwrole", trust("bedrock-agentcore.amazonaws.com"), HARMLESS),
            "aws_bedrockagentcore_gateway.gw": { name: "tools", role_arn: "${aws_iam_role.gwrole.arn}", authorizer_type: "AWS_IAM", protocol_type: "MCP" },
            "aws_bedrockagentcore_gateway_target.t": { name: "t", gateway_identifier: "${aws_bedrockagentcore_gateway.gw.gateway_id}", target_configuration: [{ mcp: [{ mcp_server: [{ endpoint }] }] }], credential_provider_configuration: OAUTH },
          }),
      ...extra,
    },
    PINNED,
  );
const found = (json: Obj) =>
  check(json)
    .findings.filter((f) => f.ruleId === "agent-transitive-destroy" || f.ruleId === "agent-reach-unknown")
    .map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message, fix: f.fix ?? "" }));
const graded = (json: Obj) => found(json).map((x) => [x.rule, x.severity]);
const TO_RUNTIME_ROLE = [["agent-transitive-destroy", "error"]];
const FN_ROUTE = [["agent-transitive-destroy", "warning"]];

const fn = (name: string, rights: string): Obj => ({
  ...role(name, trust("lambda.amazonaws.com"), rights),
  [`aws_lambda_function.${name}`]: { function_name: name, role: `\${aws_iam_role.${name}.arn}`, handler: "index.handler", runtime: "python3.12", filename: "x.zip" },
});
const RUNTIME: Obj = {
  ...role("rtrole", trust("bedrock-agentcore.amazonaws.com"), DESTROY),
  "aws_bedrockagentcore_agent_runtime.rt": {
    agent_runtime_name: "mcpsrv",
    role_arn: "${aws_iam_role.rtrole.arn}",
    agent_runtime_artifact: [{ container_configuration: [{ container_uri: "111111111111.dkr.ecr.us-east-1.amazonaws.com/mcp:latest" }] }],
    network_configuration: [{ network_mode: "PUBLIC" }],
    protocol_configuration: [{ server_protocol: "MCP" }],
  },
};
/** An HTTP API `h` behind a JWT authorizer on the stack's closed user pool (the gateway's token passes it) into function `mcp`, which can delete. */
const OPEN_API: Obj = {
  ...fn("mcp", DESTROY),
  "aws_cognito_user_pool.p": { name: "org", admin_create_user_config: [{ allow_admin_create_user_only: true }] },
  "aws_cognito_user_pool_client.c": { name: "gw", user_pool_id: "${aws_cognito_user_pool.p.id}", generate_secret: true, allowed_oauth_flows: ["client_credentials"], allowed_oauth_flows_user_pool_client: true, allowed_oauth_scopes: ["mcp/invoke"] },
  "aws_apigatewayv2_api.h": { name: "mcp", protocol_type: "HTTP" },
  "aws_apigatewayv2_integration.i": { api_id: "${aws_apigatewayv2_api.h.id}", integration_type: "AWS_PROXY", integration_uri: "${aws_lambda_function.mcp.arn}", payload_format_version: "2.0" },
  "aws_apigatewayv2_authorizer.j": {
    api_id: "${aws_apigatewayv2_api.h.id}",
    authorizer_type: "JWT",
    name: "j",
    identity_sources: ["$request.header.Authorization"],
    jwt_configuration: [{ issuer: "https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.p.id}", audience: ["${aws_cognito_user_pool_client.c.id}"] }],
  },
  "aws_apigatewayv2_route.r": { api_id: "${aws_apigatewayv2_api.h.id}", route_key: "$default", target: "integrations/${aws_apigatewayv2_integration.i.id}", authorization_type: "JWT", authorizer_id: "${aws_apigatewayv2_authorizer.j.id}" },
};
const API_HOST = "${aws_apigatewayv2_api.h.id}.execute-api.us-east-1.amazonaws.com";

const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const behaviour = (origin: string, more: Obj = {}): Obj => ({ target_origin_id: origin, viewer_protocol_policy: "https-only", allowed_methods: ALL_METHODS, cached_methods: ["GET", "HEAD"], ...more });
const origin = (id: string, domain: string, more: Obj = {}): Obj => ({ origin_id: id, domain_name: domain, custom_origin_config: [{ http_port: 80, https_port: 443, origin_protocol_policy: "https-only", origin_ssl_protocols: ["TLSv1.2"] }], ...more });
const dist = (origins: Obj[], fallback: Obj, ordered: Obj[] = [], more: Obj = {}): Obj => ({
  enabled: true,
  origin: origins,
  default_cache_behavior: [fallback],
  ordered_cache_behavior: ordered,
  restrictions: [{ geo_restriction: [{ restriction_type: "none" }] }],
  viewer_certificate: [{ cloudfront_default_certificate: true }],
  ...more,
});

describe("169a F1: a continuous deployment policy's staging distribution serves a share of the primary's requests", () => {
  const policyOf = (more: Obj = {}): Obj => ({
    "aws_cloudfront_continuous_deployment_policy.cd": {
      enabled: true,
      staging_distribution_dns_names: [{ items: ["${aws_cloudfront_distribution.stg.domain_name}"], quantity: 1 }],
      traffic_config: [{ type: "SingleWeight", single_weight_config: [{ weight: "0.15" }] }],
      ...more,
    },
  });
  /** The primary `d` sends to a partner's server; the staging distribution `stg` to `host`. */
  const staged = (host: string, primary: Obj = {}, cd: Obj = policyOf()): Obj => ({
    "aws_cloudfront_distribution.d": dist([origin("ext", "mcp.partner.example")], behaviour("ext"), [], { continuous_deployment_policy_id: "${aws_cloudfront_continuous_deployment_policy.cd.id}", ...primary }),
    "aws_cloudfront_distribution.stg": dist([origin("o", host)], behaviour("o"), [], { staging: true }),
    ...cd,
  });
  const RUNTIME_EP = `${CF}/runtimes/${OWN_ARN}/invocations`;

  test("the staging origin is an AgentCore runtime of the stack: InvokeGateway acts as its role, an error (was a pass)", () => {
    const f = found(stack(RUNTIME_EP, { ...RUNTIME, ...staged(AGENTCORE) }));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(TO_RUNTIME_ROLE);
    expect(f[0].message).toContain("aws_iam_role.rtrole");
  });

  test.each([
    ["weight-based", policyOf()],
    ["header-based (the caller may send the header)", policyOf({ traffic_config: [{ type: "SingleHeader", single_header_config: [{ header: "aws-cf-cd-staging", value: "true" }] }] })],
    ["a staging name written as its literal domain", { ...policyOf({ staging_distribution_dns_names: [{ items: ["d2222222abcdef.cloudfront.net"], quantity: 1 }] }) }],
  ])("the staging origin is an API whose function can delete, %s: a warning through the primary (was a pass)", (_, cd) => {
    const json = stack(`${CF}/mcp`, { ...OPEN_API, ...staged(API_HOST, {}, cd) });
    if (JSON.stringify(cd).includes("d2222222abcdef")) ((json["resource"] as Obj)["aws_cloudfront_distribution"] as Record<string, Obj>)["stg"]!["domain_name"] = "d2222222abcdef.cloudfront.net";
    const f = found(json);
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("calls aws_cloudfront_distribution.d");
    expect(f[0].message).toContain("which invokes aws_lambda_function.mcp");
  });

  test.each([
    ["a policy the stack does not make", { continuous_deployment_policy_id: "${var.cd_policy}" }, {}, "under a continuous deployment policy blastwall cannot find in the stack (continuous_deployment_policy_id)"],
    ["a staging name blastwall cannot tie", {}, policyOf({ staging_distribution_dns_names: [{ items: ["${var.staging_name}"], quantity: 1 }] }), "that aws_cloudfront_continuous_deployment_policy.cd names in staging_distribution_dns_names, which blastwall cannot tie to a distribution of the stack"],
  ] as [string, Obj, Obj, string][])("%s: unknown reach naming the primary (was a pass)", (_, primary, cd, why) => {
    const f = found(stack(RUNTIME_EP, { ...RUNTIME, ...staged(AGENTCORE, primary, cd) }));
    expect(f.map((x) => [x.rule, x.severity])).toEqual([["agent-reach-unknown", "error"]]);
    expect(f[0].message).toContain("aws_cloudfront_distribution.d, a CloudFront distribution, sends a share of its requests to a staging distribution (continuous deployment)");
    expect(f[0].message).toContain(why);
  });

  test("controls: the runtime behind the primary itself; a policy that is off; no policy; a harmless staging origin", () => {
    expect(graded(stack(RUNTIME_EP, { ...RUNTIME, "aws_cloudfront_distribution.d": dist([origin("rt", AGENTCORE)], behaviour("rt")) }))).toEqual(TO_RUNTIME_ROLE);
    expect(graded(stack(RUNTIME_EP, { ...RUNTIME, ...staged(AGENTCORE, {}, policyOf({ enabled: false })) }))).toEqual([]);
    expect(graded(stack(RUNTIME_EP, { ...RUNTIME, ...staged(AGENTCORE, { continuous_deployment_policy_id: null }) }))).toEqual([]);
    expect(graded(stack(RUNTIME_EP, { ...RUNTIME, ...staged("mcp.other-partner.example") }))).toEqual([]);
  });
});

describe("169a F6: a cache behaviour whose allowed_methods leave POST out answers the gateway's POST with 403", () => {
  /** The behaviour for /mcp* goes to the API with `methods`; the default one to a partner's server. */
  const cdn = (methods: unknown): Obj => ({
    ...OPEN_API,
    "aws_cloudfront_distribution.d": dist([origin("api", API_HOST), origin("ext", "mcp.partner.example")], behaviour("ext"), [behaviour("api", { path_pattern: "/mcp*", allowed_methods: methods })]),
  });

  test.each([
    ["GET and HEAD", ["GET", "HEAD"]],
    ["GET, HEAD and OPTIONS", ["GET", "HEAD", "OPTIONS"]],
  ])("%s only: no route to the API behind it (was a warning)", (_, methods) => {
    expect(graded(stack(`${CF}/mcp`, cdn(methods)))).toEqual([]);
  });

  test.each([
    ["every method", ALL_METHODS],
    ["methods from a variable", "${var.methods}"],
    ["one method blastwall cannot read", ["GET", "HEAD", "${var.method}"]],
  ])("controls: %s: the API's function is the agent's, a warning", (_, methods) => {
    expect(graded(stack(`${CF}/mcp`, cdn(methods)))).toEqual(FN_ROUTE);
  });
});

describe("169a F2: an origin access control signs what CloudFront sends an AWS_IAM function URL", () => {
  const URL_HOST = "${aws_lambda_function_url.u.url_id}.lambda-url.us-east-1.on.aws";
  const OAC = (more: Obj = {}): Obj => ({ "aws_cloudfront_origin_access_control.oac": { name: "fnurl", origin_access_control_origin_type: "lambda", signing_behavior: "always", signing_protocol: "sigv4", ...more } });
  /** Function `danger` (it can delete) behind URL `u`, the origin of distribution `d`. */
  const signed = (auth = "AWS_IAM", originMore: Obj = { origin_access_control_id: "${aws_cloudfront_origin_access_control.oac.id}" }, extra: Obj = OAC(), host = URL_HOST, dmore: Obj = {}): Obj => ({
    ...fn("danger", DESTROY),
    "aws_lambda_function_url.u": { function_name: "${aws_lambda_function.danger.function_name}", authorization_type: auth },
    "aws_lambda_permission.cf": { statement_id: "cf", action: "lambda:InvokeFunctionUrl", function_name: "${aws_lambda_function.danger.function_name}", principal: "cloudfront.amazonaws.com", source_arn: "${aws_cloudfront_distribution.d.arn}" },
    "aws_cloudfront_distribution.d": dist([origin("fn", host, originMore)], behaviour("fn"), [], dmore),
    ...extra,
  });
  const through = (f: { message: string }[]) => f.map((x) => /through (\S+), a CloudFront distribution whose origin is (\S+)/.exec(x.message)?.slice(1, 3).join(" "));

  test.each([
    ["through the gateway (its OAuth token is no SigV4 signature)", `${CF}/mcp`, signed()],
    ["with no gateway at all", undefined, signed()],
    ["signing_behavior no-override (the caller leaves out the Authorization header)", undefined, signed("AWS_IAM", undefined, OAC({ signing_behavior: "no-override" }))],
    ["the origin written from the URL's function_url", undefined, signed("AWS_IAM", undefined, OAC(), '${trimsuffix(trimprefix(aws_lambda_function_url.u.function_url, "https://"), "/")}')],
  ])("%s: the function is the agent's, a warning naming the distribution and the OAC (was a pass)", (_, endpoint, extra) => {
    const f = found(stack(endpoint, extra));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(through(f)).toEqual(["aws_cloudfront_distribution.d aws_lambda_function_url.u"]);
    expect(f[0].message).toContain("(a function URL with authorization_type AWS_IAM) behind origin access control aws_cloudfront_origin_access_control.oac (signing_behavior");
    expect(f[0].message).toContain("which runs as aws_iam_role.danger");
    expect(f[0].fix).toContain('set signing_behavior = "never" on aws_cloudfront_origin_access_control.oac');
  });

  test("an origin access control the stack does not make may sign: a warning saying so (was a pass)", () => {
    const f = found(stack(undefined, signed("AWS_IAM", { origin_access_control_id: "E2QWRUHAPOMQZL" }, {})));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("behind an origin access control blastwall cannot find in the stack (origin_access_control_id), which may sign every request");
  });

  test("171a F9: no Lambda permission for CloudFront in the stack: the message says one may be granted outside it, not that the function has one", () => {
    const { ["aws_lambda_permission.cf"]: _, ...bare } = signed();
    const f = found(stack(undefined, bare));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("which a Lambda permission for cloudfront.amazonaws.com admits (this stack grants none for the function, but one may be granted outside it)");
    expect(f[0].message).not.toContain("the function's Lambda permission");
    // Control: with the permission, the message names it as held.
    expect(found(stack(undefined, signed()))[0].message).toContain("which the function's Lambda permission for cloudfront.amazonaws.com admits");
  });

  test("controls: signing_behavior never, no OAC, an OAC for S3, a disabled distribution, a harmless function: no finding", () => {
    expect(graded(stack(undefined, signed("AWS_IAM", undefined, OAC({ signing_behavior: "never" }))))).toEqual([]);
    expect(graded(stack(undefined, signed("AWS_IAM", {})))).toEqual([]);
    expect(graded(stack(undefined, signed("AWS_IAM", undefined, OAC({ origin_access_control_origin_type: "s3" }))))).toEqual([]);
    expect(graded(stack(undefined, signed("AWS_IAM", undefined, OAC(), URL_HOST, { enabled: false })))).toEqual([]);
    expect(graded(stack(undefined, { ...signed(), ...fn("danger", HARMLESS) }))).toEqual([]);
  });

  describe("170b F3: an origin host that names no URL of the stack", () => {
    const LITERAL = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws";
    const OAC_ID = { origin_access_control_id: "${aws_cloudfront_origin_access_control.oac.id}" };
    /** The stack with `more` over it; a key set to null is taken out. */
    const over = (base: Obj, more: Obj): Obj => Object.fromEntries(Object.entries({ ...base, ...more }).filter(([, v]) => v !== null));
    const permission = (more: Obj): Obj => ({ "aws_lambda_permission.cf": { statement_id: "cf", action: "lambda:InvokeFunctionUrl", function_name: "${aws_lambda_function.danger.function_name}", principal: "cloudfront.amazonaws.com", ...more } });

    test.each([
      ["a literal function URL host, the permission naming this distribution", LITERAL, {}, "is a literal Lambda function URL host whose id no URL of this stack can be shown to have"],
      ["a literal function URL host, the permission with no source_arn (any distribution)", LITERAL, permission({}), "is a literal Lambda function URL host"],
      ["a variable", "${var.fn_domain}", {}, 'host "${var.fn_domain}" (domain_name) is a value blastwall cannot read, so it may be any AWS_IAM function URL of the stack, among them aws_lambda_function_url.u'],
      ["a variable, no permission for CloudFront in the stack", "${var.fn_domain}", { "aws_lambda_permission.cf": null }, "is a value blastwall cannot read"],
      ["a variable beside a literal part", "${var.url_id}.lambda-url.us-east-1.on.aws", {}, "is a value blastwall cannot read"],
    ])("%s: the URL may be it, a warning saying why (was a pass)", (_, host, more, why) => {
      const f = found(stack(undefined, over(signed("AWS_IAM", OAC_ID, OAC(), host), more)));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
      expect(f[0].message).toContain(why);
      expect(f[0].message).toContain("aws_lambda_function_url.u (a function URL with authorization_type AWS_IAM) behind origin access control aws_cloudfront_origin_access_control.oac");
      expect(f[0].fix).toContain('write the origin\'s domain_name with a reference to the URL ("${aws_lambda_function_url.u.url_id}.lambda-url.REGION.on.aws")');
    });

    test.each([
      ["a literal host, no permission for CloudFront (a function elsewhere)", LITERAL, { "aws_lambda_permission.cf": null }, OAC()],
      ["a literal host, the permission naming another distribution", LITERAL, { ...permission({ source_arn: "${aws_cloudfront_distribution.other.arn}" }), "aws_cloudfront_distribution.other": dist([origin("s3", "logs.s3.us-east-1.amazonaws.com")], behaviour("s3")) }, OAC()],
      ["a literal host that is no function URL (an S3 bucket)", "logs.s3.us-east-1.amazonaws.com", {}, OAC()],
      ["a variable behind an OAC that never signs", "${var.fn_domain}", {}, OAC({ signing_behavior: "never" })],
      ["a variable behind an OAC for S3", "${var.fn_domain}", {}, OAC({ origin_access_control_origin_type: "s3" })],
    ])("control: %s: no finding", (_, host, more, oac) => {
      expect(graded(stack(undefined, over(signed("AWS_IAM", OAC_ID, oac, host), more)))).toEqual([]);
    });

    test("control: a NONE URL behind a variable host is open by itself and named by the URL, not as signed", () => {
      const f = found(stack(undefined, signed("NONE", OAC_ID, OAC(), "${var.fn_domain}")));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
      expect(f[0].message).toContain("through aws_lambda_function_url.u (a function URL with authorization_type NONE, which anyone can call)");
    });

    test("control: an origin naming the URL by reference beside one with a variable host: named once, as its origin", () => {
      const json = signed();
      const d = json["aws_cloudfront_distribution.d"] as Obj;
      (d["origin"] as Obj[]).push(origin("v", "${var.fn_domain}", OAC_ID));
      const f = found(stack(undefined, json));
      expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
      expect(through(f)).toEqual(["aws_cloudfront_distribution.d aws_lambda_function_url.u"]);
    });
  });

  test("control: a NONE URL behind the same distribution is open by itself, and is named once, by the URL", () => {
    const f = found(stack(`${CF}/mcp`, signed("NONE")));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("through aws_lambda_function_url.u (a function URL with authorization_type NONE, which anyone can call)");
  });
});

describe("169a F3: a CloudFront VPC origin serves an internal load balancer to the internet", () => {
  /** Internal ALB `mcp` forwarding to a Lambda target group of function `danger`, which can delete; `vpcArn`: what the VPC origin names. */
  const fronted = (vpcArn: string | undefined, lbMore: Obj = {}, rights = DESTROY): Obj => ({
    ...fn("danger", rights),
    "aws_lb.mcp": { name: "mcp", internal: true, load_balancer_type: "application", subnets: ["subnet-1", "subnet-2"], ...lbMore },
    "aws_lb.other": { name: "other", internal: true, load_balancer_type: "application", subnets: ["subnet-1", "subnet-2"] },
    "aws_lb_target_group.fn": { name: "fn", target_type: "lambda" },
    "aws_lb_target_group_attachment.fn": { target_group_arn: "${aws_lb_target_group.fn.arn}", target_id: "${aws_lambda_function.danger.arn}" },
    "aws_lb_listener.http": { load_balancer_arn: "${aws_lb.mcp.arn}", port: 80, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: "${aws_lb_target_group.fn.arn}" }] },
    ...(vpcArn === undefined
      ? {}
      : {
          "aws_cloudfront_vpc_origin.v": { vpc_origin_endpoint_config: [{ name: "mcp-alb", arn: vpcArn, http_port: 80, https_port: 443, origin_protocol_policy: "http-only", origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }] }] },
          "aws_cloudfront_distribution.d": dist([{ origin_id: "alb", domain_name: "${aws_lb.mcp.dns_name}", vpc_origin_config: [{ vpc_origin_id: "${aws_cloudfront_vpc_origin.v.id}" }] }], behaviour("alb")),
        }),
  });

  test.each([
    ["with no gateway", undefined],
    ["through the gateway, on the distribution", `${CF}/mcp`],
  ])("the VPC origin names the load balancer by reference, %s: the function is the agent's, a warning (was a pass)", (_, endpoint) => {
    const f = found(stack(endpoint, fronted("${aws_lb.mcp.arn}")));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("through aws_lb_listener.http of aws_lb.mcp, an internal load balancer that aws_cloudfront_vpc_origin.v, a CloudFront VPC origin, serves to the internet through aws_cloudfront_distribution.d, forwarding to aws_lb_target_group.fn");
    expect(f[0].fix).toContain("take aws_lb.mcp out of aws_cloudfront_vpc_origin.v (vpc_origin_endpoint_config)");
  });

  test.each([
    ["a variable", "${var.alb_arn}"],
    ["a literal ARN of a load balancer named mcp", "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/mcp/50dc6c495c0c9188"],
  ])("a VPC origin whose arn is %s may be this load balancer: a warning (was a pass)", (_, arn) => {
    const f = found(stack(undefined, fronted(arn)));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("an internal load balancer that aws_cloudfront_vpc_origin.v, a CloudFront VPC origin");
  });

  test("controls: no VPC origin, one naming another load balancer, a literal ARN of another, a harmless function: no finding", () => {
    expect(graded(stack(undefined, fronted(undefined)))).toEqual([]);
    expect(graded(stack(undefined, fronted("${aws_lb.other.arn}")))).toEqual([]);
    expect(graded(stack(undefined, fronted("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/other/50dc6c495c0c9188")))).toEqual([]);
    expect(graded(stack(undefined, fronted("${aws_lb.mcp.arn}", {}, HARMLESS)))).toEqual([]);
  });

  test("control: the same load balancer internet-facing, with no CloudFront, is open as before", () => {
    const f = found(stack(undefined, fronted(undefined, { internal: false })));
    expect(f.map((x) => [x.rule, x.severity])).toEqual(FN_ROUTE);
    expect(f[0].message).toContain("aws_lb.mcp, a load balancer that is internet-facing (internal is false or unset)");
  });
});
