/**
 * hcl2json without a promise. cdktf runs validations synchronously, and `@cdktf/hcl2json` only offers `parse` as an
 * async function; yet the Go program behind it answers a call before returning (its callback runs inside the
 * call). So the synth-time gate starts its own instance of the same WebAssembly module synchronously and calls it
 * directly: the same parser `blastwall check` uses, so a module is read the same way at synth and in CI.
 *
 * This leans on the package's layout (`wasm/bridge_wasm_exec.js`, `main.wasm.gz`, the global it registers on),
 * which its version pin in package.json holds still. Anything unexpected throws `ParserUnavailable`; the gate
 * then leaves the module to `unknown-module`, which fails closed.
 */
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { gunzipSync } from "zlib";
import { ParserUnavailable } from "./config";

type Callback = (err: unknown, result?: string) => void;
// The DOM library (which declares WebAssembly) is not in this package's lib: the few members used, as Node has them.
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
type Bridge = { parse?: (file: string, text: string, cb: Callback) => void };
/** The members of wasm_exec.js's `Go` this file uses. */
type GoRuntime = { importObject: object; run(i: object): Promise<void>; exited?: boolean; _scheduledTimeouts?: Map<number, ReturnType<typeof setTimeout>> };

const GLOBAL = "__parse_terraform_config_wasm__";
let bridge: Bridge | undefined;
let runtime: GoRuntime | undefined;
let compiled: object | undefined;

/**
 * Drops an instance whose Go program stopped or was broken by an exception thrown through it (a stack overflow): its
 * timers would wake the broken program once idle (`fatal error: malloc deadlock`), and every later call would fail.
 * The next call starts a fresh instance.
 */
function drop(): void {
  const go = runtime;
  bridge = undefined;
  runtime = undefined;
  if (!go) return;
  for (const t of go._scheduledTimeouts?.values() ?? []) clearTimeout(t);
  go._scheduledTimeouts?.clear();
  go.exited = true;
}

function start(): Bridge {
  const g = globalThis as unknown as Record<string, unknown>;
  let root: string;
  try {
    root = join(dirname(require.resolve("@cdktf/hcl2json")), "..");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(join(root, "wasm", "bridge_wasm_exec.js"));
  } catch (e) {
    throw new ParserUnavailable(`@cdktf/hcl2json cannot be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  const Go = g["Go"] as (new () => GoRuntime) | undefined;
  if (typeof Go !== "function") throw new ParserUnavailable("@cdktf/hcl2json did not define its Go runtime");
  const go = new Go();
  // Compiled once: an instance dropped after a failure is replaced without compiling the program again.
  compiled ??= new wasm.Module(gunzipSync(readFileSync(join(root, "main.wasm.gz"))));
  const instance = new wasm.Instance(compiled, go.importObject);
  const own: Bridge = {};
  // The program registers its functions on this global when it starts, synchronously: the package's own instance
  // (if any) keeps its object, which is put back at once.
  const had = Object.prototype.hasOwnProperty.call(g, GLOBAL);
  const saved = g[GLOBAL];
  g[GLOBAL] = own;
  try {
    void go.run(instance);
  } finally {
    if (had) g[GLOBAL] = saved;
    else delete g[GLOBAL];
  }
  if (typeof own.parse !== "function") throw new ParserUnavailable("@cdktf/hcl2json registered no parse function");
  runtime = go;
  return own;
}

/** Parses one HCL file as `@cdktf/hcl2json`'s `parse` does; throws its error for a file it rejects. */
export function parseHclSync(file: string, text: string): Record<string, unknown> {
  try {
    bridge ??= start();
  } catch (e) {
    throw e instanceof ParserUnavailable ? e : new ParserUnavailable(`@cdktf/hcl2json cannot be started: ${e instanceof Error ? e.message : String(e)}`);
  }
  let done = false;
  let error: unknown;
  let result: string | undefined;
  try {
    bridge.parse!(file, text, (err, res) => {
      done = true;
      error = err;
      result = res;
    });
  } catch (e) {
    drop();
    throw new ParserUnavailable(`the HCL parser failed inside @cdktf/hcl2json (${e instanceof Error ? e.message : String(e)}); it is restarted for the next file`);
  }
  if (runtime?.exited) {
    drop();
    throw new ParserUnavailable("the HCL parser's Go program stopped; it is restarted for the next file");
  }
  if (!done) {
    drop();
    throw new ParserUnavailable("@cdktf/hcl2json did not answer synchronously");
  }
  if (error) throw new Error(String(error));
  return JSON.parse(result!) as Record<string, unknown>;
}
