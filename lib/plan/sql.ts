/**
 * Reading SQL that a schedule, rule target or state machine runs: whether a statement only reads, as every engine
 * would read it alike, and where the APIs that run SQL take their statements.
 */
import { isObject } from "./values";

/** Stands for SQL blastwall cannot read: never read-only. */
export const UNKNOWN_SQL = "(SQL known only after apply, or not readable)";

/**
 * Where the APIs that run SQL (Athena, PartiQL on DynamoDB, the Redshift and RDS Data APIs) take their statements
 * in a universal target's input, by service (lower case) and API.
 */
export const SQL_FIELDS: Readonly<Record<string, (input: Record<string, unknown>) => unknown[]>> = {
  "athena:startqueryexecution": (i) => [i.QueryString],
  "dynamodb:executestatement": (i) => [i.Statement],
  "dynamodb:batchexecutestatement": (i) => (Array.isArray(i.Statements) ? i.Statements.map((x) => (isObject(x) ? x.Statement : undefined)) : [undefined]),
  "dynamodb:executetransaction": (i) => (Array.isArray(i.TransactStatements) ? i.TransactStatements.map((x) => (isObject(x) ? x.Statement : undefined)) : [undefined]),
  "redshiftdata:executestatement": (i) => [i.Sql],
  "redshiftdata:batchexecutestatement": (i) => (Array.isArray(i.Sqls) ? i.Sqls : [undefined]),
  "rdsdata:executestatement": (i) => [i.Sql],
  "rdsdata:batchexecutestatement": (i) => [i.Sql],
};

/**
 * One statement that only reads: SELECT, SHOW or DESCRIBE, with nothing after it, calling no function but the
 * common built-ins. (`WITH` may lead to a DELETE; `EXPLAIN ANALYZE` runs what it explains; a SELECT may call a
 * function that writes, `dblink_exec`, `cron.schedule`, or one of the database's own.) String literals and quoted
 * names are read as such, so a `;` or `--` inside them neither ends the statement nor starts a comment, and a quoted
 * function name is still a call.
 */
export function readOnlySql(sql: string, athena = false): boolean {
  return sqlRefusal(sql, athena) === undefined;
}

/**
 * Why a statement is not a plain read (for the message), or undefined when it is one. Read once, left to right, as
 * every engine would read it alike: strings (`'...'`), quoted names (`"..."`) and `-- ` comments are taken whole; what
 * engines read differently (dollar quoting, `#` and block comments, `--` without a space, escaped and Unicode strings,
 * backslashes, which only Athena reads as plain characters) is not judged.
 */
function sqlRefusal(sql: string, athena = false): string | undefined {
  if (sql === UNKNOWN_SQL) return "blastwall cannot read it";
  const differently = "which databases read differently";
  let text = "";
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    if (c === "'") {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === "\\" && !athena) return `it has a backslash in a string, ${differently}`;
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") j++;
          else break;
        }
      }
      if (j >= sql.length) return "a quote is left open";
      // A string right before `(` is no argument list: Unicode-escaped names (`U&"x" UESCAPE '!'(`) end that way.
      if (/^\s*\(/.test(sql.slice(j + 1))) return `it calls what a string names, ${differently}`;
      if (/[A-Za-z&]$/.test(sql.slice(0, i))) return `it has a prefixed string (E'', U&''), ${differently}`;
      text += " '' ";
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === '"') {
          if (sql[j + 1] === '"') j++;
          else break;
        }
      }
      if (j >= sql.length) return "a quote is left open";
      if (/&$/.test(sql.slice(0, i))) return `it has a Unicode-escaped name (U&""), ${differently}`;
      text += " quoted_name ";
      i = j + 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      if (i + 2 < sql.length && !/\s/.test(sql[i + 2])) return `it has -- without a space after it, ${differently}`;
      const end = sql.indexOf("\n", i);
      text += " ";
      i = end < 0 ? sql.length : end;
    } else if (c === "/" && sql[i + 1] === "*") {
      return `it has a block comment, ${differently}`;
    } else if (c === "#" || c === "$" || c === "\\") {
      return `it has ${c} outside a string, ${differently}`;
    } else {
      text += c;
      i++;
    }
  }
  text = text.trim().replace(/;\s*$/, "");
  if (text.includes(";")) return "it holds more than one statement";
  if (!/^(select|show|describe|with)\b/i.test(text)) return `it is no SELECT, SHOW or DESCRIBE (${text.split(/\s+/)[0]})`;
  // Anywhere in it, a word that writes (a CTE's body, SELECT ... INTO, a DDL tail).
  const writes = /\b(insert|update|delete|merge|upsert|create|drop|alter|truncate|grant|revoke|copy|unload|call|exec|execute|into|vacuum|analyze|replace\s+into)\b/i.exec(text);
  if (writes) return `it holds ${writes[1].toUpperCase()}`;
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = m[1].toLowerCase();
    const before = text.slice(0, m.index);
    // `AS t(i)` names an alias and its columns, and `::numeric(12,2)` a type: no calls.
    if (/\bas\s+$/i.test(before) || /::\s*$/.test(before)) continue;
    // A schema before the name (`evil.count(`) may hold a function of any name.
    if (/\.\s*$/.test(before)) return `it calls ${m[1]} of a schema, which blastwall does not know to only read`;
    if (!READ_FUNCTIONS.has(name) && !SQL_WORDS.has(name)) return `it calls ${m[1]}, which blastwall does not know to only read`;
  }
  return undefined;
}


