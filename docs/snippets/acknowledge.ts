import { App, TerraformStack } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { acknowledge } from "blastwall";

const stack = new TerraformStack(new App(), "ops");
const janitor = new IamRole(stack, "janitor", {
  assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
  tags: { "blastwall:agent": "true" },
});
acknowledge(janitor, {
  ruleId: "agent-destroy-right",
  actions: ["ec2:DeleteVolume"],
  grants: "51db066e8fd7508e",
  reason: "deletes scratch volumes tagged env=scratch only; reviewed by platform team",
  expires: "2027-03-31",
});
