/**
 * Whether `output` shows `password`. Where the password is also the user's
 * name (CI's external server: `postgres:postgres`), the name alone proves
 * nothing, so the password is looked for where a password stands: after
 * `user:` in a URL, after `password=`, in a `PASSWORD '…'` literal.
 */
export function passwordShown(output: string, password: string, user: string): boolean {
  const forms = [password, encodeURIComponent(password)];
  if (password !== user) return forms.some((form) => output.includes(form));
  const escaped = forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`:(?:${escaped})@|password\\s*=\\s*'?(?:${escaped})\\b|PASSWORD\\s+'(?:${escaped})'`, 'i').test(
    output,
  );
}
