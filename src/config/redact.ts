/**
 * One routine that hides passwords in any text the package prints: error
 * messages, warnings, debug lines, a leftover connection's last query. It
 * knows every way PostgreSQL and libpq spell a password:
 *
 * - a URL's userinfo, `postgresql://user:password@host`, malformed ones too
 *   (`postgres//…`, a raw `@`, `/` or `'` in the password), and percent-encoded
 *   inside another URL (`postgresql%3A%2F%2Fuser%3Apassword%40host`);
 * - a URL parameter, `?password=…` or `&password=…`;
 * - a key=value connection string (`password=secret`, `password = 'se cret'`,
 *   quoted with doubled quotes or backslash escapes), and `PGPASSWORD=…`;
 * - SQL: `PASSWORD '…'` (`E'…'` and dollar quotes too), as in `ALTER ROLE`;
 * - JSON: `"password": "…"`.
 *
 * When in doubt it hides more: a quoted value that never closes is hidden to
 * the end of the text, and a URL password runs to the last `@` of its token.
 */

/** `scheme://` or a bare `//` (a malformed URL leaks as much as a good one). */
const URL_START = String.raw`(?:[a-z][a-z0-9+.-]*:)?\/\/`;

/**
 * A quoted value: single quotes with `''` or `\'` inside, `E'…'`, double
 * quotes, or a dollar quote. One that never closes runs to the end of the text.
 */
const QUOTED = String.raw`E?'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|"(?:[^"\\]|\\[\s\S]|"")*(?:"|$)|\$(?<tag>\w*)\$[\s\S]*?(?:\$\k<tag>\$|$)`;

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // postgresql://user:password@host: to the token's last `@`, since a raw `@`, `/` or `'` may sit in the password.
  [new RegExp(String.raw`(${URL_START}[^\s:/?#@]*):\S*@`, 'gi'), '$1:***@'],
  // user:password@host at the start of a token, with no scheme.
  [/(^|[\s"'(=`,])([^\s:/?#@"'`]+):(?!\/\/)[^\s"'`]*@/gi, '$1$2:***@'],
  // The same URL percent-encoded, as the value of another URL's parameter.
  [/(%3A%2F%2F(?:(?!%3A|%40)[^\s&/?#:@])*%3A)[^\s&]*%40/gi, '$1***%40'],
  // ?password=… and &password=…, plain or percent-encoded.
  [/([?&]password=)[^&\s]*/gi, '$1***'],
  [/((?:%3F|%26)password%3D)(?:(?!%26)[^\s&])*/gi, '$1***'],
  // key=value: libpq's conninfo (`password=…`), PGPASSWORD=…, --password=…; quoted or to the next space.
  [new RegExp(String.raw`((?<![\w?&%])\w*password\s*=\s*)(?:${QUOTED}|\S+)`, 'gi'), '$1***'],
  // JSON: "password": "…".
  [/("\w*password"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|$)/gi, '$1"***"'],
  // SQL: PASSWORD '…' in CREATE ROLE / ALTER ROLE / ALTER USER.
  [new RegExp(String.raw`(\bpassword\s+)(?:${QUOTED})`, 'gi'), "$1'***'"],
];

/** Text cut off at an unknown point (a server's copy of a long query): a URL's password may have lost its `@`. */
const CUT_USERINFO = new RegExp(String.raw`(${URL_START}[^\s:/?#@]*:)[^\s@]*$`, 'i');

export interface RedactOptions {
  /**
   * The text may have been cut off (a query as pg_stat_activity keeps it,
   * shortened to track_activity_query_size): also hide a URL password that
   * ends the text without its `@`.
   */
  readonly truncated?: boolean;
}

/**
 * Replaces every password in `text` with `***`. Safe on text that holds none.
 *
 * @example
 * redactPasswords("postgresql://app:s3cret@db/x and ALTER ROLE app PASSWORD 's3cret'");
 * // "postgresql://app:***@db/x and ALTER ROLE app PASSWORD '***'"
 */
export function redactPasswords(text: string, options: RedactOptions = {}): string {
  let redacted = text;
  for (const [pattern, replacement] of RULES) redacted = redacted.replace(pattern, replacement);
  return options.truncated ? redacted.replace(CUT_USERINFO, '$1***') : redacted;
}
