/** `"name"`, with embedded quotes doubled: the only safe way to put an identifier into SQL text. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
