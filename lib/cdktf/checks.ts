import type { IConstruct } from "constructs";
import { join } from "path";
import type { BlastwallConfig } from "../engine/config-types";
import type { Finding } from "../engine/findings";
import type { Rule } from "../engine/rule";
import { buildStack } from "../engine/terraform/stack";
import { checkStacks } from "../check/run-check";
import { loadConfig, parseConfig } from "../config/load-config";
import { renderFinding as renderOne } from "../report/text";
import { allRules } from "../rules";
import { INHERIT_FROM_APP, installAppGuard, type Aspect } from "./app-guard";
import { framework } from "./framework";

installAppGuard();

/** What the gate needs of a stack: the TerraformStack of cdktf and of CDK Terrain both are one. */
export interface GuardedStack extends IConstruct {
  toTerraform(): unknown;
}

export interface BlastwallChecksProps {
  /** The config (agent selectors, severities, acknowledgements). @default read from `configFile` */
  readonly config?: BlastwallConfig;
  /** Path of a blastwall.json to read when `config` is not given. @default `blastwall.json` in the working directory, if present */
  readonly configFile?: string;
  /** Treat warnings that may hide a path as errors. @default false (or the config's `strict`) */
  readonly strict?: boolean;
  /** The rules to run. @default every blastwall rule */
  readonly rules?: readonly Rule[];
}

/**
 * cdktf's synthesizer calls `toTerraform()` again right after the validations to write the stack; resolving every
 * token of a large stack twice would double the cost of synth. The stack hands the JSON the gate analysed to the
 * rest of the current synchronous `app.synth()`, so the file written is exactly the one checked: a validation that
 * runs after the gate's, changes the stack and calls `toTerraform()` itself cannot get an unchecked JSON written.
 * The hand-over is dropped on the next tick.
 */
function writeWhatWasChecked(stack: GuardedStack, json: unknown): void {
  const own = stack as unknown as { toTerraform?: () => unknown };
  const checked = () => json;
  own.toTerraform = checked;
  process.nextTick(() => {
    if (own.toTerraform === checked) delete own.toTerraform;
  });
}

function stackFile(stack: GuardedStack): string {
  let outdir = "cdktf.out";
  try {
    outdir = framework().App.of(stack).outdir;
  } catch {
    // a stack outside an App (tests): keep the conventional folder name
  }
  return join(outdir, "stacks", stack.node.id, "cdk.tf.json");
}

/**
 * The synth-time gate. Add it once to the App (or to each stack):
 *
 *     Aspects.of(app).add(new BlastwallChecks());
 *
 * For each stack it registers a validation that analyses the stack's synthesized JSON (`toTerraform()`, so
 * `addOverride` cannot hide a grant) when `app.synth()` runs, and fails synth with a report when an error
 * finding is not acknowledged. Warnings become cdktf warning annotations.
 */
export class BlastwallChecks implements Aspect {
  readonly [INHERIT_FROM_APP] = true;
  private readonly guarded = new WeakSet<GuardedStack>();
  private configCache?: BlastwallConfig;

  constructor(private readonly props: BlastwallChecksProps = {}) {
    // A config given in code is checked like blastwall.json: a misspelt severity must not drop findings unseen.
    if (props.config !== undefined) parseConfig(props.config, "BlastwallChecks config");
    // The app has loaded its framework by now, even when it imported blastwall first.
    installAppGuard();
  }

  visit(node: IConstruct): void {
    const fw = framework();
    // Added to a construct inside a stack, the aspect never meets the stack itself: guard the stack that holds it.
    let stack: GuardedStack;
    if (fw.TerraformStack.isStack(node)) stack = node;
    else {
      try {
        stack = fw.TerraformStack.of(node);
      } catch {
        return; // the App itself, or a construct outside any stack
      }
    }
    if (this.guarded.has(stack)) return;
    this.guarded.add(stack);
    stack.node.addValidation({ validate: () => this.validateStack(stack) });
  }

  /** Findings for one stack, acknowledgements applied. Exposed for tests and custom pipelines. */
  findingsFor(stack: GuardedStack): Finding[] {
    return this.findingsOf(stack, stack.toTerraform());
  }

  private findingsOf(stack: GuardedStack, json: unknown): Finding[] {
    const model = buildStack(json, stackFile(stack), stack.node.id);
    const config = this.config();
    return [...checkStacks([model], { config, strict: this.props.strict ?? config.strict ?? false, rules: this.props.rules }).findings];
  }

  private validateStack(stack: GuardedStack): string[] {
    const json = stack.toTerraform();
    const findings = this.findingsOf(stack, json);
    const whys = new Map((this.props.rules ?? allRules).map((r) => [r.meta.id, r.meta.why]));
    const renderFinding = (f: Finding) => renderOne(f, whys.get(f.ruleId));
    for (const w of findings.filter((f) => f.severity === "warning" && !f.acknowledged)) {
      framework().Annotations.of(stack).addWarning(renderFinding(w));
    }
    const errors = findings.filter((f) => f.severity === "error" && !f.acknowledged);
    if (errors.length === 0) {
      writeWhatWasChecked(stack, json);
      return [];
    }
    return [
      `blastwall: ${errors.length} error finding(s) in stack "${stack.node.id}"; synth stops here.\n` +
        errors.map(renderFinding).join("\n\n"),
    ];
  }

  private config(): BlastwallConfig {
    if (!this.configCache) this.configCache = this.props.config ?? loadConfig(this.props.configFile);
    return this.configCache;
  }
}
