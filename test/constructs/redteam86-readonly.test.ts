/**
 * Red-team round 86: grantReadOnly handed agents reads that return stored secrets or mint credentials (AppSync keys,
 * Cognito client secrets, Amplify and Elastic Beanstalk environments, EC2 user data, CodePipeline artifact
 * credentials, AgentCore's token vault...), because the catalogue did not list them. Listed now, the verb pattern
 * that covers one gives way to patterns for the verb's other reads, so the service stays readable.
 */
import { AgentPrincipal, AgentRole } from "../../lib/constructs";
import { readPatternsWithout } from "../../lib/constructs/read-patterns";
import { catalogueMatches } from "../../lib/constructs/destroy-guard";
import { iamActionsOf, iamActionProblem } from "../../lib/engine/iam-actions";
import { globMatch } from "../../lib/engine/iam/glob";
import { errorOf, gateFindings, only, policyOf, synth } from "./helpers";

const props = { roleName: "reader", assumedBy: [AgentPrincipal.role("arn:aws:iam::222222222220:role/platform/agent-runner")] };
const matches = (patterns: readonly string[], action: string) => patterns.some((p) => globMatch(p, action, { caseInsensitive: true }));

/** The secret-returning reads of the finding, by the service grantReadOnly was called for. */
const SECRET_READS: Record<string, string[]> = {
  appsync: ["appsync:ListApiKeys"],
  amplify: ["amplify:GetApp", "amplify:GetBranch", "amplify:ListApps", "amplify:ListBranches"],
  "cognito-idp": ["cognito-idp:DescribeUserPoolClient"],
  elasticbeanstalk: ["elasticbeanstalk:DescribeConfigurationSettings"],
  batch: ["batch:DescribeJobDefinitions", "batch:DescribeJobs"],
  apprunner: ["apprunner:DescribeService"],
  ec2: ["ec2:DescribeInstanceAttribute", "ec2:DescribeLaunchTemplateVersions", "ec2:GetLaunchTemplateData", "ec2:GetPasswordData"],
  codepipeline: ["codepipeline:GetJobDetails", "codepipeline:GetThirdPartyJobDetails"],
  connect: ["connect:GetFederationToken"],
  lakeformation: ["lakeformation:GetTemporaryGlueTableCredentials", "lakeformation:GetTemporaryGluePartitionCredentials"],
  "bedrock-agentcore": [
    "bedrock-agentcore:GetWorkloadAccessToken",
    "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
    "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
    "bedrock-agentcore:GetResourceApiKey",
    "bedrock-agentcore:GetResourceOauth2Token",
    "bedrock-agentcore:GetResourcePaymentToken",
  ],
  quicksight: ["quicksight:GetSessionEmbedUrl"],
  datazone: ["datazone:GetDomainExecutionRoleCredentials", "datazone:GetEnvironmentCredentials"],
  storagegateway: ["storagegateway:DescribeChapCredentials"],
  ssm: ["ssm:GetAccessToken", "ssm:GetParameter", "ssm:GetDocument"],
  // Its Get* was dropped whole before: the narrower patterns must not bring the container environments back.
  lightsail: ["lightsail:GetContainerServiceDeployments", "lightsail:GetContainerServices", "lightsail:GetRelationalDatabaseMasterUserPassword", "lightsail:GetInstanceAccessDetails"],
  // Catalogue 1.30.0: Spark Connect endpoints with their token, and an ACME binding's MAC key.
  athena: ["athena:GetSessionEndpoint"],
  glue: ["glue:GetSessionEndpoint", "glue:GetConnection"],
  elasticmapreduce: ["elasticmapreduce:GetSessionEndpoint"],
  "emr-serverless": ["emr-serverless:GetSessionEndpoint"],
  acm: ["acm:GetAcmeExternalAccountBindingCredentials"],
};

