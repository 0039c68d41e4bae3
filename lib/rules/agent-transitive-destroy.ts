import type { Rule } from "../engine/rule";
import { reachFindings } from "./reach-support";
import { invokeFindings } from "./function-invokes";
import { retimeFindings } from "./rule-retimes";
import { remediationRewriteFindings } from "./remediation-rewrites";

/**
 * The April 2026 lesson: the agent's own policy is not the whole story. Following every path by which it can
 * come to act as another principal (assume, pass, hijack, mint keys, read a stored credential), this reports
 * each principal it reaches that can destroy data or rewrite its own permissions, with the whole chain.
 */
export const rule: Rule = {
  meta: {
    id: "agent-transitive-destroy",
    title: "An AI agent can come to act as a principal that can delete data",
    why:
      "An agent that can come to act as another principal (assume its role, pass it to compute, read its stored key) or make compute " +
      "run with a payload it chooses holds what that principal or compute can destroy: in April 2026 an agent found a broad token and " +
      "deleted a production volume and its backups. A chain is as severe as what it ends in, and the finding's path shows every link, " +
      "step by step, with the statement or trust policy that makes it (docs/rules.md lists every route followed).",
    details: [
      "**Acting as another principal.** An agent that can assume a deploy role, pass an admin role to a Lambda, run commands on an " +
        "instance or read a stored token holds every right of that principal. In April 2026 an agent found a broad token and deleted a " +
        "production volume and its backups. A chain is as severe as what it ends in: one that reaches only rights the catalogue rates a " +
        "warning is a warning.",
      "",
      "**A function run with the agent's payload.** Making a function whose role can delete data run with the agent's payload is a " +
        "warning, an error under --strict: its code is not in the stack and the agent chooses the payload, so it may choose what is " +
        "deleted. That is invoking it (lambda:InvokeFunction, InvokeFunctionUrl, InvokeAsync), and every route that ends in it:",
      "",
      "- a message, record or item written to a queue, stream or table stream an event source mapping feeds it (or an Amazon MQ broker, " +
        "Kafka or DocumentDB change stream it reads, read as a pipe's source is);",
      "- a publish to a topic it subscribes to;",
      "- an object written to a bucket that notifies it;",
      "- an event put on a bus whose rule sends it there (or replayed there from an archive of the bus: events:StartReplay; an archive's " +
        "event_pattern is no limit for a caller with events:UpdateArchive on it, and events:CreateArchive on the bus makes an archive " +
        "where the stack holds none; a rule's replay-name exclusion is none for a caller with events:PutRule on the rule);",
      "- a target added to a rule its EventBridge permission admits;",
      "- a call to an API it backs;",
      "- log events written to a group whose subscription filter sends them to it;",
      "- a publish to an IoT topic a rule sends to it;",
      "- an object written to a bucket that sends its events to EventBridge where a rule sends them to it;",
      "- an asynchronous invoke of a function whose destination it is;",
      "- a new event source mapping;",
      "- records put on a delivery stream it processes;",
      "- a message, record or item written to the source of an EventBridge pipe that enriches or targets it (an Amazon MQ broker, " +
        "self-managed Kafka, an MSK cluster that lets clients in outside IAM, or a mapping's DocumentDB change stream counts as every " +
        "agent's; an MSK cluster with IAM authentication asks kafka-cluster:WriteData on the topic);",
      "- a resolver of a GraphQL API whose data source it is;",
      "- a prompt to an alias of a Bedrock agent whose action group, parser function, custom orchestration function or collaborator calls " +
        "it (bedrock:InvokeAgent);",
      "- an input to a Bedrock flow whose Lambda, Agent or Lex node calls it (bedrock:InvokeFlow, StartFlowExecution; a Lex node through " +
        "the code hook a Lambda permission for Lex admits);",
      "- an ingestion into a Bedrock knowledge base whose data source's custom transformation is the function (bedrock:StartIngestionJob, " +
        "IngestKnowledgeBaseDocuments);",
      "- an AWS Config custom Lambda rule whose source it is (config:PutConfigRule on the rule, or PutOrganizationConfigRule on an " +
        "organization custom rule: the agent writes the rule's input parameters and picks the resources whose configuration items Config " +
        "hands the function; the Lambda permission Config needs may be outside the stack);",
      "- a rule of the agent's own that a Lambda permission for config.amazonaws.com admits (PutConfigRule on a rule of an account it " +
        "names; PutOrganizationConfigRule where it admits the service-linked rules an organization rule deploys, whatever its " +
        "source_account);",
      "- a function URL with no auth, or an AWS_IAM one a CloudFront distribution's origin access control signs for;",
      "- a Lambda authorizer's own function (API Gateway and AppSync run it with the caller's token or request before any auth decision, " +
        "so anyone who can reach the API does);",
      "- a function a service runs with what a caller sends to let it in (an IoT custom authorizer with signing disabled, a Transfer " +
        "Family server's AWS_LAMBDA or API_GATEWAY identity provider (the function it runs, or those its API's integrations run) on any " +
        "endpoint, PUBLIC or a VPC one with or without Elastic IPs (an agent in the VPC reaches it), an AppSync Event API's AWS_LAMBDA " +
        "auth provider);",
      "- an API method or route with no auth, or with a Cognito or JWT authorizer that takes a token anyone can get (a user pool where " +
        "anyone may sign up, or one outside the stack; a public or unreadable OpenID Connect issuer), or with a Lambda authorizer, whose " +
        "code is not in the plan and so may let anyone through (a warning, an error under --strict, for a credentials or service role " +
        "behind it too, until its code is reviewed and the finding acknowledged), or with a Cognito authorizer (or a JWT one on a user " +
        "pool's issuer) on a pool of the stack that lets no stranger in, for whoever may make itself a user of that pool " +
        "(cognito-idp:AdminCreateUser, AdminSetUserPassword, AdminUpdateUserAttributes, UpdateUserPool, AdminLinkProviderForUser, or an " +
        "identity provider enabled on an app client);",
      "- an internet-facing load balancer forwarding to it (or an internal one a CloudFront VPC origin serves to the internet);",
      "- a CloudFront Lambda@Edge association;",
      "- an SES receipt rule's Lambda action and a user pool's triggers where anyone may sign up (which every agent can use);",
      "- a grant by a queue or topic policy, a bucket policy or a Lambda permission naming the agent.",
      "",
      "Each of these counts too when it is held by a principal the agent can act as, shown with the chain.",
      "",
      "A Deny of the agent's own (its policies or boundary) that certainly covers the route's action on the function or resource closes " +
        "that route.",
      "",
      "**Other compute started with the agent's payload.** The same routes into a state machine, ECS task, CodeBuild project, Batch job " +
        "or pipeline (an event put on a bus whose rule targets it, an object written to a bucket that sends its events there, a message " +
        "written to a pipe's source) start it with the agent's payload, as the start action does, and are judged as that: a chain to the " +
        "role it runs as. What a rule or pipe forwards counts as written by the agent: an event a rule sends to another event bus of the " +
        "stack reaches that bus's rules, and what a pipe sends to a queue, Kinesis stream, SNS topic or bus reaches what reads it there " +
        "(loops end); a Kinesis stream's resource policy naming the agent grants its PutRecord. A target blastwall cannot read, or an event " +
        "bus the stack does not hold (another account or region, a name no bus of the stack has), counts as compute that may run as any " +
        "role. A constant input, or an input template that takes nothing from the event, passes the payload to nobody.",
      "",
      "**Rewriting an EventBridge rule.** events:PutRule on a rule replaces its pattern or schedule and keeps its targets (with no " +
        "iam:PassRole): a rule whose pattern leaves the agent's events out (a schedule, AWS services' sources only) is a route for it all " +
        "the same when it may also put events on the rule's bus, graded as the matching-pattern route is. With PutRule alone it still picks " +
        "when the targets run (on AWS events it chooses, or on a timer), acting on what those events name: a warning (an error under " +
        "--strict) for a target whose role can delete data or cannot be seen. The same holds for a rule whose target is a queue, topic, " +
        "stream or another bus: with PutEvents on its bus, what reads there is reached; with PutRule alone, what reads there (an event " +
        "source mapping, a subscription, a pipe, a rule on the other bus, hop after hop) is judged as a target the rule runs, the chain " +
        "named.",
      "",
      "**Rewriting an AWS Config rule that has a remediation.** config:PutConfigRule on a Config rule with an automatic remediation " +
        "replaces its scope and source and keeps the remediation: the agent picks the resources its SSM Automation document acts on, as the " +
        "role its AutomationAssumeRole names (a warning, an error under --strict, when that role can delete data, or can make a function " +
        "whose role can run, as a route into that function; a role blastwall cannot resolve is a reach it cannot see); a document of AWS's " +
        "that only turns a protection on is none (one that sets a retention only with it fixed at 7 days or more), and " +
        "AWS-PublishSNSNotification reaches what its role's publishes reach.",
      "",
      "**A service acting as a role of its own for the caller.** An API Gateway AWS integration with a credentials role (called, or run " +
        "by TestInvokeMethod) and a GraphQL data source with a service role make the service act as that role with a request the caller " +
        "shapes: the caller acts as the role in the integration's actions (every right of the role where blastwall cannot read them), a " +
        "chain graded as what it reaches.",
      "",
      "**AgentCore gateways.** An AgentCore gateway is such a door: a Smithy model target, or an OpenAPI target signed with the gateway's " +
        "role, makes the gateway call AWS as its role (every right of it: the model is not read), and an MCP server target whose endpoint " +
        "is an AgentCore runtime of the stack makes the runtime act on the tool call as its execution role (an endpoint blastwall cannot " +
        "tie to a runtime of the stack is an unknown reach); one whose endpoint is another door of the stack (an API stage's URL, an API's " +
        "default host written with its id, a custom domain of the stack for the APIs its mappings serve there, another gateway's URL, a " +
        "function URL, a CloudFront distribution of the stack followed to the origin its cache behaviour picks, its continuous-deployment " +
        "staging distribution's too; the endpoint read as an HTTP client parses it; an AWS door host blastwall cannot tie to one of the stack is an unknown reach, a warning (an error under --strict) " +
        "where the host is written literally: it may be another company's server) passes that door with the target's credentials (an OAuth " +
        "token or API key gets past a JWT, Cognito or Lambda authorizer; a signature with the gateway's role gets past IAM auth where that " +
        "role may call the door), so what is behind the door is reached, for whoever holds bedrock-agentcore:InvokeGateway on it (AWS_IAM) " +
        "or gets a token its JWT authorizer takes; its Lambda targets and interceptor are routes into the function.",
      "",
      "**AgentCore runtimes.** Invoking an AgentCore agent runtime (InvokeAgentRuntime and its kin) hands the caller's prompt to an agent " +
        "built to act on it, as the runtime's execution role: a chain to that role, as a command run in it is; a runtime whose inbound JWT " +
        "authorizer (authorizer_configuration) takes a token anyone can get is every agent's, with no right, and one on a user pool of the " +
        "stack that lets no stranger in is the chain of whoever may make itself a user of that pool. A Deny of the agent's own that " +
        "certainly covers a compute action on the resource (by pattern, or written as a reference to it) closes that chain as it closes a " +
        "route.",
      "",
      "**Closing a route.** Cut the weakest link of the chain shown: narrow the agent's sts:AssumeRole / iam:PassRole / secret reads to " +
        "the exact resources it needs, tighten the target's trust policy, or take the destroy rights off the target. For an invoked " +
        "function: take the destroy rights off its role, scope what it may delete, or take the route away (the invoke right, " +
        "sqs:SendMessage, events:PutEvents, events:StartReplay, events:UpdateArchive, events:CreateArchive, events:PutTargets, events:PutRule, config:PutConfigRule, " +
        "config:PutOrganizationConfigRule, execute-api:Invoke, logs:PutLogEvents, iot:Publish, firehose:PutRecord, " +
        "lambda:CreateEventSourceMapping, appsync:GraphQL, the cognito-idp rights that make a user of an authorizer's pool... on what " +
        "leads to it, or an explicit Deny of it), require IAM auth on its function URL, API method or route, or close a route anyone can " +
        "use (make the load balancer internal and take it out of any CloudFront VPC origin, set signing_behavior = \"never\" on an " +
        "origin access control in front of a function URL, take the Lambda@Edge association or the SES Lambda action off, point a custom Config " +
        "rule's source at a function that cannot delete, end a user pool's self sign-up with allow_admin_create_user_only = true, on the " +
        "pool of an authorizer too). For an integration's credentials role or a data source's service role: take the destroy rights the " +
        "call needs off it, or require IAM auth on the method. For an AgentCore gateway's role: take the destroy rights its targets' calls " +
        "need off it, or set authorizer_type = \"AWS_IAM\" and take bedrock-agentcore:InvokeGateway on the gateway away. For an AgentCore " +
        "runtime's role: take the destroy rights its agent does not need off it, or remove the runtime's authorizer_configuration (so " +
        "invoking it asks for bedrock-agentcore:InvokeAgentRuntime) and take that right away.",
    ].join("\n"),
    fix:
      "Cut the chain at its first link: take away the right it names (the evidence shows the statement that grants it), or scope it " +
      "to the exact resources the agent needs; a link that asks for no right is closed where the path shows it open (a trust policy, an " +
      "authorizer, a user pool's sign-up). Or take the destroy rights off the principal the chain ends in. If the route is intended, " +
      "acknowledge the finding with a reason. How to close each kind of route: docs/rules.md, agent-transitive-destroy.",
    severity: "error",
    category: "reach",
  },
  check: (ctx) => [...reachFindings(ctx).destroy, ...invokeFindings(ctx), ...retimeFindings(ctx), ...remediationRewriteFindings(ctx)],
};
