/**
 * Actions that make a function of the stack run with a payload the caller chooses without naming the function
 * (rules/invoke-routes.ts): a message to a queue a mapping feeds it, a record on a stream, a publish to a topic it
 * subscribes to, an event to a bus whose rule targets it, a call to an API it backs, the deprecated InvokeAsync. Kept here so the action universe tracks them;
 * the rest (events:PutTargets, s3:PutObject, dynamodb:PutItem...) the reach tables track already.
 */
export const INVOKE_ROUTE_ACTIONS = [
  "lambda:InvokeAsync",
  "sqs:SendMessage",
  "kinesis:PutRecord",
  "kinesis:PutRecords",
  "dynamodb:PartiQLInsert",
  "sns:Publish",
  "execute-api:Invoke",
  "events:PutEvents",
  // A replay of an archive puts its events on the archived bus again (replays.ts).
  "events:StartReplay",
  // With StartReplay: an archive's pattern widened, or an archive of the bus made (replays.ts).
  "events:UpdateArchive",
  "events:CreateArchive",
  "logs:PutLogEvents",
  "iot:Publish",
  "firehose:PutRecord",
  "firehose:PutRecordBatch",
  "lambda:CreateEventSourceMapping",
  "lambda:UpdateEventSourceMapping",
  // What makes a service a Lambda permission names invoke the function (rules/invoke-relays.ts, INVOKING_SERVICES).
  "sns:Subscribe",
  "s3:PutBucketNotification",
  "logs:PutSubscriptionFilter",
  "iot:CreateTopicRule",
  "iot:ReplaceTopicRule",
  "ses:CreateReceiptRule",
  "ses:UpdateReceiptRule",
  "cognito-idp:UpdateUserPool",
  "cognito-idp:CreateUserPool",
  "apigateway:POST",
  "apigateway:PUT",
  "apigateway:PATCH",
  "cloudwatch:PutMetricAlarm",
  // AWS Config custom Lambda rules, of the account or of the organization (rules/config-rule-routes.ts).
  "config:PutConfigRule",
  "config:PutOrganizationConfigRule",
  // Bedrock agents and flows that run a function with the caller's prompt or input (rules/bedrock-routes.ts), and the
  // rights a Lambda permission for bedrock.amazonaws.com is used with (rules/invoke-relays.ts).
  "bedrock:InvokeAgent",
  "bedrock:InvokeInlineAgent",
  "bedrock:InvokeFlow",
  "bedrock:StartFlowExecution",
  // Running an AppSync resolver, whose data source is a function or acts with a role (rules/front-doors.ts, front-doors.ts).
  "appsync:GraphQL",
  // Calling an AgentCore gateway's tools, whose target is a function or acts with the gateway's role (gateway-doors.ts).
  "bedrock-agentcore:InvokeGateway",
  // What makes a service deliver to a queue or topic its policy admits it to (rules/invoke-relays.ts, KINDS).
  "ses:SetIdentityNotificationTopic",
  "config:PutDeliveryChannel",
] as const;
