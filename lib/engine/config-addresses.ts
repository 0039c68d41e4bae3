/**
 * How blastwall.json's `protected` entries name resources: Terraform addresses and globs as the configuration writes
 * them. Shared by the plan gate (lib/plan) and the check-time protection rules, which must not load the gate to read
 * a config (the synth gate loads the rules at every `cdktf synth`).
 */
import { withoutInstanceKeys } from "./agents";
import { starMatch } from "./iam/glob";

/**
 * `addressMatch` for a configuration read as blocks (`blastwall check`): an entry naming one instance
 * (`aws_ebs_volume.data[0]`, `module.app["a"].aws_db_instance.db`) covers the block that makes it, since
 * `lifecycle` and a backup selection's reference are written once per block and hold for all its instances.
 */
export function blockAddressMatch(pattern: string, address: string): boolean {
  return addressMatch(pattern, address) || addressMatch(withoutInstanceKeys(pattern), address);
}

/**
 * `*` matches any run of characters (line breaks included: a `for_each` key may hold one); everything else literally
 * and case-sensitively, as Terraform addresses compare. Not a RegExp: one built from a pattern with many stars
 * backtracks for minutes on a long key (red-team round 98).
 */
export function globMatch(pattern: string, value: string): boolean {
  return pattern.includes("*") ? starMatch(pattern, value) : pattern === value;
}

/**
 * A config address covers itself, its instances (`x[0]`, `x["k"]`), and, for a module, everything inside it. It is
 * written as the configuration names it, so an address inside instances of a module (`module.db["prod"].aws_db_instance.main`)
 * is covered by the entry without keys (`module.db.aws_db_instance.main`), as `agents.addresses` is read: matched only
 * as the plan writes it, a `for_each` module's database was not protected at all.
 */
export function addressMatch(pattern: string, address: string): boolean {
  const covers = (a: string) =>
    pattern.includes("*") ? globMatch(pattern, a) : a === pattern || a.startsWith(`${pattern}[`) || a.startsWith(`${pattern}.`);
  if (covers(address)) return true;
  const bare = withoutInstanceKeys(address);
  if (bare !== address && covers(bare)) return true;
  // Keys on some steps only (`module.a["x"].module.b.aws_db_instance.d`): a step the entry writes without a key
  // stands for every instance there, and one with a key for that instance only (red-team round 101b).
  if (!pattern.includes("[") || bare === address) return false;
  const want = addressSteps(pattern);
  const have = addressSteps(address);
  if (!want || !have) return false;
  if (pattern.includes("*")) {
    // A glob with keys on some steps (`module.a["x"].module.b.aws_route53_record.*`, red-team round 104): the address
    // with its keys kept only where the entry writes one, then the glob. A `*` spanning steps may shift them: that only
    // drops more keys, which covers more.
    const projected = have.map((h, i) => (i < want.length && want[i].key === undefined ? h.name : `${h.name}${h.key ?? ""}`)).join(".");
    return globMatch(pattern, projected);
  }
  if (want.length > have.length) return false;
  return want.every((w, i) => w.name === have[i].name && (w.key === undefined || w.key === have[i].key));
}

/** `module.a["x"].aws_s3_bucket.b` → module, a ["x"], aws_s3_bucket, b; undefined where it is no address. */
function addressSteps(address: string): { name: string; key?: string }[] | undefined {
  const step = /([^.[\]"]+)(\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?(?:\.|$)/y;
  const out: { name: string; key?: string }[] = [];
  while (step.lastIndex < address.length) {
    const at = step.lastIndex;
    const m = step.exec(address);
    if (!m || step.lastIndex === at) return undefined;
    out.push(m[2] === undefined ? { name: m[1] } : { name: m[1], key: m[2] });
  }
  return out;
}
