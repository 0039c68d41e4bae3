/**
 * An MCP server endpoint read as the gateway's HTTP client reads it (red-team round 164, F4): by WHATWG URL parsing,
 * which folds the host's case, percent-decodes it, drops a `user@` part and a default port `:443`, resolves `.` and
 * `..` path segments (`%2e` too) and takes `\` for `/`; then RFC 3986's equivalence of a percent-encoded unreserved
 * character with the character itself (`%61dmin` is `admin`). A host's trailing dot names the same host. Before this,
 * blastwall matched the text as written, so `https://mcp.example.com/status/../admin/mcp` was read at `/status` and
 * `https://user@mcp.example.com/` as a host of its own. What the parser refuses cannot be told: the caller makes it
 * unknown reach, never "nothing".
 *
 * Pieces of the endpoint blastwall reads as references (or cannot evaluate) are parsed as placeholder labels, so
 * they keep their place in the host; a path with one in it is unreadable (a `..` after it may undo any part of it), and
 * one in the user name or password makes the whole URL so (it may end the authority early).
 */
import type { TfResource } from "../terraform/types";

/**
 * A piece of the endpoint: text, a resource of the stack, or something blastwall cannot evaluate (`other`), with the
 * door-ish resources its expression mentions (`near`): a host built from one of those cannot be told to be elsewhere.
 */
export type Seg = { readonly text: string } | { readonly ref: TfResource } | { readonly other: true; readonly near?: readonly TfResource[]; readonly why?: string };

export type EndpointUrl =
  /** Not text at its start (a variable, a reference to a whole URL): the caller reads it its own way. */
  | { readonly kind: "opaque" }
  | { readonly kind: "unparsable"; readonly why: string }
  /**
   * `host`: its pieces, text lower-case without a trailing dot. `path`: the normalised path, undefined where a piece
   * blastwall cannot read is in it. `query` as parsed (placeholders and all).
   */
  | { readonly kind: "url"; readonly host: readonly Seg[]; readonly path?: string; readonly query: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** The endpoint's pieces (adjacent text merged) read as a URL; see the module comment. */
export function parseEndpoint(segs: readonly Seg[]): EndpointUrl {
  const head = segs[0];
  if (!head || !("text" in head)) return { kind: "opaque" };
  const written = segs.map((s) => ("text" in s ? s.text : "${...}")).join("");
  // A placeholder is a DNS label no literal part of this endpoint holds, so it comes back out where it went in.
  let tag = "bwz";
  while (segs.some((s) => "text" in s && s.text.toLowerCase().includes(tag))) tag += "z";
  const mark = (i: number): string => `${tag}${i}q`;
  const marks = new RegExp(`${tag}(\\d+)q`, "g");
  let url: URL;
  try {
    url = new URL(segs.map((s, i) => ("text" in s ? s.text : mark(i))).join(""));
  } catch {
    const around = segs.length > 1 ? ", with the parts it cannot evaluate in it" : "";
    return { kind: "unparsable", why: `blastwall cannot parse "${written}" as a URL${around}, the way an HTTP client would` };
  }
  if (url.protocol !== "https:") return { kind: "unparsable", why: `"${written}" is not an https URL blastwall can read` };
  // A placeholder before the host's `@` (`https://${var.user}:${var.pass}@host/`, red-team round 169a, F8) may hold a
  // `/`, `?`, `#` or `@` that ends the authority early or moves it: the host may be any host.
  if (segs.some((s, i) => !("text" in s) && `${url.username}:${url.password}`.includes(mark(i)))) {
    return { kind: "unparsable", why: `"${written}" has a part blastwall cannot evaluate before the host's @ (the user name or password), which may hold a /, ?, # or @ and so make any host the URL's` };
  }
  const host: Seg[] = [];
  const hostname = url.hostname.replace(/\.$/, "");
  let at = 0;
  for (const m of hostname.matchAll(marks)) {
    if (m.index! > at) host.push({ text: hostname.slice(at, m.index) });
    host.push(segs[Number(m[1])]);
    at = m.index! + m[0].length;
  }
  if (at < hostname.length || host.length === 0) host.push({ text: hostname.slice(at) });
  // A placeholder found nowhere but the path, or gone from it (dropped by a `..`), makes the path unreadable.
  const elsewhere = `${url.username}:${url.password}@${url.hostname}:${url.port}${url.search}${url.hash}`;
  const inPath = segs.some((s, i) => !("text" in s) && !elsewhere.includes(mark(i)));
  const path = inPath ? undefined : url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (m, h: string) => (UNRESERVED.test(String.fromCharCode(parseInt(h, 16))) ? String.fromCharCode(parseInt(h, 16)) : m.toUpperCase()));
  return { kind: "url", host, ...(path === undefined ? {} : { path }), query: url.search };
}

/** The host as one lower-case text, or undefined where a piece of it is no text. */
export function hostText(url: Extract<EndpointUrl, { kind: "url" }>): string | undefined {
  return url.host.every((s) => "text" in s) ? url.host.map((s) => (s as { text: string }).text).join("") : undefined;
}
