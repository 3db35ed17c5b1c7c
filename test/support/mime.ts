import { ParsedMail } from 'mailparser';

/** A raw header value as sent (mailparser folds List-* headers into a structured `list` object). */
export function headerValue(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
}
