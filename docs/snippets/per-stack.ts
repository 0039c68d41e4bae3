import { App, Aspects, TerraformStack } from "cdktf";
import { BlastwallChecks } from "blastwall";

const app = new App();
const stack = new TerraformStack(app, "prod");
Aspects.of(stack).add(new BlastwallChecks({ configFile: "blastwall.json" }));
app.synth();
