/**
 * Red-team round 111: what a CloudFormation stack shows of a NoEcho parameter. A custom resource may return anything
 * the resources it names hold (F1); a stack it nests may show what it is given through its own Metadata and exports (F3);
 * a stack set in a template is such a stack (F4); common password properties no Ref or GetAtt returns (F7); a wait
 * condition's Data is what any resource signals (F5).
 */
import { check, errors } from "../helpers/tf";
import { stack, KEY } from "../helpers/credential-store";

type Obj = Record<string, unknown>;
const reaches = (json: Obj) => errors(check(json), "agent-transitive-destroy").map((f) => f.resource);

/** A template declaring `S` NoEcho, with `resources` and `outputs`. */
const body = (resources: Obj, outputs?: Obj) => JSON.stringify({ Parameters: { S: { Type: "String", NoEcho: true } }, Resources: resources, Outputs: outputs });
const cfn = (template: string, name = "s") => ({ [`aws_cloudformation_stack.${name}`]: { name: `cfg-${name}`, parameters: { S: KEY }, template_body: template } });
const describe_ = (template: string, action = "cloudformation:DescribeStacks") => reaches(stack(cfn(template), action, "*"));

const SECRET = { Secret: { Type: "AWS::SecretsManager::Secret", Properties: { Name: "ci/deployer", SecretString: { Ref: "S" } } } };
const FN = (variables: Obj) => ({ Fn: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "index.handler", Role: "arn:aws:iam::111111111111:role/cr", Environment: { Variables: variables }, Code: { ZipFile: "def handler(e, c): pass" } } } });
const ECHO = (type: string, props: Obj) => ({ Echo: { Type: type, Properties: { ServiceToken: { "Fn::GetAtt": ["Fn", "Arn"] }, ...props } } });
const OUT = { K: { Value: { "Fn::GetAtt": ["Echo", "K"] } } };