/** Words of SQL itself that a `(` may follow: a subquery, a list, a window, a filter. */
const SQL_WORDS: ReadonlySet<string> = new Set(
  "and or not in from exists select where on join as values when then else using over filter any all some with case between like is by partition rows range unnest array map row interval lateral table set union intersect except within group having order limit offset distinct".split(" "),
);

/** Functions a read-only SELECT may call: aggregates, and scalar built-ins that change nothing. */
const READ_FUNCTIONS: ReadonlySet<string> = new Set(
  (
    "count sum avg min max stddev stddev_pop stddev_samp variance var_pop var_samp approx_distinct approx_percentile approx_count_distinct " +
    "array_agg string_agg listagg group_concat count_if bool_and bool_or arbitrary any_value max_by min_by histogram map_agg checksum " +
    "percentile_cont percentile_disc median mode ntile percent_rank cume_dist nth_value corr covar_pop covar_samp " +
    "coalesce nullif greatest least cast try_cast try convert lower upper trim ltrim rtrim length char_length substring substr " +
    "split_part split concat concat_ws replace position strpos lpad rpad reverse starts_with format md5 sha256 to_hex " +
    "round floor ceil ceiling abs mod power sqrt ln log log10 exp sign " +
    "date_trunc date_part extract date_add date_diff datediff dateadd now current_date current_timestamp localtimestamp " +
    "to_char to_date to_timestamp to_unixtime from_unixtime from_iso8601_timestamp from_iso8601_date date_format format_datetime " +
    "parse_datetime date_parse day_of_week day_of_year week quarter year month day hour minute second date timestamp at_timezone " +
    "json_extract json_extract_scalar json_extract_path_text json_parse json_format json_array_length json_size " +
    "regexp_like regexp_extract regexp_extract_all regexp_replace regexp_split regexp_count regexp_substr " +
    "cardinality element_at array_join array_contains array_distinct array_max array_min array_position array_sort array_remove " +
    "arrays_overlap contains sequence slice flatten map_keys map_values transform reduce zip filter " +
    "row_number rank dense_rank lag lead first_value last_value if nvl isnull ifnull nvl2 decode " +
    "generate_series getdate sysdate convert_timezone to_iso8601 url_extract_host url_extract_path url_extract_parameter typeof " +
    "pg_size_pretty pg_total_relation_size pg_relation_size left right trunc"
  ).split(" "),
);

export function shownSql(statements: readonly string[], athena = false): string {
  const first = statements.find((x) => !readOnlySql(x, athena)) ?? statements[0];
  const one = first.replace(/\s+/g, " ");
  const why = sqlRefusal(first, athena);
  return `${one.length > 120 ? `${one.slice(0, 117)}...` : one}${why ? ` (${why})` : ""}`;
}