/** Ordinary reads of the same services that must stay granted (controls). */
const KEPT: Record<string, string[]> = {
  appsync: ["appsync:ListApis", "appsync:GetGraphqlApi"],
  amplify: ["amplify:ListJobs", "amplify:GetJob", "amplify:ListDomainAssociations"],
  "cognito-idp": ["cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolDomain", "cognito-idp:ListUserPoolClients"],
  elasticbeanstalk: ["elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeConfigurationOptions"],
  batch: ["batch:DescribeJobQueues", "batch:DescribeComputeEnvironments", "batch:ListJobs"],
  apprunner: ["apprunner:ListServices", "apprunner:DescribeCustomDomains"],
  ec2: ["ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeVolumes", "ec2:DescribeLaunchTemplates", "ec2:GetConsoleOutput"],
  codepipeline: ["codepipeline:GetPipeline", "codepipeline:GetPipelineState", "codepipeline:ListPipelines"],
  connect: ["connect:DescribeInstance", "connect:ListUsers"],
  lakeformation: ["lakeformation:GetDataLakeSettings", "lakeformation:ListPermissions"],
  "bedrock-agentcore": ["bedrock-agentcore:GetAgentRuntime", "bedrock-agentcore:ListAgentRuntimes"],
  quicksight: ["quicksight:DescribeDashboard", "quicksight:ListDashboards"],
  datazone: ["datazone:GetDomain", "datazone:GetEnvironment", "datazone:ListProjects"],
  storagegateway: ["storagegateway:DescribeGatewayInformation", "storagegateway:ListVolumes"],
  ssm: ["ssm:DescribeInstanceInformation", "ssm:GetInventory", "ssm:ListCommands"],
  lightsail: ["lightsail:GetInstances", "lightsail:GetContainerImages", "lightsail:GetRelationalDatabases"],
  athena: ["athena:GetWorkGroup", "athena:GetQueryExecution", "athena:GetSession", "athena:ListWorkGroups"],
  glue: ["glue:GetTable", "glue:GetDatabases", "glue:GetSession", "glue:ListSessions"],
  elasticmapreduce: ["elasticmapreduce:DescribeCluster", "elasticmapreduce:ListClusters", "elasticmapreduce:GetManagedScalingPolicy"],
  // GetDashboardForJobRun (a Spark UI) was reviewed and excluded: it stays granted.
  "emr-serverless": ["emr-serverless:GetApplication", "emr-serverless:GetSession", "emr-serverless:ListJobRuns", "emr-serverless:GetDashboardForJobRun"],
  acm: ["acm:GetCertificate", "acm:DescribeCertificate", "acm:ListCertificates", "acm:DescribeAcmeExternalAccountBinding"],
};

describe("grantReadOnly leaves out reads that return secrets or mint credentials (red-team round 86)", () => {
  const readOnly = (service: string): string[] => policyOf(only(synth((s) => new AgentRole(s, "A", props).grantReadOnly(service)).json, "aws_iam_role_policy")).Statement[0].Action;

  it.each(Object.keys(SECRET_READS))("%s: the secret reads are not granted, the other reads are", (service) => {
    const actions = readOnly(service);
    expect(SECRET_READS[service].filter((a) => matches(actions, a))).toEqual([]);
    expect(KEPT[service].filter((a) => !matches(actions, a))).toEqual([]);
    for (const a of actions) {
      expect([a, iamActionProblem(a, "")]).toEqual([a, undefined]);
      expect([a, catalogueMatches(a)]).toEqual([a, []]);
    }
  });

  it("the replacement patterns match exactly the verb's actions less the left-out ones", () => {
    const leaveOut = new Set(["ec2:describeinstanceattribute", "ec2:describelaunchtemplateversions"]);
    const patterns = readPatternsWithout("ec2", "Describe", leaveOut);
    for (const name of iamActionsOf("ec2")) {
      const action = `ec2:${name}`;
      const want = name.startsWith("Describe") && !leaveOut.has(action.toLowerCase());
      expect([action, matches(patterns, action)]).toEqual([action, want]);
    }
    // A prefix shared case-insensitively is one branch (DescribeInstances, DescribeInstanceStatus).
    expect(patterns).toContain("ec2:DescribeInstanceS*");
    // Nothing left out: the verb's own pattern.
    expect(readPatternsWithout("ec2", "Describe", new Set())).toEqual(["ec2:Describe*"]);
  });

  it("the statement for every affected service together stays well inside IAM's 10,240-character inline policy quota", () => {
    const { json } = synth((s) => {
      const role = new AgentRole(s, "A", props);
      for (const service of Object.keys(SECRET_READS)) role.grantReadOnly(service);
    });
    // Under 6,000 for the 16 services of 1.29.0; 1.30.0's five more (glue's 30 patterns the most) bring it to about 7,100.
    expect(only(json, "aws_iam_role_policy").policy.replace(/\s/g, "").length).toBeLessThan(8000);
  });

  it("the gate finds no stored-secret read in what grantReadOnly granted", () => {
    const { json } = synth((s) => {
      const role = new AgentRole(s, "A", props);
      for (const service of Object.keys(SECRET_READS)) role.grantReadOnly(service);
    });
    expect(gateFindings(json).filter((f) => f.startsWith("agent-stored-secret"))).toEqual([]);
  });

  it("allow() of a whole read verb that covers one points at grantReadOnly", () => {
    let role!: AgentRole;
    synth((s) => (role = new AgentRole(s, "A", props)));
    expect(errorOf(() => role.allow({ actions: ["ec2:Describe*"], resources: ["*"] })).message).toMatch(
      /^AgentRole\.allow: "ec2:Describe\*" covers ec2:DescribeInstanceAttribute, ec2:DescribeLaunchTemplateVersions, which are in .* To grant the service's other reads, call grantReadOnly\("ec2"\), which leaves these out\.$/,
    );
    // Control: an exact write-free read outside the catalogue is granted as written.
    expect(() => role.allow({ actions: ["ec2:DescribeInstances"], resources: ["*"] })).not.toThrow();
  });
});