describe("F1: a custom resource may return what the resources it names hold", () => {
  test.each<[string, string]>([
    ["its handler's environment", body({ ...FN({ K: { Ref: "S" } }), ...ECHO("Custom::Echo", {}) }, OUT)],
    ["AWS::CloudFormation::CustomResource, its handler's environment", body({ ...FN({ K: { Ref: "S" } }), ...ECHO("AWS::CloudFormation::CustomResource", {}) }, OUT)],
    ["a secret it is given by ARN", body({ ...SECRET, ...FN({}), ...ECHO("Custom::ReadSecret", { SecretId: { Ref: "Secret" } }) }, OUT)],
    ["a secret its handler's environment names (transitively)", body({ ...SECRET, ...FN({ SECRET_ARN: { Ref: "Secret" } }), ...ECHO("Custom::Echo", {}) }, OUT)],
    ["a secret named before by an output of its ARN, then by the custom resource", body({ ...SECRET, ...FN({}), ...ECHO("Custom::ReadSecret", { SecretId: { Ref: "Secret" } }) }, { A: { Value: { Ref: "Secret" } }, ...OUT })],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test("the same through DescribeStackResource (Metadata reading the custom resource)", () => {
    const template = body({ ...FN({ K: { Ref: "S" } }), ...ECHO("Custom::Echo", {}), H: { Type: "AWS::CloudFormation::WaitConditionHandle", Metadata: { k: { "Fn::GetAtt": ["Echo", "K"] } } } });
    expect(describe_(template, "cloudformation:DescribeStackResource")).toEqual(["aws_iam_user.ops"]);
  });

  test.each<[string, string]>([
    ["an output of the handler's ARN (no custom resource read)", body({ ...FN({ K: { Ref: "S" } }), ...ECHO("Custom::Echo", {}) }, { A: { Value: { "Fn::GetAtt": ["Fn", "Arn"] } } })],
  ])("control, %s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });
});

describe("round 112: a custom resource's handler may be named otherwise than by Ref/GetAtt, and may read any resource", () => {
  test.each<[string, string]>([
    ["its handler named by ARN text", body({ ...SECRET, ...FN({ K: { Ref: "S" } }), Echo: { Type: "Custom::Echo", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:echo" } } }, OUT)],
    ["given nothing of a secret its handler may read by name", body({ ...SECRET, ...FN({}), ...ECHO("Custom::Echo", {}) }, { A: { Value: { Ref: "Secret" } }, ...OUT })],
    ["a registry type (a third party's handler)", body({ ...SECRET, Reader: { Type: "Acme::Secrets::Reader", Properties: { SecretId: "ci/deployer" } } }, { K: { Value: { "Fn::GetAtt": ["Reader", "Value"] } } })],
    ["a CloudFormation module, whose resources are named as DbParam", body({ ...FN({ K: { Ref: "S" } }), Db: { Type: "Acme::Db::Cluster::MODULE", Properties: {} } }, { K: { Value: { Ref: "DbParam" } } })],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test("a Service Catalog product provisioned from the template is a stack it passes the parameter to: shown", () => {
    const template = body({ P: { Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct", Properties: { ProductName: "db", ProvisioningArtifactName: "v1", ProvisioningParameters: [{ Key: "Password", Value: { Ref: "S" } }] } } });
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test("controls: no custom resource output; a product given a literal; an AWS type's ARN output", () => {
    expect(describe_(body({ ...SECRET, ...FN({}), Echo: { Type: "Custom::Echo", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:echo" } } }, { A: { Value: { Ref: "Secret" } } }))).toEqual([]);
    expect(describe_(body({ P: { Type: "AWS::ServiceCatalog::CloudFormationProvisionedProduct", Properties: { ProductName: "db", ProvisioningParameters: [{ Key: "Password", Value: "plain" }] } } }))).toEqual([]);
  });
});

describe("F3: a stack it nests may show what it is given through DescribeStackResource, ListExports and Fn::ImportValue", () => {
  const nested = (given: unknown) => body({ Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/tpl-bucket/child.yaml", Parameters: { Secret: given } } } });
  const reader = (imported: string) => ({ "aws_cloudformation_stack.reader": { name: "reader", template_body: JSON.stringify({ Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: { K: { Value: { "Fn::ImportValue": imported } } } }) } });
  const onReader = (parent: string, imported: string, extra: Obj = {}) =>
    reaches(stack({ ...cfn(parent), ...reader(imported), ...extra }, "cloudformation:DescribeStacks", "arn:aws:cloudformation:eu-west-1:111111111111:stack/reader/*"));
  const EXPORTER = { "aws_cloudformation_stack.net": { name: "net", template_body: JSON.stringify({ Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } }, Outputs: { H: { Value: { Ref: "H" }, Export: { Name: "handle" } } } }) } };

  test.each<[string, string]>([
    ["DescribeStackResource (the child's Metadata)", "cloudformation:DescribeStackResource"],
    ["ListExports (the child's exports)", "cloudformation:ListExports"],
  ])("%s: shown", (_, action) => {
    expect(describe_(nested({ Ref: "S" }), action)).toEqual(["aws_iam_user.ops"]);
  });

  test("DescribeStackResource on the nested stacks only (named after the parent): shown", () => {
    expect(reaches(stack(cfn(nested({ Ref: "S" })), "cloudformation:DescribeStackResource", "arn:aws:cloudformation:eu-west-1:111111111111:stack/cfg-s-*/*"))).toEqual(["aws_iam_user.ops"]);
  });

  test("DescribeStacks on a stack importing a name no stack of the configuration exports: shown", () => {
    expect(onReader(nested({ Ref: "S" }), "child-secret")).toEqual(["aws_iam_user.ops"]);
  });

  test("controls: the child given a literal; importing a name an output of the configuration exports", () => {
    expect(describe_(nested("plain"), "cloudformation:DescribeStackResource")).toEqual([]);
    expect(describe_(nested("plain"), "cloudformation:ListExports")).toEqual([]);
    expect(onReader(nested("plain"), "child-secret")).toEqual([]);
    expect(onReader(nested({ Ref: "S" }), "handle", EXPORTER)).toEqual([]);
  });
});

describe("F4: a stack set in a template passes what it is given to stack instances", () => {
  const set = (value: unknown) =>
    body({
      Set: {
        Type: "AWS::CloudFormation::StackSet",
        Properties: {
          StackSetName: "ci-key",
          PermissionModel: "SELF_MANAGED",
          Parameters: [{ ParameterKey: "K", ParameterValue: value }],
          TemplateBody: JSON.stringify({ Parameters: { K: { Type: "String" } }, Resources: { H: { Type: "AWS::CloudFormation::WaitConditionHandle" } } }),
          StackInstancesGroup: [{ DeploymentTargets: { Accounts: ["111111111111"] }, Regions: ["eu-west-1"] }],
        },
      },
    });
  const only = (action: string, resource: string) => reaches(stack(cfn(set({ Ref: "S" })), action, resource));

  test.each<[string, string]>([
    ["DescribeStacks", "cloudformation:DescribeStacks"],
    ["DescribeStackSet", "cloudformation:DescribeStackSet"],
    ["DescribeStackResource (the instance's Metadata)", "cloudformation:DescribeStackResource"],
  ])("%s on *: shown", (_, action) => {
    expect(describe_(set({ Ref: "S" }), action)).toEqual(["aws_iam_user.ops"]);
  });

  test("DescribeStacks on the set's instances only, DescribeStackSet on the set only: shown", () => {
    expect(only("cloudformation:DescribeStacks", "arn:aws:cloudformation:eu-west-1:111111111111:stack/StackSet-ci-key-*/*")).toEqual(["aws_iam_user.ops"]);
    expect(only("cloudformation:DescribeStackSet", "arn:aws:cloudformation:eu-west-1:111111111111:stackset/ci-key:*")).toEqual(["aws_iam_user.ops"]);
  });

  test("controls: the set given a literal; DescribeStacks on another stack", () => {
    expect(describe_(set("plain"))).toEqual([]);
    expect(describe_(set("plain"), "cloudformation:DescribeStackSet")).toEqual([]);
    expect(only("cloudformation:DescribeStacks", "arn:aws:cloudformation:eu-west-1:111111111111:stack/other/*")).toEqual([]);
  });
});

describe("F7: password properties no Ref or GetAtt of the type returns", () => {
  const OS = (security: Obj) => ({ Domain: { Type: "AWS::OpenSearchService::Domain", Properties: { DomainName: "logs", AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: true, ...security } } } });
  const MASTER = { MasterUserOptions: { MasterUserName: "admin", MasterUserPassword: { Ref: "S" } } };
  const ENDPOINTS = { Endpoint: { Value: { "Fn::GetAtt": ["Domain", "DomainEndpoint"] } }, Arn: { Value: { "Fn::GetAtt": ["Domain", "Arn"] } } };
  const one = (type: string, props: Obj, attribute: string) => body({ R: { Type: type, Properties: props } }, { A: { Value: { "Fn::GetAtt": ["R", attribute] } }, Ref: { Value: { Ref: "R" } } });

  test.each<[string, string]>([
    ["an OpenSearch domain's master user password, its endpoint and ARN", body(OS(MASTER), ENDPOINTS)],
    ["an Elasticsearch domain's master user password", one("AWS::Elasticsearch::Domain", { AdvancedSecurityOptions: { Enabled: true, ...MASTER } }, "DomainEndpoint")],
    ["an MQ broker user's password, its AMQP endpoints", one("AWS::AmazonMQ::Broker", { BrokerName: "q", Users: [{ Username: "app", Password: { Ref: "S" } }] }, "AmqpEndpoints")],
    ["an MQ broker's LDAP service account password", one("AWS::AmazonMQ::Broker", { BrokerName: "q", LdapServerMetadata: { ServiceAccountUsername: "svc", ServiceAccountPassword: { Ref: "S" } } }, "Arn")],
    ["a DMS endpoint's password", one("AWS::DMS::Endpoint", { EndpointType: "source", EngineName: "postgres", Password: { Ref: "S" } }, "EndpointArn")],
    ["a Redshift Serverless namespace's admin password", one("AWS::RedshiftServerless::Namespace", { NamespaceName: "ns", AdminUserPassword: { Ref: "S" } }, "Namespace.NamespaceArn")],
    ["a DocumentDB elastic cluster's admin password", one("AWS::DocDBElastic::Cluster", { ClusterName: "c", AdminUserName: "app", AdminUserPassword: { Ref: "S" } }, "ClusterEndpoint")],
    ["an ElastiCache user's passwords", one("AWS::ElastiCache::User", { UserId: "app", UserName: "app", Engine: "redis", Passwords: [{ Ref: "S" }] }, "Arn")],
    // Its handler may read the domain, but no API returns the master user password (round 112, G5).
    ["a custom resource given the domain", body({ ...OS(MASTER), C: { Type: "Custom::Read", Properties: { ServiceToken: "arn:aws:lambda:eu-west-1:111111111111:function:read", Domain: { Ref: "Domain" } } } }, { V: { Value: { "Fn::GetAtt": ["C", "V"] } } })],
  ])("%s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });

  test.each<[string, string]>([
    ["another part of the OpenSearch security options", body(OS({ JWTOptions: { PublicKey: { Ref: "S" } } }), ENDPOINTS)],
    ["an output repeating the parameter beside the domain", body(OS(MASTER), { ...ENDPOINTS, K: { Value: { Ref: "S" } } })],
  ])("control, %s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });
});

describe("F5: a wait condition's Data is what a resource of the template signals to its handle", () => {
  const HANDLE = { Handle: { Type: "AWS::CloudFormation::WaitConditionHandle" }, Wait: { Type: "AWS::CloudFormation::WaitCondition", Properties: { Handle: { Ref: "Handle" }, Timeout: "600", Count: "1" } } };
  const INST = (userData: unknown, extra: Obj = {}) => ({ Inst: { Type: "AWS::EC2::Instance", ...extra, Properties: { ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", UserData: { "Fn::Base64": userData } } } });
  const SIGNAL = { "Fn::Sub": '#!/bin/bash\n/opt/aws/bin/cfn-signal -e 0 -d "$${S}" "$${Handle}"\n' };
  const DATA = { Boot: { Value: { "Fn::GetAtt": ["Wait", "Data"] } } };

  test.each<[string, string]>([
    ["an instance signalling the parameter from its user data", body({ ...HANDLE, ...INST(SIGNAL) }, DATA)],
    [
      "an instance signalling it from cfn-init Metadata, the handle's URL passed through an SSM parameter",
      body(
        {
          ...HANDLE,
          Url: { Type: "AWS::SSM::Parameter", Properties: { Type: "String", Value: { Ref: "Handle" } } },
          ...INST("#!/bin/bash\n/opt/aws/bin/cfn-init -s cfg -r Inst\n", { Metadata: { "AWS::CloudFormation::Init": { config: { files: { "/etc/k": { content: { Ref: "S" } } } } } } }),
        },
        DATA,
      ),
    ],
    ["a function signalling what its environment holds (read whole, past NEVER_RETURNED)", body({ ...HANDLE, ...FN({ K: { Ref: "S" }, URL: { Ref: "Handle" } }) }, DATA)],
  ])("%s: shown", (_, template) => {
    expect(describe_(template)).toEqual(["aws_iam_user.ops"]);
  });

  test.each<[string, string]>([
    ["an output of the handle's URL only", body({ ...HANDLE, ...INST(SIGNAL) }, { Url: { Value: { Ref: "Handle" } } })],
    ["the wait condition's Data, no resource holding the parameter", body({ ...HANDLE, ...INST({ "Fn::Sub": '/opt/aws/bin/cfn-signal -e 0 -d "ok" "$${Handle}"' }) }, DATA)],
  ])("control, %s: masked", (_, template) => {
    expect(describe_(template)).toEqual([]);
  });
});
