import { App, Aspects } from "cdktf";
import { BlastwallChecks } from "blastwall";

const app = new App();
// ... your stacks ...
Aspects.of(app).add(new BlastwallChecks()); // guards every stack of the app
app.synth();
