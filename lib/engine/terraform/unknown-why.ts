/**
 * Why an expression blastwall left as `${...}` is unknown, in words a reviewer can act on. Both readers leave what they
 * cannot evaluate as its source: the HCL evaluator renders an `Unk` with every reference rewritten to its address and
 * every known part substituted (lib/hcl/values.ts), and cdk.tf.json holds the tokens cdktf wrote. What is left in the
 * source therefore names the cause: a reference to something known only later (`terraform.workspace`, a variable
 * without a value, a data source, a resource attribute), or, where no such reference is left, a function blastwall does
 * not evaluate (`yamldecode`).
 */

/**
 * The expression's code with the text of its string literals blanked: a YAML document or an action name inside a string
 * (`"aws_s3_bucket.x.arn"`) is no reference. Interpolations inside strings stay, as code.
 */
function codeOf(src: string): string {
  let out = "";
  let i = 0;
  const scan = (stopAtBrace: boolean): void => {
    let depth = 0;
    while (i < src.length) {
      const c = src[i];
      if (c === '"') {
        out += " ";
        i++;
        while (i < src.length && src[i] !== '"') {
          if (src[i] === "\\") i += 2;
          else if ((src[i] === "$" || src[i] === "%") && src[i + 1] === src[i] && src[i + 2] === "{") i += 3;
          else if ((src[i] === "$" || src[i] === "%") && src[i + 1] === "{") {
            i += 2;
            out += " ";
            scan(true);
            out += " ";
            i++;
          } else i++;
        }
        i++;
        out += " ";
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}") {
        if (stopAtBrace && depth === 0) return;
        depth--;
      }
      out += c;
      i++;
    }
  };
  scan(false);
  return out;
}

/** A traversal `a.b`, `a.b[0].c`: not one that follows a call, an index or another traversal (`yamldecode(x).agent`). */
const TRAVERSAL = /(?<![\w.)\]-])([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[[^\]]*\])+)/g;
/** A function call `name(`, not a method-like `x.name(` (HCL has none, but a provider function `provider::a::b(` is not one blastwall names). */
const CALL = /(?<![\w.:])([a-z][a-z0-9_]*)\s*\(/g;

const MAX_REASONS = 3;

/**
 * Each reference or call that makes `expr` (the source inside `${...}`, or with them) unknown, as a clause. `hasDefault`
 * tells a variable with a default (a list where a string template stands) from one without.
 */
export function unknownCauses(expr: string, hasDefault?: (variable: string) => boolean): string[] {
  // The plan gate's stand-in (AFTER_APPLY in policy-documents.ts), as written or as `showExpr` shows it.
  if (/\$\{unknown_after_apply\}|\(a value known only after apply\)/.test(expr)) {
    return ["the plan shows its value as known only after apply"];
  }
  const code = codeOf(expr.replace(/^\s*\$\{([\s\S]*)\}\s*$/, "$1"));
  const out: string[] = [];
  const add = (s: string) => {
    if (!out.includes(s)) out.push(s);
  };
  for (const m of code.matchAll(TRAVERSAL)) {
    const head = m[1];
    const steps = m[2].split(/(?=[.[])/).filter((x) => x !== "");
    const name = steps[0]?.startsWith(".") ? steps[0].slice(1) : undefined;
    if (name === undefined) continue;
    const whole = `${head}${m[2]}`.replace(/\s+/g, "");
    switch (head) {
      case "terraform":
        if (name === "workspace") add("terraform.workspace is not known before plan: it is whichever workspace is selected when Terraform runs");
        break;
      case "var":
        add(
          hasDefault?.(name)
            ? `var.${name} has a default, but not one blastwall can use where it stands`
            : `var.${name} has no value blastwall can read: no default, and no value in the .tfvars files it was given`,
        );
        break;
      case "local":
        add(`local.${name} cannot be evaluated`);
        break;
      case "data": {
        const attr = steps[1]?.startsWith(".") ? `.${steps[1].slice(1)}` : "";
        add(`data.${name}${attr} is read from the account when Terraform plans`);
        break;
      }
      case "module":
        add(`module.${name} is a module whose outputs blastwall cannot see`);
        break;
      case "each":
      case "count":
        add(`${whole} is known only per instance, which blastwall cannot tell apart`);
        break;
      case "path":
      case "self":
        break;
      default:
        // A resource attribute (`aws_iam_role.r.arn`): its type has an underscore; a `for` expression's own
        // variable (`x.actions`) has no meaning outside and is not named.
        if (head.includes("_")) add(`${whole} is known only after apply`);
    }
  }
  if (out.length === 0) {
    const calls = [...new Set([...code.matchAll(CALL)].map((m) => m[1]).filter((f) => f !== "for" && f !== "if"))];
    if (calls.length > 0) add(`blastwall cannot evaluate ${calls.map((f) => `${f}(...)`).join(", ")} here`);
  }
  return out.length > MAX_REASONS ? [...out.slice(0, MAX_REASONS), "and more"] : out;
}

/** `unknownCauses` as one clause: "terraform.workspace is not known before plan ...", or a plain fallback. */
export function whyUnknown(expr: string, hasDefault?: (variable: string) => boolean): string {
  const causes = unknownCauses(expr, hasDefault);
  if (causes.length === 0) return "blastwall cannot evaluate it";
  if (causes.length === 1) return causes[0];
  return `${causes.slice(0, -1).join("; ")}; ${causes[causes.length - 1]}`;
}
